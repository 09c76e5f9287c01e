#![no_main]
//! Canonical CSV (relevo import FILE.csv): any bytes, never a panic, never an invalid record.

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use relevo_import::{CsvRows, Options};

fuzz_target!(|data: &[u8]| {
    match CsvRows::new(data, &Options::default()) {
        Ok(rows) => common::drain(rows),
        Err(d) => common::check_short(&d.to_string()),
    }
});
