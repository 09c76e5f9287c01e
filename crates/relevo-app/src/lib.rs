//! relevo's application layer: every operation that the command line and the server both offer,
//! written once. Each function takes a store handle (`&dyn relevo_store::Store`), the time (`now_ms`,
//! `as_of_ms`) and its settings as parameters and returns typed results; the binary parses
//! arguments and renders them for a terminal, the server parses requests and renders JSON and HTML.
//!
//! Not here: HTTP (relevo-server), the terminal and files (the binary), SQL (relevo-store), KPI
//! formulas (relevo-metrics), contract judging and pricing (relevo-contracts), queueing and
//! forecasting math (relevo-queueing, relevo-forecast).

pub mod accounts;
pub mod contracts;
pub mod erlang;
pub mod evaluation;
pub mod forecast;
pub mod history;
pub mod planning;
pub mod reports;
pub mod routing;
pub mod transitions;
pub mod whatif;

use relevo_store::StoreError;

/// Why an operation could not be done, in terms both front ends map to their own (an exit code
/// and a message; an HTTP status).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller's input is not acceptable: the field (a flag or a parameter) and why.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// What was asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request does not fit the data as it stands (too little history, a state it cannot
    /// leave).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something that should not fail did (the operating system's randomness, a timestamp out of
    /// range): the message is for the log.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// Bad input in `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

impl From<relevo_forecast::ForecastError> for Error {
    fn from(e: relevo_forecast::ForecastError) -> Self {
        Error::Invalid {
            field: None,
            message: e.to_string(),
        }
    }
}

/// Date arithmetic out of range: a bug or an absurd input, never a user's everyday error.
impl From<jiff::Error> for Error {
    fn from(e: jiff::Error) -> Self {
        Error::Internal(e.to_string())
    }
}

impl From<evaluation::EvalError> for Error {
    fn from(e: evaluation::EvalError) -> Self {
        match e {
            evaluation::EvalError::Store(e) => Error::Store(e),
            evaluation::EvalError::Contract(e) => Error::Internal(e.to_string()),
            evaluation::EvalError::Msg(m) => Error::NotFound(m),
        }
    }
}

impl From<relevo_contracts::InputError> for Error {
    fn from(e: relevo_contracts::InputError) -> Self {
        Error::Invalid {
            field: None,
            message: e.to_string(),
        }
    }
}
