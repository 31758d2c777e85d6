use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub fn ping() -> u32 { crate::core::x() }
