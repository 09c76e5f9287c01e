//! The simulator's own pseudo-random numbers: xoshiro256** seeded through splitmix64, and
//! uniform variates in the open interval (0, 1).
//!
//! Not cryptographic, and deliberately not a global or thread-local generator: every
//! [`Rng`] is created from an explicit seed, so a simulation is a pure function of its
//! inputs and its seed.
//!
//! # Algorithms
//!
//! ```text
//! splitmix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"):
//!   s ← s + 0x9E3779B97F4A7C15
//!   z ← (s ⊕ (s ≫ 30)) · 0xBF58476D1CE4E5B9
//!   z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB
//!   out = z ⊕ (z ≫ 31)
//!
//! xoshiro256** (Blackman & Vigna 2021, "Scrambled linear pseudorandom number generators",
//! reference code prng.di.unimi.it/xoshiro256starstar.c), state s[0..4]:
//!   out = rotl(s1 · 5, 7) · 9
//!   t = s1 ≪ 17;  s2 ⊕= s0;  s3 ⊕= s1;  s1 ⊕= s2;  s0 ⊕= s3;  s2 ⊕= t;  s3 = rotl(s3, 45)
//!
//! uniform in (0, 1):  ((out ≫ 11) + ½) / 2^53     (53 random bits, never 0 nor 1)
//! ```
//!
//! The four state words are four consecutive splitmix64 outputs of the seed, as the
//! xoshiro authors recommend; that also rules out the all-zero state.

#[cfg(test)]
mod tests;

/// splitmix64: a 64-bit generator used to expand seeds (and to derive replication seeds).
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256**: the generator every sample in a simulation comes from.
///
/// ```
/// use relevo_sim::Rng;
/// let mut a = Rng::seed_from(42);
/// let mut b = Rng::seed_from(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let u = a.uniform();
/// assert!(u > 0.0 && u < 1.0);
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is four splitmix64 outputs of `seed`.
    pub fn seed_from(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        Self {
            s: [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()],
        }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// Uniform in the open interval (0, 1): safe to take the logarithm of.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
}
