//! Invoice reconciliation: a vendor's invoice lines (CSV `description,quantity,unit_price,amount`)
//! matched to the expected invoice, listing every difference.
//!
//! Lines match by description, compared case-insensitively with runs of white space collapsed;
//! lines with the same description pair up in order. Each matched pair is compared field by field
//! with a tolerance (0.01 by default); every billed line is also checked for its own arithmetic
//! (`quantity × unit_price = amount`, within the amount tolerance). The parser takes the text; it
//! does not open files.

use crate::decimal::{Money, Quantity, UnitPrice, parse_fixed};
use crate::error::InputError;
use crate::evaluate::render::table;
use crate::invoice::{Invoice, InvoiceLine, csv_field};
use std::fmt;

/// One line of a vendor's invoice, with its 1-based line in the CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BilledLine {
    pub line: u64,
    pub description: String,
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub amount: Money,
}

/// Largest differences accepted as equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tolerance {
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub amount: Money,
}

impl Default for Tolerance {
    /// 0.01 on every field.
    fn default() -> Self {
        Tolerance {
            quantity: Quantity::from_milli(10),
            unit_price: UnitPrice::from_micros(10_000),
            amount: Money::from_cents(1),
        }
    }
}

/// One way a vendor's invoice differs from the expected one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// Expected but not billed.
    Missing(InvoiceLine),
    /// Billed but not expected.
    Extra(BilledLine),
    Quantity {
        description: String,
        line: u64,
        expected: Quantity,
        billed: Quantity,
    },
    UnitPrice {
        description: String,
        line: u64,
        expected: UnitPrice,
        billed: UnitPrice,
    },
    Amount {
        description: String,
        line: u64,
        expected: Money,
        billed: Money,
    },
    /// The billed line's amount is not its quantity × unit price.
    Arithmetic {
        description: String,
        line: u64,
        computed: Money,
        billed: Money,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Missing(l) => write!(
                f,
                "missing: {:?} expected {} × {} = {}",
                l.description, l.quantity, l.unit_price, l.amount
            ),
            Difference::Extra(b) => write!(
                f,
                "line {}: extra: {:?} billed {} × {} = {}",
                b.line, b.description, b.quantity, b.unit_price, b.amount
            ),
            Difference::Quantity {
                description,
                line,
                expected,
                billed,
            } => write!(
                f,
                "line {line}: {description:?}: quantity {billed}, expected {expected}"
            ),
            Difference::UnitPrice {
                description,
                line,
                expected,
                billed,
            } => write!(
                f,
                "line {line}: {description:?}: unit price {billed}, expected {expected}"
            ),
            Difference::Amount {
                description,
                line,
                expected,
                billed,
            } => write!(
                f,
                "line {line}: {description:?}: amount {billed}, expected {expected} ({} {})",
                if billed > expected {
                    "over by"
                } else {
                    "under by"
                },
                Money::from_cents((billed.cents() - expected.cents()).abs())
            ),
            Difference::Arithmetic {
                description,
                line,
                computed,
                billed,
            } => write!(
                f,
                "line {line}: {description:?}: amount {billed} is not quantity × unit price = {computed}"
            ),
        }
    }
}

/// The comparison of a vendor's invoice with the expected one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciliation {
    pub differences: Vec<Difference>,
    pub expected_total: Money,
    pub billed_total: Money,
}

impl Reconciliation {
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
    }

    /// Billed − expected: positive when over-billed.
    pub fn over_billed(&self) -> Money {
        self.billed_total - self.expected_total
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.differences {
            out.push_str(&format!("{d}\n"));
        }
        out.push_str(&table(&[
            vec!["expected total".into(), self.expected_total.to_string()],
            vec!["billed total".into(), self.billed_total.to_string()],
            vec!["difference".into(), self.over_billed().to_string()],
        ]));
        out
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Compares billed lines with the expected invoice.
pub fn reconcile(expected: &Invoice, billed: &[BilledLine], tol: &Tolerance) -> Reconciliation {
    let mut used = vec![false; expected.lines.len()];
    let mut differences = Vec::new();
    for b in billed {
        let key = norm(&b.description);
        let Some(i) = (0..expected.lines.len())
            .find(|&i| !used[i] && norm(&expected.lines[i].description) == key)
        else {
            differences.push(Difference::Extra(b.clone()));
            continue;
        };
        used[i] = true;
        let e = &expected.lines[i];
        let (description, line) = (e.description.clone(), b.line);
        if (e.quantity.milli() - b.quantity.milli()).abs() > tol.quantity.milli() {
            differences.push(Difference::Quantity {
                description: description.clone(),
                line,
                expected: e.quantity,
                billed: b.quantity,
            });
        }
        if (e.unit_price.micros() - b.unit_price.micros()).abs() > tol.unit_price.micros() {
            differences.push(Difference::UnitPrice {
                description: description.clone(),
                line,
                expected: e.unit_price,
                billed: b.unit_price,
            });
        }
        if (e.amount.cents() - b.amount.cents()).abs() > tol.amount.cents() {
            differences.push(Difference::Amount {
                description: description.clone(),
                line,
                expected: e.amount,
                billed: b.amount,
            });
        }
    }
    for b in billed {
        let computed = b.quantity.times(b.unit_price);
        if (computed.cents() - b.amount.cents()).abs() > tol.amount.cents() {
            differences.push(Difference::Arithmetic {
                description: b.description.clone(),
                line: b.line,
                computed,
                billed: b.amount,
            });
        }
    }
    for (i, e) in expected.lines.iter().enumerate() {
        if !used[i] {
            differences.push(Difference::Missing(e.clone()));
        }
    }
    Reconciliation {
        differences,
        expected_total: expected.total(),
        billed_total: billed.iter().map(|b| b.amount).sum(),
    }
}

const COLUMNS: [&str; 4] = ["description", "quantity", "unit_price", "amount"];

/// Parses a vendor invoice CSV: a header naming the four columns `description`, `quantity`,
/// `unit_price`, `amount` (any order), then one line per row. Fields may be quoted (`"a, b"`,
/// `""` for a quote); numbers are plain decimals with a `.` point and no thousands separators.
/// Blank lines are skipped.
pub fn parse_billed_csv(text: &str) -> Result<Vec<BilledLine>, InputError> {
    let records = split_records(text)?;
    let mut it = records
        .into_iter()
        .filter(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    let Some((hline, header)) = it.next() else {
        return Err(InputError::Csv {
            line: 1,
            message: "empty file: expected the header description,quantity,unit_price,amount"
                .into(),
        });
    };
    let mut idx = [usize::MAX; 4];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        match COLUMNS.iter().position(|c| *c == h) {
            Some(c) if idx[c] == usize::MAX => idx[c] = i,
            Some(_) => {
                return Err(InputError::Csv {
                    line: hline,
                    message: format!("column {h:?} appears twice"),
                });
            }
            None => {
                return Err(InputError::Csv {
                    line: hline,
                    message: format!(
                        "unknown column {h:?} (expected description, quantity, unit_price, amount)"
                    ),
                });
            }
        }
    }
    if let Some(c) = (0..4).find(|&c| idx[c] == usize::MAX) {
        return Err(InputError::Csv {
            line: hline,
            message: format!("required column {:?} is missing", COLUMNS[c]),
        });
    }
    let mut out = Vec::new();
    for (line, r) in it {
        if r.len() != header.len() {
            return Err(InputError::Csv {
                line,
                message: format!("{} fields, the header has {}", r.len(), header.len()),
            });
        }
        let field = |c: usize, scale: u32| -> Result<i64, InputError> {
            parse_fixed(&r[idx[c]], scale).map_err(|e| InputError::Csv {
                line,
                message: format!("column {:?}: {e}", COLUMNS[c]),
            })
        };
        let description = r[idx[0]].trim().to_string();
        if description.is_empty() {
            return Err(InputError::Csv {
                line,
                message: "column \"description\": empty".into(),
            });
        }
        out.push(BilledLine {
            line,
            description,
            quantity: Quantity::from_milli(field(1, Quantity::SCALE)?),
            unit_price: UnitPrice::from_micros(field(2, UnitPrice::SCALE)?),
            amount: Money::from_cents(field(3, Money::SCALE)?),
        });
    }
    Ok(out)
}

/// Billed lines back to CSV (for tests and for handing a template to a vendor).
pub fn billed_csv(lines: &[BilledLine]) -> String {
    let mut out = String::from("description,quantity,unit_price,amount\n");
    for b in lines {
        out.push_str(&format!(
            "{},{},{},{}\n",
            csv_field(&b.description),
            b.quantity,
            b.unit_price,
            b.amount
        ));
    }
    out
}

/// Splits CSV text into records of fields, each with the 1-based line it starts on.
fn split_records(text: &str) -> Result<Vec<(u64, Vec<String>)>, InputError> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1u64;
    let mut start = 1u64;
    let mut quoted = false;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(InputError::Csv {
            line: start,
            message: "unterminated quoted field".into(),
        });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
