#![no_main]
//! A contract file (relevo contract add, POST /api/v1/contracts).

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = relevo_contracts::Contract::parse(text)
    {
        common::check_short(&e.to_string());
    }
});
