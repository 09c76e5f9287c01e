//! Key paths and their places in a TOML text: the key a byte offset belongs to (for serde errors,
//! which carry a span but no key) and the line and column of a key (for consistency errors, which
//! know the key but not the span).

use crate::error::Location;
use std::fmt;
use toml::de::{DeTable, DeValue};

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// A path of keys and array indices: `terms[1].bonus[0].at`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyPath(pub(crate) Vec<Seg>);

impl KeyPath {
    pub(crate) fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    pub(crate) fn key(&self, k: &str) -> KeyPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    pub(crate) fn index(&self, i: usize) -> KeyPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The parsed document with spans, when the text is TOML at all.
pub(crate) struct Spans<'a> {
    text: &'a str,
    doc: Option<toml::Spanned<DeTable<'a>>>,
}

impl<'a> Spans<'a> {
    pub(crate) fn new(text: &'a str) -> Spans<'a> {
        Spans {
            text,
            doc: DeTable::parse(text).ok(),
        }
    }

    /// Where `path` is written: its value (or, failing that, the deepest enclosing key that exists).
    pub(crate) fn locate(&self, path: &KeyPath) -> Location {
        let mut at = Location {
            key: path.to_string(),
            ..Location::default()
        };
        let Some(doc) = &self.doc else { return at };
        let mut span = None;
        let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
        let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
        for seg in &path.0 {
            let found = match (seg, table, array) {
                (Seg::Key(k), Some(t), _) => t
                    .iter()
                    .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                    .map(|(_, v)| v),
                (Seg::Index(i), _, Some(a)) => a.get(*i),
                _ => None,
            };
            let Some(v) = found else { break };
            span = Some(v.span());
            (table, array) = match v.get_ref() {
                DeValue::Table(t) => (Some(t), None),
                DeValue::Array(a) => (None, Some(&a[..])),
                _ => (None, None),
            };
        }
        if let Some(s) = span {
            (at.line, at.column) = line_col(self.text, s.start);
        }
        at
    }

    /// The most specific key path whose key or value span contains `offset`.
    pub(crate) fn path_at(&self, offset: usize) -> KeyPath {
        let mut best: Option<(usize, KeyPath)> = None;
        if let Some(doc) = &self.doc {
            visit_table(doc.get_ref(), &KeyPath::root(), offset, &mut best);
        }
        best.map(|(_, p)| p).unwrap_or_default()
    }
}

fn consider(
    span: std::ops::Range<usize>,
    path: &KeyPath,
    offset: usize,
    best: &mut Option<(usize, KeyPath)>,
) {
    let contains =
        span.start <= offset && (offset < span.end || span.is_empty() && offset == span.start);
    if contains && best.as_ref().is_none_or(|(len, _)| span.len() <= *len) {
        *best = Some((span.len(), path.clone()));
    }
}

fn visit_table(
    t: &DeTable<'_>,
    path: &KeyPath,
    offset: usize,
    best: &mut Option<(usize, KeyPath)>,
) {
    for (k, v) in t.iter() {
        let p = path.key(k.get_ref());
        consider(k.span(), &p, offset, best);
        visit_value(v, &p, offset, best);
    }
}

fn visit_value(
    v: &toml::Spanned<DeValue<'_>>,
    path: &KeyPath,
    offset: usize,
    best: &mut Option<(usize, KeyPath)>,
) {
    consider(v.span(), path, offset, best);
    match v.get_ref() {
        DeValue::Table(t) => visit_table(t, path, offset, best),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                visit_value(item, &path.index(i), offset, best);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
