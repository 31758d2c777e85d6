//! Randomness from `crypto.getRandomValues`, in one call per start.

use crate::core::entropy::{Seed, SEED_BYTES};
use wasm_bindgen::JsValue;

pub fn seed(window: &web_sys::Window) -> Result<Seed, JsValue> {
    let mut bytes = [0u8; SEED_BYTES];
    let crypto = window.crypto()?;
    crypto.get_random_values_with_u8_array(&mut bytes)?;
    Ok(Seed(bytes))
}
