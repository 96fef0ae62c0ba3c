//! Dates as mail clients print them in forwarded blocks, in any of the
//! known languages, normalised to RFC 3339.
//!
//! Clients print the original date in the forwarder's local time, often
//! without a zone. Then the caller's offset is used when it knows one (the
//! forward's own `Date` header, see `parse_message`), otherwise the offset
//! is written `-00:00`, which RFC 3339 (section 4.3) reserves for "offset
//! unknown". All-numeric dates where day and month could be swapped
//! (`02/10/2023`) are read month first when a 12-hour clock is used (the US
//! convention), day first otherwise.

use super::labels::{MAX_KEY, MONTHS, MONTHS_HR, ZONES, eq_fold, key_in};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Num { value: u32, digits: usize },
    Word(&'a str),
    Punct(char),
}

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_ascii_digit() {
            let mut value: u32 = 0;
            let mut digits = 0;
            while let Some(&(_, d)) = chars.peek() {
                let Some(v) = d.to_digit(10).filter(|_| d.is_ascii_digit()) else {
                    break;
                };
                value = value.saturating_mul(10).saturating_add(v);
                digits += 1;
                chars.next();
            }
            out.push(Tok::Num { value, digits });
        } else if c.is_alphabetic() && !is_cjk_unit(c) {
            let mut end = start;
            while let Some(&(at, d)) = chars.peek() {
                if d.is_alphabetic() && !is_cjk_unit(d) {
                    end = at + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Word(text.get(start..end).unwrap_or("")));
        } else {
            if !c.is_whitespace() {
                out.push(Tok::Punct(c));
            }
            chars.next();
        }
    }
    out
}

fn is_cjk_unit(c: char) -> bool {
    matches!(c, '年' | '月' | '日' | '時' | '分' | '秒')
}

/// Normalises a date as written to RFC 3339, or `None` when no date and
/// time of day can be read from it. `croatian` selects Croatian month
/// names; `default_offset` (minutes east of UTC) is used when the text
/// names no zone.
pub(crate) fn to_rfc3339(
    text: &str,
    croatian: bool,
    default_offset: Option<i32>,
) -> Option<String> {
    let toks = tokenize(text);
    let mut used = vec![false; toks.len()];
    let pm = am_pm(&toks);

    let (year, month, day, date_end) = if text.contains('年') && text.contains('月') {
        cjk_date(&toks, &mut used)?
    } else {
        numeric_date(&toks, &mut used, pm.is_some())
            .or_else(|| word_date(&toks, &mut used, croatian))?
    };
    let (mut hour, minute, second, time_end) = time(&toks, &mut used, date_end)?;
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    if hour > 23 || minute > 59 || second > 60 || !valid_day(year, month, day) {
        return None;
    }
    let offset = zone(&toks, &used, time_end).or(default_offset);
    let zone = match offset {
        Some(minutes) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            format!("{sign}{:02}:{:02}", m / 60, m % 60)
        }
        None => "-00:00".to_string(),
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}"
    ))
}

fn valid_day(year: u32, month: u32, day: u32) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2200).contains(&year) && day >= 1 && day <= days
}

/// `Some(true)` for PM, `Some(false)` for AM, `None` for a 24-hour clock.
fn am_pm(toks: &[Tok<'_>]) -> Option<bool> {
    toks.iter().enumerate().find_map(|(i, t)| match t {
        Tok::Word(w) if eq_fold(w, "pm") => Some(true),
        Tok::Word(w) if eq_fold(w, "am") => Some(false),
        // "p.m." and "a.m."
        Tok::Word(w) if matches!(toks.get(i + 1), Some(Tok::Punct('.'))) => {
            match (*w, toks.get(i + 2)) {
                ("p", Some(Tok::Word("m"))) => Some(true),
                ("a", Some(Tok::Word("m"))) => Some(false),
                _ => None,
            }
        }
        _ => None,
    })
}

fn num(t: Option<&Tok<'_>>) -> Option<(u32, usize)> {
    match t {
        Some(Tok::Num { value, digits }) => Some((*value, *digits)),
        _ => None,
    }
}

/// `2022年9月19日`.
fn cjk_date(toks: &[Tok<'_>], used: &mut [bool]) -> Option<(u32, u32, u32, usize)> {
    let find_before = |unit: char| {
        toks.iter()
            .position(|t| *t == Tok::Punct(unit))
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| num(toks.get(i)).map(|(v, _)| (i, v)))
    };
    // The units are tokenised as punctuation by `tokenize`.
    let (yi, year) = find_before('年')?;
    let (mi, month) = find_before('月')?;
    let (di, day) = find_before('日')?;
    for i in [yi, mi, di] {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    Some((year, month, day, di + 1))
}

fn month_of(word: &str, croatian: bool) -> Option<u32> {
    // Every stem has three letters at least.
    word.chars().nth(2)?;
    let mut buf = [0u8; 2 * MAX_KEY];
    let lower = key_in(word, &mut buf)?;
    let first = *lower.as_bytes().first()?;
    let tables: &[&[(&str, u8)]] = if croatian {
        &[MONTHS_HR, MONTHS]
    } else {
        &[MONTHS]
    };
    for table in tables {
        let mut best: Option<(usize, u8)> = None;
        for &(stem, month) in *table {
            if stem.as_bytes().first() != Some(&first) {
                continue;
            }
            let score = if lower.starts_with(stem) {
                stem.chars().count()
            } else if lower.chars().count() >= 3 && stem.starts_with(lower) {
                lower.chars().count()
            } else {
                continue;
            };
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, month));
            }
        }
        if let Some((_, month)) = best {
            return Some(u32::from(month));
        }
    }
    None
}

/// A date with the month as a word: the year is a 4-digit number, the
/// month the month word nearest to it (weekdays such as Spanish `mar` or
/// French `mardi` also look like months), the day the number nearest to the
/// month.
fn word_date(
    toks: &[Tok<'_>],
    used: &mut [bool],
    croatian: bool,
) -> Option<(u32, u32, u32, usize)> {
    let yi = toks.iter().position(
        |t| matches!(t, Tok::Num { value, digits: 4 } if (1900..=2200).contains(value)),
    )?;
    let year = num(toks.get(yi))?.0;
    let (mi, month) = toks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Tok::Word(w) => month_of(w, croatian).map(|m| (i, m)),
            _ => None,
        })
        .min_by_key(|&(i, _)| (i.abs_diff(yi), usize::MAX - i))?;
    // The day: a number of 1 or 2 digits next to the month, not part of a
    // time (followed by ':').
    let is_day = |i: usize| {
        matches!(toks.get(i), Some(Tok::Num { value, digits }) if *digits <= 2 && (1..=31).contains(value))
            && !matches!(toks.get(i + 1), Some(Tok::Punct(':')))
            && i != yi
    };
    let mut day_at = None;
    for distance in 1..=3 {
        let before = mi.checked_sub(distance).filter(|&i| is_day(i));
        let after = Some(mi + distance).filter(|&i| is_day(i));
        if let Some(i) = before.or(after) {
            day_at = Some(i);
            break;
        }
    }
    let di = day_at?;
    let day = num(toks.get(di))?.0;
    for i in [yi, mi, di] {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    Some((year, month, day, yi.max(mi).max(di) + 1))
}

/// `28/10/2021`, `28.10.2021`, `27. 10. 2021`, `2021-10-28`, `28/10/21`.
fn numeric_date(
    toks: &[Tok<'_>],
    used: &mut [bool],
    twelve_hour: bool,
) -> Option<(u32, u32, u32, usize)> {
    for i in 0..toks.len() {
        let (
            Some((a, ad)),
            Some(Tok::Punct(s1)),
            Some((b, _)),
            Some(Tok::Punct(s2)),
            Some((c, cd)),
        ) = (
            num(toks.get(i)),
            toks.get(i + 1),
            num(toks.get(i + 2)),
            toks.get(i + 3),
            num(toks.get(i + 4)),
        )
        else {
            continue;
        };
        if s1 != s2
            || !matches!(s1, '/' | '.' | '-')
            || matches!(toks.get(i + 5), Some(Tok::Punct(':')))
        {
            continue;
        }
        // Two-digit years only with slashes: `09.26.50` is a time.
        if ad != 4 && cd != 4 && *s1 != '/' {
            continue;
        }
        let (year, month, day) = if ad == 4 {
            (a, b, c)
        } else if cd == 4 || cd == 2 {
            let year = if cd == 2 { 2000 + c } else { c };
            if a > 12 || (!twelve_hour && b <= 12) {
                (year, b, a)
            } else {
                (year, a, b)
            }
        } else {
            continue;
        };
        for u in used.iter_mut().skip(i).take(5) {
            *u = true;
        }
        return Some((year, month, day, i + 5));
    }
    None
}

/// The time of day: `9:31`, `14:25:08`, or with dots (`09.31`,
/// `17.55.44`, Nordic locales) after the date.
fn time(toks: &[Tok<'_>], used: &mut [bool], date_end: usize) -> Option<(u32, u32, u32, usize)> {
    let at = |i: usize, sep: char| -> Option<(u32, u32, u32, usize)> {
        let (h, _) = num(toks.get(i))?;
        if toks.get(i + 1) != Some(&Tok::Punct(sep)) {
            return None;
        }
        let (m, md) = num(toks.get(i + 2))?;
        if md != 2 {
            return None;
        }
        if toks.get(i + 3) == Some(&Tok::Punct(sep))
            && let Some((s, 2)) = num(toks.get(i + 4))
        {
            return Some((h, m, s, i + 5));
        }
        Some((h, m, 0, i + 3))
    };
    let found = (0..toks.len())
        .filter(|&i| !used.get(i).copied().unwrap_or(true))
        .find_map(|i| at(i, ':'))
        .or_else(|| {
            (date_end..toks.len())
                .filter(|&i| !used.get(i).copied().unwrap_or(true))
                .find_map(|i| at(i, '.'))
        })?;
    let (_, _, _, end) = found;
    let start = end.saturating_sub(5);
    for u in used.iter_mut().take(end).skip(start) {
        *u = true;
    }
    Some(found)
}

/// The zone after the time: `+0100`, `-04:00`, `GMT+1`, `UTC+03:00`,
/// `(GMT+02:00)` or an abbreviation.
fn zone(toks: &[Tok<'_>], used: &[bool], from: usize) -> Option<i32> {
    let mut i = from;
    while i < toks.len() {
        if used.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        match toks.get(i) {
            Some(Tok::Punct(sign @ ('+' | '-' | '−'))) => {
                if let Some(offset) = numeric_offset(*sign, &toks[i + 1..]) {
                    return Some(offset);
                }
            }
            Some(Tok::Word(w)) => {
                let is_base = eq_fold(w, "GMT") || eq_fold(w, "UTC") || eq_fold(w, "UT");
                if is_base
                    && let Some(Tok::Punct(sign @ ('+' | '-' | '−'))) = toks.get(i + 1)
                    && let Some(offset) = numeric_offset(*sign, toks.get(i + 2..).unwrap_or(&[]))
                {
                    return Some(offset);
                }
                if let Some(&(_, offset)) = ZONES.iter().find(|(name, _)| eq_fold(name, w)) {
                    return Some(offset);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn numeric_offset(sign: char, rest: &[Tok<'_>]) -> Option<i32> {
    let (v, digits) = num(rest.first())?;
    let minutes = match digits {
        4 => (v / 100) * 60 + v % 100,
        1 | 2 => {
            let mins = match (rest.get(1), num(rest.get(2))) {
                (Some(Tok::Punct(':')), Some((m, 2))) => m,
                _ => 0,
            };
            v * 60 + mins
        }
        _ => return None,
    };
    if minutes > 14 * 60 {
        return None;
    }
    let minutes = i32::try_from(minutes).ok()?;
    Some(if sign == '+' { minutes } else { -minutes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Option<String> {
        to_rfc3339(text, false, None)
    }

    #[test]
    fn english_forms() {
        assert_eq!(
            d("Wed, Oct 27, 2021 at 9:31 AM").as_deref(),
            Some("2021-10-27T09:31:00-00:00")
        );
        assert_eq!(
            d("25 October 2021 at 11:17:21 EEST").as_deref(),
            Some("2021-10-25T11:17:21+03:00")
        );
        assert_eq!(
            d("Monday, September 19, 2022, 5:55:44 PM -0400").as_deref(),
            Some("2022-09-19T17:55:44-04:00")
        );
        assert_eq!(
            d("Tue, 3 May 2016 14:54:27 +0200 (CEST)").as_deref(),
            Some("2016-05-03T14:54:27+02:00")
        );
        assert_eq!(
            d("02/10/2023 4:52 PM EST").as_deref(),
            Some("2023-02-10T16:52:00-05:00")
        );
        assert_eq!(
            d("Tuesday, November 2, 2021, 09:26:50 AM GMT+1").as_deref(),
            Some("2021-11-02T09:26:50+01:00")
        );
    }

    #[test]
    fn other_languages() {
        assert_eq!(
            d("ons. 27. okt. 2021 kl. 09.31").as_deref(),
            Some("2021-10-27T09:31:00-00:00")
        );
        assert_eq!(
            d("mié, 27 oct 2021 a las 9:31").as_deref(),
            Some("2021-10-27T09:31:00-00:00")
        );
        assert_eq!(
            d("mar, 2 nov 2021 09:26").as_deref(),
            Some("2021-11-02T09:26:00-00:00")
        );
        assert_eq!(
            d("2021. október 26. 14:25:08 EEST").as_deref(),
            Some("2021-10-26T14:25:08+03:00")
        );
        assert_eq!(
            d("maanantai 19. syyskuuta 2022 klo 17.55.44 -0400").as_deref(),
            Some("2022-09-19T17:55:44-04:00")
        );
        assert_eq!(
            d("2022年9月19日月曜日 17:55:44 -0400").as_deref(),
            Some("2022-09-19T17:55:44-04:00")
        );
        assert_eq!(
            d("Среда, 14 июня 2017, 15:19 +03:00").as_deref(),
            Some("2017-06-14T15:19:00+03:00")
        );
        assert_eq!(
            d("середа, 27 жовтня 2021 р. о 09:31").as_deref(),
            Some("2021-10-27T09:31:00-00:00")
        );
        assert_eq!(
            d("čtvrtek, 28. října 2021 12:06").as_deref(),
            Some("2021-10-28T12:06:00-00:00")
        );
        assert_eq!(
            d("st 27. 10. 2021 o 9:31").as_deref(),
            Some("2021-10-27T09:31:00-00:00")
        );
        assert_eq!(
            d("28/10/21, 12:46").as_deref(),
            Some("2021-10-28T12:46:00-00:00")
        );
        assert_eq!(
            to_rfc3339("sri, 27. lis 2021. u 09:31", true, Some(120)).as_deref(),
            Some("2021-10-27T09:31:00+02:00")
        );
        assert_eq!(
            d("utorok 2. novembra 2021, 09:26:50 SEČ").as_deref(),
            Some("2021-11-02T09:26:50+01:00")
        );
    }

    #[test]
    fn unreadable() {
        assert_eq!(d("yesterday"), None);
        assert_eq!(d("31/02/2021 10:00"), None);
        assert_eq!(d(""), None);
        assert_eq!(d("2021 2021 2021"), None);
    }
}
