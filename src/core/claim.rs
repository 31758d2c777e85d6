//! Single use across tabs, for flows kept in localStorage (`storage: "local"`).
//!
//! sessionStorage belongs to one tab, so reading a flow and marking it done cannot race.
//! localStorage is shared by every tab of the origin and has no transactions: each tab
//! reads its own copy, and another tab's write reaches it a little later. Two tabs that
//! handle the same callback at the same moment (a bank app that opens the redirect URI
//! twice) could both read the flow as pending and both return its code.
//!
//! The claim: a tab that finds the flow pending writes `bank-link:claim:STATE` = a nonce
//! of its own and reads it back, waits [`CLAIM_SETTLE_MS`], then reads the key again.
//! Writes to one key are ordered by the browser and every tab ends up seeing the last
//! one, so after the wait all the claimants read the same nonce and exactly one finds
//! its own: that tab verifies and consumes the flow; the others answer
//! `already_handled`. A tab that finds a claim already there answers `already_handled`
//! at once. The one window left: a browser that takes longer than half of
//! [`CLAIM_SETTLE_MS`] (75 ms) to show one tab's write to another, with the two claims that
//! close together (a later claimant sees the first claim and stops; an earlier one reads
//! again after the wait, by when the later write must have reached it).
//!
//! The winner writes the index (the flow consumed, its `done` marker) and only then
//! releases the claim. A tab sees one tab's writes in the order they were made, so a tab
//! that no longer sees the claim already sees the `done` marker: a late callback answers
//! `already_handled` without a claim. A claim left by a tab that closed during its wait is
//! stale after [`CLAIM_STALE_MS`] and taken over; claims never outlive a callback's
//! handling otherwise.

use super::entropy::is_token;
use super::error::{AuthError, ErrorCode};
use super::store::{Index, PendingStore, StoreFault};
use super::urlenc::{cat, cut, decimal, parse_decimal};

/// How long a claimant waits before it reads the claim again. Chromium, Firefox and WebKit
/// pass a localStorage write to the origin's other tabs within a few milliseconds; the
/// margin is for a busy machine. It is also what a `storage: "local"` callback costs.
pub const CLAIM_SETTLE_MS: i32 = 150;

/// After this long a claim is a tab that closed while it waited: another tab may take
/// the flow over (far longer than any wait, shorter than any TTL).
pub const CLAIM_STALE_MS: u64 = 5_000;

/// The claim key of `state` (a 43-character token: nothing hostile reaches a key).
pub fn claim_key(state: &str) -> String {
    cat(&["bank-link:claim:", state])
}

/// What a tab may do with a callback's `state` in a shared store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The flow pends and this tab's nonce is written: wait, then [`holds`].
    Claimed,
    /// Another tab claimed it first: `already_handled`.
    Taken,
    /// The flow does not pend here (unknown, done, or not a state of ours): verification
    /// gives the precise error, with nothing claimed.
    NotPending,
}

/// The claim's value: this tab's nonce and when it claimed.
pub fn claim_value(nonce: &str, now_ms: u64) -> String {
    cat(&[nonce, ".", &decimal(now_ms)])
}

/// Phase one: claims `state` for this tab with `value` ([`claim_value`]) when its flow
/// pends in `store`. The claim is read back: a store that does not keep it is
/// `storage_unavailable`.
pub fn begin(store: &mut dyn PendingStore, state: &str, value: &str, now_ms: u64) -> Result<Claim, AuthError> {
    if !is_token(state) {
        return Ok(Claim::NotPending);
    }
    let unavailable = |_: StoreFault| AuthError::storage("localStorage did not keep the claim on this callback");
    let key = claim_key(state);
    if let Some(other) = store.get(&key).map_err(unavailable)? {
        if is_fresh(&other, now_ms) {
            return Ok(Claim::Taken);
        }
    }
    let index = Index::load(store).map_err(unavailable)?;
    if index.find(state).is_none() {
        return Ok(Claim::NotPending);
    }
    store.set(&key, value).map_err(unavailable)?;
    match store.get(&key).map_err(unavailable)? {
        Some(v) if v == value => Ok(Claim::Claimed),
        _ => Err(unavailable(StoreFault::Unavailable)),
    }
}

/// Whether a claim's value was written less than [`CLAIM_STALE_MS`] ago.
fn is_fresh(value: &str, now_ms: u64) -> bool {
    let at = cut(value, b'.').and_then(|(_, t)| parse_decimal(t)).unwrap_or(0);
    now_ms < at.saturating_add(CLAIM_STALE_MS)
}

/// Whether another claimant holds `state` now (a fresh claim): for a tab that relayed a
/// popup flow's answer and heard no word, this is the opener completing it (its claim's
/// wait stretched by a background tab's timer throttling), not a reason to fail.
pub fn held(store: &dyn PendingStore, state: &str, now_ms: u64) -> bool {
    store.get(&claim_key(state)).ok().flatten().is_some_and(|v| is_fresh(&v, now_ms))
}

/// Phase two, after [`CLAIM_SETTLE_MS`]: whether the claim on `state` is still `value`.
pub fn holds(store: &dyn PendingStore, state: &str, value: &str) -> bool {
    store.get(&claim_key(state)).ok().flatten().is_some_and(|v| v == value)
}

/// The answer of a tab whose claim another tab overwrote.
pub fn lost() -> AuthError {
    AuthError::new(ErrorCode::AlreadyHandled, "another tab is handling this callback")
}

/// Gives a claim up once the index says what became of the flow: best effort.
pub fn release(store: &mut dyn PendingStore, state: &str) {
    let _ = store.remove(&claim_key(state));
}

/// The opener of a `storage: "local"` popup flow, once its claim on a relayed callback
/// held: marks the localStorage copy consumed (a `done` marker in its place), so that no
/// tab completes the flow from that copy after the opener did. Read back: a store that
/// does not keep it is `storage_unavailable`, and the opener does not accept the callback.
/// A copy that is gone (expired, or evicted by newer flows) leaves nothing to consume.
pub fn consume(store: &mut dyn PendingStore, state: &str) -> Result<(), AuthError> {
    let unavailable = |_: StoreFault| AuthError::storage("localStorage did not keep the flow's done marker");
    let mut index = Index::load(store).map_err(unavailable)?;
    let Some(expires) = index.find(state).and_then(|i| index.pending.get(i)).map(|e| e.expires_ms) else {
        return Ok(());
    };
    index.mark_done(state, expires);
    index.save(store).map_err(unavailable)
}

/// Whether `state`'s copy in a shared store is already consumed (a `done` marker): the
/// flow was completed by a tab that did not open it, and its opener must not accept it too.
pub fn consumed(store: &dyn PendingStore, state: &str) -> bool {
    Index::load(store).is_ok_and(|index| index.find(state).is_none() && index.knows(state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::store::{Entry, MemoryStore, INDEX_KEY};

    fn state(c: char) -> String {
        c.to_string().repeat(43)
    }

    fn pending(states: &[&str]) -> Index {
        let entry = |s: &&str| Entry { state: (*s).to_owned(), created_ms: 0, expires_ms: 9, record: "v=1".into() };
        Index { pending: states.iter().map(entry).collect(), done: Vec::new() }
    }

    /// Two tabs over one origin's localStorage, each with its own view that another tab's
    /// write reaches `lag` ms later (as browsers propagate it), writes ordered by time.
    struct Origin {
        writes: Vec<(u64, usize, String, Option<String>)>,
        base: MemoryStore,
    }

    struct Tab<'a> {
        origin: &'a std::cell::RefCell<Origin>,
        id: usize,
        now: u64,
        lag: u64,
    }

    impl PendingStore for Tab<'_> {
        fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
            let o = self.origin.borrow();
            let seen =
                o.writes.iter().rev().find(|(t, by, k, _)| k == key && (*by == self.id || t + self.lag <= self.now));
            match seen {
                Some((_, _, _, v)) => Ok(v.clone()),
                None => o.base.get(key),
            }
        }
        fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
            self.origin.borrow_mut().writes.push((self.now, self.id, key.to_owned(), Some(value.to_owned())));
            Ok(())
        }
        fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
            self.origin.borrow_mut().writes.push((self.now, self.id, key.to_owned(), None));
            Ok(())
        }
    }

    #[test]
    fn exactly_one_of_two_racing_tabs_keeps_its_claim_when_writes_arrive_within_the_wait() {
        let s = state('A');
        for lag in [0, 1, 5, 40, CLAIM_SETTLE_MS as u64 / 2] {
            for gap in [0, 1, 3, 20, 74, 75, 76, 100, 200] {
                let mut base = MemoryStore::default();
                pending(&[&s]).write(&mut base).unwrap();
                let origin = std::cell::RefCell::new(Origin { writes: Vec::new(), base });
                let mut a = Tab { origin: &origin, id: 1, now: 1_000, lag };
                let mut b = Tab { origin: &origin, id: 2, now: 1_000 + gap, lag };
                let (va, vb) = (claim_value("nonce-a", a.now), claim_value("nonce-b", b.now));
                let (ta, tb) = (a.now, b.now);
                let ca = begin(&mut a, &s, &va, ta).unwrap();
                let cb = begin(&mut b, &s, &vb, tb).unwrap();
                a.now += CLAIM_SETTLE_MS as u64;
                b.now += CLAIM_SETTLE_MS as u64;
                let wins = [(ca, holds(&a, &s, &va)), (cb, holds(&b, &s, &vb))];
                let winners = wins.iter().filter(|(c, h)| *c == Claim::Claimed && *h).count();
                assert_eq!(winners, 1, "lag {lag} ms, gap {gap} ms: {wins:?}");
            }
        }
    }

    /// The documented window, shown: propagation slower than half the wait, with two
    /// claims that close together, lets both tabs win.
    #[test]
    fn the_window_left_is_a_propagation_slower_than_half_the_wait() {
        let s = state('A');
        let mut base = MemoryStore::default();
        pending(&[&s]).write(&mut base).unwrap();
        let origin = std::cell::RefCell::new(Origin { writes: Vec::new(), base });
        let (mut a, mut b) =
            (Tab { origin: &origin, id: 1, now: 0, lag: 100 }, Tab { origin: &origin, id: 2, now: 60, lag: 100 });
        let (va, vb) = (claim_value("a", 0), claim_value("b", 60));
        assert_eq!(begin(&mut a, &s, &va, 0).unwrap(), Claim::Claimed);
        assert_eq!(begin(&mut b, &s, &vb, 60).unwrap(), Claim::Claimed);
        a.now += CLAIM_SETTLE_MS as u64;
        b.now += CLAIM_SETTLE_MS as u64;
        assert!(holds(&a, &s, &va) && holds(&b, &s, &vb));
    }

    #[test]
    fn a_claim_already_there_is_taken_and_an_unknown_state_claims_nothing() {
        let (s, other) = (state('A'), state('B'));
        let mut store = MemoryStore::default();
        pending(&[&s]).write(&mut store).unwrap();
        let (v1, v2) = (claim_value("n1", 1_000), claim_value("n2", 1_100));
        assert_eq!(begin(&mut store, &s, &v1, 1_000).unwrap(), Claim::Claimed);
        assert_eq!(begin(&mut store, &s, &v2, 1_100).unwrap(), Claim::Taken);
        assert!(holds(&store, &s, &v1) && !holds(&store, &s, &v2));
        assert!(held(&store, &s, 1_100) && !held(&store, &s, 1_000 + CLAIM_STALE_MS) && !held(&store, &other, 1_100));
        assert_eq!(begin(&mut store, &other, "n3.0", 1_000).unwrap(), Claim::NotPending);
        assert_eq!(begin(&mut store, "../x", "n4.0", 1_000).unwrap(), Claim::NotPending);
        // A claim whose tab closed during its wait is stale, and taken over.
        let late = 1_000 + CLAIM_STALE_MS;
        let v3 = claim_value("n5", late);
        assert_eq!(begin(&mut store, &s, &v3, late).unwrap(), Claim::Claimed);
        assert!(holds(&store, &s, &v3));
        assert!(store.items.get(&claim_key(&other)).is_none(), "no claim for a state that does not pend");
        release(&mut store, &s);
        assert!(store.items.get(&claim_key(&s)).is_none());
        assert!(store.items.get(INDEX_KEY).is_some(), "the flow itself stays");
    }

    #[test]
    fn a_claim_that_does_not_read_back_is_storage_unavailable() {
        let s = state('A');
        let mut store = MemoryStore::default();
        pending(&[&s]).write(&mut store).unwrap();
        store.fail = Some(StoreFault::Full);
        assert_eq!(begin(&mut store, &s, "n.0", 0).unwrap_err().code, ErrorCode::StorageUnavailable);
    }

    #[test]
    fn the_opener_consumes_the_shared_copy_once_and_sees_another_tab_s_consumption() {
        let (s, other) = (state('A'), state('B'));
        let mut store = MemoryStore::default();
        pending(&[&s, &other]).write(&mut store).unwrap();
        assert!(!consumed(&store, &s));
        consume(&mut store, &s).unwrap();
        let index = Index::load(&store).unwrap();
        assert_eq!(index.find(&s), None);
        assert!(index.find(&other).is_some(), "another flow stays");
        assert!(consumed(&store, &s) && !consumed(&store, &other));
        // Once more, or for a copy that is gone: nothing to consume, nothing written.
        consume(&mut store, &s).unwrap();
        consume(&mut store, &state('C')).unwrap();
        assert!(!consumed(&store, &state('C')), "a state never here is not consumed");
        // A store that does not keep the marker: refused.
        store.fail = Some(StoreFault::Unavailable);
        assert_eq!(consume(&mut store, &other).unwrap_err().code, ErrorCode::StorageUnavailable);
    }
}
