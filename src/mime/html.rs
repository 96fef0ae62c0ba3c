//! HTML reduced to plain text, the way mail clients write the text/plain
//! alternative of the same message, so that one parser reads both:
//! block elements end lines, `<blockquote>` quotes its lines with `> `,
//! `<hr>` and Outlook's top-bordered header `<div>` become the line of
//! underscores Outlook writes in plain text, and a `mailto:` link whose
//! text is a name gets its address after it (`Name <a@b>`), as Windows Live
//! Mail and Outlook Express show the sender only as a link.
//!
//! A small hand-written scanner, not an HTML5 parser: it never panics,
//! runs in one pass, and ignores what it does not understand. Text that
//! only looks like a tag (`<jane@example.com>`, `a < b`) stays text.

/// Elements whose start and end break the line.
const BLOCKS: &[&str] = &[
    "p", "div", "tr", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dl",
    "dt", "dd", "section", "article", "header", "footer", "center", "address", "form", "body",
    "html", "tbody", "thead",
];

/// Elements whose content is not text.
const SKIPPED: &[&str] = &["head", "style", "script", "title", "template", "xml"];

/// The separator Outlook writes in plain text above a forwarded header.
const RULE: &str = "________________________________";

/// Reduces HTML to plain text.
pub fn to_text(html: &str) -> String {
    let mut out = Out::default();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.text(rest);
            break;
        };
        out.text(rest.get(..lt).unwrap_or(""));
        let from_lt = rest.get(lt..).unwrap_or("");
        rest = match tag(from_lt) {
            Some((tag, after)) => out.apply(&tag, after),
            None => {
                // Not a tag: the `<` is text.
                out.text("<");
                from_lt.get(1..).unwrap_or("")
            }
        };
    }
    out.finish()
}

/// One tag.
struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: &'a str,
    /// A comment, doctype or processing instruction: nothing to do.
    ignored: bool,
}

/// Reads the tag at the start of `s` (which starts with `<`); returns it
/// and the text after it, or `None` when this `<` does not open a tag.
fn tag(s: &str) -> Option<(Tag<'_>, &str)> {
    let body = s.get(1..)?;
    if let Some(comment) = body.strip_prefix("!--") {
        let end = comment.find("-->").map_or(comment.len(), |e| e + 3);
        return Some((ignored(), comment.get(end..).unwrap_or("")));
    }
    if body.starts_with('!') || body.starts_with('?') {
        let end = body.find('>').map_or(body.len(), |e| e + 1);
        return Some((ignored(), body.get(end..).unwrap_or("")));
    }
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == '_'))
        .unwrap_or(body.len());
    let name = body.get(..name_len)?;
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    // `<jane@example.com>`: an address written raw, not a tag.
    if body.get(name_len..)?.starts_with('@') {
        return None;
    }
    let end = attrs_end(body.get(name_len..)?)?;
    let attrs = body.get(name_len..name_len + end)?;
    let after = body.get(name_len + end + 1..).unwrap_or("");
    Some((
        Tag {
            name: name.to_ascii_lowercase(),
            closing,
            attrs,
            ignored: false,
        },
        after,
    ))
}

fn ignored() -> Tag<'static> {
    Tag {
        name: String::new(),
        closing: false,
        attrs: "",
        ignored: true,
    }
}

/// The offset of the `>` that ends the attributes (quotes may hold `>`).
fn attrs_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` (lower-case) in `attrs`.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower.get(from..)?.find(name) {
        let at = from + found;
        let before_ok = at == 0
            || lower
                .get(..at)
                .and_then(|b| b.chars().next_back())
                .is_some_and(char::is_whitespace);
        let rest = attrs.get(at + name.len()..)?.trim_start();
        if before_ok && let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            return Some(match value.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = value.get(1..)?;
                    inner.get(..inner.find(q).unwrap_or(inner.len()))?
                }
                _ => value
                    .get(..value.find(char::is_whitespace).unwrap_or(value.len()))?
                    .trim_end_matches('/'),
            });
        }
        from = at + name.len();
    }
    None
}

/// The text being written.
#[derive(Default)]
struct Out {
    text: String,
    /// Blockquote depth.
    depth: usize,
    at_line_start: bool,
    pending_space: bool,
    /// Inside `<pre>`: white space kept.
    pre: usize,
    /// Where the text of an open `mailto:` link starts, and its address.
    link: Option<(usize, String)>,
}

impl Out {
    fn apply<'a>(&mut self, tag: &Tag<'_>, after: &'a str) -> &'a str {
        if tag.ignored {
            return after;
        }
        if SKIPPED.contains(&tag.name.as_str()) && !tag.closing && !tag.attrs.ends_with('/') {
            // Skip to the matching end tag.
            let close = format!("</{}", tag.name);
            let lower = after.to_ascii_lowercase();
            return match lower.find(&close) {
                Some(at) => {
                    let rest = after.get(at..).unwrap_or("");
                    rest.find('>').and_then(|e| rest.get(e + 1..)).unwrap_or("")
                }
                None => "",
            };
        }
        let name = tag.name.as_str();
        match (name, tag.closing) {
            ("br", _) => self.force_newline(),
            ("hr", false) => {
                self.newline();
                self.line(RULE);
            }
            ("blockquote", false) => {
                self.newline();
                self.depth += 1;
            }
            ("blockquote", true) => {
                self.newline();
                self.depth = self.depth.saturating_sub(1);
            }
            ("div", false) if is_outlook_header(tag.attrs) => {
                self.newline();
                self.line(RULE);
            }
            ("pre", false) => {
                self.newline();
                self.pre += 1;
            }
            ("pre", true) => {
                self.newline();
                self.pre = self.pre.saturating_sub(1);
            }
            ("td" | "th", _) => self.pending_space = !self.at_line_start || self.pending_space,
            ("a", false) => {
                self.link = attr(tag.attrs, "href")
                    .and_then(|h| {
                        h.strip_prefix("mailto:")
                            .or_else(|| h.strip_prefix("MAILTO:"))
                    })
                    .map(|addr| {
                        let addr = addr.split('?').next().unwrap_or(addr);
                        (self.text.len(), decode(addr))
                    });
            }
            ("a", true) => {
                if let Some((start, address)) = self.link.take() {
                    let shown = self.text.get(start..).unwrap_or("");
                    if !shown.contains('@') && !shown.trim().is_empty() && address.contains('@') {
                        self.text.push_str(" <");
                        self.text.push_str(&address);
                        self.text.push('>');
                    }
                }
            }
            _ if BLOCKS.contains(&name) => self.newline(),
            _ => {}
        }
        after
    }

    /// Writes text, decoding entities and collapsing white space.
    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let decoded = decode(raw);
        if self.pre > 0 {
            for (i, part) in decoded.split('\n').enumerate() {
                if i > 0 {
                    self.force_newline();
                }
                self.write(part);
            }
            return;
        }
        for (i, word) in decoded.split(|c: char| c.is_ascii_whitespace()).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if !word.is_empty() {
                self.write(word);
            }
        }
    }

    fn write(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.at_line_start || self.text.is_empty() {
            self.prefix(true);
            self.at_line_start = false;
            self.pending_space = false;
        } else if self.pending_space {
            self.text.push(' ');
            self.pending_space = false;
        }
        self.text.push_str(s);
    }

    fn prefix(&mut self, content_follows: bool) {
        for i in 0..self.depth {
            self.text.push('>');
            if content_follows || i + 1 < self.depth {
                self.text.push(' ');
            }
        }
    }

    /// A whole line of its own (the rule only once in a row: Outlook on the
    /// web writes both an `<hr>` and its header `<div>`).
    fn line(&mut self, s: &str) {
        if self.text.trim_end_matches(['\n', ' ', '>']).ends_with(s) {
            return;
        }
        self.write(s);
        self.newline();
    }

    /// Ends the current line, if it has text.
    fn newline(&mut self) {
        if !self.at_line_start && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.at_line_start = true;
        self.pending_space = false;
    }

    /// Ends the line even when empty (`<br>`).
    fn force_newline(&mut self) {
        if self.at_line_start || self.text.is_empty() {
            self.prefix(false);
        }
        self.text.push('\n');
        self.at_line_start = true;
        self.pending_space = false;
    }

    fn finish(self) -> String {
        self.text
    }
}

/// Outlook desktop puts its forwarded header in a `<div>` with only a top
/// border; its plain text has the line of underscores instead.
fn is_outlook_header(attrs: &str) -> bool {
    attr(attrs, "style").is_some_and(|style| {
        let compact: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        compact.contains("border-top:solid") && compact.contains("border:none")
    }) || attr(attrs, "id").is_some_and(|id| id.eq_ignore_ascii_case("divRplyFwdMsg"))
}

/// Decodes character references.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        let end = after
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| entity(after.get(..e)?));
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = after.get(e + 1..).unwrap_or("");
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "nbsp" => '\u{a0}',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "laquo" => '«',
        "raquo" => '»',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "euro" => '€',
        "shy" => '\u{ad}',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        _ => return latin1(name),
    })
}

/// Named references of the Latin-1 letters (Outlook writes `&uuml;`).
fn latin1(name: &str) -> Option<char> {
    const LETTERS: &str = "AEligÆAacuteÁAcircÂAgraveÀAringÅAtildeÃAumlÄCcedilÇETHÐEacuteÉEcircÊEgraveÈEumlËIacuteÍIcircÎIgraveÌIumlÏNtildeÑOacuteÓOcircÔOgraveÒOslashØOtildeÕOumlÖTHORNÞUacuteÚUcircÛUgraveÙUumlÜYacuteÝaacuteáacircâaeligæagraveàaringåatildeãaumläccedilçeacuteéecircêegraveèethðeumlëiacuteíicircîigraveìiumlïntildeñoacuteóocircôograveòoslashøotildeõoumlöszligßthornþuacuteúucircûugraveùuumlüyacuteýyumlÿ";
    // The table is name then letter, repeated: find the name followed by a
    // non-ASCII letter, at a place where a name starts.
    let mut rest = LETTERS;
    while !rest.is_empty() {
        let split = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        let key = rest.get(..split).unwrap_or("");
        let mut tail = rest.get(split..).unwrap_or("").chars();
        let letter = tail.next();
        if key == name {
            return letter;
        }
        rest = tail.as_str();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_breaks_and_entities() {
        let t = to_text(
            "<div>a&amp;b</div><div><br></div><p>c&nbsp;d &#233; &#x41; &uuml;&szlig;&AElig;&yuml;&bogus;</p>",
        );
        assert_eq!(t, "a&b\n\nc\u{a0}d é A üßÆÿ&bogus;\n");
    }

    #[test]
    fn blockquotes_quote() {
        let t =
            to_text("x<blockquote type=\"cite\"><div>From: A</div><br><div>y</div></blockquote>z");
        assert_eq!(t, "x\n> From: A\n>\n> y\nz");
    }

    #[test]
    fn skipped_and_odd_markup() {
        let t = to_text(
            "<head><style>p{}</style></head><!-- c --><b>On x, J <j@x.com> wrote:</b> a < b",
        );
        assert_eq!(t, "On x, J <j@x.com> wrote: a < b");
        for odd in [
            "<",
            "<a",
            "<a href='x",
            "&",
            "&#xzz;",
            "<!--",
            "<style>",
            "</",
            "<p/>",
            "<a href=mailto:>x</a>",
        ] {
            let _ = to_text(odd);
        }
    }

    #[test]
    fn mailto_names_get_their_address() {
        let t = to_text(
            "From: <a href=\"mailto:j@x.com\">John Doe</a><br>To: <a href=\"mailto:k@x.com\">k@x.com</a>",
        );
        assert_eq!(t, "From: John Doe <j@x.com>\nTo: k@x.com");
    }

    #[test]
    fn outlook_separators() {
        let t = to_text("<p>hi</p><hr><div id=\"divRplyFwdMsg\"><b>From:</b> A</div>");
        assert_eq!(t, format!("hi\n{RULE}\nFrom: A\n"));
    }
}
