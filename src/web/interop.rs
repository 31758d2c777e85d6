//! The two exports' arguments and answers across the boundary: the config read from JS, the
//! `handleCallback` location, the result and `{ url, state }` written back. (Values that
//! belong to one job convert where that job lives: events in `events.rs`, the page's own
//! reads in `page.rs`, relay messages in `popup.rs`.) Reading a config never runs into a JS
//! exception we don't catch: getters and proxies that throw become `invalid_config`.

use super::error::no_window;
use super::url::BrowserUrl;
use crate::core::callback::{Navigation, MAX_URL, TOO_LONG};
use crate::core::config::{ConfigValue, APP_STATE_TOO_LONG, MAX_APP_STATE};
use crate::core::error::AuthError;
use crate::core::outcome::AuthorizationResult;
use crate::core::uri::{UrlParser, UrlParts};
use crate::core::urlenc::cut;
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// Nested values deeper than this are refused (a config is two levels at most).
const MAX_DEPTH: u32 = 3;
const MAX_KEYS: u32 = 64;

pub fn config_entries(config: &JsValue) -> Result<Vec<(String, ConfigValue)>, AuthError> {
    if !config.is_object() || Array::is_array(config) {
        return Err(AuthError::config("config", "must be an object"));
    }
    entries(config, 0, "")
}

fn entries(obj: &JsValue, depth: u32, prefix: &str) -> Result<Vec<(String, ConfigValue)>, AuthError> {
    let keys = own_keys(obj).ok_or_else(|| AuthError::config(field_name(prefix), "could not be read"))?;
    if keys.length() > MAX_KEYS {
        return Err(AuthError::config(field_name(prefix), "has too many keys"));
    }
    let mut out = Vec::with_capacity(keys.length() as usize);
    // By index with `get`, as every other array read here: `Array::iter` reads through an
    // import of its own (`get_unchecked`), which the wasm and the glue would carry too.
    for i in 0..keys.length() {
        let key = keys.get(i);
        // Symbol keys are not config fields; JSON ignores them too.
        let Some(name) = key.as_string() else { continue };
        // The field's full name (`popup.width`) is written out only for an error.
        let field = Field(prefix, &name);
        let value = read(obj, &key).ok_or_else(|| field.refuse("could not be read"))?;
        let converted = match (depth, name.as_str()) {
            (0, "appState") => app_state(&value)?,
            (0, "signal") if is(&value, "AbortSignal") => ConfigValue::Handle,
            (0, "onEvent") if value.is_function() => ConfigValue::Handle,
            _ => convert(&value, depth, field)?,
        };
        out.push((name, converted));
    }
    Ok(out)
}

// Reads that may throw (a getter, a proxy's trap, a cycle for `JSON.stringify`), each
// answered by `boundary.js` without an exception crossing into the wasm: with no caught
// import left, the wasm carries no code to take an exception at each call and none to
// keep it (wasm-bindgen's `take_last_exception`, `__wbindgen_exn_store`, and the glue's
// `handleError`), once `window.open`, `close` and `location.assign` moved the same way
// (popup.rs, page.rs). What it saved: docs/performance.md.
#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// `Reflect.ownKeys(object)`; `None` when it throws.
    #[wasm_bindgen(js_name = keys)]
    fn own_keys(object: &JsValue) -> Option<Array>;
    /// `[Reflect.get(object, key)]`; `None` when it throws (the array tells a value
    /// `undefined` from a read that failed).
    fn field(object: &JsValue, key: &JsValue) -> Option<Array>;
    /// `JSON.stringify(value)`; `None` when it throws or gives no text (a function,
    /// `undefined`).
    fn stringify(value: &JsValue) -> Option<JsString>;
}

/// `object[key]`, read as `Reflect.get` does; `None` when the read throws.
fn read(object: &JsValue, key: &JsValue) -> Option<JsValue> {
    field(object, key).map(|v| v.get(0))
}

/// `"popup."` → `"popup"`: the field an object prefix names.
fn field_name(prefix: &str) -> &str {
    prefix.strip_suffix('.').unwrap_or(prefix)
}

/// A config field as its object prefix (`"popup."`, or `""` at the top) and its key.
#[derive(Clone, Copy)]
struct Field<'a>(&'a str, &'a str);

impl Field<'_> {
    /// `invalid_config` for this field: its name written out, used and freed in one place
    /// rather than at each refusal.
    fn refuse(self, message: &str) -> AuthError {
        AuthError::config(&crate::core::urlenc::cat(&[self.0, self.1]), message)
    }
}

fn convert(v: &JsValue, depth: u32, field: Field) -> Result<ConfigValue, AuthError> {
    Ok(if v.is_undefined() || v.is_null() {
        ConfigValue::Absent
    } else if let Some(b) = v.as_bool() {
        ConfigValue::Bool(b)
    } else if let Some(n) = v.as_f64() {
        ConfigValue::Number(n)
    } else if let Some(s) = v.as_string() {
        ConfigValue::String(s)
    } else if v.is_function() {
        ConfigValue::Other("a function")
    } else if v.is_symbol() {
        ConfigValue::Other("a symbol")
    } else if v.is_bigint() {
        ConfigValue::Other("a bigint")
    } else if depth >= MAX_DEPTH {
        return Err(field.refuse("is nested too deeply"));
    } else if Array::is_array(v) {
        let arr: &Array = v.unchecked_ref();
        if arr.length() > MAX_KEYS {
            return Err(field.refuse("has too many items"));
        }
        let mut items = Vec::with_capacity(arr.length() as usize);
        for i in 0..arr.length() {
            let item = read(v, &i.into()).ok_or_else(|| field.refuse("could not be read"))?;
            items.push(convert(&item, depth + 1, field)?);
        }
        ConfigValue::List(items)
    } else if v.is_object() {
        ConfigValue::Map(entries(v, depth + 1, &crate::core::urlenc::cat(&[field.0, field.1, "."]))?)
    } else {
        ConfigValue::Other("an unsupported value")
    })
}

/// `appState` travels as JSON text: whatever `JSON.stringify` accepts, and nothing else
/// (functions, BigInt and cycles are refused here, not at callback time).
fn app_state(v: &JsValue) -> Result<ConfigValue, AuthError> {
    if v.is_undefined() {
        return Ok(ConfigValue::Absent);
    }
    match stringify(v) {
        // Refused by its length in JS (UTF-16 units, each at least one UTF-8 byte) before
        // a many-MB value is copied into wasm memory, which never shrinks again.
        Some(s) if s.length() as usize > MAX_APP_STATE => Err(AuthError::config("appState", APP_STATE_TOO_LONG)),
        Some(s) => Ok(ConfigValue::Json(String::from(s))),
        None => Err(AuthError::config("appState", "must be a JSON value (JSON.stringify failed)")),
    }
}

#[wasm_bindgen(module = "/src/web/popup.js")]
extern "C" {
    #[wasm_bindgen(js_name = relay)]
    /// The relay's type is `popup.js`'s own `TYPE` (core `popup::MESSAGE_TYPE`).
    fn relay_js(data: &JsValue, state_length: usize, max_href: usize) -> Option<Array>;
    /// Writes `text` into the page's body, as plain text. The page says where to go
    /// instead of closing silently (the user may still want the app); nothing a provider
    /// sent is shown.
    #[wasm_bindgen(js_name = say)]
    pub fn say_return_to_app(text: &str);
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// `object[key]` when `key` is an own property; undefined otherwise or when it throws.
    fn own(object: &JsValue, key: &str) -> JsValue;
    /// Calls `f(a, b)`, a function of ours (a promise's settle, a listeners' remover);
    /// what it throws is dropped.
    pub fn run(f: &js_sys::Function, a: &JsValue, b: &JsValue);
    /// Whether `value` is an instance of the global class `class` (`"Window"`, `"URL"` ...).
    pub fn is(value: &JsValue, class: &str) -> bool;
}

/// The one closure type of ours that JS calls: every listener of a popup flow (`popup.js`
/// `watch`, `hear`) and the shared store's transaction (`shared.js` `transact`), told apart
/// by a number. Each distinct closure type costs its own invoke and destroy code in the
/// wasm and its own wrapper in the glue.
pub type Handler = wasm_bindgen::closure::Closure<dyn FnMut(u8, JsValue) -> JsValue>;

/// Whether the config asks for popup mode (read before validation only to pick the
/// path; validation decides whether the config is good).
pub fn is_popup(config: &JsValue) -> bool {
    own(config, "mode").as_string().is_some_and(|m| m == "popup")
}

/// `handleCallback`'s options: their `onEvent`, the only field read. `storage` is still
/// accepted for the callers written when the cross-tab path needed it (`"session"` or
/// `"local"`), and nothing else.
pub fn callback_options(options: &JsValue) -> Result<Option<js_sys::Function>, AuthError> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let storage = own(options, "storage");
    if !storage.is_undefined() && !matches!(storage.as_string().as_deref(), Some("local" | "session")) {
        return Err(AuthError::config("storage", "must be \"session\" or \"local\" (handleCallback options)"));
    }
    Ok(on_event(options))
}

/// The `onEvent` function of a config or of `handleCallback`'s options, if it is one.
pub fn on_event(object: &JsValue) -> Option<js_sys::Function> {
    own(object, "onEvent").dyn_into::<js_sys::Function>().ok()
}

/// The config's `signal`, when it is an AbortSignal (validation refuses anything else).
pub fn signal(config: &JsValue) -> Option<web_sys::AbortSignal> {
    let signal = own(config, "signal");
    is(&signal, "AbortSignal").then(|| signal.unchecked_into())
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// Replaces this page's address with `url`, keeping the history entry's state.
    #[wasm_bindgen(js_name = replaceAddress)]
    pub fn replace_address(url: &str);
}

/// What a tab that handed a popup flow's answer to its opener says: it stays open (a tab
/// the operating system opened may not be closable by script).
pub const RETURN: &str = "This sign-in is finished. You can return to the app.";

/// A relay message `{ type: "bank-link:callback", state, href }`, judged in JS before
/// any of it is copied: `None` for anything else (other libraries' messages, forged
/// shapes, a state that is not 43 characters, getters that throw); `Some((state, None))`
/// when the `href` is over the callback size cap, which is then never copied. Public for
/// the popup-message catalogue (tests/popup_messages.rs).
pub fn relay_message(data: &JsValue) -> Option<(String, Option<String>)> {
    let pair = relay_js(data, crate::core::entropy::TOKEN_LEN, MAX_URL)?;
    Some((pair.get(0).as_string()?, pair.get(1).as_string()))
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// A new promise that [`settle`] settles (`boundary.js` keeps the function that does).
    pub fn deferred() -> js_sys::Promise;
    /// `ok` resolves a promise of [`deferred`] with `value`, else rejects it with `value`.
    pub fn settle(promise: &js_sys::Promise, ok: bool, value: &JsValue);
}

/// `{ url, state }` for `navigate: false`.
#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    pub fn started(url: &str, state: &str) -> JsValue;
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    #[wasm_bindgen(js_name = arrival)]
    fn arrival_js(input: &JsValue, max: usize) -> String;
}

/// The address `handleCallback` handles and what the page says of it, read in one call
/// (each crossing with a string is a copy and a decode: docs/performance.md). It parses
/// that address itself, with the browser's parse made in the same call; any other address
/// goes to [`BrowserUrl`].
pub struct Arrival {
    /// The address as given (the `location` argument's, or this page's own).
    pub href: String,
    /// Whether it is this page's own location, the one whose address bar is cleaned.
    pub here: bool,
    /// How this page was reached, for its own location ([`Navigation::Other`] for a URL
    /// passed in, which is read as is).
    pub nav: Navigation,
    parsed: Option<UrlParts>,
}

impl UrlParser for Arrival {
    fn parse(&self, input: &str) -> Option<UrlParts> {
        if input == self.href {
            self.parsed.clone()
        } else {
            BrowserUrl.parse(input)
        }
    }
}

/// The `location` argument of `handleCallback` (a `Location`, a `URL`, a string, or nothing:
/// this page's location) as an [`Arrival`].
pub fn arrival(location: &JsValue) -> Result<Arrival, AuthError> {
    let text = arrival_js(location, MAX_URL);
    let (here, nav) = match text.as_bytes().first() {
        Some(b'n') => (true, Navigation::Navigate),
        Some(b'h') => (true, Navigation::Other),
        Some(b'o') => (false, Navigation::Other),
        Some(b'w') => return Err(no_window()),
        Some(b't') => return Err(AuthError::malformed(TOO_LONG)),
        _ => return Err(AuthError::malformed("handleCallback takes a Location, a URL or a string")),
    };
    // `origin parsed-href[ href]`: neither of the first two holds a space, both are empty
    // where the parser refused the address, and the address as given follows only where it
    // differs from the parsed one.
    let (origin, after) = cut(text.get(1..).unwrap_or_default(), b' ').unwrap_or_default();
    let (parsed, href) = cut(after, b' ').unwrap_or((after, after));
    let parsed = (!origin.is_empty()).then(|| UrlParts::new(parsed, origin));
    Ok(Arrival { href: href.to_owned(), here, nav, parsed })
}

fn params_object(params: &[(String, String)]) -> JsValue {
    let obj = bag();
    for (k, v) in params {
        param(&obj, k, v);
    }
    obj
}

// The result objects are built by one JS call each (`boundary.js`): an object literal is
// far cheaper than a `Reflect.set` crossing per field, a key and a value string decoded
// for each (docs/performance.md).
#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// A params object: a null prototype, so a provider parameter named `__proto__`
    /// stays a plain key.
    fn bag() -> JsValue;
    /// `params[key] = value`, a data property of a [`bag`].
    fn param(params: &JsValue, key: &str, value: &str);
    /// Either variant's object, `ok` telling which: the other variant's fields are `None`.
    #[allow(clippy::too_many_arguments)]
    fn result(
        ok: bool,
        provider: &str,
        state: Option<&str>,
        code: Option<&str>,
        login_id: Option<&str>,
        credentials_id: Option<&str>,
        code_verifier: Option<&str>,
        error: Option<&str>,
        error_description: Option<&str>,
        error_uri: Option<&str>,
        params: &JsValue,
        app_state: Option<&str>,
    ) -> JsValue;
}

/// The `AuthorizationResult` union as a plain JS object.
pub fn result_to_js(result: &AuthorizationResult) -> JsValue {
    match result {
        AuthorizationResult::Success {
            provider,
            state,
            code,
            login_id,
            credentials_id,
            code_verifier,
            params,
            app_state,
        } => self::result(
            true,
            provider.as_str(),
            Some(state.secret()),
            code.as_deref(),
            login_id.as_deref(),
            credentials_id.as_deref(),
            code_verifier.as_deref(),
            None,
            None,
            None,
            &params_object(params),
            app_state.as_deref(),
        ),
        AuthorizationResult::Failure { provider, state, error, error_description, error_uri, params, app_state } => {
            self::result(
                false,
                provider.as_str(),
                state.as_deref(),
                None,
                None,
                None,
                None,
                Some(error),
                error_description.as_deref(),
                error_uri.as_deref(),
                &params_object(params),
                app_state.as_deref(),
            )
        }
    }
}
