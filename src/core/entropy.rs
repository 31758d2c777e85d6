//! Randomness is passed into the core, never read inside it: the browser supplies
//! `crypto.getRandomValues`, tests supply fixed bytes.

/// The random bytes one `startAuthorization` consumes, fetched by the boundary in a
/// single `crypto.getRandomValues` call. A fixed-size value rather than a callback: the
/// core cannot run short of randomness or be handed a failing source halfway through.
pub struct Seed(pub [u8; SEED_BYTES]);

/// state (32) + PKCE verifier (32) + correlation id (16).
pub const SEED_BYTES: usize = 80;

impl Seed {
    /// The state: the first 32 bytes as base64url (43 characters).
    pub fn state(&self) -> String {
        base64url(&self.0[..32])
    }
    /// The RFC 7636 code verifier: the next 32 bytes as base64url (43 characters).
    pub fn verifier(&self) -> String {
        base64url(&self.0[32..64])
    }
    /// Flinks' `correlation_id`: the last 16 bytes as a version 4 UUID.
    pub fn uuid(&self) -> String {
        let mut b = [0u8; 16];
        b.copy_from_slice(&self.0[64..80]);
        uuid_v4(b)
    }
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5), as RFC 7636 §3 and our state use it.
#[allow(clippy::indexing_slicing, reason = "6-bit values index a 64-entry table")]
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(B64URL[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// A random (version 4, RFC 9562 §5.4) UUID, for Flinks' `correlation_id`.
#[allow(clippy::indexing_slicing, reason = "a 16-byte array indexed by constants; nibbles index a 16-entry table")]
fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    s
}

/// The length of a state: 32 bytes as unpadded base64url.
pub const TOKEN_LEN: usize = 43;

/// A token we generated (32 bytes as base64url, RFC 9700 §4.7.1 wants it unguessable): exactly 43 base64url characters. Checked before any storage
/// lookup so a hostile `state` never reaches a key name.
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && is_base64url(s)
}

/// Only base64url characters (RFC 4648 §5, no padding).
pub fn is_base64url(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), want);
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn token_is_43_chars() {
        let t = Seed([0xa5; SEED_BYTES]).state();
        assert_eq!(t.len(), 43);
        assert!(is_token(&t));
        assert!(!is_token(&t[1..]));
        assert!(!is_token(&format!("{}=", &t[1..])));
    }

    #[test]
    fn uuid_v4_shape() {
        let u = Seed([0xff; SEED_BYTES]).uuid();
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }
}
