#![no_main]
//! The hours CSV (relevo import --kind hours, POST /api/v1/hours): rows are bounded.

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use relevo_import::{Options, parse_hours};

fuzz_target!(|data: &[u8]| {
    match parse_hours(data, &Options::default()) {
        Ok((rows, diags)) => {
            for r in rows {
                assert!(r.end_ms > r.start_ms && r.end_ms - r.start_ms <= 86_400_000);
                assert!(r.productive_ms <= r.staffed_ms);
            }
            for d in diags {
                common::check_short(&d.to_string());
            }
        }
        Err(d) => common::check_short(&d.to_string()),
    }
});
