//! The errors of this crate: a contract file that does not parse or is inconsistent (naming the key
//! and its line and column), contracts that conflict with each other or with the known queues, and
//! inputs an evaluation or an invoice cannot use.

use std::fmt;

/// Where in a contract file something is: 1-based line and column, and the key path
/// (`terms[1].target`; array indices are 0-based).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub key: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.key.is_empty()) {
            (0, true) => Ok(()),
            (0, false) => write!(f, "{}: ", self.key),
            (_, true) => write!(f, "line {}, column {}: ", self.line, self.column),
            (_, false) => write!(
                f,
                "line {}, column {}: {}: ",
                self.line, self.column, self.key
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContractError {
    /// Not TOML, a wrong type, an unknown or missing key.
    #[error("{at}{message}")]
    Syntax { at: Location, message: String },
    /// Well-formed but refused by a consistency rule.
    #[error("{at}{message}")]
    Invalid { at: Location, message: String },
    /// Several contracts, or a contract and the store, disagree (overlapping versions, unknown queues).
    #[error("{0}")]
    Conflict(String),
}

/// Inputs an evaluation, invoice or reconciliation cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    Invalid(String),
    /// A vendor invoice CSV problem, with its 1-based line.
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}
