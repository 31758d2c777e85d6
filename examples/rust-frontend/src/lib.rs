//! A Rust frontend that connects a bank with bank-link's typed API, in plain
//! `wasm-bindgen` + `web-sys` (no framework). The page (`index.html`) is both the start
//! page and the redirect URI: on every load it first handles a callback, then offers the
//! "Connect" button. The mock provider of `npm start` stands in for Tink.
//!
//! What a real app does differently: its backend receives `code`, `code_verifier` and
//! `state` (never shown on a page) and exchanges the code with its client secret.

use bank_link::{AuthError, AuthorizationResult, Config, Tink};
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Window};

/// Runs once the module is instantiated.
#[wasm_bindgen(start)]
pub fn main() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = run().await {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-load-error", &e.as_string().unwrap_or_else(|| format!("{e:?}")));
            }
        }
    });
}

async fn run() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let result = document.get_element_by_id("result").ok_or("no #result")?;

    // 1. On every load of the redirect URI: the provider's answer, if this is one.
    match bank_link::handle_callback(None) {
        Ok(None) => {}
        Ok(Some(outcome)) => show_result(&result, &outcome)?,
        Err(e) => show_error(&result, &e)?,
    }

    // 2. The "Connect" button. The mock provider says where it runs; a real app writes
    //    Tink's endpoint nowhere (the preset knows it).
    let provider_origin = mock_provider_origin(&window).await?;
    let redirect_uri = format!("{}/", window.location().origin()?);
    let button = document.get_element_by_id("connect").ok_or("no #connect")?;
    let on_click = Closure::<dyn FnMut()>::new(move || {
        let config = Config::new(
            Tink { client_id: "demo-client".into(), scope: "accounts:read,transactions:read".into() },
            redirect_uri.clone(),
        )
        .authorize_url(format!("{provider_origin}/link/0.2/oauth/auto-authorize.html"));
        // Navigates to the provider; an AuthError means nothing navigated.
        if let Err(e) = bank_link::start_authorization(&config) {
            let _ = show_error(&result, &e);
        }
    });
    button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    on_click.forget(); // the page's one listener lives as long as the page
    document.body().ok_or("no body")?.set_attribute("data-ready", "")?;
    Ok(())
}

async fn mock_provider_origin(window: &Window) -> Result<String, JsValue> {
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("/mock-config.json")).await?.dyn_into()?;
    let config = JsFuture::from(response.json()?).await?;
    Reflect::get(&config, &"providerOrigin".into())?.as_string().ok_or_else(|| "no providerOrigin".into())
}

/// The result as JSON text (what the e2e suite reads), with `data-ok`. Shown here because
/// this is a demo on a mock: a real page sends the code to its backend instead.
fn show_result(out: &Element, outcome: &AuthorizationResult) -> Result<(), JsValue> {
    let shown = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&shown, &k.into(), &v);
    let ok = match outcome {
        AuthorizationResult::Success { provider, code, code_verifier, .. } => {
            set("provider", provider.as_str().into())?;
            set("code", code.as_deref().map_or(JsValue::NULL, JsValue::from))?;
            set("pkce", code_verifier.is_some().into())?;
            true
        }
        AuthorizationResult::Failure { provider, error, .. } => {
            set("provider", provider.as_str().into())?;
            set("error", error.as_str().into())?;
            false
        }
    };
    set("ok", ok.into())?;
    out.set_text_content(JSON::stringify(&shown)?.as_string().as_deref());
    out.set_attribute("data-ok", if ok { "true" } else { "false" })
}

fn show_error(out: &Element, e: &AuthError) -> Result<(), JsValue> {
    out.set_text_content(Some(&format!("AuthError {}: {}", e.code.as_str(), e.message)));
    out.set_attribute("data-error", e.code.as_str())
}
