//! Randomness from `crypto.getRandomValues`, through `getrandom` (its `wasm_js` back end),
//! in one call per start.

use crate::core::entropy::{Seed, SEED_BYTES};
use crate::core::error::{AuthError, ErrorCode};

pub fn seed() -> Result<Seed, AuthError> {
    let mut bytes = [0u8; SEED_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| {
        AuthError::new(ErrorCode::BrowserUnavailable, "crypto.getRandomValues failed; no state was made")
    })?;
    Ok(Seed(bytes))
}
