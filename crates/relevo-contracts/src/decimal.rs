//! Exact fixed-point numbers for money: amounts in cents, unit prices in millionths, quantities in
//! thousandths, percentages in basis points, multipliers in hundredths.
//!
//! No money is ever held in a float. Contract files may write a price as a TOML number or a string;
//! it is read back from its shortest decimal text (the text the author typed, for any value with at
//! most 15 significant digits) and refused when it has more decimal places than its type keeps.
//! Every product is formed in `i128` and rounded once, half away from zero.

use std::fmt;
use std::str::FromStr;

/// Rounds `n / d` to the nearest integer, halves away from zero. `d` must be positive.
pub(crate) fn div_round(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

/// Parses a plain decimal (`-12`, `3.10`, `0.4275`) into an integer count of `10^-scale` units.
pub(crate) fn parse_fixed(text: &str, scale: u32) -> Result<i64, String> {
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return Err(format!("not a decimal number: {text:?}"));
    }
    if frac.len() > scale as usize {
        return Err(format!(
            "{text:?} has more than {scale} decimal place{}",
            if scale == 1 { "" } else { "s" }
        ));
    }
    let mut v: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        v = v * 10 + i128::from(b - b'0');
        if v > i128::from(i64::MAX) {
            return Err(format!("{text:?} is too large"));
        }
    }
    for _ in frac.len()..scale as usize {
        v *= 10;
    }
    let v =
        i64::try_from(if neg { -v } else { v }).map_err(|_| format!("{text:?} is too large"))?;
    Ok(v)
}

/// Formats `v` units of `10^-scale` with at least `min_frac` and at most `scale` decimals.
pub(crate) fn format_fixed(v: i64, scale: u32, min_frac: u32) -> String {
    let unit = 10i128.pow(scale);
    let a = i128::from(v).abs();
    let (int, mut frac) = (a / unit, a % unit);
    let mut digits = scale;
    while digits > min_frac && frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    let sign = if v < 0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = digits as usize)
    }
}

macro_rules! fixed_type {
    ($(#[$m:meta])* $name:ident, $scale:expr, $min_frac:expr, $from:ident, $get:ident, $unit:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            /// Decimal places kept.
            pub const SCALE: u32 = $scale;
            #[doc = concat!("From a whole number of ", $unit, ".")]
            pub const fn $from(v: i64) -> Self {
                $name(v)
            }
            #[doc = concat!("The value as a whole number of ", $unit, ".")]
            pub const fn $get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&format_fixed(self.0, $scale, $min_frac))
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                parse_fixed(s, $scale).map($name)
            }
        }
    };
}

fixed_type!(
    /// An amount of money in cents (hundredths of the contract currency). Displays as `1234.56`.
    Money, 2, 2, from_cents, cents, "cents"
);

fixed_type!(
    /// A price per unit (contact, minute, hour, FTE-month) in millionths of the currency, so that
    /// per-minute rates such as `0.4275` are exact. Displays with 2 to 6 decimals: `3.10`, `0.4275`.
    UnitPrice, 6, 2, from_micros, micros, "millionths of the currency"
);

fixed_type!(
    /// A billed quantity (contacts, minutes, hours, FTEs) in thousandths. Displays without trailing
    /// zeros: `12500`, `1234.5`.
    Quantity, 3, 0, from_milli, milli, "thousandths"
);

fixed_type!(
    /// A percentage in basis points (hundredths of a percent): `12.5` % is 1250. Displays as `12.5`.
    Pct, 2, 0, from_bp, bp, "basis points (hundredths of a percent)"
);

fixed_type!(
    /// A multiplier in hundredths: `1.5` is 150. Displays as `1.5`.
    Multiplier, 2, 0, from_hundredths, hundredths, "hundredths"
);

impl Money {
    pub const ZERO: Money = Money(0);

    /// `self × pct`, rounded to the cent.
    pub fn pct(self, pct: Pct) -> Money {
        Money(div_round(i128::from(self.0) * i128::from(pct.0), 10_000) as i64)
    }

    /// The amount with the currency code: `1234.56 EUR`.
    pub fn with_currency(self, currency: &str) -> String {
        format!("{self} {currency}")
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl Quantity {
    /// A whole number of units.
    pub const fn units(n: i64) -> Quantity {
        Quantity(n * 1000)
    }

    /// `seconds / per_unit_s` units, rounded to the thousandth (e.g. seconds to minutes with 60).
    pub fn from_seconds(seconds: i64, per_unit_s: i64) -> Quantity {
        Quantity(div_round(i128::from(seconds) * 1000, i128::from(per_unit_s)) as i64)
    }

    /// `quantity × unit price`, rounded once to the cent.
    pub fn times(self, price: UnitPrice) -> Money {
        // thousandths × millionths = 10^-9 units; a cent is 10^-2 units.
        Money(div_round(i128::from(self.0) * i128::from(price.0), 10_000_000) as i64)
    }
}

impl UnitPrice {
    /// An amount of money as a unit price (exact: cents are whole multiples of millionths).
    pub const fn from_money(m: Money) -> UnitPrice {
        UnitPrice(m.0 * 10_000)
    }

    /// `self × pct`, rounded to the millionth.
    pub fn pct(self, pct: Pct) -> UnitPrice {
        UnitPrice(div_round(i128::from(self.0) * i128::from(pct.0), 10_000) as i64)
    }

    /// `amount / count` rounded to the millionth (cost per contact); `None` when `count` is 0.
    pub fn per(amount: Money, count: u64) -> Option<UnitPrice> {
        (count > 0)
            .then(|| UnitPrice(div_round(i128::from(amount.0) * 10_000, i128::from(count)) as i64))
    }
}

impl Pct {
    /// 100 %.
    pub const FULL: Pct = Pct(10_000);
}

impl Multiplier {
    /// × 1.
    pub const ONE: Multiplier = Multiplier(100);
}

/// Shares `total` out in proportion to `weights` so that the shares sum to exactly `total`
/// (largest-remainder method; equal remainders go to the earlier weight). Weights and total are
/// non-negative; when every weight is zero every share is zero.
pub(crate) fn apportion(weights: &[i64], total: i64) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let p = i128::from(w) * i128::from(total);
        shares.push((p / sum) as i64);
        rems.push((p % sum, i));
    }
    let mut left = total - shares.iter().sum::<i64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests;
