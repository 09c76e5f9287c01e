#![no_main]
//! Amazon Connect contact trace records (JSON lines, an array, concatenated objects).

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use relevo_import::CtrRows;

fuzz_target!(|data: &[u8]| {
    match CtrRows::new(data, Some("inhouse".into())) {
        Ok(rows) => common::drain(rows),
        Err(d) => common::check_short(&d.to_string()),
    }
});
