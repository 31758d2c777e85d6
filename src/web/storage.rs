//! This tab's `sessionStorage` as a `PendingStore` (the shared store is IndexedDB: `shared.rs`). Every call can throw:
//! `SecurityError` in sandboxed frames and with storage disabled, `QuotaExceededError`
//! when full.

use crate::core::error::AuthError;
use crate::core::store::{PendingStore, StoreFault};
use wasm_bindgen::prelude::*;
use web_sys::Storage;

/// The tab's sessionStorage.
pub struct WebStore(Storage);

/// This tab's sessionStorage.
pub fn session_store(window: &web_sys::Window) -> Result<WebStore, AuthError> {
    match window.session_storage() {
        Ok(Some(area)) => Ok(WebStore(area)),
        _ => Err(AuthError::storage(
            "sessionStorage is not available (disabled, sandboxed frame or private mode); redirect mode needs it",
        )),
    }
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// Whether a storage call's exception is `QuotaExceededError`.
    #[wasm_bindgen(js_name = isQuota)]
    fn is_quota(e: &JsValue) -> bool;
}

fn fault(e: JsValue) -> StoreFault {
    if is_quota(&e) {
        StoreFault::Full
    } else {
        StoreFault::Unavailable
    }
}

impl PendingStore for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        self.0.get_item(key).map_err(fault)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        self.0.set_item(key, value).map_err(fault)
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        self.0.remove_item(key).map_err(fault)
    }
}
