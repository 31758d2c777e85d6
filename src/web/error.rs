//! The one error shape JS sees: an `Error` named `AuthError` with `code` and `field`.

use crate::core::error::AuthError;
use wasm_bindgen::prelude::*;

/// The JS `AuthError` for `e`: an `Error` whose message names the field, with `name`,
/// `code` and `field` set.
pub fn to_js(e: &AuthError) -> JsValue {
    let message = match &e.field {
        Some(field) => crate::core::urlenc::cat(&[field, " ", &e.message]),
        None => e.message.clone(),
    };
    auth_error(&message, e.code as u8, e.field.as_deref())
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// The code crosses as its place in [`ErrorCode::ALL`](crate::core::error::ErrorCode::ALL):
    /// `boundary.js` writes its text.
    #[wasm_bindgen(js_name = authError)]
    fn auth_error(message: &str, code: u8, field: Option<&str>) -> JsValue;
}

/// Where there is no window (a worker): bank-link needs one.
pub fn no_window() -> AuthError {
    AuthError::browser("bank-link needs a browser window (not a worker)")
}
