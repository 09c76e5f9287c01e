#![no_main]
//! Canonical JSON lines: any bytes, never a panic, never an invalid record.

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use relevo_import::{JsonlRows, Options};

fuzz_target!(|data: &[u8]| {
    match JsonlRows::new(data, &Options::default()) {
        Ok(rows) => common::drain(rows),
        Err(d) => common::check_short(&d.to_string()),
    }
});
