//! Mapping files (TOML): how a provider's own CSV layout becomes canonical records without a converter.
//!
//! A mapping renames columns, builds values from several columns with a template, sets timestamp
//! formats and the zone, maps values (e.g. outcome codes), fills constants, names columns to ignore and
//! rows to skip. See `examples/mappings/anonymous_bank.toml` for an annotated example.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A parsed mapping file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub source: Source,
    /// Source columns that are deliberately not imported.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Canonical fields with a fixed value for every row.
    #[serde(default)]
    pub constants: BTreeMap<String, String>,
    /// Rows to leave out: a row is skipped when every condition of one rule holds.
    #[serde(default)]
    pub skip: Vec<SkipRule>,
    /// Canonical field → where its value comes from.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSpec>,
}

/// How the source file is laid out.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// One character; default `,`. Write `"\t"` for tab-separated files.
    pub delimiter: Option<String>,
    /// IANA zone for naive timestamps (overrides `--tz`).
    pub timezone: Option<String>,
    /// Values that mean "absent" in every column.
    #[serde(default)]
    pub null: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipRule {
    pub when: BTreeMap<String, String>,
    pub reason: Option<String>,
}

/// Where one canonical field comes from: a column name, or a table of options.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    Column(String),
    Full(FieldOptions),
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOptions {
    /// The source column.
    pub column: Option<String>,
    /// `"{date} {time}"`: columns in braces; a list gives alternatives, the first whose columns are all
    /// present wins.
    pub template: Option<Templates>,
    /// strftime-like format for timestamps, e.g. `%y%m%d %H:%M:%S`, read in the source zone.
    pub format: Option<String>,
    /// Value translation, e.g. `{ AGENT = "answered", HANG = "abandoned" }`; other values pass unchanged.
    #[serde(default)]
    pub map: BTreeMap<String, String>,
    /// Values that mean "absent" for this field only.
    #[serde(default)]
    pub null: Vec<String>,
    /// The field is taken only when every condition holds (source column → value).
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    /// For time-of-day columns on a date column: when the value falls more than 12 hours before this
    /// canonical timestamp field, it is taken on the next day (a contact that runs past midnight).
    pub rollover_after: Option<String>,
    /// With `rollover_after`: a value at most this many seconds before that field is taken as equal to it
    /// (sources whose clocks have one-second resolution or skew). Default 0.
    #[serde(default)]
    pub skew_s: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Templates {
    One(String),
    Many(Vec<String>),
}

impl Templates {
    pub fn list(&self) -> Vec<String> {
        match self {
            Templates::One(s) => vec![s.clone()],
            Templates::Many(v) => v.clone(),
        }
    }
}

impl FieldSpec {
    pub fn options(&self) -> FieldOptions {
        match self {
            FieldSpec::Column(c) => FieldOptions {
                column: Some(c.clone()),
                ..FieldOptions::default()
            },
            FieldSpec::Full(o) => o.clone(),
        }
    }
}

/// A mapping file that does not parse: the TOML error with its line and column, or a rule broken.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("{0}")]
    Toml(String),
    #[error("{0}")]
    Invalid(String),
}

/// A mapping file is a page of TOML: anything past this is not one.
pub const MAX_MAPPING_BYTES: usize = 1 << 20;

impl Mapping {
    pub fn from_toml(text: &str) -> Result<Mapping, MappingError> {
        if text.len() > MAX_MAPPING_BYTES {
            return Err(MappingError::Invalid(format!(
                "the mapping is {} bytes; at most {MAX_MAPPING_BYTES} are read",
                text.len()
            )));
        }
        let m: Mapping = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|sp| {
                    let before = &text[..sp.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    (line, col)
                })
                .unwrap_or((0, 0));
            MappingError::Toml(format!("line {line}, column {col}: {}", e.message()))
        })?;
        for name in m.fields.keys().chain(m.constants.keys()) {
            if !crate::canonical::CANONICAL.contains(&name.as_str()) {
                return Err(MappingError::Invalid(format!(
                    "{} is not a canonical field (expected one of: {})",
                    relevo_core::quote(name),
                    crate::canonical::CANONICAL.join(", ")
                )));
            }
        }
        // A constant is a field's value on every row: held to the longest a field may be.
        for (name, value) in &m.constants {
            if value.len() > relevo_core::limits::MAX_TEXT_BYTES {
                return Err(MappingError::Invalid(format!(
                    "constants.{name}: {} bytes; a field's value is at most {} bytes",
                    value.len(),
                    relevo_core::limits::MAX_TEXT_BYTES
                )));
            }
        }
        for (name, spec) in &m.fields {
            let o = spec.options();
            if o.column.is_some() == o.template.is_some() {
                return Err(MappingError::Invalid(format!(
                    "field {name:?}: give exactly one of column or template"
                )));
            }
            if let Some(r) = &o.rollover_after
                && !["arrived_at", "answered_at", "abandoned_at", "ended_at"].contains(&r.as_str())
            {
                return Err(MappingError::Invalid(format!(
                    "field {name:?}: rollover_after must name a canonical timestamp field, not {r:?}"
                )));
            }
        }
        if let Some(d) = &m.source.delimiter
            && (d.len() != 1 || !d.is_ascii())
        {
            return Err(MappingError::Invalid(format!(
                "source.delimiter must be one ASCII character, not {d:?}"
            )));
        }
        Ok(m)
    }
}
