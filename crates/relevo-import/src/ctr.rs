//! Amazon Connect contact trace records (CTR), as delivered to S3 or Kinesis: one JSON object, a JSON
//! array, concatenated objects, or JSON lines.
//!
//! Field use (Amazon Connect admin guide, `ctr-data-model.md`):
//! ```text
//!   contact_id   ContactId                     arrived_at   Queue.EnqueueTimestamp
//!   queue        Queue.Name                    answered_at  Agent.ConnectedToAgentTimestamp
//!   channel      Channel (VOICE, CHAT, TASK → web_form, EMAIL)
//!   talk_s       Agent.AgentInteractionDuration   hold_s  Agent.CustomerHoldDuration
//!   acw_s        Agent.AfterContactWorkDuration   agent   Agent.Username
//!   customer     CustomerEndpoint.Address         transferred  TransferCompletedTimestamp set
//!   ended_at     Agent.AfterContactWorkEndTimestamp, else DisconnectTimestamp
//!   updated_at   LastUpdateTimestamp
//! ```
//! Unanswered contacts: DisconnectReason CUSTOMER_DISCONNECT ⇒ abandoned at Queue.DequeueTimestamp (else
//! DisconnectTimestamp); any other reason ⇒ flowout (left the queue to a flow, transfer or callback).
//! Contacts that never entered a queue (no `Queue`) are skipped: they were never offered.
//! Records are delivered at least once; the store keeps the copy with the latest LastUpdateTimestamp.

use crate::{Diagnostic, Item};
use relevo_core::{Channel, ContactRecord, Direction, Outcome};
use serde_json::Value;
use std::io::{BufRead, Read};

/// The largest CTR document read whole (an array, or records one after another without line
/// breaks, as Kinesis Firehose writes them): S3 objects of contact trace records are a few MB.
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// Streams CTRs. JSON lines stream with bounded memory; a pretty-printed object or an array (one S3
/// object) is read whole, which is how Amazon Connect delivers those.
pub struct CtrRows<R: BufRead> {
    input: R,
    provider: String,
    line: u64,
    bytes: u64,
    buf: String,
    /// Set after a read error: nothing more comes.
    done: bool,
    /// Objects from a whole-document read, with their first line.
    pending: std::vec::IntoIter<Result<(u64, Value), Diagnostic>>,
}

impl<R: BufRead> CtrRows<R> {
    /// `provider` is required: a CTR does not name the provider that handled it.
    pub fn new(mut input: R, provider: Option<String>) -> Result<Self, Diagnostic> {
        let provider = provider.ok_or_else(|| {
            Diagnostic::row(
                1,
                "Amazon Connect records need --provider (a record does not name its provider)",
            )
        })?;
        let line = crate::diag::skip_blank_start(&mut input)?;
        Ok(CtrRows {
            input,
            provider,
            line,
            bytes: 0,
            buf: String::new(),
            done: false,
            pending: Vec::new().into_iter(),
        })
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    fn whole_document(&mut self, first_line: u64) -> Vec<Result<(u64, Value), Diagnostic>> {
        let mut text = std::mem::take(&mut self.buf);
        let mut rest = String::new();
        let read = (&mut self.input)
            .take(MAX_DOCUMENT_BYTES as u64 + 1)
            .read_to_string(&mut rest);
        if read.is_ok() && rest.len() > MAX_DOCUMENT_BYTES {
            self.done = true;
            return vec![Err(Diagnostic::row(
                first_line,
                format!(
                    "a JSON document (an array, or objects without line breaks) longer than {} MiB: \
                     split the file, or deliver one record per line",
                    MAX_DOCUMENT_BYTES >> 20
                ),
            ))];
        }
        if let Err(e) = read {
            self.done = true;
            return vec![Err(Diagnostic::row(
                first_line,
                format!("cannot read: {e}"),
            ))];
        }
        self.bytes += rest.len() as u64;
        text.push_str(&rest);
        self.line = first_line + text.matches('\n').count() as u64;
        let line_at = |offset: usize| first_line + text[..offset].matches('\n').count() as u64;
        let trimmed = text.trim_start();
        let lead = text.len() - trimmed.len();
        if trimmed.starts_with('[') {
            return match serde_json::from_str::<Vec<Value>>(&text) {
                Ok(vs) => vs.into_iter().map(|v| Ok((line_at(lead), v))).collect(),
                Err(e) => vec![Err(json_diag(&e, first_line))],
            };
        }
        let mut out = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let mut start = 0;
        loop {
            let obj_line =
                line_at(start + (text[start..].len() - text[start..].trim_start().len()));
            match stream.next() {
                None => break,
                Some(Ok(v)) => out.push(Ok((obj_line, v))),
                Some(Err(e)) => {
                    out.push(Err(json_diag(&e, first_line)));
                    break;
                }
            }
            start = stream.byte_offset();
        }
        out
    }

    fn convert(&self, line: u64, v: &Value) -> Item {
        match convert(v, &self.provider) {
            Ok(Some(r)) => match r.validate() {
                Ok(()) => Item::Record(Box::new(r)),
                Err(e) => Item::Invalid(Diagnostic {
                    line,
                    column_index: None,
                    column: Some(e.column.to_string()),
                    value: None,
                    reason: e.reason,
                    row: None,
                }),
            },
            Ok(None) => Item::Skipped("contact never entered a queue".into()),
            Err((field, reason)) => Item::Invalid(Diagnostic {
                line,
                column_index: None,
                column: Some(field.to_string()),
                value: v
                    .pointer(&format!("/{}", field.replace('.', "/")))
                    .map(|x| x.to_string()),
                reason,
                row: None,
            }),
        }
    }
}

fn json_diag(e: &serde_json::Error, first_line: u64) -> Diagnostic {
    Diagnostic {
        line: first_line + e.line().saturating_sub(1) as u64,
        column_index: Some(e.column()),
        column: None,
        value: None,
        reason: format!("not valid JSON: {e}"),
        row: None,
    }
}

impl<R: BufRead> Iterator for CtrRows<R> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(p) = self.pending.next() {
                return Some(match p {
                    Ok((line, v)) => self.convert(line, &v),
                    Err(d) if self.done => Item::Unreadable(d),
                    Err(d) => Item::Invalid(d),
                });
            }
            if self.done {
                return None;
            }
            self.buf.clear();
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(n) => {
                    self.bytes += n as u64;
                    self.line += 1;
                    let t = self.buf.trim();
                    if t.is_empty() {
                        continue;
                    }
                    if t.starts_with('{')
                        && let Ok(v) = serde_json::from_str::<Value>(t)
                    {
                        return Some(match self.convert(self.line, &v) {
                            Item::Invalid(mut d) => {
                                d.row = Some(t.to_string());
                                Item::Invalid(d)
                            }
                            other => other,
                        });
                    }
                    let first = self.line;
                    self.pending = self.whole_document(first).into_iter();
                }
                Err(e) => {
                    self.done = true;
                    return Some(Item::Unreadable(Diagnostic::row(
                        self.line + 1,
                        format!("cannot read: {e}"),
                    )));
                }
            }
        }
    }
}

type FieldErr = (&'static str, String);

/// The value at a dotted `path`, `None` when it or a parent is absent or null. A parent that is
/// there but not an object (`"Agent": "x"`, `"Queue": [1, 2]`) is an error naming it: reading past
/// it as "absent" would turn a broken record into an abandoned or never-queued contact.
fn get<'v>(v: &'v Value, path: &'static str) -> Result<Option<&'v Value>, FieldErr> {
    let mut cur = v;
    let mut walked = 0;
    for k in path.split('.') {
        match cur {
            Value::Object(m) => match m.get(k) {
                None | Some(Value::Null) => return Ok(None),
                Some(next) => cur = next,
            },
            other => {
                return Err((
                    &path[..walked.max(1) - 1],
                    format!("expected an object, found {}", kind(other)),
                ));
            }
        }
        walked += k.len() + 1;
    }
    Ok(Some(cur))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn ts(v: &Value, path: &'static str) -> Result<Option<i64>, FieldErr> {
    match get(v, path)? {
        None => Ok(None),
        Some(Value::String(s)) => crate::parse_timestamp_ms(s, &jiff::tz::TimeZone::UTC)
            .map(Some)
            .map_err(|e| (path, e)),
        Some(other) => Err((
            path,
            format!("expected a timestamp string, found {}", kind(other)),
        )),
    }
}

/// Seconds to whole milliseconds. Beyond 10¹² s (31,000 years) a value is refused here, before
/// the record's own bounds (a day for talk, hold and after-contact work) name the field again.
fn secs(v: &Value, path: &'static str) -> Result<Option<i64>, FieldErr> {
    match get(v, path)? {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() && (0.0..=1e12).contains(&f) => {
                Ok(Some((f * 1000.0).round() as i64))
            }
            Some(f) if f < 0.0 => Err((path, format!("negative duration {n}"))),
            _ => Err((path, format!("{n} seconds is out of range"))),
        },
        Some(other) => Err((
            path,
            format!("expected a number of seconds, found {}", kind(other)),
        )),
    }
}

/// A string field; empty counts as absent, another JSON type is an error.
fn text(v: &Value, path: &'static str) -> Result<Option<String>, FieldErr> {
    match get(v, path)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok((!s.is_empty()).then(|| s.clone())),
        Some(other) => Err((path, format!("expected a string, found {}", kind(other)))),
    }
}

/// One CTR to a canonical record; `Ok(None)` when the contact never entered a queue.
pub fn convert(v: &Value, provider: &str) -> Result<Option<ContactRecord>, FieldErr> {
    if !v.is_object() {
        return Err((
            "ContactId",
            "a contact trace record must be a JSON object".into(),
        ));
    }
    let contact_id = text(v, "ContactId")?.ok_or(("ContactId", "is missing".to_string()))?;
    let Some(arrived_at_ms) = ts(v, "Queue.EnqueueTimestamp")? else {
        return Ok(None);
    };
    let queue = text(v, "Queue.Name")?.ok_or(("Queue.Name", "is missing".to_string()))?;
    let channel = match text(v, "Channel")?.as_deref() {
        Some("VOICE") => Channel::Voice,
        Some("CHAT") => Channel::Chat,
        Some("TASK") => Channel::WebForm,
        Some("EMAIL") => Channel::Email,
        Some(other) => {
            return Err((
                "Channel",
                format!("unknown channel {other:?} (expected VOICE, CHAT, TASK or EMAIL)"),
            ));
        }
        None => return Err(("Channel", "is missing".into())),
    };
    let direction = match text(v, "InitiationMethod")?.as_deref() {
        Some("OUTBOUND") => Direction::Outbound,
        _ => Direction::Inbound,
    };
    let answered_at_ms = ts(v, "Agent.ConnectedToAgentTimestamp")?;
    let disconnect = ts(v, "DisconnectTimestamp")?;
    let dequeue = ts(v, "Queue.DequeueTimestamp")?;
    let acw_end = ts(v, "Agent.AfterContactWorkEndTimestamp")?;
    let (outcome, abandoned_at_ms, ended_at_ms) = if answered_at_ms.is_some() {
        (Outcome::Answered, None, acw_end.or(disconnect))
    } else if text(v, "DisconnectReason")?.as_deref() == Some("CUSTOMER_DISCONNECT") {
        (Outcome::Abandoned, dequeue.or(disconnect), None)
    } else {
        (Outcome::Flowout, None, dequeue.or(disconnect))
    };
    let updated_at_ms = ts(v, "LastUpdateTimestamp")?;
    let mut r = ContactRecord {
        contact_id,
        provider: provider.to_string(),
        queue,
        channel,
        direction,
        arrived_at_ms,
        answered_at_ms,
        abandoned_at_ms,
        ended_at_ms,
        outcome,
        talk_ms: secs(v, "Agent.AgentInteractionDuration")?,
        hold_ms: secs(v, "Agent.CustomerHoldDuration")?,
        acw_ms: secs(v, "Agent.AfterContactWorkDuration")?,
        agent: text(v, "Agent.Username")?,
        customer: text(v, "CustomerEndpoint.Address")?,
        reason: None,
        resolved: None,
        transferred: match answered_at_ms {
            Some(_) => Some(
                get(v, "TransferCompletedTimestamp")?.is_some()
                    || get(v, "TransferredToEndpoint")?.is_some(),
            ),
            None => None,
        },
        csat: None,
        nps: None,
        qa_milli: None,
        language: None,
        updated_at_ms: 0,
    };
    r.updated_at_ms = updated_at_ms.unwrap_or_else(|| r.latest_timestamp_ms());
    Ok(Some(r))
}

#[cfg(test)]
mod tests;
