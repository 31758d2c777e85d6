//! RFC 7636 Proof Key for Code Exchange, S256 only (§4.2: `plain` is for clients that
//! cannot do SHA-256, which no browser is).

use super::entropy::{base64url, Seed};

/// A PKCE pair. The verifier goes to the host page's backend with the code; only the
/// challenge travels to the provider.
pub struct Pkce {
    /// RFC 7636 §4.1 `code_verifier`: kept in the pending record, then sent by the backend with the code.
    pub verifier: String,
    /// RFC 7636 §4.2 S256 `code_challenge`: sent to the provider.
    pub challenge: String,
}

impl Pkce {
    /// A 43-character verifier from 32 random bytes (RFC 7636 §4.1, §7.1).
    pub fn generate(seed: &Seed) -> Self {
        let verifier = seed.verifier();
        let challenge = challenge_s256(&verifier);
        Self { verifier, challenge }
    }
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`, RFC 7636 §4.2.
pub fn challenge_s256(verifier: &str) -> String {
    base64url(&sha256(verifier.as_bytes()))
}

thread_local! {
    /// FIPS 180-4 §4.2.2's constants, made the first time a page hashes rather than
    /// carried: as data they are bytes no compressor can shorten, and making them is a
    /// short loop run once per page (a start's hash afterwards reads them as before).
    static K: [u32; 64] = round_constants();
}

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes
/// (FIPS 180-4 §4.2.2). The primes by trial division (the 64th is 311, so no divisor
/// above 17 is tried). Each root by Newton's method in `f64` from above, where it falls
/// monotonically until rounding stops it: every step is an IEEE operation wasm and the
/// native targets compute alike, and a test holds all 64 to the standard's table.
fn round_constants() -> [u32; 64] {
    let mut k = [0u32; 64];
    let mut p = 2u32;
    for slot in &mut k {
        while (2..p).take_while(|d| d * d <= p).any(|d| p % d == 0) {
            p += 1;
        }
        let c = f64::from(p);
        // Above every root wanted (the 64th prime is 311, whose cube root is under 7).
        let mut x = 7.0f64;
        loop {
            let next = x - (x * x * x - c) / (3.0 * x * x);
            if next >= x {
                break;
            }
            x = next;
        }
        *slot = ((x - x.floor()) * 4_294_967_296.0) as u32;
        p += 1;
    }
    k
}

/// FIPS 180-4 SHA-256. Hand-written (about 40 lines) instead of the `sha2` crate: the
/// only input is our own 43-byte verifier, nothing secret depends on its timing, and
/// it keeps the wasm small. Checked against the FIPS and RFC 7636 vectors below.
#[allow(
    clippy::indexing_slicing,
    reason = "fixed-size blocks and schedule: every index is a loop bound below the array length"
)]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        K.with(|k| {
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7].wrapping_add(s1).wrapping_add(ch).wrapping_add(k[i]).wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [t1.wrapping_add(t2), v[0], v[1], v[2], v[3].wrapping_add(t1), v[4], v[5], v[6]];
            }
        });
        // Arrays walked by reference here and below: walked by value, each is a
        // `core::array::IntoIter` of its own in the wasm (docs/performance.md).
        for (a, b) in h.iter_mut().zip(&v) {
            *a = a.wrapping_add(*b);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(&h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// FIPS 180-4 §4.2.2, as the standard prints it.
    const TABLE: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    #[test]
    fn round_constants_are_the_standards() {
        assert_eq!(round_constants(), TABLE);
    }

    #[test]
    fn sha256_fips_vectors() {
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex(&sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(hex(&sha256(&[b'a'; 1000])), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    }

    /// RFC 7636 Appendix B.
    #[test]
    fn rfc7636_appendix_b() {
        let bytes = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let mut seed = Seed([0; super::super::entropy::SEED_BYTES]);
        seed.0[32..64].copy_from_slice(&bytes);
        let pkce = Pkce::generate(&seed);
        assert_eq!(pkce.verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(pkce.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
