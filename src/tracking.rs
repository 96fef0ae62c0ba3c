//! Tracking ids per `spec/tracking.md`: `crml-` followed by 26 characters of
//! lower-case RFC 4648 base32 (no padding) encoding 128 random bits.
//!
//! Invariant: an id encodes nothing but randomness; parsing accepts upper
//! case and always yields the canonical lower-case form.

use std::fmt;

/// The fixed prefix of every tracking id.
pub const PREFIX: &str = "crml-";
/// Number of base32 characters after the prefix (128 bits, 5 bits each).
pub const BODY_LEN: usize = 26;
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A tracking id in canonical (lower-case) form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TrackingId(String);

/// Why a string is not a tracking id.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ParseError {
    /// The string does not start with `crml-` (any case).
    MissingPrefix,
    /// The part after the prefix is not 26 characters long.
    WrongLength(usize),
    /// A character outside the base32 alphabet `a-z2-7`.
    BadCharacter(char),
    /// The last character carries bits beyond the 128 encoded ones.
    NonCanonicalTail,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::MissingPrefix => write!(f, "a tracking id starts with \"crml-\""),
            ParseError::WrongLength(n) => write!(
                f,
                "a tracking id has {BODY_LEN} characters after \"crml-\", not {n}"
            ),
            ParseError::BadCharacter(c) => {
                write!(f, "{c:?} is not a base32 character (a-z, 2-7)")
            }
            ParseError::NonCanonicalTail => {
                write!(f, "the last character encodes bits beyond 128")
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// The platform's cryptographic random source failed.
#[derive(Debug)]
pub struct RandomUnavailable(pub String);

impl fmt::Display for RandomUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no cryptographic random source: {}", self.0)
    }
}

impl std::error::Error for RandomUnavailable {}

impl TrackingId {
    /// A fresh id from the platform's cryptographic random source
    /// (`crypto.getRandomValues` in the browser, the OS natively).
    pub fn generate() -> Result<TrackingId, RandomUnavailable> {
        let mut bytes = [0u8; 16];
        getrandom::getrandom(&mut bytes).map_err(|e| RandomUnavailable(e.to_string()))?;
        Ok(TrackingId::from_bytes(bytes))
    }

    /// The id that encodes these 128 bits.
    pub fn from_bytes(bytes: [u8; 16]) -> TrackingId {
        let mut s = String::with_capacity(PREFIX.len() + BODY_LEN);
        s.push_str(PREFIX);
        // RFC 4648: take 5 bits at a time from the front; the final group
        // holds the last 3 bits followed by two zero pad bits.
        let mut buffer: u16 = 0;
        let mut held = 0u32;
        for byte in bytes {
            buffer = (buffer << 8) | u16::from(byte);
            held += 8;
            while held >= 5 {
                held -= 5;
                s.push(ALPHABET[usize::from((buffer >> held) & 0x1f)] as char);
            }
        }
        if held > 0 {
            s.push(ALPHABET[usize::from((buffer << (5 - held)) & 0x1f)] as char);
        }
        TrackingId(s)
    }

    /// Parses an id, accepting upper case.
    pub fn parse(text: &str) -> Result<TrackingId, ParseError> {
        let prefix_ok = text
            .get(..PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX));
        if !prefix_ok {
            return Err(ParseError::MissingPrefix);
        }
        let body = &text[PREFIX.len()..];
        let len = body.chars().count();
        if len != BODY_LEN {
            return Err(ParseError::WrongLength(len));
        }
        let mut value: u128 = 0;
        let mut last = 0u8;
        for c in body.chars() {
            let v = match c.to_ascii_lowercase() {
                l @ 'a'..='z' => l as u8 - b'a',
                d @ '2'..='7' => d as u8 - b'2' + 26,
                _ => return Err(ParseError::BadCharacter(c)),
            };
            value = (value << 5) | u128::from(v);
            last = v;
        }
        // The two pad bits must be zero, or two spellings would name one id.
        if last & 0b11 != 0 {
            return Err(ParseError::NonCanonicalTail);
        }
        Ok(TrackingId(format!("{PREFIX}{}", body.to_ascii_lowercase())))
    }

    /// The canonical text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_round_trips() {
        let id = TrackingId::parse("crml-5knz5jl7dedbbq6rwxvrobvw5m").unwrap();
        assert_eq!(id.as_str(), "crml-5knz5jl7dedbbq6rwxvrobvw5m");
        let upper = TrackingId::parse("CRML-5KNZ5JL7DEDBBQ6RWXVROBVW5M").unwrap();
        assert_eq!(upper, id);
    }

    #[test]
    fn bytes_encode_like_rfc4648() {
        // RFC 4648 test vector: base32("f") = "MY======"; here 16 bytes of
        // 0xff give 25 times '7' and a final group of three ones and two pad
        // zeros: 0b11100 = 28 = '4'.
        let id = TrackingId::from_bytes([0xff; 16]);
        assert_eq!(id.as_str(), format!("crml-{}4", "7".repeat(25)));
        let zero = TrackingId::from_bytes([0; 16]);
        assert_eq!(zero.as_str(), format!("crml-{}", "a".repeat(26)));
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(
            TrackingId::parse("crm-aaaa"),
            Err(ParseError::MissingPrefix)
        );
        assert_eq!(
            TrackingId::parse("crml-abc"),
            Err(ParseError::WrongLength(3))
        );
        assert_eq!(
            TrackingId::parse(&format!("crml-{}1", "a".repeat(25))),
            Err(ParseError::BadCharacter('1'))
        );
        assert_eq!(
            TrackingId::parse(&format!("crml-{}b", "a".repeat(25))),
            Err(ParseError::NonCanonicalTail)
        );
        assert!(TrackingId::parse("").is_err());
        assert!(TrackingId::parse("crml-ééééééééééééééééééééééééé").is_err());
    }

    #[test]
    fn generated_ids_parse_back() {
        for _ in 0..100 {
            let id = TrackingId::generate().unwrap();
            assert_eq!(TrackingId::parse(id.as_str()).unwrap(), id);
        }
    }
}
