#![allow(clippy::disallowed_methods)] // a benchmark tool reads its arguments
//! Writes a large synthetic canonical CSV for benchmarks:
//! `cargo run --release -p relevo-import --example gen_canonical_csv -- N OUT.csv`
//! N records spread over 2025 across 3 providers, 6 queues and 3 channels; deterministic.

use std::io::Write;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let out = args.get(2).cloned().unwrap_or_else(|| "bench.csv".into());
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    writeln!(
        w,
        "contact_id,provider,queue,channel,arrived_at,answered_at,abandoned_at,ended_at,talk_s,hold_s,acw_s,customer,csat"
    )?;
    let providers = ["inhouse", "northwind-bpo", "sur-contact"];
    let queues = [
        "billing-es",
        "billing-en",
        "tech-es",
        "tech-en",
        "sales-es",
        "sales-en",
    ];
    let channels = ["voice", "voice", "chat", "email"];
    let start = 1_735_689_600i64; // 2025-01-01T00:00:00Z
    let span = 365 * 86_400i64;
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let fmt = |t: i64| {
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        // civil_from_days (Hinnant)
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    };
    for i in 0..n {
        // Arrivals in order of time, like a real export.
        let arrived = start + (i as i128 * span as i128 / n as i128) as i64;
        let r = rnd();
        let p = providers[(r % 3) as usize];
        let q = queues[((r >> 8) % 6) as usize];
        let ch = channels[((r >> 16) % 4) as usize];
        let wait = if (r >> 24) % 10 < 6 {
            (r >> 28) % 8
        } else {
            (r >> 28) % 240
        } as i64;
        let abandoned = (r >> 40) % 100 < 7;
        let talk = 60 + ((r >> 44) % 600) as i64;
        let hold = if (r >> 54) % 3 == 0 {
            ((r >> 50) % 90) as i64
        } else {
            0
        };
        let acw = ((r >> 36) % 60) as i64;
        let customer = (r >> 20) % 2_000_000;
        let csat = if (r >> 60) % 4 == 0 {
            ((r >> 56) % 5 + 1).to_string()
        } else {
            String::new()
        };
        if abandoned {
            writeln!(
                w,
                "C{i:09},{p},{q},{ch},{},,{},,,,,K{customer},",
                fmt(arrived),
                fmt(arrived + wait)
            )?;
        } else {
            let ans = arrived + wait;
            writeln!(
                w,
                "C{i:09},{p},{q},{ch},{},{},,{},{talk},{hold},{acw},K{customer},{csat}",
                fmt(arrived),
                fmt(ans),
                fmt(ans + talk + hold + acw)
            )?;
        }
    }
    w.flush()
}
