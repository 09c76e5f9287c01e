//! Field value parsers: timestamps, durations, booleans, small integers.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// Parses an RFC 3339 timestamp with offset, or a naive `YYYY-MM-DD[T ]HH:MM:SS[.fff]` read in `tz`,
/// into milliseconds since the epoch. Sub-millisecond digits are truncated.
pub fn parse_timestamp_ms(s: &str, tz: &TimeZone) -> Result<i64, String> {
    let s = s.trim();
    if let Some(v) = fast_rfc3339(s.as_bytes()) {
        return Ok(v);
    }
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        offset_is_real(s)?;
        return Ok(t.as_millisecond());
    }
    match s.parse::<DateTime>() {
        Ok(dt) => dt
            .to_zoned(tz.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| {
                format!(
                    "not a time in {}: {e}",
                    tz.iana_name().unwrap_or("the zone")
                )
            }),
        Err(_) => Err("not a timestamp (expected RFC 3339 like 2026-10-01T09:30:00+02:00)".into()),
    }
}

/// UTC offsets in use run from −12:00 to +14:00; ISO 8601 allows up to ±23:59 and the parser
/// beneath up to ±25:59. Anything past ±18:00 (the widest range in common use by date libraries)
/// is a broken export, not a place.
fn offset_is_real(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let tail = |n: usize| b.len().checked_sub(n).map(|i| (b[i], &b[i + 1..]));
    for (sign, rest) in [tail(6), tail(5), tail(3)].into_iter().flatten() {
        if !matches!(sign, b'+' | b'-') {
            continue;
        }
        let digits: Vec<u8> = rest.iter().copied().filter(u8::is_ascii_digit).collect();
        if digits.len() + usize::from(rest.contains(&b':')) != rest.len() || digits.len() < 2 {
            continue;
        }
        let h = i64::from(digits[0] - b'0') * 10 + i64::from(digits[1] - b'0');
        let m = if digits.len() >= 4 {
            i64::from(digits[2] - b'0') * 10 + i64::from(digits[3] - b'0')
        } else {
            0
        };
        if h * 60 + m > 18 * 60 {
            return Err(format!(
                "the UTC offset {} is past ±18:00",
                String::from_utf8_lossy(&b[b.len() - rest.len() - 1..])
            ));
        }
        return Ok(());
    }
    Ok(())
}

/// Parses with a strftime-like `format` (e.g. `%y%m%d %H:%M:%S`) as local time in `tz`.
pub fn parse_timestamp_with_format(s: &str, format: &str, tz: &TimeZone) -> Result<i64, String> {
    let dt = DateTime::strptime(format, s.trim())
        .map_err(|_| format!("not a timestamp in format {format:?}"))?;
    dt.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .map_err(|e| format!("not a time in the zone: {e}"))
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut v = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)` without allocation; anything else falls back to jiff.
fn fast_rfc3339(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
    {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &b[start..i];
        if frac.is_empty() {
            return None;
        }
        for k in 0..3 {
            ms = ms * 10 + frac.get(k).map_or(0, |c| i64::from(c - b'0'));
        }
    }
    let offset_s = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = digits(&b[i + 1..i + 3])?;
            let om = digits(&b[i + 4..i + 6])?;
            if oh * 60 + om > 18 * 60 || om > 59 {
                return None; // jiff's path says why
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' { -o } else { o }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    Some(secs * 1000 + ms)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Seconds (integer or decimal, ≥ 0 is checked by record validation) to whole milliseconds.
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if let Ok(v) = t.parse::<i64>() {
        return v
            .checked_mul(1000)
            .ok_or_else(|| "duration out of range".to_string());
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 1e12 => Ok((v * 1000.0).round() as i64),
        _ => Err("not a number of seconds".into()),
    }
}

pub(crate) fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Ok(true),
        "false" | "0" | "no" | "n" | "f" => Ok(false),
        _ => Err("not a boolean (expected true or false)".into()),
    }
}

pub(crate) fn parse_small_int(s: &str, lo: u8, hi: u8) -> Result<u8, String> {
    let t = s.trim();
    let v: i64 = t
        .parse()
        .or_else(|_| match t.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 => Ok(f as i64),
            _ => Err(()),
        })
        .map_err(|_| "not an integer".to_string())?;
    if v < i64::from(lo) || v > i64::from(hi) {
        return Err(format!("{v} is outside {lo}–{hi}"));
    }
    Ok(v as u8)
}

pub(crate) fn parse_qa_milli(s: &str) -> Result<i64, String> {
    let v: f64 = s.trim().parse().map_err(|_| "not a number".to_string())?;
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("{v} is outside 0–100"));
    }
    Ok((v * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests;
