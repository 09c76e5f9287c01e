//! A [`Kpi`] read from and written to serde formats the way `#[derive(Serialize, Deserialize)]`
//! handles a unit enum, restricted to a subset of the vocabulary, so that files and stored JSON
//! written when each crate had its own KPI enum (`Metric` in contracts, `Kpi` in transitions) read
//! and write the same text, errors included (``unknown variant `x`, expected one of …``).

use super::Kpi;
use serde::de::{self, DeserializeSeed, EnumAccess, Unexpected, VariantAccess, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// Writes `kpi` as the unit variant of an enum named `enum_name`, with its index in [`Kpi::ALL`].
pub fn serialize<S: Serializer>(
    kpi: &Kpi,
    enum_name: &'static str,
    s: S,
) -> Result<S::Ok, S::Error> {
    let index = Kpi::ALL.iter().position(|k| k == kpi).unwrap_or_default();
    s.serialize_unit_variant(enum_name, index as u32, kpi.as_str())
}

/// Reads a unit variant of an enum named `enum_name` whose variants are `among` (named `names`,
/// the same KPIs' [`Kpi::as_str`] in the same order).
pub fn deserialize<'de, D: Deserializer<'de>>(
    d: D,
    enum_name: &'static str,
    among: &'static [Kpi],
    names: &'static [&'static str],
) -> Result<Kpi, D::Error> {
    d.deserialize_enum(
        enum_name,
        names,
        Enum {
            enum_name,
            name: Name { among, names },
        },
    )
}

#[derive(Clone, Copy)]
struct Name {
    among: &'static [Kpi],
    names: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Kpi;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Kpi, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Name {
    type Value = Kpi;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Kpi, E> {
        usize::try_from(v)
            .ok()
            .and_then(|i| self.among.get(i).copied())
            .ok_or_else(|| {
                let expected = format!("variant index 0 <= i < {}", self.among.len());
                E::invalid_value(Unexpected::Unsigned(v), &expected.as_str())
            })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kpi, E> {
        self.among
            .iter()
            .copied()
            .find(|k| k.as_str() == v)
            .ok_or_else(|| E::unknown_variant(v, self.names))
    }
}

struct Enum {
    enum_name: &'static str,
    name: Name,
}

impl<'de> Visitor<'de> for Enum {
    type Value = Kpi;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.enum_name)
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Kpi, A::Error> {
        let (kpi, variant) = data.variant_seed(self.name)?;
        variant.unit_variant()?;
        Ok(kpi)
    }
}
