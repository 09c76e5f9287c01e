//! One cube cell: counts, exact sums and wait histograms for one interval × provider × queue × channel.

use relevo_core::{ContactRecord, Direction, Outcome};

/// Waits up to this many seconds are binned exactly (two bins per second), above it by the minute.
pub const EXACT_LIMIT_S: i64 = 3600;
pub(crate) const EXACT_BINS: u32 = (EXACT_LIMIT_S * 2) as u32;
/// Waits above this many seconds (7 days) share one overflow bin.
pub const MINUTE_LIMIT_S: i64 = 7 * 86_400;
const MINUTE_BINS: u32 = ((MINUTE_LIMIT_S - EXACT_LIMIT_S) / 60) as u32;
pub(crate) const OVERFLOW_BIN: u32 = EXACT_BINS + MINUTE_BINS + 1;

/// A sparse, signed histogram of waits.
///
/// Bin scheme, for a wait of `w` milliseconds:
/// ```text
///   w ≤ 3600 s, w = 1000·k exactly      → bin 2k        (exactly k seconds)
///   w ≤ 3600 s, 1000·k < w < 1000·(k+1) → bin 2k + 1    (strictly between k and k+1 seconds)
///   3600 s < w ≤ 7 days                 → bin 7200 + j, j = ⌈(w − 3600 s) / 60 s⌉
///   w > 7 days                          → overflow bin
/// ```
/// So for any whole-second T ≤ 3600, "wait ≤ T" is bins ≤ 2T and "wait < T" is bins < 2T, exactly,
/// whatever the precision of the timestamps. Above one hour, thresholds are exact on whole minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WaitHistogram {
    /// (bin, count), sorted by bin, no zero counts.
    bins: Vec<(u32, i64)>,
}

impl WaitHistogram {
    /// The bin of a wait in milliseconds (negative waits are rejected by validation; they clamp to 0).
    pub fn bin_of(wait_ms: i64) -> u32 {
        let w = wait_ms.max(0);
        if w <= EXACT_LIMIT_S * 1000 {
            let k = (w / 1000) as u32;
            if w % 1000 == 0 { 2 * k } else { 2 * k + 1 }
        } else if w <= MINUTE_LIMIT_S * 1000 {
            let over = w - EXACT_LIMIT_S * 1000;
            EXACT_BINS + (over.div_euclid(60_000) + i64::from(over % 60_000 != 0)) as u32
        } else {
            OVERFLOW_BIN
        }
    }

    /// The largest wait (whole seconds, rounded up) a bin can hold: the resolution of percentiles.
    pub fn bin_upper_s(bin: u32) -> i64 {
        if bin <= EXACT_BINS {
            i64::from(bin.div_ceil(2))
        } else if bin < OVERFLOW_BIN {
            EXACT_LIMIT_S + 60 * i64::from(bin - EXACT_BINS)
        } else {
            i64::MAX
        }
    }

    /// The last bin whose waits are all ≤ `t_s` seconds: "wait ≤ T" is the bins up to this one.
    pub(crate) fn last_bin_le(t_s: u32) -> u32 {
        let t = i64::from(t_s);
        if t <= EXACT_LIMIT_S {
            2 * t_s
        } else {
            EXACT_BINS + ((t.min(MINUTE_LIMIT_S) - EXACT_LIMIT_S) / 60) as u32
        }
    }

    /// The first bin not counted by "wait < `s_s` seconds": that count is the bins below this one.
    pub(crate) fn first_bin_not_lt(s_s: u32) -> u32 {
        if s_s == 0 {
            0
        } else if i64::from(s_s) <= EXACT_LIMIT_S {
            2 * s_s
        } else {
            Self::last_bin_le(s_s) + 1
        }
    }

    pub fn add(&mut self, wait_ms: i64, n: i64) {
        self.add_bin(Self::bin_of(wait_ms), n);
    }

    pub(crate) fn add_bin(&mut self, bin: u32, n: i64) {
        match self.bins.binary_search_by_key(&bin, |&(b, _)| b) {
            Ok(i) => {
                self.bins[i].1 += n;
                if self.bins[i].1 == 0 {
                    self.bins.remove(i);
                }
            }
            Err(i) => {
                if n != 0 {
                    self.bins.insert(i, (bin, n));
                }
            }
        }
    }

    /// Adds `other` bin by bin (a linear merge of two sorted lists).
    pub fn merge(&mut self, other: &WaitHistogram) {
        if other.bins.is_empty() {
            return;
        }
        if self.bins.is_empty() {
            self.bins.extend_from_slice(&other.bins);
            return;
        }
        if other.bins.len() <= 2 {
            for &(b, n) in &other.bins {
                self.add_bin(b, n);
            }
            return;
        }
        let mut out = Vec::with_capacity(self.bins.len() + other.bins.len());
        let (mut i, mut j) = (0, 0);
        while i < self.bins.len() || j < other.bins.len() {
            let next = match (self.bins.get(i), other.bins.get(j)) {
                (Some(&(a, x)), Some(&(b, y))) if a == b => {
                    i += 1;
                    j += 1;
                    (a, x + y)
                }
                (Some(&(a, x)), Some(&(b, _))) if a < b => {
                    i += 1;
                    (a, x)
                }
                (Some(_), Some(&(b, y))) | (None, Some(&(b, y))) => {
                    j += 1;
                    (b, y)
                }
                (Some(&(a, x)), None) => {
                    i += 1;
                    (a, x)
                }
                (None, None) => unreachable!(),
            };
            if next.1 != 0 {
                out.push(next);
            }
        }
        self.bins = out;
    }

    pub fn total(&self) -> i64 {
        self.bins.iter().map(|&(_, n)| n).sum()
    }

    /// Waits ≤ `t_s` seconds (exact for t ≤ 3600 s; above, exact on whole minutes, else rounded down).
    pub fn count_le(&self, t_s: u32) -> i64 {
        let last = Self::last_bin_le(t_s);
        self.bins
            .iter()
            .take_while(|&&(b, _)| b <= last)
            .map(|&(_, n)| n)
            .sum()
    }

    /// Waits < `s_s` seconds (exact for s ≤ 3600 s).
    pub fn count_lt(&self, s_s: u32) -> i64 {
        let limit = Self::first_bin_not_lt(s_s);
        self.bins
            .iter()
            .take_while(|&&(b, _)| b < limit)
            .map(|&(_, n)| n)
            .sum()
    }

    /// Waits w with `s_s` ≤ w ≤ `t_s`.
    pub fn count_between(&self, s_s: u32, t_s: u32) -> i64 {
        (self.count_le(t_s) - self.count_lt(s_s)).max(0)
    }

    /// Nearest-rank quantile `q` in (0, 1]: the smallest whole second w such that at least
    /// ⌈q·n⌉ waits are ≤ w (1 s resolution up to one hour, 1 min above, `None` beyond 7 days or if empty).
    pub fn quantile_s(&self, q: f64) -> Option<i64> {
        nearest_rank_s(self.total(), q, self.bins.iter().copied())
    }

    pub fn is_empty(&self) -> bool {
        self.bins.is_empty()
    }

    pub fn bins(&self) -> &[(u32, i64)] {
        &self.bins
    }
}

/// The nearest-rank quantile `q` of `n` waits given as `(bin, count)` in bin order: the upper bound
/// in whole seconds of the bin where the running count reaches ⌈q·n⌉ (`None` when `n` ≤ 0 or that
/// bin is the overflow bin).
pub(crate) fn nearest_rank_s(
    n: i64,
    q: f64,
    bins: impl Iterator<Item = (u32, i64)>,
) -> Option<i64> {
    if n <= 0 {
        return None;
    }
    // ⌈q·n⌉ without a call to `ceil` (the baseline x86-64 target has no rounding instruction).
    let x = q * n as f64;
    let rank = (x as i64 + i64::from((x as i64 as f64) < x)).clamp(1, n);
    let mut cum = 0;
    for (b, c) in bins {
        cum += c;
        if cum >= rank {
            let up = WaitHistogram::bin_upper_s(b);
            return (up != i64::MAX).then_some(up);
        }
    }
    None
}

/// A cell's millisecond sums (and the QA sum), widened: a report adds cells in these, so no sum
/// over any number of cells can overflow. A stored cell's own sums fit `i64` by the record bounds
/// (`relevo_core::limits`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WideSums {
    pub answered_wait_ms: i128,
    pub talk_ms: i128,
    pub hold_ms: i128,
    pub acw_ms: i128,
    pub qa_milli_sum: i128,
}

impl WideSums {
    pub fn add(&mut self, o: &WideSums) {
        self.answered_wait_ms += o.answered_wait_ms;
        self.talk_ms += o.talk_ms;
        self.hold_ms += o.hold_ms;
        self.acw_ms += o.acw_ms;
        self.qa_milli_sum += o.qa_milli_sum;
    }
}

/// Everything the cube keeps for one interval × provider × queue × channel (inbound contacts only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub offered: i64,
    pub answered: i64,
    pub abandoned: i64,
    pub flowout: i64,
    /// Answered contacts marked transferred.
    pub transferred: i64,
    /// Σ wait of answered contacts, ms.
    pub answered_wait_ms: i64,
    /// Σ talk, hold, after-contact work of answered contacts, ms.
    pub talk_ms: i64,
    pub hold_ms: i64,
    pub acw_ms: i64,
    /// Responses per CSAT value 1..=5 (index 0 = 1).
    pub csat: [i64; 5],
    /// Responses per NPS value 0..=10.
    pub nps: [i64; 11],
    pub qa_n: i64,
    pub qa_milli_sum: i64,
    pub answered_waits: WaitHistogram,
    pub abandoned_waits: WaitHistogram,
}

impl Cell {
    /// Handle time of the answered contacts, in ms: talk + hold + after-contact work
    /// (docs/DEFINITIONS.md §4.4, AHT's numerator). The one place this sum is written outside the
    /// KPI formulas.
    pub fn handle_ms(&self) -> i64 {
        self.talk_ms + self.hold_ms + self.acw_ms
    }

    /// Adds (`sign` = 1) or removes (`sign` = −1) one record's contribution.
    /// Outbound records contribute nothing: the cube measures queues.
    pub fn apply(&mut self, r: &ContactRecord, sign: i64) {
        if r.direction != Direction::Inbound {
            return;
        }
        self.offered += sign;
        let wait = r.wait_ms().unwrap_or(0);
        match r.outcome {
            Outcome::Answered => {
                self.answered += sign;
                self.answered_wait_ms += sign * wait;
                self.talk_ms += sign * r.talk_ms.unwrap_or(0);
                self.hold_ms += sign * r.hold_ms.unwrap_or(0);
                self.acw_ms += sign * r.acw_ms.unwrap_or(0);
                if r.transferred == Some(true) {
                    self.transferred += sign;
                }
                self.answered_waits.add(wait, sign);
            }
            Outcome::Abandoned => {
                self.abandoned += sign;
                self.abandoned_waits.add(wait, sign);
            }
            Outcome::Flowout => self.flowout += sign,
        }
        if let Some(c) = r.csat {
            self.csat[usize::from(c.clamp(1, 5)) - 1] += sign;
        }
        if let Some(n) = r.nps {
            self.nps[usize::from(n.min(10))] += sign;
        }
        if let Some(q) = r.qa_milli {
            self.qa_n += sign;
            self.qa_milli_sum += sign * q;
        }
    }

    pub fn merge(&mut self, o: &Cell) {
        self.merge_scalars(o);
        self.answered_waits.merge(&o.answered_waits);
        self.abandoned_waits.merge(&o.abandoned_waits);
    }

    /// Adds every count and sum of `o`, leaving the histograms alone.
    pub fn merge_scalars(&mut self, o: &Cell) {
        self.merge_counts(o);
        self.answered_wait_ms += o.answered_wait_ms;
        self.talk_ms += o.talk_ms;
        self.hold_ms += o.hold_ms;
        self.acw_ms += o.acw_ms;
        self.qa_milli_sum += o.qa_milli_sum;
    }

    /// Adds the counts of `o` (contacts, responses, evaluations), not its millisecond sums: what a
    /// report accumulator keeps in `i64`, the sums going into 128-bit integers ([`crate::Sums`]).
    pub fn merge_counts(&mut self, o: &Cell) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.flowout += o.flowout;
        self.transferred += o.transferred;
        for i in 0..5 {
            self.csat[i] += o.csat[i];
        }
        for i in 0..11 {
            self.nps[i] += o.nps[i];
        }
        self.qa_n += o.qa_n;
    }

    /// The millisecond sums, in 128-bit integers.
    pub fn wide_sums(&self) -> WideSums {
        WideSums {
            answered_wait_ms: i128::from(self.answered_wait_ms),
            talk_ms: i128::from(self.talk_ms),
            hold_ms: i128::from(self.hold_ms),
            acw_ms: i128::from(self.acw_ms),
            qa_milli_sum: i128::from(self.qa_milli_sum),
        }
    }

    /// Back to empty, keeping the histograms' allocations.
    pub fn clear(&mut self) {
        let (mut a, mut b) = (
            std::mem::take(&mut self.answered_waits),
            std::mem::take(&mut self.abandoned_waits),
        );
        a.bins.clear();
        b.bins.clear();
        *self = Cell {
            answered_waits: a,
            abandoned_waits: b,
            ..Cell::default()
        };
    }

    /// What makes this cell impossible, if anything: a negative count or sum, parts that do not
    /// add up (answered + abandoned + flowout ≠ offered, histograms that disagree with their
    /// counts), or a sum past what its contacts can hold under `relevo_core::limits`. The cube of
    /// valid records never is; `relevo check` reports any that is.
    pub fn impossible(&self) -> Option<String> {
        use relevo_core::limits::{MAX_CELL_CONTACTS, MAX_PART_MS, MAX_WAIT_MS};
        let counts = [
            ("offered", self.offered),
            ("answered", self.answered),
            ("abandoned", self.abandoned),
            ("flowout", self.flowout),
            ("transferred", self.transferred),
            ("qa evaluations", self.qa_n),
        ];
        for (name, n) in counts {
            if !(0..=MAX_CELL_CONTACTS).contains(&n) {
                return Some(format!("{name} = {n}"));
            }
        }
        if self.csat.iter().chain(&self.nps).any(|&n| n < 0) {
            return Some("a negative survey count".into());
        }
        if self.answered + self.abandoned + self.flowout != self.offered {
            return Some(format!(
                "answered + abandoned + flowout = {} but offered = {}",
                self.answered + self.abandoned + self.flowout,
                self.offered
            ));
        }
        if self.answered_waits.total() != self.answered
            || self.abandoned_waits.total() != self.abandoned
        {
            return Some(
                "the wait histograms disagree with the answered and abandoned counts".into(),
            );
        }
        let answered = i128::from(self.answered);
        let w = self.wide_sums();
        let bounded = [
            ("answered wait", w.answered_wait_ms, MAX_WAIT_MS),
            ("talk", w.talk_ms, MAX_PART_MS),
            ("hold", w.hold_ms, MAX_PART_MS),
            ("after-contact work", w.acw_ms, MAX_PART_MS),
        ];
        for (name, sum, per_contact) in bounded {
            if sum < 0 || sum > answered * i128::from(per_contact) {
                return Some(format!(
                    "{name} sums to {sum} ms over {answered} answered contacts"
                ));
            }
        }
        if w.qa_milli_sum < 0 || w.qa_milli_sum > i128::from(self.qa_n) * 100_000 {
            return Some(format!(
                "QA scores sum to {} over {} evaluations",
                w.qa_milli_sum, self.qa_n
            ));
        }
        None
    }

    /// True when the cell holds nothing (every count and sum zero).
    pub fn is_zero(&self) -> bool {
        *self == Cell::default()
    }

    /// Compact binary form: a version byte, zig-zag varints for every scalar, then the histograms.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.push(1u8);
        let scalars = [
            self.offered,
            self.answered,
            self.abandoned,
            self.flowout,
            self.transferred,
            self.answered_wait_ms,
            self.talk_ms,
            self.hold_ms,
            self.acw_ms,
            self.qa_n,
            self.qa_milli_sum,
        ];
        for v in scalars.iter().chain(&self.csat).chain(&self.nps) {
            put_varint(&mut out, zigzag(*v));
        }
        for h in [&self.answered_waits, &self.abandoned_waits] {
            put_varint(&mut out, h.bins.len() as u64);
            let mut prev = 0u32;
            for &(b, n) in &h.bins {
                put_varint(&mut out, u64::from(b - prev));
                put_varint(&mut out, zigzag(n));
                prev = b;
            }
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Cell, CellDecodeError> {
        let mut c = Cell::default();
        c.decode_into(bytes)?;
        Ok(c)
    }

    /// Decodes into `self`, reusing its allocations (for scans over many cells).
    pub fn decode_into(&mut self, bytes: &[u8]) -> Result<(), CellDecodeError> {
        self.clear();
        let mut r = Reader { bytes, pos: 0 };
        if r.byte()? != 1 {
            return Err(CellDecodeError("unknown cell version"));
        }
        let mut s = [0i64; 27];
        for v in s.iter_mut() {
            *v = unzigzag(r.varint()?);
        }
        let cell = self;
        cell.offered = s[0];
        cell.answered = s[1];
        cell.abandoned = s[2];
        cell.flowout = s[3];
        cell.transferred = s[4];
        cell.answered_wait_ms = s[5];
        cell.talk_ms = s[6];
        cell.hold_ms = s[7];
        cell.acw_ms = s[8];
        cell.qa_n = s[9];
        cell.qa_milli_sum = s[10];
        cell.csat.copy_from_slice(&s[11..16]);
        cell.nps.copy_from_slice(&s[16..27]);
        for h in [&mut cell.answered_waits, &mut cell.abandoned_waits] {
            let len = r.varint()? as usize;
            let mut prev = 0u32;
            h.bins.reserve(len);
            for _ in 0..len {
                let b = prev
                    .checked_add(
                        u32::try_from(r.varint()?).map_err(|_| CellDecodeError("bin overflow"))?,
                    )
                    .ok_or(CellDecodeError("bin overflow"))?;
                h.bins.push((b, unzigzag(r.varint()?)));
                prev = b;
            }
        }
        if r.pos != bytes.len() {
            return Err(CellDecodeError("trailing bytes"));
        }
        Ok(())
    }
}

/// A cube cell blob that does not decode: the store is corrupt or from a newer relevo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDecodeError(pub &'static str);

impl std::fmt::Display for CellDecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "corrupt cube cell: {}", self.0)
    }
}

impl std::error::Error for CellDecodeError {}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CellDecodeError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or(CellDecodeError("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, CellDecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(CellDecodeError("varint too long"))
    }
}

#[cfg(test)]
mod tests;
