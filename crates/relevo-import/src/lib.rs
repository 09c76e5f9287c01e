//! Parsers that turn provider exports into canonical contact records (docs/DEFINITIONS.md §3).
//!
//! Every parser reads from `impl Read`, streams (memory does not grow with the file), and yields one
//! [`Item`] per source row: a record, a row skipped by a mapping rule, or a [`Diagnostic`] naming the
//! line, column, value and reason. Parsers never open files, touch a store or hash customer keys.
//!
//! Formats: canonical CSV (optionally through a TOML [`Mapping`]), canonical JSON lines, and Amazon
//! Connect contact trace records ([`ctr`]).

pub mod body;
mod canonical;
pub mod ctr;
mod diag;
pub mod history;
mod hours;
mod limit;
mod mapping;
mod value;
mod write;

pub use canonical::{CANONICAL, CsvRows, JsonlRows, Options};
pub use ctr::CtrRows;
pub use diag::Diagnostic;
pub use hours::{HoursRow, parse_hours};
pub use limit::{LineLimit, MAX_LINE_BYTES};
pub use mapping::{Mapping, MappingError};
pub use value::{parse_duration_ms, parse_timestamp_ms};
pub use write::{canonical_fields, canonical_header};

use relevo_core::ContactRecord;

/// One source row's result.
#[derive(Debug)]
pub enum Item {
    Record(Box<ContactRecord>),
    /// Left out on purpose (a mapping `skip` rule, a CTR that never reached a queue); the reason says why.
    Skipped(String),
    Invalid(Diagnostic),
    /// The input cannot be read further (an IO error, a line past [`MAX_LINE_BYTES`]): the parser
    /// stops here, so an import that goes on would silently miss the rest of the file. Importers
    /// abort on it, whatever their mode.
    Unreadable(Diagnostic),
}

/// Input formats relevo can import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    AmazonConnectCtr,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "csv" => Ok(Self::Csv),
            "jsonl" => Ok(Self::Jsonl),
            "amazon-connect-ctr" => Ok(Self::AmazonConnectCtr),
            _ => Err(format!(
                "unknown format {s:?} (expected auto, csv, jsonl or amazon-connect-ctr)"
            )),
        }
    }
}

/// Guesses the format from a file name and its first bytes.
pub fn detect_format(file_name: &str, head: &[u8]) -> Format {
    let lower = file_name.to_ascii_lowercase();
    let text = String::from_utf8_lossy(head);
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{') | Some('['))
        || lower.ends_with(".json")
        || lower.ends_with(".jsonl")
    {
        if text.contains("\"ContactId\"") || text.contains("AWSContactTraceRecordFormatVersion") {
            Format::AmazonConnectCtr
        } else {
            Format::Jsonl
        }
    } else {
        Format::Csv
    }
}
