//! Randomness from the platform's `crypto.getRandomValues`, one call per start, straight
//! into the seed's bytes (`boundary.js` `random`).

use crate::core::entropy::{Seed, SEED_BYTES};
use crate::core::error::{AuthError, ErrorCode};
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// Fills `bytes` from `crypto.getRandomValues`; `false` when it failed.
    fn random(bytes: &mut [u8]) -> bool;
}

pub fn seed() -> Result<Seed, AuthError> {
    let mut bytes = [0u8; SEED_BYTES];
    if !random(&mut bytes) {
        return Err(AuthError::new(ErrorCode::BrowserUnavailable, "crypto.getRandomValues failed; no state was made"));
    }
    Ok(Seed(bytes))
}
