//! The store every tab of the origin shares (`storage: "local"`): a flow that a bank's
//! app sends back to a new tab is found there, and consumed there exactly once.
//!
//! The browser keeps it in IndexedDB: one database ([`DB_NAME`]), one object store
//! ([`OBJECT_STORE`]), and in it the same [`Index`] a tab keeps in sessionStorage, under
//! the same key. Every operation (put, consume, sweep, forget) is one `readwrite`
//! transaction: it reads the index, this module decides on it ([`decide`]), and the
//! transaction writes the new index before it commits. The browser runs overlapping
//! `readwrite` transactions one at a time, in the order they were created, across every
//! tab of the origin (IndexedDB, "Transaction scheduling"), so each decision sees the
//! effect of every decision before it: a consumed flow never comes back, a new flow is
//! never lost, and of two tabs that take one callback, the second finds the `done` marker.
//! There is nothing to wait for and no timing window: localStorage, which this replaced,
//! gives no such promise (the HTML standard tells authors to assume no locking between
//! tabs). One record rather than one per flow: each transaction reads and rewrites all of
//! it anyway, and one record needs no code to tell which records changed (docs/api.md).
//!
//! The decisions are the same functions a tab's own sessionStorage flows go through
//! (`store::put_pending`, `callback::handle`): the snapshot is an [`IndexCopy`] that
//! holds the records as the one index key, and the writes are the records that changed.
//!
//! A page that never used `storage: "local"` should not open a database to learn that:
//! [`Hint`] is one localStorage key, rewritten by every transaction, that says until when
//! a shared flow may pend and from when one is due to be swept.

use super::callback::{handle_in, lenient_param, Handled, Navigation};
use super::config::Mode;
use super::entropy::is_token;
use super::error::{AuthError, ErrorCode};
use super::outcome::AuthorizationResult;
use super::pending::PendingFlow;
use super::store::{forget, put_pending, Index, IndexCopy};
use super::uri::UrlParser;
use super::urlenc::{cut, parse_decimal};

/// The IndexedDB database of every tab of the origin.
pub const DB_NAME: &str = "bank-link";
/// Its one object store, which holds the [`Index`] under [`INDEX_KEY`].
pub const OBJECT_STORE: &str = "flows";
/// The localStorage key of the [`Hint`].
pub const HINT_KEY: &str = "bank-link:shared";
/// An index longer than this (in UTF-16 units) is not one of ours: at most 16 flows,
/// each with at most a 16 KiB `appState` (percent-encoded, at most three times as long).
/// The browser side drops a longer one before it is copied into wasm memory.
pub const MAX_INDEX: usize = 1 << 20;

/// What one transaction is asked to do.
#[derive(Debug, Clone, Copy)]
pub enum Op<'a> {
    /// Keep a new flow (`startAuthorization`), with the store's sweep and cap.
    Put {
        /// The flow's state.
        state: &'a str,
        /// The flow.
        flow: &'a PendingFlow,
    },
    /// A callback that reached a tab whose own storage does not know its state (or a bare
    /// return to a redirect URI): verify and consume it, unless it answers a popup flow
    /// whose opener may still be waiting ([`Answer::Relay`]). `take_popup`: the opener
    /// is taken for gone, so a popup flow is consumed here as well.
    Callback {
        /// The callback URL.
        href: &'a str,
        /// How the page was reached.
        nav: Navigation,
        /// Consume a popup flow's answer here too.
        take_popup: bool,
    },
    /// A popup flow's opener verifies a relayed callback against the shared record, which
    /// it consumes.
    Relayed {
        /// The relayed callback URL.
        href: &'a str,
        /// The opener's flow.
        state: &'a str,
    },
    /// Remove expired records.
    Sweep,
    /// Remove a flow that never left (its navigation or popup failed, or it was aborted).
    Forget {
        /// The flow's state.
        state: &'a str,
    },
}

/// What a transaction decided, besides its writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Nothing to say: a put, sweep or forget that was kept.
    Done,
    /// A callback handled (the outcome and the address to show instead).
    Handled(Handled),
    /// The callback answers a popup flow of another window (the bank's app opened the
    /// redirect URI here instead of in the popup): hand it to that flow's opener, under
    /// this state. Nothing was written.
    Relay(String),
    /// `Relayed`: the shared record is gone without a `done` marker (expired, evicted):
    /// the opener verifies against its own copy.
    Absent,
    /// The put could not be kept (the error says why): nothing was written.
    Refused(AuthError),
}

/// A transaction's decision: the index to write, and the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The index to write before the transaction commits (`None`: delete it).
    pub write: Option<String>,
    /// The answer, valid once the transaction has committed.
    pub answer: Answer,
    /// The new [`Hint`] (`None`: remove the key), from the records before and after, so it
    /// is right whether or not the transaction commits.
    pub hint: Option<Hint>,
}

/// Decides one transaction on `text`, the shared index as the transaction read it (`""`
/// when there is none), at `now_ms`.
pub fn decide(op: Op, text: &str, now_ms: u64, parser: &dyn UrlParser) -> Decision {
    let before = Index::parse(text);
    let mut store = IndexCopy(before.write_text().map(str::to_owned));
    let answer = run(op, &mut store, &before, now_ms, parser);
    let after = store.0.as_deref().map(Index::parse).unwrap_or_default();
    let written = if matches!(answer, Answer::Relay(_) | Answer::Refused(_)) { &before } else { &after };
    Decision { write: written.write_text().map(str::to_owned), hint: Hint::of(&[&before, written]), answer }
}

fn run(op: Op, store: &mut IndexCopy, before: &Index, now_ms: u64, parser: &dyn UrlParser) -> Answer {
    match op {
        Op::Put { state, flow } => match put_pending(store, state, flow, now_ms) {
            Ok(()) => Answer::Done,
            Err(e) => Answer::Refused(e),
        },
        Op::Callback { href, nav, take_popup } => {
            let popup = popup_state(href, before, parser).filter(|_| !take_popup);
            match popup {
                Some(state) => Answer::Relay(state),
                // Taken here: a redirect flow, or a popup flow whose opener is gone.
                None => {
                    let mode = if take_popup { Mode::Popup } else { Mode::Redirect };
                    Answer::Handled(handle_in(href, Ok(store), now_ms, mode, nav, parser))
                }
            }
        }
        Op::Relayed { href, state } => {
            if before.find(state).is_none() {
                return if before.done_until(state).is_some() {
                    Answer::Handled(Handled { outcome: Err(completed_elsewhere()), cleaned: None })
                } else {
                    Answer::Absent
                };
            }
            // A relay answers nothing but the flow it was admitted for: a callback that names
            // another state is not this flow's (and consumes nothing); one with no state at
            // all (Tink's silent denial) is judged against the opener's own copy.
            match parser.parse(href).and_then(|url| lenient_param(&url, "state")) {
                None => Answer::Absent,
                Some(s) if s != state => Answer::Handled(Handled { outcome: Ok(None), cleaned: None }),
                Some(_) => {
                    Answer::Handled(handle_in(href, Ok(store), now_ms, Mode::Popup, Navigation::Navigate, parser))
                }
            }
        }
        Op::Sweep => {
            let mut index = before.clone();
            index.sweep(now_ms);
            let _ = index.write(store);
            Answer::Done
        }
        Op::Forget { state } => {
            forget(store, state);
            Answer::Done
        }
    }
}

/// The state of the popup-mode flow a callback answers, if it answers one: read leniently
/// (a broken callback is still its opener's to report).
fn popup_state(href: &str, index: &Index, parser: &dyn UrlParser) -> Option<String> {
    let url = parser.parse(href)?;
    let state = lenient_param(&url, "state").filter(|s| is_token(s))?;
    let entry = index.find(&state)?;
    (entry.flow()?.mode == Mode::Popup).then_some(state)
}

/// The answer of a relay whose flow another tab completed from the shared store.
fn completed_elsewhere() -> AuthError {
    AuthError::new(ErrorCode::AlreadyHandled, "another tab completed this flow from the shared store")
}

/// What one localStorage key says about the shared store, so that a page needs no
/// database to learn it has nothing there: `MIN.MAX`, the earliest and the latest expiry
/// of its records (pending flows and `done` markers). No key: nothing shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// The earliest expiry: from then on a sweep is due.
    pub sweep_from: u64,
    /// The latest expiry: until then a record may be there.
    pub until: u64,
}

impl Hint {
    /// The hint over every record of `indexes`; `None` when they hold none.
    pub fn of(indexes: &[&Index]) -> Option<Self> {
        let times = indexes.iter().flat_map(|i| i.items().map(|e| e.expires_ms));
        times.fold(None, |h: Option<Self>, t| {
            Some(h.map_or(Self { sweep_from: t, until: t }, |h| Self {
                sweep_from: h.sweep_from.min(t),
                until: h.until.max(t),
            }))
        })
    }

    /// `None` for a key that is absent or not ours.
    pub fn parse(text: &str) -> Option<Self> {
        let (a, b) = cut(text, b'.')?;
        Some(Self { sweep_from: parse_decimal(a)?, until: parse_decimal(b)? })
    }

    /// Whether a record may still be there at `now_ms` (a callback must ask the database).
    pub fn may_hold(self, now_ms: u64) -> bool {
        now_ms < self.until
    }

    /// Whether a record has expired by `now_ms` (a sweep is due).
    pub fn sweep_due(self, now_ms: u64) -> bool {
        now_ms >= self.sweep_from
    }
}

/// What `handleCallback` does with a location, before anything is read from the shared
/// store: this page's own storage first, the shared store only when the hint says it may
/// hold the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Answer synchronously from this tab's own storage.
    Here,
    /// Answer through a Promise, from the shared store ([`Op::Callback`]).
    Shared,
}

/// Where a callback is answered. `known_here`: this tab's storage knows the callback's
/// state (pending or done). A callback with another state, or a bare return to a redirect
/// URI (Tink's silent denial, on a fresh navigation only), goes to the shared store while
/// the hint says a shared record may be there.
pub fn route(
    href: &str,
    known_here: impl FnOnce(&str) -> bool,
    hint: Option<Hint>,
    now_ms: u64,
    nav: Navigation,
    parser: &dyn UrlParser,
) -> Route {
    if !hint.is_some_and(|h| h.may_hold(now_ms)) {
        return Route::Here;
    }
    let Some(url) = parser.parse(href) else { return Route::Here };
    // Leniently: a broken callback is still its flow's to report.
    match lenient_param(&url, "state") {
        Some(state) if is_token(&state) && !known_here(&state) => Route::Shared,
        None if url.query().is_none() && url.fragment().is_none() && nav == Navigation::Navigate => Route::Shared,
        _ => Route::Here,
    }
}

/// Outcome of a relayed callback as a popup flow's opener sees it ([`super::popup::verdict`]).
pub fn relayed_outcome(answer: Answer) -> Option<Result<AuthorizationResult, AuthError>> {
    match answer {
        Answer::Handled(Handled { outcome, .. }) => super::popup::verdict(outcome),
        Answer::Refused(e) => Some(Err(e)),
        Answer::Done | Answer::Relay(_) | Answer::Absent => None,
    }
}
