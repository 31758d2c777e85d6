//! Popup mode, the parts that need no browser: the window's features, how long the
//! opener waits, the relay message's names, and how a callback page knows it is a
//! popup's and must hand the callback to its opener instead of verifying it.

use super::callback::{lenient_param, parse_callback, silent_denial_flow, Ledger, Navigation};
use super::config::{Mode, ValidatedConfig};
use super::entropy::is_token;
use super::error::{AuthError, ErrorCode};
use super::outcome::AuthorizationResult;
use super::store::PendingStore;
use super::uri::UrlParser;
use super::urlenc::cat;

/// Where a message reached a waiting opener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A `message` event on the opener's window, as sampled without copying anything of it
    /// (the web layer compares in JS: a foreign window's origin never enters the wasm).
    Window {
        /// `MessageEvent.origin` is exactly this page's origin. (A page of an opaque origin,
        /// `"null"`, starts no flow: its `redirectUri` could not be on that origin.)
        same_origin: bool,
        /// `MessageEvent.source` is this flow's popup window.
        from_popup: bool,
    },
    /// The flow's own `BroadcastChannel` (same origin by construction; any tab of the
    /// origin can post on it).
    Channel,
}

/// What the opener does with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Not this flow's relay: another library's message, a forgery, another state.
    Ignore,
    /// This flow's relay, too large to read: the flow ends with `malformed_callback`.
    TooLarge,
    /// This flow's relay: verify its `href` against the opener's own record.
    Verify,
}

/// The first check, before a message's data is read at all: a window message must come
/// from the popup on our exact origin; the flow's channel is same-origin by construction.
pub fn from_flow(via: Via) -> bool {
    match via {
        Via::Window { same_origin, from_popup } => from_popup && same_origin,
        Via::Channel => true,
    }
}

/// The relay's fields, once its shape passed: this flow's state or not (compared in
/// constant time), and its `href` (`None`: over the size cap, never copied). The `href` is
/// still untrusted: it is verified against the opener's record, as any callback.
pub fn judge(state: &str, href: Option<&str>, flow_state: &str) -> Admit {
    match href {
        _ if !super::callback::ct_eq(state.as_bytes(), flow_state.as_bytes()) => Admit::Ignore,
        None => Admit::TooLarge,
        Some(_) => Admit::Verify,
    }
}

/// `window.open` target names start with this, so the popup can recognise itself while
/// its opener link is intact (a provider's COOP clears the name with the opener).
pub const WINDOW_NAME_PREFIX: &str = "bank-link-";
/// `postMessage` / `BroadcastChannel` payload `type`.
pub const MESSAGE_TYPE: &str = "bank-link:callback";
/// The `type` of the opener's word on the flow's channel once it settled the flow, so a
/// popup whose opener link COOP severed still closes (the opener cannot close it), and a
/// tab that relayed the answer knows the opener has it.
pub const SETTLED: &str = "bank-link:settled";
/// What a popup whose opener is gone says (plain text: nothing a provider sent is shown).
pub const CLOSE_AND_RETURN: &str = "This sign-in is finished. You can close this window and return to the app.";

/// Big enough for the Tink and Flinks consent screens without scrolling.
pub const DEFAULT_WIDTH: u32 = 500;
/// Popup height when `popup.height` is not given.
pub const DEFAULT_HEIGHT: u32 = 700;

/// How often the opener looks at `popup.closed`; with [`CLOSED_GRACE_MS`] a closed popup
/// is reported within docs/api.md's 2 seconds.
pub const POLL_MS: i32 = 250;
/// After `closed` reads true, a relay that raced the closing may still be in flight.
pub const CLOSED_GRACE_MS: f64 = 600.0;

/// What the opener concludes from one look at `popup.closed` and its own focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Open, or too early to tell.
    Wait,
    /// The user closed the popup: `popup_closed`.
    Closed,
}

/// The `popup.closed` rule. A popup whose provider sent COOP reads as closed while it is
/// still open, and no API tells the two apart; what a page can see is the focus. A window
/// the user closed hands the focus back to its opener, a severed one keeps it. So where
/// the browser models focus (the opener lost it while the popup was open), `closed` with
/// the focus back within [`CLOSED_GRACE_MS`] is a close, and without it a severance: the
/// focus may come back a few milliseconds after `closed` turns true (window managers, a
/// busy machine), so the first look that sees `closed` decides nothing alone. Where the
/// browser does not model focus (headless engines), `closed` after the window was seen
/// open is a close, and `closed` from the very first look is the severance of a COOP first
/// page. "Seen open" means seen past its blank first page: a popup still on `about:blank` (a
/// provider slower to answer than a poll) is not yet the provider's, and COOP may still
/// sever it. A severed flow never reports `popup_closed`: callback, timeout or
/// signal end it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClosedWatch {
    /// When `closed` was first seen true.
    closed_at: Option<f64>,
    /// `closed` read false at some look, past the blank first page: the window was seen open.
    seen_open: bool,
    /// The opener lost the focus while the popup was open.
    lost_focus: bool,
    /// The focus came back after `closed` turned true.
    focus_back: bool,
    severed: bool,
}

impl ClosedWatch {
    /// The opener lost the focus (its `blur` event), which a poll may miss: a popup closed
    /// before the first look, with the focus back at once, is still a close.
    pub fn blurred(&mut self) {
        if self.closed_at.is_none() {
            self.lost_focus = true;
        }
    }

    /// One look at the popup: `closed`, the opener's focus, whether the popup has left its
    /// blank first page (`loaded`) and the time, judged by the rule above.
    pub fn look(&mut self, closed: bool, focused: bool, loaded: bool, now_ms: f64) -> Look {
        if self.severed {
            return Look::Wait;
        }
        if !closed {
            self.seen_open |= loaded;
            self.lost_focus |= !focused;
            return Look::Wait;
        }
        let at = *self.closed_at.get_or_insert(now_ms);
        if !self.lost_focus {
            self.severed = !self.seen_open && now_ms == at;
            return if !self.severed && now_ms - at >= CLOSED_GRACE_MS { Look::Closed } else { Look::Wait };
        }
        self.focus_back |= focused;
        match (self.focus_back, now_ms - at >= CLOSED_GRACE_MS) {
            (true, true) => Look::Closed,
            (false, true) => {
                self.severed = true;
                Look::Wait
            }
            _ => Look::Wait,
        }
    }
}

/// One event of a waiting popup flow, as the opener's web layer samples it.
#[derive(Debug, Clone, PartialEq)]
pub enum Wake<'a> {
    /// A message, judged by [`from_flow`] then [`judge`]; `href` is the relayed callback when
    /// admitted.
    Relay(Admit, &'a str),
    /// The verification of an admitted relay answered ([`super::shared::relayed_outcome`]
    /// for a shared flow; the opener's own record otherwise): `None` when the relay was
    /// not this flow's answer after all.
    Verified(Option<Result<AuthorizationResult, AuthError>>),
    /// The opener lost the focus.
    Blur,
    /// One look at `popup.closed`, the opener's focus, and the time.
    Look {
        /// `popup.closed`.
        closed: bool,
        /// `document.hasFocus()`.
        focused: bool,
        /// The popup has left its blank first page (its location is another origin's, which
        /// cannot be read, or is not `about:blank`).
        loaded: bool,
        /// Milliseconds.
        now_ms: f64,
    },
    /// `popup.timeoutMs` passed.
    Timeout,
    /// The config's `signal` fired.
    Abort,
}

/// What the opener's web layer does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Keep waiting.
    Wait,
    /// Verify the admitted relay's `href` (the event's), then feed [`Wake::Verified`].
    Verify,
    /// End the flow with this outcome: remove listeners and records, close the popup,
    /// settle.
    End(Result<AuthorizationResult, AuthError>),
}

/// A waiting popup flow's decisions: which message is verified, when a closed-looking
/// popup is a close ([`ClosedWatch`]), and what ends the flow. One verification at a time:
/// relays that arrive while one is being verified are dropped (the popup relays on the
/// window and on the channel, so the same answer usually arrives twice). A relay that
/// does not verify for this flow consumes nothing and the flow keeps waiting.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Waiting {
    watch: ClosedWatch,
    verifying: bool,
    ended: bool,
}

impl Waiting {
    /// Feeds one event; the step to take.
    pub fn on(&mut self, wake: Wake) -> Step {
        if self.ended {
            return Step::Wait;
        }
        let step = match wake {
            Wake::Relay(Admit::Ignore, _) => Step::Wait,
            Wake::Relay(_, _) if self.verifying => Step::Wait,
            // This flow's callback, too large to read: the flow ends with the reason.
            Wake::Relay(Admit::TooLarge, _) => Step::End(Err(AuthError::malformed(super::callback::TOO_LONG))),
            Wake::Relay(Admit::Verify, _) => {
                self.verifying = true;
                Step::Verify
            }
            Wake::Verified(None) => {
                self.verifying = false;
                Step::Wait
            }
            Wake::Verified(Some(outcome)) => Step::End(outcome),
            Wake::Blur => {
                self.watch.blurred();
                Step::Wait
            }
            // An answer is being verified: the popup closing after it relayed is no close.
            Wake::Look { .. } if self.verifying => Step::Wait,
            Wake::Look { closed, focused, loaded, now_ms } => match self.watch.look(closed, focused, loaded, now_ms) {
                Look::Wait => Step::Wait,
                Look::Closed => Step::End(Err(AuthError::new(
                    ErrorCode::PopupClosed,
                    "the popup was closed before the provider answered",
                ))),
            },
            Wake::Timeout => {
                Step::End(Err(AuthError::new(ErrorCode::PopupTimeout, "no callback arrived from the popup in time")))
            }
            Wake::Abort => Step::End(Err(AuthError::new(ErrorCode::Aborted, "the signal aborted the popup flow"))),
        };
        self.ended = matches!(step, Step::End(_));
        step
    }
}

/// What a verified relay means for the flow: its result (or the error that ends it), or
/// `None` when the callback is not this flow's answer after all (another path of the
/// app, another state): the flow keeps waiting and nothing was consumed.
pub fn verdict(
    outcome: Result<Option<AuthorizationResult>, AuthError>,
) -> Option<Result<AuthorizationResult, AuthError>> {
    match outcome {
        Ok(Some(result)) => Some(Ok(result)),
        Ok(None) => None,
        Err(e) if e.code == ErrorCode::UnknownState => None,
        Err(e) => Some(Err(e)),
    }
}

/// The opener window's outer box in screen coordinates (`screenX`, `screenY`,
/// `outerWidth`, `outerHeight`), to centre the popup over it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Left edge (`screenX`).
    pub x: f64,
    /// Top edge (`screenY`).
    pub y: f64,
    /// `outerWidth`.
    pub width: f64,
    /// `outerHeight`.
    pub height: f64,
}

/// Where the popup opens: its size (the config's, or the default) and its top-left corner,
/// centred on the opener. The web layer writes them into `window.open`'s features as
/// `popup=yes,width=..,height=..,left=..,top=..` (`popup.js` `open`): numbers cross, not
/// text. `noopener` is deliberately absent: the opener link is the delivery path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// `width` in CSS pixels.
    pub width: u32,
    /// `height` in CSS pixels.
    pub height: u32,
    /// `left`: never off the screen's left edge.
    pub left: u32,
    /// `top`: never off the screen's top edge.
    pub top: u32,
}

/// The popup's [`Placement`] for `cfg` over the opener's `frame`.
pub fn placement(cfg: &ValidatedConfig, frame: Frame) -> Placement {
    let width = cfg.popup.width.unwrap_or(DEFAULT_WIDTH);
    let height = cfg.popup.height.unwrap_or(DEFAULT_HEIGHT);
    // `as u32` saturates: NaN and negatives are 0.
    let left = (frame.x + (frame.width - f64::from(width)) / 2.0) as u32;
    let top = (frame.y + (frame.height - f64::from(height)) / 2.0) as u32;
    Placement { width, height, left, top }
}

/// The wait before `popup_timeout`: `popup.timeoutMs`, else the flow's whole lifetime
/// (a callback after that would be `expired` anyway).
pub fn timeout_ms(cfg: &ValidatedConfig) -> u32 {
    cfg.popup.timeout_ms.unwrap_or(cfg.ttl_seconds.saturating_mul(1000))
}

/// The popup's `window.open` target: [`WINDOW_NAME_PREFIX`] and the start of the state.
pub fn window_name(state: &str) -> String {
    // A slice of the state keeps two concurrent popups apart; the provider page sees the
    // whole state in its URL anyway.
    cat(&[WINDOW_NAME_PREFIX, state.get(..12).unwrap_or(state)])
}

/// On a page that may be a popup's callback: the state to relay under, or `None` when
/// this page must handle the callback itself.
///
/// A page is a popup's when this tab's storage holds the popup-mode record copy for the
/// callback's state: the browser copied it into the popup at `window.open`. The opener
/// keeps its own copy while it waits (web `popup::start` says why) and is `listening` for
/// the state meanwhile; it removes the copy when the flow ends, and a reload or a
/// duplicate of its tab is no fresh navigation to a callback. The
/// window name is not asked: any page can open a window named `bank-link-…`, and a
/// provider's COOP clears the name together with `window.opener`, which this rule must
/// survive (the popup then relays on the BroadcastChannel). A window that is itself
/// waiting for the state (`listening`) never relays to itself. Tink's parameterless denial
/// is relayed only on a fresh navigation to exactly the flow's redirect URI. Nothing here
/// consumes: the opener verifies against its own record.
pub fn relay_state(
    href: &str,
    store: Option<&mut dyn PendingStore>,
    nav: Navigation,
    listening: impl Fn(&str) -> bool,
    now_ms: u64,
    parser: &dyn UrlParser,
) -> Option<String> {
    let ledger = Ledger::open(store?, parser).ok()?;
    let state = match parse_callback(href, parser) {
        Ok(Some(cb)) => cb.get("state").filter(|s| is_token(s))?.to_owned(),
        Ok(None) => {
            let (state, _) = silent_denial_flow(&parser.parse(href)?, &ledger, now_ms, Mode::Popup, nav)?;
            state
        }
        // A broken callback in a popup is still the opener's to report.
        Err(_) => parser.parse(href).and_then(|u| lenient_param(&u, "state")).filter(|s| is_token(s))?,
    };
    let copy = ledger.index.find(&state).and_then(|e| e.flow());
    (copy.is_some_and(|f| f.mode == Mode::Popup) && !listening(&state)).then_some(state)
}

/// The fallback of [`relay_state`] for a popup whose storage copy did not arrive: WebKit
/// clones sessionStorage for a new window on another channel than the opener's writes, so
/// the record written just before `window.open` can miss the clone (seen under load). Such
/// a popup still has what `window.open` set synchronously: its opener (`has_opener`) and
/// its name, [`window_name`] of the flow's state. A page relays on these only when the name
/// is the one of the callback's own state (72 bits of it: only the window the opener opened
/// for that flow bears it) and it is not itself waiting for the state. Relaying leaks
/// nothing to a foreign opener (the message is posted to our own origin only, and the
/// channel is same-origin): the opener verifies against its own record, as always.
pub fn named_relay(
    href: &str,
    name: &str,
    has_opener: bool,
    listening: impl Fn(&str) -> bool,
    parser: &dyn UrlParser,
) -> Option<String> {
    if !has_opener || !name.starts_with(WINDOW_NAME_PREFIX) {
        return None;
    }
    let state = parser.parse(href).and_then(|u| lenient_param(&u, "state")).filter(|s| is_token(s))?;
    (name == window_name(&state) && !listening(&state)).then_some(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::authorize::begin;
    use crate::core::config::{validate, ConfigValue};
    use crate::core::entropy::Seed;
    use crate::core::store::MemoryStore;
    use crate::core::uri::NativeUrl;

    const NOW: u64 = 1_700_000_000_000;

    /// The config entries of a minimal flow (a `ValidatedConfig` borrows from them).
    fn entries(provider: &str, mode: &str) -> Vec<(String, ConfigValue)> {
        let s = |v: &str| ConfigValue::String(v.into());
        let mut entries = vec![
            ("provider".into(), s(provider)),
            ("clientId".into(), s("c")),
            ("redirectUri".into(), s("https://app.example/cb")),
            ("mode".into(), s(mode)),
        ];
        if provider == "tink" {
            entries.push(("scope".into(), s("accounts:read")));
        } else {
            entries.push(("authorizeUrl".into(), s("https://as.example/authorize")));
        }
        entries
    }

    fn cfg(entries: &[(String, ConfigValue)]) -> ValidatedConfig<'_> {
        match validate(entries, "https://app.example", &NativeUrl) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    fn started(provider: &str, mode: &str) -> (MemoryStore, String) {
        let mut store = MemoryStore::default();
        let auth =
            begin(&cfg(&entries(provider, mode)), &Seed([3; 80]), NOW, &mut store).unwrap_or_else(|e| panic!("{e}"));
        (store, auth.state)
    }

    /// Looks every 250 ms: `(closed, focused)` per look; the verdict of each.
    fn timeline(looks: &[(bool, bool)]) -> Vec<Look> {
        let mut w = ClosedWatch::default();
        looks.iter().enumerate().map(|(i, &(c, f))| w.look(c, f, true, i as f64 * 250.0)).collect()
    }

    #[test]
    fn closed_watch_timelines() {
        use Look::{Closed as C, Wait as W};
        // Headless (focus never lost): seen open, then closed → a close after the grace.
        assert_eq!(timeline(&[(false, true), (true, true), (true, true), (true, true), (true, true)]), [W, W, W, W, C]);
        // Closed from the very first look: a COOP first page severed the link, never a close.
        assert_eq!(timeline(&[(true, true); 6]), [W; 6]);
        // Focus modelled: the user closes it and the focus comes back at once.
        assert_eq!(
            timeline(&[(false, false), (true, true), (true, true), (true, true), (true, true)]),
            [W, W, W, W, C]
        );
        // The focus comes back one look late (a slow window manager): still a close.
        assert_eq!(
            timeline(&[(false, false), (true, false), (true, true), (true, true), (true, true)]),
            [W, W, W, W, C]
        );
        // The focus never comes back: COOP severed a popup that was open and focused.
        assert_eq!(
            timeline(&[(false, false), (true, false), (true, false), (true, false), (true, false), (true, true)]),
            [W; 6]
        );
    }

    #[test]
    fn a_popup_still_on_its_blank_page_when_coop_severs_it_is_no_close() {
        // Headless (focus all along): the provider answers slower than a poll, so the first
        // looks see the popup open on its blank first page; then its COOP severs it.
        let mut w = ClosedWatch::default();
        let looks = [(false, false), (false, false), (true, false), (true, false), (true, false), (true, false)];
        let got: Vec<Look> =
            looks.iter().enumerate().map(|(i, &(c, loaded))| w.look(c, true, loaded, i as f64 * 250.0)).collect();
        assert_eq!(got, [Look::Wait; 6]);
        // Once the provider's page was seen, closed is a close, as before.
        let mut w = ClosedWatch::default();
        let looks = [(false, false), (false, true), (true, false), (true, false), (true, false), (true, false)];
        let got: Vec<Look> =
            looks.iter().enumerate().map(|(i, &(c, loaded))| w.look(c, true, loaded, i as f64 * 250.0)).collect();
        assert_eq!(got.last(), Some(&Look::Closed));
    }

    #[test]
    fn placement_centres_the_window_and_never_goes_off_screen() {
        let e = entries("oauth2", "popup");
        let c = cfg(&e);
        let p = placement(&c, Frame { x: 100.0, y: 50.0, width: 1300.0, height: 900.0 });
        assert_eq!(p, Placement { width: 500, height: 700, left: 500, top: 150 });
        let p = placement(&c, Frame { x: 0.0, y: 0.0, width: 300.0, height: 300.0 });
        assert_eq!(p, Placement { width: 500, height: 700, left: 0, top: 0 });
        let p = placement(&c, Frame { x: f64::NAN, y: 1e300, width: 0.0, height: 0.0 });
        assert_eq!(p, Placement { width: 500, height: 700, left: 0, top: u32::MAX });
        assert_eq!(timeout_ms(&c), 600_000);
    }

    /// Samples a world every 250 ms (as the opener polls) for 5 s: the popup is open until
    /// `closed_at` (ms after open, `None`: never reads closed) and the opener has the
    /// focus from `focus_at` on (`None`: never; a browser without a focus model reports
    /// focus all along: `Some(0.0)`). The first look that says `Closed`, if any.
    fn first_closed(closed_at: Option<f64>, focus_at: Option<f64>) -> Option<f64> {
        first_closed_after(ClosedWatch::default(), closed_at, focus_at)
    }

    fn first_closed_after(mut w: ClosedWatch, closed_at: Option<f64>, focus_at: Option<f64>) -> Option<f64> {
        (1..=20).map(|i| f64::from(i) * 250.0).find(|&t| {
            let closed = closed_at.is_some_and(|c| t >= c);
            let focused = focus_at.is_some_and(|f| t >= f);
            w.look(closed, focused, true, t) == Look::Closed
        })
    }

    #[test]
    fn closed_watch_over_whole_timelines() {
        // The user closes the popup at 1 s; the opener's focus comes back 0, 20, 150 or
        // 400 ms later (window managers hand it back late): a close, reported within 2 s.
        for delay in [0.0, 20.0, 150.0, 400.0] {
            let at = first_closed(Some(1000.0), Some(1000.0 + delay));
            assert!(at.is_some_and(|t| t <= 3000.0), "focus back after {delay} ms: {at:?}");
        }
        // The focus never comes back: COOP severed a popup that keeps the focus. Waiting.
        assert_eq!(first_closed(Some(1000.0), None), None);
        // COOP first page at 50, 300 or 1500 ms, the popup keeping the focus: never a close.
        for coop in [50.0, 300.0, 1500.0] {
            assert_eq!(first_closed(Some(coop), None), None, "COOP at {coop} ms");
        }
        // COOP after a cross-origin hop (open for a while, then severed): never a close.
        assert_eq!(first_closed(Some(2600.0), None), None);
        // No focus model (headless: focus all along): closed after the window was seen open
        // is a close; closed from the very first look is a COOP first page, and waits.
        assert!(first_closed(Some(1000.0), Some(0.0)).is_some_and(|t| t <= 3000.0));
        assert_eq!(first_closed(Some(100.0), Some(0.0)), None);
        // With a focus model the opener's `blur` fires as the popup opens: a popup closed at
        // 100 ms, before the first look, with the focus back at once, is a close; one that
        // keeps the focus (COOP at 50 ms) still waits.
        let mut blurred = ClosedWatch::default();
        blurred.blurred();
        assert!(first_closed_after(blurred.clone(), Some(100.0), Some(100.0)).is_some_and(|t| t <= 2000.0));
        assert_eq!(first_closed_after(blurred, Some(50.0), None), None);
    }

    #[test]
    fn waiting_timelines() {
        let href = "https://app.example/cb?code=x";
        let look = |closed, now_ms| Wake::Look { closed, focused: true, loaded: true, now_ms };
        // A relay that arrives before the popup has loaded (the first look): verified.
        let mut w = Waiting::default();
        assert_eq!(w.on(Wake::Relay(Admit::Verify, href)), Step::Verify);
        // Its twin on the channel, while the first is verified: dropped.
        assert_eq!(w.on(Wake::Relay(Admit::Verify, href)), Step::Wait);
        // The popup closes itself after relaying: no close while the answer is verified.
        assert_eq!(w.on(look(false, 0.0)), Step::Wait);
        assert_eq!(w.on(look(true, 250.0)), Step::Wait);
        assert_eq!(w.on(look(true, 1000.0)), Step::Wait);
        // Not this flow's answer (another path of the app): the flow waits on.
        assert_eq!(w.on(Wake::Verified(None)), Step::Wait);
        assert_eq!(w.on(Wake::Relay(Admit::Ignore, href)), Step::Wait);
        // The genuine answer then completes it.
        assert_eq!(w.on(Wake::Relay(Admit::Verify, href)), Step::Verify);
        let done = Err(AuthError::new(ErrorCode::AlreadyHandled, "x"));
        assert_eq!(w.on(Wake::Verified(Some(done.clone()))), Step::End(done));
        // Nothing after the end counts.
        assert_eq!(w.on(Wake::Timeout), Step::Wait);
        assert_eq!(w.on(Wake::Abort), Step::Wait);

        // A store that refuses ends the flow with its error.
        let mut w = Waiting::default();
        assert_eq!(w.on(Wake::Relay(Admit::Verify, href)), Step::Verify);
        let refused = Err(AuthError::storage("x"));
        assert_eq!(w.on(Wake::Verified(Some(refused.clone()))), Step::End(refused));

        // Oversized, closed, timed out, aborted.
        let mut w = Waiting::default();
        assert!(
            matches!(w.on(Wake::Relay(Admit::TooLarge, href)), Step::End(Err(e)) if e.code == ErrorCode::MalformedCallback)
        );
        let mut w = Waiting::default();
        assert_eq!(w.on(look(false, 0.0)), Step::Wait);
        assert_eq!(w.on(look(true, 250.0)), Step::Wait);
        assert!(matches!(w.on(look(true, 1000.0)), Step::End(Err(e)) if e.code == ErrorCode::PopupClosed));
        let mut w = Waiting::default();
        assert!(matches!(w.on(Wake::Timeout), Step::End(Err(e)) if e.code == ErrorCode::PopupTimeout));
        let mut w = Waiting::default();
        assert!(matches!(w.on(Wake::Abort), Step::End(Err(e)) if e.code == ErrorCode::Aborted));
    }

    const NAV: Navigation = Navigation::Navigate;

    /// A window that waits for no state.
    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn a_popup_copy_relays_and_a_redirect_record_does_not() {
        let (mut store, state) = started("oauth2", "popup");
        let href = format!("https://app.example/cb?code=x&state={state}");
        assert_eq!(relay_state(&href, Some(&mut store), NAV, none, NOW, &NativeUrl), Some(state.clone()));
        // The window that waits for this state (the opener) never relays to itself.
        assert_eq!(relay_state(&href, Some(&mut store), NAV, |s: &str| s == state, NOW, &NativeUrl), None);
        let (mut store, state) = started("oauth2", "redirect");
        let href = format!("https://app.example/cb?code=x&state={state}");
        assert_eq!(relay_state(&href, Some(&mut store), NAV, none, NOW, &NativeUrl), None);
        // No copy, no relay: a window name alone (any page can pick one) is not enough.
        assert_eq!(relay_state(&href, None, NAV, none, NOW, &NativeUrl), None);
        // A state not of our shape is never relayed.
        let mut empty = MemoryStore::default();
        let odd = "https://app.example/cb?code=x&state=../x";
        assert_eq!(relay_state(odd, Some(&mut empty), NAV, none, NOW, &NativeUrl), None);
        // Neither is a plain page.
        assert_eq!(relay_state("https://app.example/cb", Some(&mut store), NAV, none, NOW, &NativeUrl), None);
    }

    #[test]
    fn a_popup_flows_copy_is_never_taken_by_a_redirect_callback() {
        // The opener keeps its copy while it waits: its own tab handling the callback URL
        // must not take the flow that the popup's relay then completes a second time.
        let (mut store, state) = started("oauth2", "popup");
        let before = store.items.clone();
        let href = format!("https://app.example/cb?code=x&state={state}");
        let handled = crate::core::callback::handle(&href, Ok(&mut store), NOW, NAV, &NativeUrl);
        assert_eq!(handled.outcome.map_err(|e| e.code), Err(ErrorCode::UnknownState));
        assert_eq!(store.items, before, "nothing consumed");
        let relayed = crate::core::callback::verify_relayed(&href, &mut store, NOW, &NativeUrl);
        assert!(matches!(relayed, Ok(Some(_))), "{relayed:?}");
    }

    #[test]
    fn a_popup_without_its_copy_relays_by_its_name_and_opener_only() {
        let state = "S".repeat(43);
        let href = format!("https://app.example/cb?code=x&state={state}");
        let name = window_name(&state);
        assert_eq!(named_relay(&href, &name, true, none, &NativeUrl), Some(state.clone()));
        // No opener (a tab the OS opened, or COOP cut it), another flow's name, no name, the
        // window that waits for the state: never.
        assert_eq!(named_relay(&href, &name, false, none, &NativeUrl), None);
        assert_eq!(named_relay(&href, &window_name(&"T".repeat(43)), true, none, &NativeUrl), None);
        assert_eq!(named_relay(&href, "", true, none, &NativeUrl), None);
        assert_eq!(named_relay(&href, &name, true, |s: &str| s == state, &NativeUrl), None);
        // A state not of ours, or no state (Tink's bare denial needs the copy).
        assert_eq!(named_relay("https://app.example/cb?code=x&state=../x", &name, true, none, &NativeUrl), None);
        assert_eq!(named_relay("https://app.example/cb", &name, true, none, &NativeUrl), None);
    }

    #[test]
    fn tink_silent_denial_in_a_popup_is_relayed_without_consuming_the_copy() {
        let (mut store, state) = started("tink", "popup");
        let bare = "https://app.example/cb";
        assert_eq!(relay_state(bare, Some(&mut store), NAV, none, NOW, &NativeUrl), Some(state.clone()));
        assert!(store.logical_keys().contains(&crate::core::pending::pending_key(&state)));
        // Only a fresh navigation to exactly the redirect URI is Tink's denial.
        let other = Navigation::Other;
        assert_eq!(relay_state(bare, Some(&mut store), other, none, NOW, &NativeUrl), None);
        for href in ["https://app.example/cb?utm_source=x", "https://app.example/cb#/route", "https://app.example/cb/"]
        {
            assert_eq!(relay_state(href, Some(&mut store), NAV, none, NOW, &NativeUrl), None, "{href}");
        }
        assert_eq!(relay_state(bare, Some(&mut store), NAV, |s: &str| s == state, NOW, &NativeUrl), None);
        let (mut store, _) = started("tink", "redirect");
        assert_eq!(relay_state(bare, Some(&mut store), NAV, none, NOW, &NativeUrl), None);
    }

    #[test]
    fn a_malformed_callback_in_a_popup_goes_to_the_opener() {
        let (mut store, state) = started("oauth2", "popup");
        let href = format!("https://app.example/cb?code=x&code=y&state={state}");
        assert_eq!(relay_state(&href, Some(&mut store), NAV, none, NOW, &NativeUrl), Some(state.clone()));
        assert_eq!(relay_state(&href, None, NAV, none, NOW, &NativeUrl), None);
        let bad = "https://app.example/cb?code=x&code=y&state=A";
        assert_eq!(relay_state(bad, Some(&mut store), NAV, none, NOW, &NativeUrl), None);
    }
}
