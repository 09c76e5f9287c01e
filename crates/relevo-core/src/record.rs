//! The canonical contact record and its validation.

use std::fmt;
use std::str::FromStr;

/// Length of one cube interval: 15 minutes, in milliseconds.
pub const INTERVAL_MS: i64 = 15 * 60 * 1000;

/// The 15-minute interval index (since the epoch, UTC-aligned) a timestamp falls in.
///
/// UTC-aligned 15-minute cells are also aligned to local quarter hours in every IANA zone in use
/// (all offsets are whole multiples of 15 minutes), so any local hour/day/week/month is a union of cells.
pub fn interval_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(INTERVAL_MS)
}

/// Start (ms since epoch) of interval `idx`.
pub fn interval_start_ms(idx: i64) -> i64 {
    idx * INTERVAL_MS
}

/// How much time one cube cell covers. Quarter-hour cells are the cube; hour and day cells are
/// roll-ups of them (UTC-aligned, kept in the same transaction) that serve reports whose every period
/// boundary falls on one of their boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Quarter,
    Hour,
    Day,
}

impl Grain {
    /// Every grain, finest first.
    pub const ALL: [Grain; 3] = [Grain::Quarter, Grain::Hour, Grain::Day];

    /// 15-minute intervals per cell.
    pub fn intervals(self) -> i64 {
        match self {
            Grain::Quarter => 1,
            Grain::Hour => 4,
            Grain::Day => 96,
        }
    }

    /// Length of one cell, ms.
    pub fn ms(self) -> i64 {
        self.intervals() * INTERVAL_MS
    }

    /// The first interval of the cell that holds interval `idx`.
    pub fn bucket_of(self, idx: i64) -> i64 {
        idx.div_euclid(self.intervals()) * self.intervals()
    }

    /// The number stored for this grain.
    pub fn code(self) -> u8 {
        self as u8
    }
}

macro_rules! keyword_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical lower-case keyword.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Stable small integer code used by stores.
            pub fn code(self) -> u8 {
                self as u8
            }

            /// Inverse of [`Self::code`].
            pub fn from_code(code: u8) -> Option<Self> {
                Self::ALL.get(code as usize).copied()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim();
                $(if t.eq_ignore_ascii_case($text) { return Ok($name::$variant); })+
                let expected: Vec<&str> = vec![$($text),+];
                Err(format!("unknown {} {:?} (expected one of: {})", stringify!($name).to_lowercase(), s, expected.join(", ")))
            }
        }
    };
}

keyword_enum!(
    /// How the customer reached the provider.
    Channel { Voice => "voice", Chat => "chat", Email => "email", Messaging => "messaging", WebForm => "web_form", Social => "social" }
);

keyword_enum!(
    /// Inbound contacts are offered to a queue; outbound ones are stored but are not part of queue KPIs.
    Direction { Inbound => "inbound", Outbound => "outbound" }
);

keyword_enum!(
    /// How the contact left the queue.
    Outcome { Answered => "answered", Abandoned => "abandoned", Flowout => "flowout" }
);

impl Channel {
    /// Default service-level threshold T in seconds (docs/DEFINITIONS.md §4.1): 20 s voice, 60 s
    /// chat and messaging. Asynchronous channels (email, web form, social) default to 24 hours of
    /// calendar time; contracts measure them in business time.
    pub fn default_sl_threshold_s(self) -> u32 {
        match self {
            Channel::Voice => 20,
            Channel::Chat | Channel::Messaging => 60,
            Channel::Email | Channel::WebForm | Channel::Social => 86_400,
        }
    }
}

/// One contact in canonical form (docs/DEFINITIONS.md §3). Identity is `(provider, contact_id)`.
///
/// Timestamps are milliseconds since the Unix epoch; durations are milliseconds.
/// `customer` holds the clear key only between parsing and storing; stores keep a keyed hash.
#[derive(Clone, Debug, PartialEq)]
pub struct ContactRecord {
    pub contact_id: String,
    pub provider: String,
    pub queue: String,
    pub channel: Channel,
    pub direction: Direction,
    pub arrived_at_ms: i64,
    pub answered_at_ms: Option<i64>,
    pub abandoned_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    pub outcome: Outcome,
    pub talk_ms: Option<i64>,
    pub hold_ms: Option<i64>,
    pub acw_ms: Option<i64>,
    pub agent: Option<String>,
    pub customer: Option<String>,
    pub reason: Option<String>,
    pub resolved: Option<bool>,
    pub transferred: Option<bool>,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    /// Quality score in thousandths of a point (0..=100_000), so sums stay exact.
    pub qa_milli: Option<i64>,
    pub language: Option<String>,
    pub updated_at_ms: i64,
}

/// A problem with one field of a record: the canonical column and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("column {column:?}: {reason}")]
pub struct FieldError {
    pub column: &'static str,
    pub reason: String,
}

impl FieldError {
    pub fn new(column: &'static str, reason: impl Into<String>) -> Self {
        FieldError {
            column,
            reason: reason.into(),
        }
    }
}

impl ContactRecord {
    /// An inbound contact with its identity, queue, channel, arrival and outcome, and nothing else:
    /// every optional field empty and `updated_at` = the arrival. Parsers and tests fill in the
    /// rest (`ContactRecord { answered_at_ms: …, ..ContactRecord::new(…) }`).
    pub fn new(
        contact_id: impl Into<String>,
        provider: impl Into<String>,
        queue: impl Into<String>,
        channel: Channel,
        arrived_at_ms: i64,
        outcome: Outcome,
    ) -> ContactRecord {
        ContactRecord {
            contact_id: contact_id.into(),
            provider: provider.into(),
            queue: queue.into(),
            channel,
            direction: Direction::Inbound,
            arrived_at_ms,
            answered_at_ms: None,
            abandoned_at_ms: None,
            ended_at_ms: None,
            outcome,
            talk_ms: None,
            hold_ms: None,
            acw_ms: None,
            agent: None,
            customer: None,
            reason: None,
            resolved: None,
            transferred: None,
            csat: None,
            nps: None,
            qa_milli: None,
            language: None,
            updated_at_ms: arrived_at_ms,
        }
    }

    /// Derives the outcome when the source gave none (docs/DEFINITIONS.md §3):
    /// answered_at ⇒ answered, else abandoned_at or ended_at ⇒ abandoned.
    pub fn derive_outcome(
        answered_at_ms: Option<i64>,
        abandoned_at_ms: Option<i64>,
        ended_at_ms: Option<i64>,
    ) -> Option<Outcome> {
        if answered_at_ms.is_some() {
            Some(Outcome::Answered)
        } else if abandoned_at_ms.is_some() || ended_at_ms.is_some() {
            Some(Outcome::Abandoned)
        } else {
            None
        }
    }

    /// The latest timestamp in the record: the default `updated_at`.
    pub fn latest_timestamp_ms(&self) -> i64 {
        [self.answered_at_ms, self.abandoned_at_ms, self.ended_at_ms]
            .into_iter()
            .flatten()
            .fold(self.arrived_at_ms, i64::max)
    }

    /// Wait = (answered_at, else abandoned_at, else ended_at) − arrived_at, in milliseconds.
    /// `None` when the record has none of those timestamps.
    pub fn wait_ms(&self) -> Option<i64> {
        self.answered_at_ms
            .or(self.abandoned_at_ms)
            .or(self.ended_at_ms)
            .map(|t| t - self.arrived_at_ms)
    }

    /// Handle time (talk + hold + after-contact work), missing parts counting as zero.
    pub fn handle_ms(&self) -> i64 {
        self.talk_ms.unwrap_or(0) + self.hold_ms.unwrap_or(0) + self.acw_ms.unwrap_or(0)
    }

    /// Checks every rule of docs/DEFINITIONS.md §3 that a single record can break, and the bounds
    /// of [`limits`] (lengths, durations, waits, timestamps) that keep every stored sum exact.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.contact_id.trim().is_empty() {
            return Err(FieldError::new("contact_id", "is empty"));
        }
        if self.provider.trim().is_empty() {
            return Err(FieldError::new(
                "provider",
                "is empty (give the column or --provider)",
            ));
        }
        if self.queue.trim().is_empty() {
            return Err(FieldError::new("queue", "is empty"));
        }
        self.validate_bounds()?;
        for (column, ts) in [
            ("answered_at", self.answered_at_ms),
            ("abandoned_at", self.abandoned_at_ms),
            ("ended_at", self.ended_at_ms),
        ] {
            if let Some(t) = ts
                && t < self.arrived_at_ms
            {
                return Err(FieldError::new(
                    column,
                    format!(
                        "is {} s before arrived_at (negative wait)",
                        fmt_ms(self.arrived_at_ms - t)
                    ),
                ));
            }
        }
        if let (Some(ans), Some(end)) = (self.answered_at_ms, self.ended_at_ms)
            && end < ans
        {
            return Err(FieldError::new(
                "ended_at",
                "is before answered_at (negative duration)",
            ));
        }
        for (column, d) in [
            ("talk_s", self.talk_ms),
            ("hold_s", self.hold_ms),
            ("acw_s", self.acw_ms),
        ] {
            if let Some(v) = d
                && v < 0
            {
                return Err(FieldError::new(
                    column,
                    format!("negative duration {}", fmt_ms(v)),
                ));
            }
        }
        if let Some(c) = self.csat
            && !(1..=5).contains(&c)
        {
            return Err(FieldError::new("csat", format!("{c} is outside 1–5")));
        }
        if let Some(n) = self.nps
            && n > 10
        {
            return Err(FieldError::new("nps", format!("{n} is outside 0–10")));
        }
        if let Some(q) = self.qa_milli
            && !(0..=100_000).contains(&q)
        {
            return Err(FieldError::new(
                "qa_score",
                format!("{} is outside 0–100", fmt_ms(q)),
            ));
        }
        match self.outcome {
            Outcome::Answered if self.answered_at_ms.is_none() => {
                return Err(FieldError::new(
                    "answered_at",
                    "is missing for an answered contact",
                ));
            }
            Outcome::Abandoned | Outcome::Flowout if self.answered_at_ms.is_some() => {
                return Err(FieldError::new(
                    "outcome",
                    format!("is {} but answered_at is set", self.outcome),
                ));
            }
            _ => {}
        }
        if self.wait_ms().is_none() && self.outcome != Outcome::Flowout {
            return Err(FieldError::new(
                "outcome",
                "cannot be known: none of answered_at, abandoned_at, ended_at is set",
            ));
        }
        Ok(())
    }
}

impl ContactRecord {
    fn validate_bounds(&self) -> Result<(), FieldError> {
        use limits::*;
        let texts = [
            ("contact_id", Some(self.contact_id.as_str()), MAX_KEY_BYTES),
            ("provider", Some(self.provider.as_str()), MAX_KEY_BYTES),
            ("queue", Some(self.queue.as_str()), MAX_KEY_BYTES),
            ("agent", self.agent.as_deref(), MAX_KEY_BYTES),
            ("customer", self.customer.as_deref(), MAX_TEXT_BYTES),
            ("reason", self.reason.as_deref(), MAX_TEXT_BYTES),
            ("language", self.language.as_deref(), MAX_LANGUAGE_BYTES),
        ];
        for (column, value, max) in texts {
            if let Some(v) = value {
                check_text(column, v, max)?;
            }
        }
        for (column, ts) in [
            ("arrived_at", Some(self.arrived_at_ms)),
            ("answered_at", self.answered_at_ms),
            ("abandoned_at", self.abandoned_at_ms),
            ("ended_at", self.ended_at_ms),
            ("updated_at", Some(self.updated_at_ms)),
        ] {
            if let Some(t) = ts
                && !(MIN_TIMESTAMP_MS..MAX_TIMESTAMP_MS).contains(&t)
            {
                return Err(FieldError::new(
                    column,
                    "is outside 1970-01-01 to 2199-12-31 (UTC)",
                ));
            }
        }
        if let Some(w) = self.wait_ms()
            && w > MAX_WAIT_MS
        {
            return Err(FieldError::new(
                "arrived_at",
                format!("the wait ({} s) is longer than 400 days", fmt_ms(w)),
            ));
        }
        if let (Some(ans), Some(end)) = (self.answered_at_ms, self.ended_at_ms)
            && end - ans > MAX_WAIT_MS
        {
            return Err(FieldError::new(
                "ended_at",
                "is more than 400 days after answered_at",
            ));
        }
        for (column, d) in [
            ("talk_s", self.talk_ms),
            ("hold_s", self.hold_ms),
            ("acw_s", self.acw_ms),
        ] {
            if let Some(v) = d
                && v > MAX_PART_MS
            {
                return Err(FieldError::new(
                    column,
                    format!("{} s is longer than one day (86400 s)", fmt_ms(v)),
                ));
            }
        }
        Ok(())
    }
}

/// The bounds every record is held to (docs/DEFINITIONS.md §3.1), and why.
///
/// Lengths are in bytes of UTF-8. Durations bound every sum the cube keeps: a cell holds at most
/// [`MAX_CELL_CONTACTS`](limits::MAX_CELL_CONTACTS) contacts, so its largest sum (waits:
/// 10⁸ × 400 days in ms ≈ 3.5 × 10¹⁸) stays below `i64::MAX` (≈ 9.2 × 10¹⁸); reports add cells in
/// 128-bit integers.
pub mod limits {
    /// contact_id, provider, queue, agent: identifiers (vendor ids are 32–64 bytes).
    pub const MAX_KEY_BYTES: usize = 128;
    /// customer and reason: free text kept short.
    pub const MAX_TEXT_BYTES: usize = 256;
    /// language: a BCP 47 tag (35 bytes covers the longest registered forms).
    pub const MAX_LANGUAGE_BYTES: usize = 35;
    /// talk, hold and after-contact work, each: one day. A longer "talk" is a broken export.
    pub const MAX_PART_MS: i64 = 86_400_000;
    /// A wait (arrival to answer, abandon or end) and a contact's length after its answer: 400
    /// days, enough for an email or a case that waits over a year-end.
    pub const MAX_WAIT_MS: i64 = 400 * 86_400_000;
    /// Timestamps from 1970-01-01 (UTC) up to, not including, 2200-01-01.
    pub const MIN_TIMESTAMP_MS: i64 = 0;
    pub const MAX_TIMESTAMP_MS: i64 = 7_258_118_400_000;
    /// Contacts in one cube cell (one provider, queue and channel in one 15-minute interval):
    /// 10⁸, i.e. 110,000 a second for the whole interval. The store refuses more.
    pub const MAX_CELL_CONTACTS: i64 = 100_000_000;
    /// How much of a value an error message quotes.
    pub const QUOTE_CHARS: usize = 80;
}

/// An identifier outside a contact record (a provider or queue in hours, contracts, plans) held to
/// the record's bounds for keys: at most [`limits::MAX_KEY_BYTES`], no control characters.
pub fn check_key(column: &'static str, v: &str) -> Result<(), FieldError> {
    check_text(column, v, limits::MAX_KEY_BYTES)
}

/// A text field's bounds: at most `max` bytes; no control characters in keys, and in free text
/// only tab and line breaks (NUL never).
fn check_text(column: &'static str, v: &str, max: usize) -> Result<(), FieldError> {
    if v.len() > max {
        return Err(FieldError::new(
            column,
            format!("is {} bytes long; at most {max} are allowed", v.len()),
        ));
    }
    let free_text = matches!(column, "reason" | "customer");
    if let Some(c) = v
        .chars()
        .find(|&c| c == '\0' || (c.is_control() && !(free_text && matches!(c, '\t' | '\n' | '\r'))))
    {
        return Err(FieldError::new(
            column,
            format!("contains the control character U+{:04X}", u32::from(c)),
        ));
    }
    Ok(())
}

/// At most [`limits::QUOTE_CHARS`] characters of `v`, quoted, with how much was left out: what an
/// error message shows of a value, however long the value is.
///
/// ```
/// assert_eq!(relevo_core::quote("billing"), "\"billing\"");
/// assert_eq!(relevo_core::quote(&"x".repeat(1000)).len(), 82 + " … (1000 bytes)".len());
/// ```
pub fn quote(v: &str) -> String {
    match v.char_indices().nth(limits::QUOTE_CHARS) {
        None => format!("{v:?}"),
        Some((cut, _)) => format!("{:?} … ({} bytes)", &v[..cut], v.len()),
    }
}

/// Appends a text cell of a CSV file meant for people's spreadsheets (reports, invoices): quoted
/// when it holds a comma, quote or line break, and, when a spreadsheet would run it as a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return), prefixed with `'` so that it
/// stays text (OWASP, CSV injection). Numbers are written by their callers, never through this.
///
/// ```
/// let mut out = String::new();
/// relevo_core::push_csv_text(&mut out, "=HYPERLINK(\"http://x\")");
/// assert_eq!(out, "\"'=HYPERLINK(\"\"http://x\"\")\"");
/// ```
pub fn push_csv_text(out: &mut String, s: &str) {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = s.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quoted {
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Milliseconds as seconds with up to three decimals, trailing zeros trimmed.
pub(crate) fn fmt_ms(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{}", ms / 1000)
    } else {
        let s = format!("{:.3}", ms as f64 / 1000.0);
        s.trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests;
