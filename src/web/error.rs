//! The one error shape JS sees: an `Error` named `AuthError` with `code` and `field`.

use crate::core::error::AuthError;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The JS `AuthError` for `e`: an `Error` whose message names the field, with `name`,
/// `code` and `field` set.
pub fn to_js(e: &AuthError) -> JsValue {
    let message = match &e.field {
        Some(field) => crate::core::urlenc::cat(&[field, " ", &e.message]),
        None => e.message.clone(),
    };
    let err = js_sys::Error::new(&message);
    err.set_name("AuthError");
    // Reflect::set on a fresh Error object cannot fail; the results are ignored.
    let _ = Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    let field = e.field.as_deref().map_or(JsValue::UNDEFINED, JsValue::from);
    let _ = Reflect::set(&err, &"field".into(), &field);
    err.into()
}
