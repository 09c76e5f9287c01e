#![no_main]
//! The body of POST /api/v1/contacts (a JSON array or JSON lines of canonical records).

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use relevo_import::Options;

fuzz_target!(|data: &[u8]| {
    match relevo_import::body::parse_body(data, &Options::default(), 1_000) {
        Ok(items) => common::drain(items.into_iter()),
        Err(d) => common::check_short(&d.to_string()),
    }
});
