//! This tab's `sessionStorage` as a `PendingStore` (the shared store is IndexedDB: `shared.rs`).
//! Every call can throw: `SecurityError` in sandboxed frames and with storage disabled,
//! `QuotaExceededError` when full. Each is one `boundary.js` call, which answers the
//! failure as a number.

use crate::core::store::{PendingStore, StoreFault};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// `op` on sessionStorage (see [`op`]), a write read back; a number when it failed: 1
    /// the quota, 0 anything else (a write that did not stick among them).
    #[wasm_bindgen(js_name = session)]
    fn session_js(op: u8, key: &str, value: Option<&str>) -> JsValue;
}

/// What `boundary.js` `session` does.
mod op {
    /// `getItem(key)`: the value, or null.
    pub const GET: u8 = 0;
    /// `setItem(key, value)`, read back.
    pub const SET: u8 = 1;
    /// `removeItem(key)`, read back.
    pub const REMOVE: u8 = 2;
}

/// This tab's sessionStorage. Where there is none (disabled, a sandboxed frame, a private
/// mode), its first call fails, and what needed it says so (`storage_unavailable`).
pub struct WebStore;

fn call(op: u8, key: &str, value: Option<&str>) -> Result<JsValue, StoreFault> {
    let answer = session_js(op, key, value);
    match answer.as_f64() {
        Some(1.0) => Err(StoreFault::Full),
        Some(_) => Err(StoreFault::Unavailable),
        None => Ok(answer),
    }
}

impl PendingStore for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        call(op::GET, key, None).map(|v| v.as_string())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        call(op::SET, key, Some(value)).map(drop)
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        call(op::REMOVE, key, None).map(drop)
    }
}
