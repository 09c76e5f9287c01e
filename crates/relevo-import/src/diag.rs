//! Diagnostics: what is wrong with which row, where.

use relevo_core::quote;
use std::fmt;

/// A problem in the input: 1-based line, the column (position and name when known), the value, the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: u64,
    /// 1-based column position in a CSV row.
    pub column_index: Option<usize>,
    /// Column or field name.
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
    /// The offending row as read (CSV fields re-joined with the delimiter, or the JSON line), for reject files.
    pub row: Option<String>,
}

impl Diagnostic {
    pub fn row(line: u64, reason: impl Into<String>) -> Self {
        Diagnostic {
            line,
            column_index: None,
            column: None,
            value: None,
            reason: reason.into(),
            row: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        match (&self.column_index, &self.column.as_deref().map(quote)) {
            (Some(i), Some(c)) => write!(f, ", column {i} ({c})")?,
            (None, Some(c)) => write!(f, ", column {c}")?,
            (Some(i), None) => write!(f, ", column {i}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.reason)?;
        if let Some(v) = &self.value {
            write!(f, ": {}", quote(v))?;
        }
        Ok(())
    }
}

/// A UTF-8 byte order mark. Every format skips one at the start of a file (spreadsheet exports
/// write it) and nowhere else.
pub(crate) const BOM: &str = "\u{feff}";

/// What every format says of a file with nothing in it but blank lines (and a byte order mark).
pub(crate) fn empty_file() -> Diagnostic {
    Diagnostic::row(1, "the file is empty: no header and no records")
}

/// Reads past a byte order mark and blank lines at the start of a line-based input, returning how
/// many lines it read; an input with nothing else is [`empty_file`]. Both JSON formats start here,
/// so an empty file is refused before any row, as the CSV reader refuses one without a header.
pub(crate) fn skip_blank_start<R: std::io::BufRead>(input: &mut R) -> Result<u64, Diagnostic> {
    let mut lines = 0;
    let mut first = true;
    loop {
        let buf = input
            .fill_buf()
            .map_err(|e| Diagnostic::row(lines + 1, format!("cannot read: {e}")))?;
        if buf.is_empty() {
            return Err(empty_file());
        }
        let mut n = 0;
        if first && buf.starts_with(BOM.as_bytes()) {
            n = BOM.len();
        }
        first = false;
        while n < buf.len() && buf[n].is_ascii_whitespace() {
            lines += u64::from(buf[n] == b'\n');
            n += 1;
        }
        let done = n < buf.len();
        input.consume(n);
        if done {
            return Ok(lines);
        }
    }
}
