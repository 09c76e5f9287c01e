//! Canonical CSV and JSON lines, and CSV through a [`Mapping`]: header resolution into a plan, then
//! one conversion per row.

use crate::mapping::{FieldSpec, Mapping};
use crate::value::{
    parse_bool, parse_duration_ms, parse_qa_milli, parse_small_int, parse_timestamp_ms,
    parse_timestamp_with_format,
};
use crate::{Diagnostic, Item};
use jiff::tz::TimeZone;
use relevo_core::{Channel, ContactRecord, Direction, Outcome};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Read};

/// Canonical columns (docs/DEFINITIONS.md §3), in the order the plan indexes them.
pub const CANONICAL: [&str; 23] = [
    "contact_id",
    "provider",
    "queue",
    "channel",
    "direction",
    "arrived_at",
    "answered_at",
    "abandoned_at",
    "ended_at",
    "outcome",
    "talk_s",
    "hold_s",
    "acw_s",
    "agent",
    "customer",
    "reason",
    "resolved",
    "transferred",
    "csat",
    "nps",
    "qa_score",
    "language",
    "updated_at",
];

const CONTACT_ID: usize = 0;
const PROVIDER: usize = 1;
const QUEUE: usize = 2;
const CHANNEL: usize = 3;
const DIRECTION: usize = 4;
const ARRIVED_AT: usize = 5;
const ANSWERED_AT: usize = 6;
const ABANDONED_AT: usize = 7;
const ENDED_AT: usize = 8;
const OUTCOME: usize = 9;
const TALK_S: usize = 10;
const HOLD_S: usize = 11;
const ACW_S: usize = 12;
const AGENT: usize = 13;
const CUSTOMER: usize = 14;
const REASON: usize = 15;
const RESOLVED: usize = 16;
const TRANSFERRED: usize = 17;
const CSAT: usize = 18;
const NPS: usize = 19;
const QA_SCORE: usize = 20;
const LANGUAGE: usize = 21;
const UPDATED_AT: usize = 22;

fn canonical_index(name: &str) -> Option<usize> {
    CANONICAL.iter().position(|c| *c == name)
}

/// What every parser needs to know besides the bytes.
#[derive(Clone, Debug)]
pub struct Options {
    /// Zone for naive timestamps.
    pub tz: TimeZone,
    /// Provider key for rows that have none.
    pub provider: Option<String>,
    pub mapping: Option<Mapping>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tz: TimeZone::UTC,
            provider: None,
            mapping: None,
        }
    }
}

#[derive(Clone, Debug)]
enum Part {
    Lit(String),
    Col(usize),
}

#[derive(Clone, Debug, Default)]
enum Src {
    #[default]
    Absent,
    Column(usize),
    Const(String),
    Templates(Vec<Vec<Part>>),
}

#[derive(Clone, Debug, Default)]
struct FieldPlan {
    src: Src,
    format: Option<String>,
    map: HashMap<String, String>,
    null: Vec<String>,
    when: Vec<(usize, String)>,
    rollover_after: Option<usize>,
    skew_ms: i64,
    /// 1-based source column position and name for diagnostics.
    column_index: Option<usize>,
    column_name: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Plan {
    fields: Vec<FieldPlan>,
    skip: Vec<(Vec<(usize, String)>, String)>,
    null: Vec<String>,
    tz: TimeZone,
    default_provider: Option<String>,
}

pub(crate) trait Row {
    fn get(&self, i: usize) -> &str;
}

impl Row for csv::StringRecord {
    fn get(&self, i: usize) -> &str {
        csv::StringRecord::get(self, i).unwrap_or("")
    }
}

impl Row for Vec<String> {
    fn get(&self, i: usize) -> &str {
        self.as_slice().get(i).map_or("", String::as_str)
    }
}

fn header_diag(reason: String) -> Diagnostic {
    Diagnostic::row(1, reason)
}

impl Plan {
    pub(crate) fn canonical(header: &[String], opts: &Options) -> Result<Plan, Diagnostic> {
        let mut fields = vec![FieldPlan::default(); CANONICAL.len()];
        for (i, name) in header.iter().enumerate() {
            let Some(f) = canonical_index(name.trim()) else {
                return Err(Diagnostic {
                    line: 1,
                    column_index: Some(i + 1),
                    column: Some(name.clone()),
                    value: None,
                    reason:
                        "unknown column (not canonical; use a mapping file to rename or ignore it)"
                            .into(),
                    row: None,
                });
            };
            if !matches!(fields[f].src, Src::Absent) {
                return Err(header_diag(format!("column {name:?} appears twice")));
            }
            fields[f].src = Src::Column(i);
            fields[f].column_index = Some(i + 1);
            fields[f].column_name = name.clone();
        }
        let plan = Plan {
            fields,
            skip: vec![],
            null: vec![],
            tz: opts.tz.clone(),
            default_provider: opts.provider.clone(),
        };
        plan.check_required()?;
        Ok(plan)
    }

    fn mapped(header: &[String], m: &Mapping, opts: &Options) -> Result<Plan, Diagnostic> {
        let col = |name: &str, what: &str| -> Result<usize, Diagnostic> {
            header.iter().position(|h| h.trim() == name).ok_or_else(|| {
                header_diag(format!(
                    "mapping {what} names column {name:?}, which the file does not have"
                ))
            })
        };
        let mut used = vec![false; header.len()];
        let mut fields = vec![FieldPlan::default(); CANONICAL.len()];
        for (f, name) in CANONICAL.iter().enumerate() {
            let fp = &mut fields[f];
            fp.column_name = name.to_string();
            if let Some(spec) = m.fields.get(*name) {
                let o = FieldSpec::options(spec);
                let what = format!("field {name:?}");
                if let Some(c) = &o.column {
                    let i = col(c, &what)?;
                    used[i] = true;
                    fp.src = Src::Column(i);
                    fp.column_index = Some(i + 1);
                    fp.column_name = c.clone();
                } else if let Some(t) = &o.template {
                    let mut alts = Vec::new();
                    for tpl in t.list() {
                        let parts = parse_template(&tpl)
                            .map_err(|e| header_diag(format!("{what}: {e}")))?;
                        let mut resolved = Vec::new();
                        for p in parts {
                            resolved.push(match p {
                                TplPart::Lit(s) => Part::Lit(s),
                                TplPart::Col(c) => {
                                    let i = col(&c, &what)?;
                                    used[i] = true;
                                    Part::Col(i)
                                }
                            });
                        }
                        alts.push(resolved);
                    }
                    fp.column_name = t.list().join(" | ");
                    fp.src = Src::Templates(alts);
                }
                fp.format = o.format.clone();
                fp.map = o.map.into_iter().collect();
                fp.null = o.null.clone();
                for (c, v) in &o.when {
                    let i = col(c, &what)?;
                    used[i] = true;
                    fp.when.push((i, v.clone()));
                }
                fp.rollover_after = o.rollover_after.as_deref().and_then(canonical_index);
                fp.skew_ms = i64::from(o.skew_s) * 1000;
            } else if let Some(v) = m.constants.get(*name) {
                fp.src = Src::Const(v.clone());
            } else if let Some(i) = header.iter().position(|h| h.trim() == *name) {
                used[i] = true;
                fp.src = Src::Column(i);
                fp.column_index = Some(i + 1);
            }
        }
        for ig in &m.ignore {
            let i = col(ig, "ignore")?;
            used[i] = true;
        }
        let mut skip = Vec::new();
        for rule in &m.skip {
            let mut conds = Vec::new();
            for (c, v) in &rule.when {
                let i = col(c, "skip rule")?;
                used[i] = true;
                conds.push((i, v.clone()));
            }
            let reason = rule.reason.clone().unwrap_or_else(|| {
                let parts: Vec<String> = rule
                    .when
                    .iter()
                    .map(|(c, v)| format!("{c} = {v:?}"))
                    .collect();
                format!("skip rule: {}", parts.join(", "))
            });
            skip.push((conds, reason));
        }
        if let Some(i) = used.iter().position(|u| !u) {
            let mut unused: Vec<String> = header
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(h, _)| relevo_core::quote(h))
                .collect();
            if unused.len() > 10 {
                let more = unused.len() - 10;
                unused.truncate(10);
                unused.push(format!("and {more} more"));
            }
            return Err(Diagnostic {
                line: 1,
                column_index: Some(i + 1),
                column: Some(header[i].clone()),
                value: None,
                reason: format!(
                    "column is neither mapped nor ignored (unmapped: {}; add them to `ignore` in the mapping)",
                    unused.join(", ")
                ),
                row: None,
            });
        }
        let tz = match &m.source.timezone {
            Some(name) => TimeZone::get(name)
                .map_err(|e| header_diag(format!("mapping source.timezone: {e}")))?,
            None => opts.tz.clone(),
        };
        let plan = Plan {
            fields,
            skip,
            null: m.source.null.clone(),
            tz,
            default_provider: opts.provider.clone(),
        };
        plan.check_required()?;
        Ok(plan)
    }

    /// JSON has no column positions: diagnostics name fields only.
    pub(crate) fn forget_column_positions(&mut self) {
        for f in &mut self.fields {
            f.column_index = None;
        }
    }

    fn check_required(&self) -> Result<(), Diagnostic> {
        for f in [CONTACT_ID, PROVIDER, QUEUE, CHANNEL, ARRIVED_AT] {
            if f == PROVIDER && self.default_provider.is_some() {
                continue;
            }
            if matches!(self.fields[f].src, Src::Absent) {
                let hint = if f == PROVIDER {
                    " (or give --provider)"
                } else {
                    ""
                };
                return Err(header_diag(format!(
                    "required column {:?} is missing{hint}",
                    CANONICAL[f]
                )));
            }
        }
        Ok(())
    }

    fn is_null(&self, fp: &FieldPlan, v: &str) -> bool {
        v.is_empty() || self.null.iter().any(|n| n == v) || fp.null.iter().any(|n| n == v)
    }

    fn value<'r>(&self, f: usize, row: &'r impl Row) -> Option<Cow<'r, str>> {
        let fp = &self.fields[f];
        if !fp.when.iter().all(|(i, v)| row.get(*i).trim() == v) {
            return None;
        }
        let raw: Cow<'r, str> = match &fp.src {
            Src::Absent => return None,
            Src::Column(i) => {
                let v = row.get(*i).trim();
                if self.is_null(fp, v) {
                    return None;
                }
                Cow::Borrowed(v)
            }
            Src::Const(c) => Cow::Owned(c.clone()),
            Src::Templates(alts) => {
                let built = alts.iter().find_map(|parts| {
                    let mut s = String::new();
                    for p in parts {
                        match p {
                            Part::Lit(l) => s.push_str(l),
                            Part::Col(i) => {
                                let v = row.get(*i).trim();
                                if self.is_null(fp, v) {
                                    return None;
                                }
                                s.push_str(v);
                            }
                        }
                    }
                    Some(s)
                })?;
                Cow::Owned(built)
            }
        };
        match fp.map.get(raw.as_ref()) {
            Some(m) => Some(Cow::Owned(m.clone())),
            None => Some(raw),
        }
    }

    fn parse<T>(
        &self,
        row: &impl Row,
        line: u64,
        f: usize,
        p: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, Diagnostic> {
        match self.value(f, row) {
            None => Ok(None),
            Some(v) => p(&v).map(Some).map_err(|e| self.diag(line, f, Some(&v), e)),
        }
    }

    fn diag(&self, line: u64, f: usize, value: Option<&str>, reason: String) -> Diagnostic {
        let fp = &self.fields[f];
        let name = if fp.column_name.is_empty() {
            CANONICAL[f].to_string()
        } else {
            fp.column_name.clone()
        };
        Diagnostic {
            line,
            column_index: fp.column_index,
            column: Some(name),
            value: value.map(str::to_string),
            reason,
            row: None,
        }
    }

    pub(crate) fn convert(&self, row: &impl Row, line: u64) -> Item {
        for (conds, reason) in &self.skip {
            if conds.iter().all(|(i, v)| row.get(*i).trim() == v) {
                return Item::Skipped(reason.clone());
            }
        }
        match self.build(row, line) {
            Ok(r) => Item::Record(Box::new(r)),
            Err(d) => Item::Invalid(d),
        }
    }

    fn build(&self, row: &impl Row, line: u64) -> Result<ContactRecord, Diagnostic> {
        let text = |f: usize| self.value(f, row).map(|v| v.into_owned());
        let required = |f: usize| -> Result<String, Diagnostic> {
            text(f).ok_or_else(|| self.diag(line, f, None, "is required but empty".into()))
        };
        let ts = |f: usize| -> Result<Option<i64>, Diagnostic> {
            let fp = &self.fields[f];
            self.parse(row, line, f, |v: &str| match &fp.format {
                Some(fmt) => parse_timestamp_with_format(v, fmt, &self.tz),
                None => parse_timestamp_ms(v, &self.tz),
            })
        };
        let contact_id = required(CONTACT_ID)?;
        let provider = match text(PROVIDER).or_else(|| self.default_provider.clone()) {
            Some(p) => p,
            None => {
                return Err(self.diag(
                    line,
                    PROVIDER,
                    None,
                    "is required but empty (or give --provider)".into(),
                ));
            }
        };
        let queue = required(QUEUE)?;
        let channel = match self.parse(row, line, CHANNEL, |v: &str| v.parse::<Channel>())? {
            Some(c) => c,
            None => return Err(self.diag(line, CHANNEL, None, "is required but empty".into())),
        };
        let direction = self
            .parse(row, line, DIRECTION, |v: &str| v.parse::<Direction>())?
            .unwrap_or(Direction::Inbound);
        let arrived_at_ms = ts(ARRIVED_AT)?
            .ok_or_else(|| self.diag(line, ARRIVED_AT, None, "is required but empty".into()))?;
        let mut stamps = [
            Some(arrived_at_ms),
            ts(ANSWERED_AT)?,
            ts(ABANDONED_AT)?,
            ts(ENDED_AT)?,
        ];
        for (k, f) in [ANSWERED_AT, ABANDONED_AT, ENDED_AT]
            .into_iter()
            .enumerate()
        {
            if let (Some(after), Some(v)) = (self.fields[f].rollover_after, stamps[k + 1]) {
                let base = match after {
                    ARRIVED_AT => stamps[0],
                    ANSWERED_AT => stamps[1],
                    ABANDONED_AT => stamps[2],
                    _ => stamps[3],
                };
                if let Some(b) = base {
                    if v < b - 43_200_000 {
                        stamps[k + 1] = Some(v + 86_400_000);
                    } else if v < b && b - v <= self.fields[f].skew_ms {
                        stamps[k + 1] = Some(b);
                    }
                }
            }
        }
        let [_, answered_at_ms, abandoned_at_ms, ended_at_ms] = stamps;
        let outcome = match self.parse(row, line, OUTCOME, |v: &str| v.parse::<Outcome>())? {
            Some(o) => o,
            None => ContactRecord::derive_outcome(answered_at_ms, abandoned_at_ms, ended_at_ms)
                .ok_or_else(|| {
                    self.diag(
                        line,
                        OUTCOME,
                        None,
                        "cannot be derived: none of answered_at, abandoned_at, ended_at is set"
                            .into(),
                    )
                })?,
        };
        let mut r = ContactRecord {
            contact_id,
            provider,
            queue,
            channel,
            direction,
            arrived_at_ms,
            answered_at_ms,
            abandoned_at_ms,
            ended_at_ms,
            outcome,
            talk_ms: self.parse(row, line, TALK_S, parse_duration_ms)?,
            hold_ms: self.parse(row, line, HOLD_S, parse_duration_ms)?,
            acw_ms: self.parse(row, line, ACW_S, parse_duration_ms)?,
            agent: text(AGENT),
            customer: text(CUSTOMER),
            reason: text(REASON),
            resolved: self.parse(row, line, RESOLVED, parse_bool)?,
            transferred: self.parse(row, line, TRANSFERRED, parse_bool)?,
            csat: self.parse(row, line, CSAT, |v: &str| parse_small_int(v, 1, 5))?,
            nps: self.parse(row, line, NPS, |v: &str| parse_small_int(v, 0, 10))?,
            qa_milli: self.parse(row, line, QA_SCORE, parse_qa_milli)?,
            language: text(LANGUAGE),
            updated_at_ms: 0,
        };
        r.updated_at_ms = match ts(UPDATED_AT)? {
            Some(u) => u,
            None => r.latest_timestamp_ms(),
        };
        if let Err(e) = r.validate() {
            let f = canonical_index(e.column).unwrap_or(CONTACT_ID);
            let v = self.value(f, row).map(|v| v.into_owned());
            return Err(self.diag(line, f, v.as_deref(), e.reason));
        }
        Ok(r)
    }
}

enum TplPart {
    Lit(String),
    Col(String),
}

fn parse_template(t: &str) -> Result<Vec<TplPart>, String> {
    let mut parts = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(TplPart::Lit(rest[..open].to_string()));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("template {t:?} has an unclosed brace"))?;
        parts.push(TplPart::Col(rest[open + 1..open + close].to_string()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(TplPart::Lit(rest.to_string()));
    }
    if !parts.iter().any(|p| matches!(p, TplPart::Col(_))) {
        return Err(format!("template {t:?} names no column"));
    }
    Ok(parts)
}

/// Streams canonical (or mapped) CSV rows.
pub struct CsvRows<R: Read> {
    reader: csv::Reader<R>,
    plan: Plan,
    record: csv::StringRecord,
    delimiter: u8,
    done: bool,
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and resolves the plan; a bad header is an error at line 1.
    pub fn new(input: R, opts: &Options) -> Result<Self, Diagnostic> {
        let delimiter = opts
            .mapping
            .as_ref()
            .and_then(|m| m.source.delimiter.as_ref())
            .map_or(b',', |d| d.as_bytes()[0]);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            // Split on LF only: with the default CRLF terminator the csv crate reports the line before
            // the record in CRLF files. The CR that stays at the end of the last field is trimmed.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
                .collect(),
            Err(e) => return Err(csv_diag(&e)),
        };
        if header.iter().all(String::is_empty) {
            return Err(crate::diag::empty_file());
        }
        let plan = match &opts.mapping {
            Some(m) => Plan::mapped(&header, m, opts)?,
            None => Plan::canonical(&header, opts)?,
        };
        Ok(CsvRows {
            reader,
            plan,
            record: csv::StringRecord::new(),
            delimiter,
            done: false,
        })
    }

    /// Bytes consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

fn csv_diag(e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(0, |p| p.line());
    let reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("row has {len} fields, the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    };
    Diagnostic::row(line, reason)
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                Some(match self.plan.convert(&self.record, line) {
                    Item::Invalid(mut d) => {
                        let fields: Vec<&str> = self
                            .record
                            .iter()
                            .map(|f| f.trim_end_matches('\r'))
                            .collect();
                        d.row = Some(fields.join(&char::from(self.delimiter).to_string()));
                        Item::Invalid(d)
                    }
                    other => other,
                })
            }
            Ok(false) => {
                self.done = true;
                None
            }
            Err(e) => {
                let mut d = csv_diag(&e);
                if let csv::ErrorKind::Io(io) = e.kind() {
                    self.done = true;
                    if let Some(line) = crate::limit::line_of(io) {
                        d.line = line;
                    }
                    return Some(Item::Unreadable(d));
                }
                Some(Item::Invalid(d))
            }
        }
    }
}

/// Streams canonical JSON lines: one object per line with canonical field names.
pub struct JsonlRows<R: BufRead> {
    input: R,
    plan: Plan,
    line: u64,
    buf: String,
    bytes: u64,
    /// Set after a read error: nothing more comes.
    done: bool,
}

impl<R: BufRead> JsonlRows<R> {
    pub fn new(mut input: R, opts: &Options) -> Result<Self, Diagnostic> {
        let header: Vec<String> = CANONICAL.iter().map(|s| s.to_string()).collect();
        let mut plan = Plan::canonical(&header, opts)?;
        plan.forget_column_positions();
        let line = crate::diag::skip_blank_start(&mut input)?;
        Ok(JsonlRows {
            input,
            plan,
            line,
            buf: String::new(),
            bytes: 0,
            done: false,
        })
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    fn row(&self, text: &str) -> Result<Vec<String>, Diagnostic> {
        let obj: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| Diagnostic {
                line: self.line,
                column_index: Some(e.column()),
                column: None,
                value: None,
                reason: format!("not a JSON object: {e}"),
                row: None,
            })?;
        object_row(obj, self.line)
    }
}

/// A JSON object with canonical field names → the row of canonical columns the plan reads
/// (shared by JSON lines and request bodies).
pub(crate) fn object_row(
    obj: serde_json::Map<String, serde_json::Value>,
    line: u64,
) -> Result<Vec<String>, Diagnostic> {
    let mut row = vec![String::new(); CANONICAL.len()];
    for (k, v) in obj {
        let Some(i) = canonical_index(&k) else {
            return Err(Diagnostic {
                line,
                column_index: None,
                column: Some(k),
                value: None,
                reason: "unknown field (not canonical)".into(),
                row: None,
            });
        };
        row[i] = match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            other => {
                return Err(Diagnostic {
                    line,
                    column_index: None,
                    column: Some(k),
                    value: Some(other.to_string()),
                    reason: "expected a string, number or boolean".into(),
                    row: None,
                });
            }
        };
    }
    Ok(row)
}

impl<R: BufRead> Iterator for JsonlRows<R> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(n) => {
                    self.bytes += n as u64;
                    self.line += 1;
                    let text = self.buf.trim();
                    if text.is_empty() {
                        continue;
                    }
                    let item = match self.row(text) {
                        Ok(row) => self.plan.convert(&row, self.line),
                        Err(d) => Item::Invalid(d),
                    };
                    return Some(match item {
                        Item::Invalid(mut d) => {
                            d.row = Some(text.to_string());
                            Item::Invalid(d)
                        }
                        other => other,
                    });
                }
                Err(e) => {
                    self.line += 1;
                    self.done = true;
                    return Some(Item::Unreadable(Diagnostic::row(
                        self.line,
                        format!("cannot read: {e}"),
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
