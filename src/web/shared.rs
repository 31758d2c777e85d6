//! The driver of the shared store (`core::shared`): one IndexedDB `readwrite` transaction
//! per operation, run by `shared.js`, decided by the core on the records the transaction
//! read, and the hint key kept beside it. Decides nothing itself.

use super::interop::Handler;
use super::page::now;
use super::BrowserUrl;
use crate::core::error::AuthError;
use crate::core::shared::{decide, Answer, Decision, Hint, Op, HINT_KEY, MAX_INDEX};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/shared.js")]
extern "C" {
    /// The database, its object store and the index's key are `shared.js`'s own (core
    /// `DB_NAME`, `OBJECT_STORE`, `INDEX_KEY`; tests/relay.rs holds them to one text).
    fn transact(max: usize, on: JsValue);
    /// `op` 0 reads the hint's text, 1 writes `sweep_from.until`, 2 removes it (`shared.js`).
    #[wasm_bindgen(js_name = hint)]
    fn hint_js(key: &str, op: u8, sweep_from: f64, until: f64) -> Option<String>;
}

/// The hint as this page reads it now (removing keys of the old format on the way); none
/// when localStorage cannot be read (where it cannot, IndexedDB is refused as well).
pub fn hint() -> Option<Hint> {
    hint_js(HINT_KEY, 0, 0.0, 0.0).and_then(|t| Hint::parse(&t))
}

/// Writes the hint, or removes it (`None`). Its two times cross as numbers and JS writes
/// the text `Hint::parse` reads: a record's expiry is a `Date` time, below 2^53, so the
/// number is exact.
fn write_hint(hint: Option<Hint>) {
    match hint {
        Some(h) => hint_js(HINT_KEY, 1, h.sweep_from as f64, h.until as f64),
        None => hint_js(HINT_KEY, 2, 0.0, 0.0),
    };
}

/// The owned form of an [`Op`], carried into the transaction's callback.
pub enum Task {
    /// [`Op::Put`].
    Put(String, crate::core::pending::PendingFlow),
    /// [`Op::Callback`].
    Callback(String, crate::core::callback::Navigation, bool),
    /// [`Op::Relayed`].
    Relayed(String, String),
    /// [`Op::Sweep`].
    Sweep,
    /// [`Op::Forget`].
    Forget(String),
}

impl Task {
    fn op(&self) -> Op<'_> {
        match self {
            Self::Put(state, flow) => Op::Put { state, flow },
            Self::Callback(href, nav, take_popup) => Op::Callback { href, nav: *nav, take_popup: *take_popup },
            Self::Relayed(href, state) => Op::Relayed { href, state },
            Self::Sweep => Op::Sweep,
            Self::Forget(state) => Op::Forget { state },
        }
    }
}

/// What a transaction's caller gets once it has committed (or failed).
pub type Then = Box<dyn FnOnce(Result<Answer, AuthError>)>;

/// Runs `task` in one transaction; `then` gets the core's answer once the transaction has
/// committed, or `storage_unavailable` when IndexedDB is missing or refused. `None` for a
/// best-effort task whose answer nobody waits for (a sweep, a forget): no closure of its
/// own for that.
pub fn run(task: Task, mut then: Option<Then>) {
    let mut answer = None;
    // `Handler`, the one closure type JS calls (each type costs its own invoke and destroy
    // code and its own glue), as the popup's listeners use it. `transact` calls
    // it with 0 and the records, then once with 1 and whether it failed (undefined:
    // committed). JS
    // frees it once the transaction has dropped it.
    let on = Handler::new(move |step, value: JsValue| {
        if step == 0 {
            let Decision { write, answer: decided, hint } =
                decide(task.op(), &value.as_string().unwrap_or_default(), now(), &BrowserUrl);
            // Written while the transaction holds the store: hints are written in the order
            // the transactions run.
            write_hint(hint);
            answer = Some(decided);
            return write.map_or(JsValue::UNDEFINED, JsValue::from);
        }
        if let Some(then) = then.take() {
            then(match (value.is_undefined(), answer.take()) {
                (true, Some(answer)) => Ok(answer),
                _ => Err(unavailable()),
            });
        }
        JsValue::UNDEFINED
    });
    transact(MAX_INDEX, on.into_js_value());
}

/// The shared store could not be used.
pub fn unavailable() -> AuthError {
    AuthError::storage(
        "IndexedDB is not available (disabled, a sandboxed frame or a private mode refused it); storage \"local\" needs it",
    )
}

/// Sweeps the shared store when the hint says a record has expired: on every call of the
/// library, whatever its storage, so that nothing outlives its TTL by more than that.
/// Best effort; nothing waits for it.
pub fn sweep_if_due(hint: Option<Hint>) {
    if let Some(h) = hint {
        if h.sweep_due(now()) {
            run(Task::Sweep, None);
        }
    }
}
