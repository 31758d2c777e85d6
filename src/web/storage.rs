//! This tab's `sessionStorage` as a `PendingStore` (the shared store is IndexedDB: `shared.rs`).
//! Every call can throw: `SecurityError` in sandboxed frames and with storage disabled,
//! `QuotaExceededError` when full. Each is one `boundary.js` call, whose answer the wasm
//! reads as it comes (a string or a number), failure included.

use crate::core::store::{PendingStore, StoreFault};
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// `getItem(key)`, "" when there is none; `None` when it failed.
    fn stored(key: &str) -> Option<String>;
    /// `setItem(key, value)`, or `removeItem(key)` for `None`, read back: 0 kept, 1 the
    /// quota, 2 anything else (a write that did not stick among them).
    fn store(key: &str, value: Option<&str>) -> u8;
}

/// This tab's sessionStorage. Where there is none (disabled, a sandboxed frame, a private
/// mode), its first call fails, and what needed it says so (`storage_unavailable`).
pub struct WebStore;

fn written(key: &str, value: Option<&str>) -> Result<(), StoreFault> {
    match store(key, value) {
        0 => Ok(()),
        1 => Err(StoreFault::Full),
        _ => Err(StoreFault::Unavailable),
    }
}

impl PendingStore for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        // Our key never holds an empty text (an empty index is removed): "" is none.
        let value = stored(key).ok_or(StoreFault::Unavailable)?;
        Ok((!value.is_empty()).then_some(value))
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        written(key, Some(value))
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        written(key, None)
    }
}
