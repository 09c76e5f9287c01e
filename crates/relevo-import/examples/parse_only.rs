//! Parses a canonical CSV and counts records, to measure parser throughput apart from storage:
//! `cargo run --release -p relevo-import --example parse_only -- FILE.csv`
#![allow(clippy::disallowed_methods)] // a benchmark tool reads its arguments and the clock

fn main() {
    let path = std::env::args().nth(1).expect("FILE.csv");
    let t = std::time::Instant::now();
    let file = std::fs::File::open(&path).expect("open");
    let rows =
        relevo_import::CsvRows::new(file, &relevo_import::Options::default()).expect("header");
    let (mut ok, mut bad) = (0u64, 0u64);
    for item in rows {
        match item {
            relevo_import::Item::Record(_) => ok += 1,
            _ => bad += 1,
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{ok} records, {bad} other, {s:.2} s, {:.0} records/s",
        ok as f64 / s
    );
}
