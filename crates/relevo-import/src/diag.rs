//! Diagnostics: what is wrong with which row, where.

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
        match (&self.column_index, &self.column) {
            (Some(i), Some(c)) => write!(f, ", column {i} ({c:?})")?,
            (None, Some(c)) => write!(f, ", column {c:?}")?,
            (Some(i), None) => write!(f, ", column {i}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.reason)?;
        if let Some(v) = &self.value {
            let shown: String = v.chars().take(80).collect();
            write!(f, ": {shown:?}")?;
        }
        Ok(())
    }
}
