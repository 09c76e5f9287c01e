//! Request bodies of canonical records (the HTTP API's `POST /contacts`): a JSON array of objects,
//! or JSON lines (one object per line). Each element goes through the same conversion and
//! validation as a canonical JSON-lines file, so the API accepts exactly what `relevo import` does.
//!
//! A body is JSON, so each field has the JSON type its value has (the API's OpenAPI document
//! states them): text and timestamps are strings, durations and `qa_score` numbers, `csat` and
//! `nps` whole numbers, `resolved` and `transferred` booleans, and `null` is an empty field. A
//! value of another type (`"csat": "5"`, `"resolved": "yes"`, `"contact_id": 7`) makes its record
//! invalid: the spellings a CSV cell needs are not guessed from JSON.
//!
//! A body that is not JSON at all (a broken array) is one [`Diagnostic`]; problems with single
//! records are [`Item::Invalid`] at the record's index. This module does not read sockets or limit
//! body size (the server does); it stops at `max_records`.

use crate::canonical::{CANONICAL, Plan, object_row};
use crate::{Diagnostic, Item, Options};

#[cfg(test)]
mod tests;

/// Parses a body into one item per record, in order (index = position in the array, or among the
/// non-empty lines). More than `max_records` records is an error naming the limit.
pub fn parse_body(
    body: &[u8],
    opts: &Options,
    max_records: usize,
) -> Result<Vec<Item>, Diagnostic> {
    let header: Vec<String> = CANONICAL.iter().map(|s| s.to_string()).collect();
    let mut plan = Plan::canonical(&header, opts)?;
    plan.forget_column_positions();
    let text = std::str::from_utf8(body).map_err(|e| {
        Diagnostic::row(
            0,
            format!("the body is not UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    let too_many = || {
        Diagnostic::row(
            0,
            format!("too many records: at most {max_records} in one request"),
        )
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let mut items = Vec::new();
    if trimmed.starts_with('[') {
        let values: Vec<serde_json::Value> =
            serde_json::from_str(trimmed).map_err(|e| Diagnostic {
                line: e.line() as u64,
                column_index: Some(e.column()),
                column: None,
                value: None,
                reason: format!("malformed JSON array: {e}"),
                row: None,
            })?;
        if values.len() > max_records {
            return Err(too_many());
        }
        for (i, v) in values.into_iter().enumerate() {
            let line = i as u64 + 1;
            items.push(match v {
                serde_json::Value::Object(mut obj) => match typed(&mut obj, line) {
                    Err(d) => Item::Invalid(d),
                    Ok(()) => match object_row(obj, line) {
                        Ok(row) => plan.convert(&row, line),
                        Err(d) => Item::Invalid(d),
                    },
                },
                other => Item::Invalid(Diagnostic {
                    line,
                    column_index: None,
                    column: None,
                    value: Some(other.to_string().chars().take(80).collect()),
                    reason: "expected a JSON object".into(),
                    row: None,
                }),
            });
        }
    } else {
        for (n, raw) in text.lines().enumerate() {
            let line_text = raw.trim();
            if line_text.is_empty() {
                continue;
            }
            if items.len() == max_records {
                return Err(too_many());
            }
            let line = n as u64 + 1;
            let item =
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line_text)
                {
                    Ok(mut obj) => match typed(&mut obj, line) {
                        Err(d) => Item::Invalid(d),
                        Ok(()) => match object_row(obj, line) {
                            Ok(row) => plan.convert(&row, line),
                            Err(d) => Item::Invalid(d),
                        },
                    },
                    Err(e) => Item::Invalid(Diagnostic {
                        line,
                        column_index: Some(e.column()),
                        column: None,
                        value: None,
                        reason: format!("not a JSON object: {e}"),
                        row: None,
                    }),
                };
            items.push(item);
        }
    }
    Ok(items)
}

/// The JSON type a canonical field takes in a body (`null` is always allowed: an empty field).
fn json_type(field: &str) -> Option<&'static str> {
    Some(match field {
        "talk_s" | "hold_s" | "acw_s" | "qa_score" => "a number",
        "csat" | "nps" => "a whole number",
        "resolved" | "transferred" => "a boolean (true or false)",
        "arrived_at" | "answered_at" | "abandoned_at" | "ended_at" | "updated_at" => {
            "an RFC 3339 time"
        }
        "channel" | "direction" | "outcome" => "one of its names",
        f if CANONICAL.contains(&f) => "a string",
        _ => return None,
    })
}

/// Checks that every known field of `obj` has its JSON type (unknown fields are left to the
/// conversion, which names them). A time or a name is a non-blank string (`null` is the empty
/// field); a whole number written with a fraction of zero (`5.0`) is that number.
fn typed(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    line: u64,
) -> Result<(), Diagnostic> {
    use serde_json::Value;
    for (k, v) in obj.iter_mut() {
        let Some(expected) = json_type(k) else {
            continue;
        };
        let ok = match &*v {
            Value::Null => true,
            Value::String(s) => match expected {
                "a string" => true,
                "an RFC 3339 time" | "one of its names" => !s.trim().is_empty(),
                _ => false,
            },
            Value::Number(n) => match expected {
                "a number" => true,
                "a whole number" if n.is_i64() || n.is_u64() => true,
                "a whole number" => match n.as_f64() {
                    // Within i64 and whole: the same number (a bound check follows).
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        *v = Value::from(f as i64);
                        true
                    }
                    _ => false,
                },
                _ => false,
            },
            Value::Bool(_) => expected.starts_with("a boolean"),
            Value::Array(_) | Value::Object(_) => false,
        };
        if !ok {
            return Err(Diagnostic {
                line,
                column_index: None,
                column: Some(k.clone()),
                value: Some(v.to_string().chars().take(80).collect()),
                reason: format!("expected {expected} or null"),
                row: None,
            });
        }
    }
    Ok(())
}
