//! The arithmetic of RSA signature *verification*: `s^e mod n` with a public modulus and exponent.
//!
//! Everything here is public (the signature, the modulus, the exponent), so it may run in variable
//! time, and it needs none of a general bignum library: numbers are little-endian 32-bit limbs (a
//! 32x32->64 product is one native multiply in WebAssembly), multiplication is Montgomery's
//! (coarsely integrated operand scanning), and the exponent is a machine word. Signing never comes
//! here: it runs in the host's RSA or in the rsa crate, which blind and keep constant time.

/// An odd modulus of at least two limbs, with what Montgomery multiplication needs of it.
#[derive(Clone, Debug)]
pub(crate) struct Modulus {
    /// `n`, least significant limb first, without leading zero limbs.
    limbs: Vec<u32>,
    /// `-n^-1 mod 2^32`.
    n0_inv: u32,
    /// `R^2 mod n` with `R = 2^(32 * limbs)`: multiplying by it takes a number into Montgomery form.
    r_squared: Vec<u32>,
}

impl Modulus {
    /// `None` unless `n` (big-endian) is odd and longer than one limb.
    pub(crate) fn new(n_be: &[u8]) -> Option<Modulus> {
        let limbs = trimmed(limbs_from_be(n_be));
        if limbs.len() < 2 || limbs[0] & 1 == 0 {
            return None;
        }
        let n0_inv = inverse_mod_2_32(limbs[0]).wrapping_neg();
        let mut modulus = Modulus {
            limbs,
            n0_inv,
            r_squared: Vec::new(),
        };
        modulus.r_squared = modulus.compute_r_squared();
        Some(modulus)
    }

    /// `base^exponent mod n` for `base < n` (big-endian, any length) and `exponent >= 1`, as `len`
    /// big-endian bytes, or `None` where `base` is not below `n`, the exponent is 0, or the result
    /// does not fit in `len` bytes.
    pub(crate) fn pow(&self, base_be: &[u8], exponent: u64, len: usize) -> Option<Vec<u8>> {
        let top_bit = 63u32.checked_sub(exponent.leading_zeros())?;
        let base = self.fit(limbs_from_be(base_be))?;
        if !is_less(&base, &self.limbs) {
            return None;
        }
        let base = self.mul(&base, &self.r_squared);
        let mut acc = base.clone();
        for bit in (0..top_bit).rev() {
            acc = self.mul(&acc, &acc);
            if exponent >> bit & 1 == 1 {
                acc = self.mul(&acc, &base);
            }
        }
        let mut one = vec![0; self.limbs.len()];
        one[0] = 1;
        be_from_limbs(&self.mul(&acc, &one), len)
    }

    /// `a * b * R^-1 mod n`, fully reduced, for `a, b < n` of the modulus' limb count.
    ///
    /// One pass per limb of `a` adds `a_i * b` and `u * n`, where `u` makes the low limb zero, and
    /// writes the sum a limb lower into the other buffer (dividing by 2^32); the sum stays below
    /// 2n. Iterators rather than indices, so the size-optimized build has no bounds checks in the
    /// loop.
    fn mul(&self, a: &[u32], b: &[u32]) -> Vec<u32> {
        let n = &self.limbs;
        let len = n.len();
        let mut t = vec![0u32; len + 1];
        let mut next = vec![0u32; len + 1];
        for &a_i in a {
            let a_i = u64::from(a_i);
            // Each sum is at most (2^32-1) + (2^32-1)^2 + (2^32-1) = 2^64 - 1: no overflow.
            let sum = u64::from(t[0]) + a_i * u64::from(b[0]);
            let u = u64::from((sum as u32).wrapping_mul(self.n0_inv));
            let mut product_carry = sum >> 32;
            let mut reduction_carry = (u64::from(sum as u32) + u * u64::from(n[0])) >> 32;
            let high = next[..len - 1]
                .iter_mut()
                .zip(t[1..len].iter().zip(&b[1..]).zip(&n[1..]));
            for (out, ((&t_j, &b_j), &n_j)) in high {
                let sum = u64::from(t_j) + a_i * u64::from(b_j) + product_carry;
                product_carry = sum >> 32;
                let reduced = u64::from(sum as u32) + u * u64::from(n_j) + reduction_carry;
                reduction_carry = reduced >> 32;
                *out = reduced as u32;
            }
            let top = u64::from(t[len]) + product_carry + reduction_carry;
            next[len - 1] = top as u32;
            next[len] = (top >> 32) as u32;
            std::mem::swap(&mut t, &mut next);
        }
        if t[len] != 0 || !is_less(&t[..len], n) {
            sub_in_place(&mut t[..len], n);
        }
        t.truncate(len);
        t
    }

    /// `R^2 mod n`: `2R mod n` by doubling the modulus' top bit (at most 33 doublings, since n
    /// fills its top limb to within 32 bits), which is 2 in Montgomery form, then raised to the
    /// power `32 * limbs` with Montgomery products, which is R in Montgomery form: `R^2 mod n`.
    fn compute_r_squared(&self) -> Vec<u32> {
        let len = self.limbs.len();
        let top_bit = 32 * len - self.limbs[len - 1].leading_zeros() as usize - 1;
        let mut x = vec![0u32; len];
        x[top_bit / 32] = 1 << (top_bit % 32);
        for _ in top_bit..=32 * len {
            self.double(&mut x);
        }
        let two = x.clone();
        let exponent = 32 * len;
        for bit in (0..usize::BITS - 1 - exponent.leading_zeros()).rev() {
            x = self.mul(&x, &x);
            if exponent >> bit & 1 == 1 {
                x = self.mul(&x, &two);
            }
        }
        x
    }

    /// `x = 2x mod n` for `x < n`.
    fn double(&self, x: &mut [u32]) {
        let mut carry = 0;
        for limb in x.iter_mut() {
            let next = *limb >> 31;
            *limb = *limb << 1 | carry;
            carry = next;
        }
        if carry == 1 || !is_less(x, &self.limbs) {
            sub_in_place(x, &self.limbs);
        }
    }

    /// `x` with the modulus' limb count, or `None` where it has more significant limbs.
    fn fit(&self, x: Vec<u32>) -> Option<Vec<u32>> {
        let mut x = trimmed(x);
        if x.len() > self.limbs.len() {
            return None;
        }
        x.resize(self.limbs.len(), 0);
        Some(x)
    }
}

/// `x -= y` modulo `2^(32 * len)` (the borrow out is dropped: callers know `x >= y` or that it
/// wraps from a carry they dropped).
fn sub_in_place(x: &mut [u32], y: &[u32]) {
    let mut borrow = 0u64;
    for (x_j, &y_j) in x.iter_mut().zip(y) {
        let diff = u64::from(*x_j)
            .wrapping_sub(u64::from(y_j))
            .wrapping_sub(borrow);
        *x_j = diff as u32;
        borrow = diff >> 63;
    }
}

/// `x < y` for numbers of the same limb count.
fn is_less(x: &[u32], y: &[u32]) -> bool {
    for (a, b) in x.iter().rev().zip(y.iter().rev()) {
        if a != b {
            return a < b;
        }
    }
    false
}

/// `x^-1 mod 2^32` for odd `x`, by Newton's iteration: each step doubles the bits that are right,
/// and `x` itself is right to 3 bits (x*x = 1 mod 8 for odd x).
fn inverse_mod_2_32(x: u32) -> u32 {
    let mut inverse = x;
    for _ in 0..4 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(x.wrapping_mul(inverse)));
    }
    inverse
}

/// A big-endian number as little-endian 32-bit limbs (one allocation, of its final size).
pub(crate) fn limbs_from_be(bytes: &[u8]) -> Vec<u32> {
    bytes
        .rchunks(4)
        .map(|chunk| chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)))
        .collect()
}

/// The number as exactly `len` big-endian bytes, or `None` where it needs more.
fn be_from_limbs(limbs: &[u32], len: usize) -> Option<Vec<u8>> {
    let bytes: Vec<u8> = limbs.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
    let Some(excess) = bytes.len().checked_sub(len) else {
        return Some([vec![0; len - bytes.len()], bytes].concat());
    };
    let (high, low) = bytes.split_at(excess);
    high.iter().all(|&b| b == 0).then(|| low.to_vec())
}

fn trimmed(mut limbs: Vec<u32>) -> Vec<u32> {
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    limbs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Square-and-multiply on u128, the reference for moduli that fit in it.
    fn reference_pow(base: u128, exponent: u64, n: u128) -> u128 {
        let mul = |a: u128, b: u128| -> u128 {
            // Double-and-add keeps every intermediate below 2n < 2^127.
            let (mut acc, mut a, mut b) = (0u128, a % n, b);
            while b > 0 {
                if b & 1 == 1 {
                    acc = (acc + a) % n;
                }
                a = (a << 1) % n;
                b >>= 1;
            }
            acc
        };
        let (mut acc, mut base, mut e) = (1u128 % n, base % n, exponent);
        while e > 0 {
            if e & 1 == 1 {
                acc = mul(acc, base);
            }
            base = mul(base, base);
            e >>= 1;
        }
        acc
    }

    #[test]
    fn small_moduli_agree_with_u128_arithmetic() {
        let moduli: [u128; 5] = [
            (1 << 32) + 15,
            0xffff_ffff_ffff_ffc5,
            (1 << 64) + 13,
            0x0000_0001_0000_0000_0000_0000_0000_0001 | 0x8000_0000_0000_0001,
            (1 << 126) - 137,
        ];
        let exponents = [1u64, 2, 3, 17, 65537, (1 << 33) - 1];
        for n in moduli {
            let modulus = Modulus::new(&n.to_be_bytes()).unwrap();
            let bases = [0u128, 1, 2, n - 1, n / 3, 0x1234_5678_9abc_def0 % n];
            for base in bases {
                for e in exponents {
                    let got = modulus.pow(&base.to_be_bytes(), e, 16).unwrap();
                    assert_eq!(
                        u128::from_be_bytes(got.try_into().unwrap()),
                        reference_pow(base, e, n),
                        "{base}^{e} mod {n}"
                    );
                }
            }
        }
    }

    /// Random odd moduli of RSA sizes (and a few odd byte lengths), random bases below them, and the
    /// exponents a gateway key may have, against crypto-bigint's constant-time exponentiation.
    #[test]
    fn rsa_sized_moduli_agree_with_crypto_bigint() {
        use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
        use crypto_bigint::{BoxedUint, Odd};
        let random = |len: usize| {
            let mut bytes = vec![0u8; len];
            getrandom::fill(&mut bytes).unwrap();
            bytes
        };
        for len in [256, 257, 259, 384, 512] {
            for round in 0..4 {
                let mut n = random(len);
                n[0] |= 0x80 >> round;
                n[len - 1] |= 1;
                let mut base = random(len);
                base[0] &= 0x7f >> round;
                for e in [3u64, 65537, (1 << 33) - 1] {
                    let ours = Modulus::new(&n).unwrap().pow(&base, e, len).unwrap();
                    let bits = (len * 8) as u32;
                    let params = BoxedMontyParams::new(
                        Odd::new(BoxedUint::from_be_slice(&n, bits).unwrap()).unwrap(),
                    );
                    let theirs = BoxedMontyForm::new(
                        BoxedUint::from_be_slice(&base, bits).unwrap(),
                        &params,
                    )
                    .pow(&BoxedUint::from(e))
                    .retrieve()
                    .to_be_bytes();
                    assert_eq!(
                        ours[..],
                        theirs[theirs.len() - len..],
                        "{len} bytes, e = {e}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_base_not_below_the_modulus_is_refused() {
        let n: u128 = (1 << 64) + 13;
        let modulus = Modulus::new(&n.to_be_bytes()).unwrap();
        assert!(modulus.pow(&n.to_be_bytes(), 3, 16).is_none());
        assert!(modulus.pow(&(n + 2).to_be_bytes(), 3, 16).is_none());
        assert!(modulus.pow(&[1; 40], 3, 40).is_none());
    }

    #[test]
    fn a_zero_exponent_is_refused() {
        let modulus = Modulus::new(&((1u128 << 64) + 13).to_be_bytes()).unwrap();
        assert!(modulus.pow(&[5], 0, 16).is_none());
    }

    #[test]
    fn even_or_one_limb_moduli_are_refused() {
        assert!(Modulus::new(&((1u128 << 64) + 14).to_be_bytes()).is_none());
        assert!(Modulus::new(&[0, 0, 0xff, 0xff, 0xff, 0xfb]).is_none());
        assert!(Modulus::new(&[]).is_none());
    }

    #[test]
    fn inverses_mod_2_32_are_inverses() {
        for x in [1u32, 3, 0xffff_ffff, 0x1234_5677, 65537] {
            assert_eq!(x.wrapping_mul(inverse_mod_2_32(x)), 1);
        }
    }
}
