//! LuaJIT 2.1's `math.random` generator, bit for bit.
//!
//! LuaJIT uses a combined Tausworthe generator (L'Ecuyer, "Tables of maximally
//! equidistributed combined LFSR generators", 1999) with four 64-bit components and
//! period 2^223. Each step advances every component with its (k, q, s) parameters and
//! XORs them together; the low 52 bits of the XOR become the mantissa of a double in
//! [1, 2), minus 1.0, giving a uniform double in [0, 1).
//!
//! Seeding (`math.randomseed(d)`): the seed is iterated `d = d*pi + e` four times; each
//! result's IEEE bits become one component, bumped so that its top `k` bits are not all
//! zero (a component needs a non-zero bit there), then the generator is stepped ten
//! times. A fresh state behaves as `randomseed(0)`.
//!
//! Call forms (LuaJIT does no range check): `random()` is the double `r`;
//! `random(m)` is `floor(r*m) + 1`; `random(m, n)` is `floor(r*(n-m+1)) + m`.
//! So `random(0)` is 1 and `random(2, 1)` is 2, without "interval is empty".
//!
//! Rules for whoever changes this file: outputs must stay identical to `luajit`'s; the
//! golden file `tests/golden/stdlib/random.txt` checks sequences for several seeds.

/// The (k, q, s) parameters of the four Tausworthe components.
const COMPONENTS: [(u32, u32, u32); 4] = [(63, 31, 18), (58, 19, 28), (55, 24, 7), (47, 21, 8)];

/// The state of one generator (one per Lua state in LuaJIT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Random {
    gen: [u64; 4],
}

impl Default for Random {
    fn default() -> Self {
        Random::new(0.0)
    }
}

impl Random {
    /// A generator seeded as `math.randomseed(seed)` leaves it.
    pub fn new(seed: f64) -> Self {
        let mut r = Random { gen: [0; 4] };
        r.seed(seed);
        r
    }

    /// `math.randomseed(seed)`.
    pub fn seed(&mut self, seed: f64) {
        let mut d = seed;
        for (slot, &(k, _, _)) in self.gen.iter_mut().zip(COMPONENTS.iter()) {
            d = d * std::f64::consts::PI + std::f64::consts::E;
            let mut bits = d.to_bits();
            let min = 1u64 << (64 - k);
            if bits < min {
                bits += min;
            }
            *slot = bits;
        }
        for _ in 0..10 {
            self.step();
        }
    }

    /// Advance all components once; the XOR of the new components.
    fn step(&mut self) -> u64 {
        let mut out = 0u64;
        for (z, &(k, q, s)) in self.gen.iter_mut().zip(COMPONENTS.iter()) {
            let mut v = *z;
            let feedback = ((v << q) ^ v) >> (k - s);
            v = feedback ^ ((v & (u64::MAX << (64 - k))) << s);
            out ^= v;
            *z = v;
        }
        out
    }

    /// The next uniform double in [0, 1) (`math.random()`).
    pub fn next_f64(&mut self) -> f64 {
        let bits = (self.step() & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000;
        f64::from_bits(bits) - 1.0
    }

    /// `math.random(m)`: `floor(r*m) + 1`, no range check.
    pub fn next_upto(&mut self, m: f64) -> f64 {
        (self.next_f64() * m).floor() + 1.0
    }

    /// `math.random(m, n)`: `floor(r*(n-m+1)) + m`, no range check.
    pub fn next_between(&mut self, m: f64, n: f64) -> f64 {
        (self.next_f64() * (n - m + 1.0)).floor() + m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_state_is_seed_zero() {
        let mut r = Random::default();
        assert_eq!(format!("{:.17}", r.next_f64()), "0.79420629243124097");
    }

    #[test]
    fn seed_42() {
        let mut r = Random::new(42.0);
        assert_eq!(format!("{:.17}", r.next_f64()), "0.95607928791821051");
        assert_eq!(r.next_upto(10.0), 1.0);
        assert_eq!(r.next_between(5.0, 9.0), 7.0);
    }
}
