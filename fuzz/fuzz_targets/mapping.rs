#![no_main]
//! A mapping file, then a CSV read through it: the input splits at its first NUL byte
//! (the mapping text before it, the CSV after it).

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use relevo_import::{CsvRows, Mapping, Options};

fuzz_target!(|data: &[u8]| {
    let (toml, csv) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(text) = std::str::from_utf8(toml) else {
        return;
    };
    match Mapping::from_toml(text) {
        Ok(mapping) => {
            let opts = Options {
                mapping: Some(mapping),
                provider: Some("p".into()),
                ..Options::default()
            };
            match CsvRows::new(csv, &opts) {
                Ok(rows) => common::drain(rows),
                Err(d) => common::check_short(&d.to_string()),
            }
        }
        Err(e) => common::check_short(&e.to_string()),
    }
});
