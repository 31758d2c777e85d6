//! This tab's `sessionStorage` as a `PendingStore` (the shared store is IndexedDB: `shared.rs`). Every call can throw:
//! `SecurityError` in sandboxed frames and with storage disabled, `QuotaExceededError`
//! when full.

use super::interop::is;
use crate::core::error::AuthError;
use crate::core::store::{PendingStore, StoreFault};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DomException, Storage};

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

fn fault(e: JsValue) -> StoreFault {
    let name = if is(&e, "DOMException") { e.unchecked_into::<DomException>().name() } else { String::new() };
    // Firefox names it NS_ERROR_DOM_QUOTA_REACHED in older releases.
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
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
