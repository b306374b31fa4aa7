//! `pq`: the server's product of two primes below 2^31, and the client's
//! factorisation of it (Pollard's rho, Brent's variant).

use rand_core::RngCore;

fn multiply_mod(a: u64, b: u64, modulus: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(modulus)) as u64
}

fn power_mod(mut base: u64, mut exponent: u64, modulus: u64) -> u64 {
    let mut result = 1 % modulus;
    base %= modulus;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = multiply_mod(result, base, modulus);
        }
        base = multiply_mod(base, base, modulus);
        exponent >>= 1;
    }
    result
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Deterministic Miller-Rabin for 64-bit numbers.
pub fn is_prime(number: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if number < 2 {
        return false;
    }
    if let Some(base) = BASES.iter().find(|base| number % **base == 0) {
        return number == *base;
    }
    let mut odd = number - 1;
    let mut twos = 0;
    while odd % 2 == 0 {
        odd /= 2;
        twos += 1;
    }
    BASES.iter().all(|base| {
        let mut x = power_mod(*base, odd, number);
        if x == 1 || x == number - 1 {
            return true;
        }
        for _ in 1..twos {
            x = multiply_mod(x, x, number);
            if x == number - 1 {
                return true;
            }
        }
        false
    })
}

/// A random prime in `[2^30, 2^31)`.
pub(crate) fn random_prime_below_2_31(rng: &mut impl RngCore) -> u32 {
    loop {
        let candidate = (rng.next_u32() & 0x3fff_ffff) | 0x4000_0001;
        if is_prime(u64::from(candidate)) {
            return candidate;
        }
    }
}

/// Two different primes `p < q` below 2^31 and their product.
pub(crate) fn random_pq(rng: &mut impl RngCore) -> (u32, u32, u64) {
    let first = random_prime_below_2_31(rng);
    let second = loop {
        let candidate = random_prime_below_2_31(rng);
        if candidate != first {
            break candidate;
        }
    };
    let (p, q) = (first.min(second), first.max(second));
    (p, q, u64::from(p) * u64::from(q))
}

/// One non-trivial factor of the odd composite `number` (Brent), or `None`.
fn brent_factor(number: u64, seed: u64) -> Option<u64> {
    let step = |x: u64| (multiply_mod(x, x, number) + seed) % number;
    let (mut y, mut r, mut q, mut g) = (2u64, 1u64, 1u64, 1u64);
    let (mut x, mut saved) = (0u64, 0u64);
    while g == 1 {
        x = y;
        for _ in 0..r {
            y = step(y);
        }
        let mut k = 0;
        while k < r && g == 1 {
            saved = y;
            for _ in 0..128.min(r - k) {
                y = step(y);
                q = multiply_mod(q, x.abs_diff(y), number);
            }
            g = gcd(q, number);
            k += 128;
        }
        r *= 2;
        if r > 1 << 22 {
            return None;
        }
    }
    if g == number {
        loop {
            saved = step(saved);
            g = gcd(x.abs_diff(saved), number);
            if g > 1 {
                break;
            }
        }
    }
    (g != number).then_some(g)
}

/// `(p, q)` with `p ≤ q` and `p · q = pq`, both prime; `None` when `pq`
/// is not such a product.
pub fn factorize_pq(pq: u64) -> Option<(u64, u64)> {
    if pq < 4 || is_prime(pq) {
        return None;
    }
    let factor = if pq % 2 == 0 {
        2
    } else {
        (1..20).find_map(|seed| brent_factor(pq, seed))?
    };
    let (p, q) = (factor.min(pq / factor), factor.max(pq / factor));
    (is_prime(p) && is_prime(q)).then_some((p, q))
}
