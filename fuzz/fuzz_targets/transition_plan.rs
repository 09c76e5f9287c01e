#![no_main]
//! A transition plan file (relevo transition create, POST /api/v1/transitions).

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let utc = |name: &str| (name == "UTC").then_some(jiff::tz::TimeZone::UTC);
        if let Err(e) = relevo_transitions::TransitionPlan::parse(text, &utc) {
            common::check_short(&e.to_string());
        }
    }
});
