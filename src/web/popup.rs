//! Popup mode in the browser: the opener opens the window inside the caller's click,
//! keeps the pending record in its own memory, and waits for the popup's callback page
//! to relay the callback URL (origin- and source-checked `postMessage`, or a
//! `BroadcastChannel` named after the state when a provider's COOP severed the opener
//! link). It then verifies with the core exactly as a redirect callback is verified.
//!
//! With `storage: "local"` the opener also leaves a copy in localStorage, so that a tab
//! the answer reaches instead of the popup (a bank app that opened the redirect URI in a
//! new tab) can relay it on the channel (`handoff.rs`). That copy is also how such a tab
//! completes the flow alone when the opener is gone, so the opener accepts a relay only
//! through the same claim (`core::claim`) and consumes the copy before it verifies.

use super::events::Events;
use super::local::claim_for_this_window;
use super::{interop, js_err, storage, BrowserUrl};
use crate::core::authorize::begin;
use crate::core::callback::{strip_callback_params, verify_relayed, Navigation, TOO_LONG};
use crate::core::claim::{self, Claim, CLAIM_SETTLE_MS};
use crate::core::config::{StorageArea, ValidatedConfig};
use crate::core::entropy::Seed;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::events::EventName;
use crate::core::outcome::AuthorizationResult;
use crate::core::popup::{
    admit, channel_name, features, relay_state, timeout_ms, window_name, Admit, ClosedWatch, Frame, Look, Via, POLL_MS,
};
use crate::core::store::{forget, put_pending, MemoryStore, PendingStore};
use crate::core::uri::UrlParser;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, BroadcastChannel, MessageEvent, Window};

/// Everything one waiting popup flow holds; dropped (listeners with it) when it ends.
struct Flow {
    window: Window,
    popup: Window,
    origin: String,
    state: String,
    /// The authoritative pending record: the popup's storage is only a copy.
    store: MemoryStore,
    settle: Settle,
    /// The app's `onEvent`.
    events: Events,
    /// `storage: "local"`: a copy of the record waits in localStorage for a tab the
    /// answer may reach instead of the popup.
    local: bool,
    /// A relayed callback (`href`) under this flow's claim (`nonce`), waiting
    /// [`CLAIM_SETTLE_MS`] before it is verified; other relays are ignored meanwhile.
    claim: Option<(String, String)>,
    claim_timer: i32,
    signal: Option<AbortSignal>,
    channel: Option<BroadcastChannel>,
    interval: i32,
    timeout: i32,
    /// The `popup.closed` rule's state.
    watch: ClosedWatch,
    on_message: Option<Handler>,
    on_channel: Option<Handler>,
    on_tick: Option<Handler>,
    on_timeout: Option<Handler>,
    on_abort: Option<Handler>,
    on_blur: Option<Handler>,
    on_claimed: Option<Handler>,
}

/// What a flow does with its outcome, once: resolve or reject the JS promise
/// (`startAuthorization`), or wake the Rust future ([`crate::start_popup`]).
pub type Settle = Box<dyn FnOnce(Result<AuthorizationResult, AuthError>)>;

/// Every listener of a flow is one closure type: each distinct closure type costs its own
/// invoke and destroy code in the wasm and its own wrapper in the glue.
type Handler = Closure<dyn FnMut(JsValue)>;

/// What woke a waiting flow.
#[derive(Clone, Copy)]
enum Wake {
    /// A `message` event on the opener window.
    Message,
    /// A message on the flow's BroadcastChannel.
    Channel,
    /// The opener window's `blur`.
    Blur,
    /// The `popup.closed` poll.
    Tick,
    Timeout,
    Abort,
    /// The wait of this flow's claim on a relayed callback is over.
    Claimed,
}

fn handler(shared: &Shared, wake: Wake) -> Handler {
    let s = shared.clone();
    Closure::new(move |event: JsValue| woke(&s, wake, &event))
}

fn woke(s: &Shared, wake: Wake, event: &JsValue) {
    let message = || event.unchecked_ref::<MessageEvent>();
    match wake {
        Wake::Message => {
            let e = message();
            let from_popup =
                s.borrow().as_ref().is_some_and(|f| e.source().is_some_and(|src| js_sys::Object::is(&src, &f.popup)));
            received(s, Via::Window { origin: &e.origin(), from_popup }, &e.data());
        }
        Wake::Channel => received(s, Via::Channel, &message().data()),
        Wake::Blur => {
            // `try_`: a blur dispatched while the flow is borrowed must not panic the module.
            if let Some(f) = s.try_borrow_mut().ok().as_mut().and_then(|g| g.as_mut()) {
                f.watch.blurred();
            }
        }
        Wake::Tick => tick(s),
        Wake::Timeout => {
            finish(s, Err(AuthError::new(ErrorCode::PopupTimeout, "no callback arrived from the popup in time")))
        }
        Wake::Abort => finish(s, Err(AuthError::new(ErrorCode::Aborted, "the signal aborted the popup flow"))),
        Wake::Claimed => claimed(s),
    }
}

type Shared = Rc<RefCell<Option<Flow>>>;

thread_local! {
    /// The states this window waits for: a window never relays a callback to itself.
    static LISTENING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The opener's word on the flow's channel once it settled, so a popup whose opener
/// link COOP severed still closes (the opener cannot close it), and a popup that hears
/// nothing knows its opener is gone.
pub(super) const SETTLED: &str = "bank-link:settled";
/// How long a popup waits for [`SETTLED`] before it tells the user to return to the app,
/// and a tab that relayed a popup flow's answer (`handoff.rs`) before it takes the opener
/// for gone. An opener in a background tab still hears the relay at once (message events
/// are not throttled like timers); its claim's wait may be stretched to about a second.
pub(super) const SETTLED_WAIT_MS: i32 = 1500;

/// The states this window waits for (a window never relays a callback to itself).
pub(super) fn listening() -> Vec<String> {
    LISTENING.with_borrow(Clone::clone)
}

fn frame(window: &Window) -> Frame {
    let num = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    Frame {
        x: num(window.screen_x()),
        y: num(window.screen_y()),
        width: num(window.outer_width()),
        height: num(window.outer_height()),
    }
}

/// Opens the popup now (synchronously, inside the caller's click: Safari blocks a popup
/// opened after an `await`) and waits for its result, which goes to `settle`. An error
/// here means nothing was opened and `settle` is never called.
pub fn start(
    window: &Window,
    cfg: &ValidatedConfig,
    seed: &Seed,
    now_ms: u64,
    signal: Option<AbortSignal>,
    events: Events,
    settle: Settle,
) -> Result<(), AuthError> {
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(AuthError::new(ErrorCode::Aborted, "the signal was already aborted; no popup was opened"));
    }
    let origin = window.location().origin().map_err(js_err)?;
    let mut store = MemoryStore::default();
    let auth = begin(cfg, seed, now_ms, &mut store)?;
    // A copy in sessionStorage, written before `open`, is what the browser copies into
    // the popup: it is how the popup's callback page knows it is one (core
    // `relay_state`). Without it the popup could never relay, so no storage, no popup.
    let mut session = storage::session_store(window)?;
    put_pending(&mut session, &auth.state, &auth.pending, now_ms)?;
    // The copy a tab without the popup's sessionStorage finds the flow by (`handoff.rs`).
    let local = cfg.storage() == StorageArea::Local;
    if local {
        let copied =
            storage::local_store(window).and_then(|mut l| put_pending(&mut l, &auth.state, &auth.pending, now_ms));
        if let Err(e) = copied {
            forget(&mut session, &auth.state);
            return Err(e);
        }
    }
    let opened = window.open_with_url_and_target_and_features(
        &auth.url,
        &window_name(&auth.state),
        &features(cfg, frame(window)),
    );
    // The popup has its copy now; the opener drops its own at once, so that this tab,
    // reloaded, duplicated or handling its own URL, never takes itself for the popup.
    forget(&mut session, &auth.state);
    let Ok(Some(popup)) = opened else {
        forget_local(window, local, &auth.state);
        return Err(AuthError::new(
            ErrorCode::PopupBlocked,
            "the browser blocked the popup; call startAuthorization inside a click handler, before any await",
        ));
    };
    let shared: Shared = Rc::new(RefCell::new(Some(Flow {
        window: window.clone(),
        popup,
        origin,
        state: auth.state.clone(),
        store,
        settle,
        events: events.clone(),
        local,
        claim: None,
        claim_timer: 0,
        signal,
        channel: None,
        interval: 0,
        timeout: 0,
        watch: ClosedWatch::default(),
        on_message: None,
        on_channel: None,
        on_tick: None,
        on_timeout: None,
        on_abort: None,
        on_blur: None,
        on_claimed: None,
    })));
    LISTENING.with_borrow_mut(|l| l.push(auth.state.clone()));
    listen(&shared, timeout_ms(cfg));
    events.emit(EventName::Open, Some(cfg.provider()), None, None);
    Ok(())
}

fn fun(h: &Handler) -> &Function {
    h.as_ref().unchecked_ref()
}

fn listen(shared: &Shared, timeout: u32) {
    let mut guard = shared.borrow_mut();
    let Some(flow) = guard.as_mut() else { return };

    let on_message = handler(shared, Wake::Message);
    let _ = flow.window.add_event_listener_with_callback("message", fun(&on_message));
    flow.on_message = Some(on_message);

    if let Ok(channel) = BroadcastChannel::new(&channel_name(&flow.state)) {
        let on_channel = handler(shared, Wake::Channel);
        channel.set_onmessage(Some(fun(&on_channel)));
        flow.channel = Some(channel);
        flow.on_channel = Some(on_channel);
    }

    // The popup taking the focus blurs the opener, possibly before the first poll.
    let on_blur = handler(shared, Wake::Blur);
    let _ = flow.window.add_event_listener_with_callback("blur", fun(&on_blur));
    flow.on_blur = Some(on_blur);

    let on_tick = handler(shared, Wake::Tick);
    flow.interval =
        flow.window.set_interval_with_callback_and_timeout_and_arguments_0(fun(&on_tick), POLL_MS).unwrap_or(0);
    flow.on_tick = Some(on_tick);

    let on_timeout = handler(shared, Wake::Timeout);
    let ms = i32::try_from(timeout).unwrap_or(i32::MAX);
    flow.timeout = flow.window.set_timeout_with_callback_and_timeout_and_arguments_0(fun(&on_timeout), ms).unwrap_or(0);
    flow.on_timeout = Some(on_timeout);

    if let Some(signal) = &flow.signal {
        let on_abort = handler(shared, Wake::Abort);
        let _ = signal.add_event_listener_with_callback("abort", fun(&on_abort));
        flow.on_abort = Some(on_abort);
    }
}

/// A relayed callback: `{ type, state, href }` for this flow's state, verified against
/// the opener's own record. Anything else is ignored, as are callbacks whose state is
/// not this flow's; a callback of this flow that fails verification ends it.
fn received(shared: &Shared, via: Via, data: &JsValue) {
    let (outcome, events) = {
        let mut guard = shared.borrow_mut();
        let Some(flow) = guard.as_mut() else { return };
        if flow.claim.is_some() {
            return;
        }
        let relay = interop::relay_message(data);
        let relay_ref = relay.as_ref().map(|(s, h)| (s.as_str(), h.as_str()));
        let outcome = match admit(via, &flow.origin, relay_ref, &flow.state) {
            Admit::Ignore => return,
            // Our flow's callback, too large to read: the flow ends with the reason, not
            // with a timeout.
            Admit::TooLarge => Err(AuthError::malformed(TOO_LONG)),
            Admit::Verify => {
                let href = relay_ref.map_or("", |(_, h)| h);
                let outcome = if flow.local { claim_relay(shared, flow, href) } else { verify(flow, href) };
                match outcome {
                    Some(outcome) => outcome,
                    None => return,
                }
            }
        };
        (outcome, flow.events.clone())
    };
    events.emit(EventName::Relayed, None, None, None);
    finish(shared, outcome);
}

/// Verifies a relayed `href` against the opener's record: `None` when it is not this
/// flow's answer after all (the flow waits on).
fn verify(flow: &mut Flow, href: &str) -> Option<Result<AuthorizationResult, AuthError>> {
    match verify_relayed(href, &mut flow.store, js_sys::Date::now() as u64, &BrowserUrl) {
        Ok(Some(result)) => Some(Ok(result)),
        Ok(None) => None,
        Err(e) if e.code == ErrorCode::UnknownState => None,
        Err(e) => Some(Err(e)),
    }
}

/// A `storage: "local"` flow's relay: claims the localStorage copy first (another tab may
/// be completing the flow from it), then waits for the claim to settle (`None`). An
/// outcome now when the claim cannot be had.
fn claim_relay(shared: &Shared, flow: &mut Flow, href: &str) -> Option<Result<AuthorizationResult, AuthError>> {
    let mut local = match storage::local_store(&flow.window) {
        Ok(local) => local,
        Err(e) => return Some(Err(e)),
    };
    match claim_for_this_window(&mut local, &flow.state) {
        Err(e) => Some(Err(e)),
        Ok((Claim::Taken, _)) => Some(Err(claim::lost())),
        // Completed by another tab from the copy: not a second time here.
        Ok((Claim::NotPending, _)) if claim::consumed(&local, &flow.state) => Some(Err(claim::lost())),
        // The copy is gone (expired, evicted): no tab can complete the flow but this one.
        Ok((Claim::NotPending, _)) => verify(flow, href),
        Ok((Claim::Claimed, nonce)) => {
            let on_claimed = handler(shared, Wake::Claimed);
            flow.claim_timer = flow
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(fun(&on_claimed), CLAIM_SETTLE_MS)
                .unwrap_or(0);
            flow.on_claimed = Some(on_claimed);
            flow.claim = Some((href.to_owned(), nonce));
            None
        }
    }
}

/// The claim's wait is over: if it held, consume the localStorage copy, then verify.
fn claimed(shared: &Shared) {
    let (outcome, events) = {
        let mut guard = shared.borrow_mut();
        let Some(flow) = guard.as_mut() else { return };
        let Some((href, nonce)) = flow.claim.clone() else { return };
        let outcome = match storage::local_store(&flow.window) {
            Ok(local) if !claim::holds(&local, &flow.state, &nonce) => Some(Err(claim::lost())),
            Ok(mut local) => {
                let outcome = match claim::consume(&mut local, &flow.state) {
                    Ok(()) => verify(flow, &href),
                    Err(e) => Some(Err(e)),
                };
                // After the index says what became of the flow (`core::claim`).
                claim::release(&mut local, &flow.state);
                outcome
            }
            Err(e) => Some(Err(e)),
        };
        flow.claim = None;
        // Consumed, yet not this flow's answer (it cannot be: the state matched): end it
        // rather than wait for an answer that can no longer be accepted.
        let outcome = outcome.unwrap_or_else(|| Err(AuthError::malformed("the relayed callback carried no answer")));
        (outcome, flow.events.clone())
    };
    events.emit(EventName::Relayed, None, None, None);
    finish(shared, outcome);
}

/// Drops the localStorage copy of a `storage: "local"` flow (best effort; a consumed
/// copy keeps its `done` marker).
fn forget_local(window: &Window, local: bool, state: &str) {
    if let (true, Ok(mut l)) = (local, storage::local_store(window)) {
        forget(&mut l, state);
    }
}

/// `popup.closed` polling: the web layer samples, `ClosedWatch` decides.
fn tick(shared: &Shared) {
    let closed = {
        let mut guard = shared.borrow_mut();
        let Some(flow) = guard.as_mut() else { return };
        let focused = flow.window.document().and_then(|d| d.has_focus().ok()).unwrap_or(true);
        let closed = flow.popup.closed().unwrap_or(true);
        flow.watch.look(closed, focused, js_sys::Date::now()) == Look::Closed
    };
    if closed {
        finish(
            shared,
            Err(AuthError::new(ErrorCode::PopupClosed, "the popup was closed before the provider answered")),
        );
    }
}

/// Every ending: removes the pending record (memory and the storage copy) and every
/// listener, closes the popup, then settles the promise.
fn finish(shared: &Shared, outcome: Result<AuthorizationResult, AuthError>) {
    let Some(flow) = shared.borrow_mut().take() else { return };
    LISTENING.with_borrow_mut(|l| l.retain(|s| *s != flow.state));
    flow.window.clear_interval_with_handle(flow.interval);
    flow.window.clear_timeout_with_handle(flow.timeout);
    flow.window.clear_timeout_with_handle(flow.claim_timer);
    if let Some(f) = &flow.on_message {
        let _ = flow.window.remove_event_listener_with_callback("message", fun(f));
    }
    if let Some(f) = &flow.on_blur {
        let _ = flow.window.remove_event_listener_with_callback("blur", fun(f));
    }
    if let Some(channel) = &flow.channel {
        channel.set_onmessage(None);
        let _ = channel.post_message(&interop::settled_to_js(SETTLED));
        channel.close();
    }
    if let (Some(signal), Some(f)) = (&flow.signal, &flow.on_abort) {
        let _ = signal.remove_event_listener_with_callback("abort", fun(f));
    }
    if let Ok(mut s) = storage::session_store(&flow.window) {
        forget(&mut s, &flow.state);
    }
    if let (true, Ok(mut l)) = (flow.local, storage::local_store(&flow.window)) {
        // Best effort; a consumed copy keeps its `done` marker.
        forget(&mut l, &flow.state);
        // Ended (aborted, timed out) while its claim waited: give the claim up at once
        // rather than leave it to go stale.
        if flow.claim.as_ref().is_some_and(|(_, nonce)| claim::holds(&l, &flow.state, nonce)) {
            claim::release(&mut l, &flow.state);
        }
    }
    let _ = flow.popup.close();
    flow.events.ended(outcome.as_ref(), None);
    (flow.settle)(outcome);
    // Dropping `flow` drops the closures; wasm-bindgen defers freeing the one running now.
}

/// The popup side, from `handleCallback`: when this page is a popup's callback (core
/// `relay_state`), hand it to the opener (postMessage to our own origin only, and the
/// state's BroadcastChannel for when COOP severed `window.opener`), drop this tab's copy
/// of the record and the callback parameters from the address bar, and answer `true`.
/// The window closes when the opener says it settled the flow (the opener also closes it
/// where it can); if no word comes, the opener is gone and the page says so.
pub fn relay_if_popup(window: &Window, href: &str, nav: Navigation) -> bool {
    let mut session = storage::session_store(window).ok();
    let store = session.as_mut().map(|s| s as &mut dyn PendingStore);
    let Some(state) = relay_state(href, store, nav, &listening(), js_sys::Date::now() as u64, &BrowserUrl) else {
        return false;
    };
    let Ok(origin) = window.location().origin() else { return false };
    let message = interop::relay_to_js(&state, href);
    if let Ok(opener) = window.opener() {
        if opener.is_object() {
            // A WindowProxy of another origin is no `instanceof Window`; postMessage is
            // still callable on it, and the target origin keeps the message ours.
            let _ = opener.unchecked_into::<Window>().post_message(&message, &origin);
        }
    }
    // The verifier and appState need not stay in the popup's storage, nor the callback in
    // its history.
    if let Some(s) = session.as_mut() {
        forget(s, &state);
    }
    clean_address(window, href);
    let Ok(channel) = BroadcastChannel::new(&channel_name(&state)) else { return true };
    // Both live as long as the page: it closes, or it says its last word.
    let w = window.clone();
    let on_settled = Handler::new(move |e: JsValue| {
        if interop::is_settled(&e.unchecked_ref::<MessageEvent>().data(), SETTLED) {
            let _ = w.close();
        }
    });
    channel.set_onmessage(Some(fun(&on_settled)));
    let _ = channel.post_message(&message);
    let w = window.clone();
    let gone = Handler::new(move |_: JsValue| interop::say_return_to_app(&w, interop::CLOSE_AND_RETURN));
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(fun(&gone), SETTLED_WAIT_MS);
    on_settled.forget();
    gone.forget();
    true
}

/// Drops the callback parameters of `href` (this page's location) from the address bar.
pub(super) fn clean_address(window: &Window, href: &str) {
    if let (Some(clean), Ok(history)) =
        (BrowserUrl.parse(href).as_ref().and_then(strip_callback_params), window.history())
    {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
    }
}
