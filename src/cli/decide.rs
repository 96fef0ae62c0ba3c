//! `crmlog decide` (spec/decide.md): one decision per event, as JSON.
//!
//! Exit 0 whenever a decision was made, 2 for unreadable or invalid input
//! with a message naming the file, the line and the field. With `--events`
//! every line is decided before anything is printed, so a bad line prints
//! nothing.

use crate::policy::{Decision, Engine, EventInput, InputError, account_from_json};
use clap::Args as ClapArgs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `crmlog decide`.
#[derive(ClapArgs, Debug)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["event", "events"])))]
pub struct Args {
    /// The account (users, contacts, never-log list, …) as JSON.
    #[arg(long, value_name = "ACCOUNT.json")]
    pub account: PathBuf,
    /// One event as JSON: prints one decision, indented.
    #[arg(long, value_name = "EVENT.json")]
    pub event: Option<PathBuf>,
    /// One event per line: prints one decision per line, same order.
    #[arg(long, value_name = "EVENTS.jsonl")]
    pub events: Option<PathBuf>,
}

/// An input error located in a file: `file:line: field `path`: message`.
struct Located {
    file: String,
    line: Option<usize>,
    error: InputError,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.error)
    }
}

/// Runs `crmlog decide`.
pub fn run(args: Args) -> ExitCode {
    match decide_all(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => super::input_error(e),
    }
}

fn read(path: &Path) -> Result<String, Located> {
    std::fs::read_to_string(path).map_err(|e| Located {
        file: path.display().to_string(),
        line: None,
        error: InputError {
            path: String::new(),
            message: format!("cannot read: {e}"),
            line: None,
        },
    })
}

/// Places an error from JSON text: the reader's line when it knew one,
/// else the line of the field its path names.
fn locate(file: &Path, text: &str, first_line: usize, error: InputError) -> Located {
    let line = error
        .line
        .or_else(|| json_path::line_of(text, &error.path))
        .map(|l| l + first_line - 1);
    Located {
        file: file.display().to_string(),
        line,
        error,
    }
}

fn decide_all(args: &Args) -> Result<String, Located> {
    let account_text = read(&args.account)?;
    let account =
        account_from_json(&account_text).map_err(|e| locate(&args.account, &account_text, 1, e))?;
    let engine = Engine::new(&account).map_err(|e| locate(&args.account, &account_text, 1, e))?;

    if let Some(path) = &args.event {
        let text = read(path)?;
        let decision = decide_one(&engine, path, &text, 1)?;
        return Ok(format!("{}\n", decision.to_json_pretty()));
    }
    let Some(path) = &args.events else {
        return Ok(String::new());
    };
    let text = read(path)?;
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        // Blank lines are skipped (decide.md).
        if line.trim().is_empty() {
            continue;
        }
        let decision = decide_one(&engine, path, line, i + 1)?;
        out.push_str(&decision.to_json());
        out.push('\n');
    }
    Ok(out)
}

/// Reads one event (JSON `text` starting at `first_line` of `file`),
/// loads its `raw_file` next to the file, and decides it.
fn decide_one(
    engine: &Engine,
    file: &Path,
    text: &str,
    first_line: usize,
) -> Result<Decision, Located> {
    let input: EventInput = crate::policy::event_input_from_json(text)
        .map_err(|e| locate(file, text, first_line, e))?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let event = input
        .into_event(|rel| {
            std::fs::read(dir.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))
        })
        .map_err(|e| locate(file, text, first_line, e))?;
    engine
        .decide(&event)
        .map_err(|e| locate(file, text, first_line, e))
}

/// Finding the line of a field named by a JSON path (`users[0].email`) in
/// JSON text that has already been read successfully.
pub(crate) mod json_path {
    enum Step {
        Key(String),
        Index(usize),
    }

    fn steps(path: &str) -> Option<Vec<Step>> {
        let mut out = Vec::new();
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (part.get(..i)?, part.get(i..)?),
                None => (part, ""),
            };
            if !key.is_empty() {
                out.push(Step::Key(key.to_string()));
            }
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                out.push(Step::Index(r.get(..end)?.parse().ok()?));
                rest = r.get(end + 1..)?;
            }
        }
        Some(out)
    }

    /// The 1-based line where the value at `path` starts (for a key that
    /// is present; else the line of the innermost enclosing value found).
    pub fn line_of(text: &str, path: &str) -> Option<usize> {
        let steps = steps(path)?;
        let b = text.as_bytes();
        let mut pos = skip_ws(b, 0);
        for step in &steps {
            match (step, b.get(pos)) {
                (Step::Key(k), Some(b'{')) => match find_key(b, pos, k) {
                    Some(p) => pos = p,
                    None => break,
                },
                (Step::Index(n), Some(b'[')) => match find_index(b, pos, *n) {
                    Some(p) => pos = p,
                    None => break,
                },
                _ => break,
            }
        }
        Some(1 + b.get(..pos)?.iter().filter(|c| **c == b'\n').count())
    }

    fn skip_ws(b: &[u8], mut i: usize) -> usize {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        i
    }

    /// End of the string starting at `i` (which is `"`), past the quote.
    fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
        i += 1;
        loop {
            match b.get(i)? {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
    }

    fn skip_value(b: &[u8], i: usize) -> Option<usize> {
        match b.get(i)? {
            b'"' => skip_string(b, i),
            open @ (b'{' | b'[') => {
                let close = if *open == b'{' { b'}' } else { b']' };
                let mut j = skip_ws(b, i + 1);
                if b.get(j) == Some(&close) {
                    return Some(j + 1);
                }
                loop {
                    if *open == b'{' {
                        j = skip_ws(b, skip_string(b, j)?);
                        j = skip_ws(b, j + 1); // the colon
                    }
                    j = skip_ws(b, skip_value(b, j)?);
                    match b.get(j)? {
                        b',' => j = skip_ws(b, j + 1),
                        c if *c == close => return Some(j + 1),
                        _ => return None,
                    }
                }
            }
            _ => {
                let mut j = i;
                while b
                    .get(j)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    j += 1;
                }
                Some(j)
            }
        }
    }

    fn find_key(b: &[u8], obj: usize, key: &str) -> Option<usize> {
        let mut j = skip_ws(b, obj + 1);
        while b.get(j) == Some(&b'"') {
            let end = skip_string(b, j)?;
            let name: String = serde_json::from_slice(b.get(j..end)?).ok()?;
            let colon = skip_ws(b, end);
            let value = skip_ws(b, colon + 1);
            if name == key {
                return Some(value);
            }
            j = skip_ws(b, skip_value(b, value)?);
            if b.get(j) != Some(&b',') {
                return None;
            }
            j = skip_ws(b, j + 1);
        }
        None
    }

    fn find_index(b: &[u8], arr: usize, n: usize) -> Option<usize> {
        let mut j = skip_ws(b, arr + 1);
        for _ in 0..n {
            j = skip_ws(b, skip_value(b, j)?);
            if b.get(j) != Some(&b',') {
                return None;
            }
            j = skip_ws(b, j + 1);
        }
        Some(j)
    }

    #[cfg(test)]
    mod tests {
        use super::line_of;

        #[test]
        fn finds_nested_fields() {
            let text = "{\n \"a\": 1,\n \"users\": [\n  {\"id\": \"x\"},\n  {\"id\": \"y\",\n   \"email\": \"e\"}\n ]\n}";
            assert_eq!(line_of(text, "users[1].email"), Some(6));
            assert_eq!(line_of(text, "users[0]"), Some(4));
            assert_eq!(line_of(text, "a"), Some(2));
            assert_eq!(line_of(text, "missing"), Some(1));
            assert_eq!(line_of(text, ""), Some(1));
        }
    }
}
