//! Where pending authorizations live: a trait the browser's sessionStorage and localStorage
//! implement (src/web/storage.rs), an in-memory one for tests and faults on purpose, and
//! the one key that holds every flow of ours.
//!
//! One key, [`INDEX_KEY`], holds every pending flow (its times and its record) and the
//! `done` markers. A start or a callback reads it once and writes it once, whatever else
//! the app keeps in the tab: no walk over `sessionStorage.key(i)`, no key per flow (every
//! `setItem` is a round of the browser's storage machinery, the dearest call we make).

use super::binding::ambiguous;
use super::entropy::{is_base64url, is_token};
use super::error::AuthError;
use super::pending::PendingFlow;
pub use super::pending::{done_id, DONE_ID_LEN};
use super::secret::ct_eq;
use super::secret::Redacted;
use super::urlenc::{cat, cut, parse_decimal, pieces, push_decimal, Pieces};
use core::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
/// Why the browser's storage refused a call.
pub enum StoreFault {
    /// Storage missing, disabled or throwing (`SecurityError` in sandboxed frames and
    /// some private modes).
    Unavailable,
    /// `QuotaExceededError`.
    Full,
}

/// Key/value access to the browser's storage. There is deliberately no way to list keys:
/// everything of ours is under [`INDEX_KEY`].
pub trait PendingStore {
    /// The value under `key`, `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault>;
    /// Stores `value` under `key`, and fails (`Unavailable`) unless reading `key` back then
    /// gives `value`: a storage that reports success without keeping the write (a patched
    /// or broken one) is never trusted with a flow. Read back where the store is, in one
    /// call, instead of copying the whole index back into the core after every write.
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault>;
    /// Removes `key` and its value; read back like [`PendingStore::set`].
    fn remove(&mut self, key: &str) -> Result<(), StoreFault>;
}

/// At most this many authorizations pend at once; starting another evicts the oldest
/// (a user who clicked "connect" seventeen times abandoned the first ones).
pub const MAX_PENDING: usize = 16;
/// `done` markers kept at once; the oldest goes first. Without its marker a replay is
/// `unknown_state` instead of `already_handled`: still refused. Few, because every write
/// copies the whole key: a page that completed hundreds of flows within the TTL (the
/// benchmark) would otherwise pay for their markers on every call.
pub const MAX_DONE: usize = 8;

/// The one storage key that holds every flow and `done` marker of ours ([`Index`]).
pub const INDEX_KEY: &str = "bank-link";

/// One item of the index, read in place: a pending flow (its state, its times, to sweep and
/// evict without reading the record, and its record, [`PendingFlow::to_record`]) or, when
/// `done`, a `done` marker (its [`done_id`] in `state`, its expiry; no creation time, no
/// record). Its `Debug` shows no state and no verifier: the record is shown read back,
/// where the verifier prints as redacted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The flow's state, 43 base64url characters; a marker's [`done_id`].
    pub state: &'a str,
    /// When the flow started, in milliseconds since the epoch (0 for a marker).
    pub created_ms: u64,
    /// When it expires, in milliseconds since the epoch.
    pub expires_ms: u64,
    /// The flow as [`PendingFlow::to_record`] wrote it (empty for a marker).
    pub record: &'a str,
    /// Whether this is a `done` marker.
    pub done: bool,
}

impl Entry<'_> {
    /// The flow its record holds, with its times; `None` when the record is not one this
    /// version wrote.
    pub fn flow(&self) -> Option<PendingFlow> {
        PendingFlow::from_record(self.record, self.created_ms, self.expires_ms)
    }

    /// One item of the text; `None` when it is not one of ours. A marker written before
    /// markers were shortened holds the whole state, and reads as its id.
    fn read(item: &str) -> Option<Entry<'_>> {
        // `kind.state.rest`; `cut` rather than `splitn`, which links the char searcher.
        let (kind, rest) = cut(item, b'.')?;
        let (state, rest) = cut(rest, b'.')?;
        let done = kind == "d";
        let marker = done && (state.len() == DONE_ID_LEN && is_base64url(state) || is_token(state));
        if !marker && !is_token(state) {
            return None;
        }
        if done {
            let exp = parse_decimal(cut(rest, b'.').map_or(rest, |(e, _)| e))?;
            return Some(Entry { state: done_id(state), created_ms: 0, expires_ms: exp, record: "", done });
        }
        if kind != "p" {
            return None;
        }
        let (created, rest) = cut(rest, b'.')?;
        let (expires, record) = cut(rest, b'.')?;
        Some(Entry { state, created_ms: parse_decimal(created)?, expires_ms: parse_decimal(expires)?, record, done })
    }

    /// Appends the item's text to `out`, after a `,` unless `out` is empty.
    fn push(&self, out: &mut String) {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(if self.done { "d." } else { "p." });
        out.push_str(self.state);
        out.push('.');
        if !self.done {
            push_decimal(out, self.created_ms);
            out.push('.');
        }
        push_decimal(out, self.expires_ms);
        if !self.done {
            out.push('.');
            out.push_str(self.record);
        }
    }
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An unreadable record shows as `None`: its text may hold a verifier all the same.
        f.debug_struct(if self.done { "Done" } else { "Entry" })
            .field("state", &Redacted("State"))
            .field("created_ms", &self.created_ms)
            .field("expires_ms", &self.expires_ms)
            .field("record", &self.flow())
            .finish()
    }
}

/// Our flows in the store: `p.STATE.CREATED.EXPIRES.RECORD` and `d.ID.EXPIRES` (ID is
/// [`done_id`] of the state), joined by `,`, pending flows first, each kind oldest first.
/// States are base64url and records form-encoded, so neither separator occurs inside a
/// field (a record's own `.` is only ever in its last field). Held as that text, which is
/// edited in place: [`Index::parse`] writes it anew (what it cannot read dropped), and so
/// does every edit. An index [`Index::load`]ed from the store keeps the text as stored
/// until its first edit: every read goes item by item and skips what does not read, so
/// it answers exactly as the text written anew would, and a start or a callback, which
/// edits once, writes the text once instead of twice (docs/performance.md).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Index {
    text: String,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items()).finish()
    }
}

/// `src`'s items of one kind (`done` markers or pending flows), in order. An item's kind is
/// its first letter, so the other kind's items are skipped unread: an edit reads each item
/// once, not once for each kind.
fn of_kind(src: &str, done: bool) -> Walk<'_> {
    Walk { rest: pieces(src, b','), kind: Some(if done { b'd' } else { b'p' }) }
}

/// The items of an index's text that read, of one kind (its first letter) or of both
/// (`kind` `None`). One iterator for every walk of the index: adapters chained for each
/// kind of walk were a `next` of their own in the wasm for each.
pub struct Walk<'a> {
    rest: Pieces<'a>,
    kind: Option<u8>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        loop {
            let item = self.rest.next()?;
            if self.kind.is_none_or(|k| item.as_bytes().first() == Some(&k)) {
                if let Some(e) = Entry::read(item) {
                    return Some(e);
                }
            }
        }
    }
}

/// `src`'s items that `keep` keeps, pending flows first, then markers, each in order, with
/// `new` last of its kind: the one pass every edit of the index makes.
fn rebuild(src: &str, keep: &mut dyn FnMut(&Entry<'_>) -> bool, new: Option<Entry<'_>>) -> String {
    let mut out = String::with_capacity(src.len() + new.map_or(0, |e| e.state.len() + e.record.len() + 44));
    // By reference: an array walked by value is an `IntoIter` of its own in the wasm.
    for &done in &[false, true] {
        for e in of_kind(src, done) {
            if keep(&e) {
                e.push(&mut out);
            }
        }
        if let Some(e) = new.filter(|e| e.done == done) {
            e.push(&mut out);
        }
    }
    out
}

impl Index {
    /// An unreadable entry is none: a tab's sessionStorage ends with the tab.
    pub fn parse(s: &str) -> Self {
        Self { text: rebuild(s, &mut |_| true, None) }
    }

    /// The text stored under [`INDEX_KEY`], which [`Index::parse`] reads back.
    pub fn serialize(&self) -> String {
        self.text.clone()
    }

    /// Every item, pending flows first, each kind oldest first.
    pub fn items(&self) -> Walk<'_> {
        Walk { rest: pieces(&self.text, b','), kind: None }
    }

    /// The pending flows, oldest first.
    pub fn entries(&self) -> Walk<'_> {
        of_kind(&self.text, false)
    }

    /// The `done` markers, oldest first.
    pub fn markers(&self) -> Walk<'_> {
        of_kind(&self.text, true)
    }

    /// The last item of the kind `done` whose state is `key`, comparing every such item's
    /// state in constant time (no early exit), so the lookup reveals nothing but the outcome.
    fn last(&self, done: bool, key: &str) -> Option<Entry<'_>> {
        let mut found = None;
        for e in of_kind(&self.text, done) {
            if ct_eq(e.state.as_bytes(), key.as_bytes()) {
                found = Some(e);
            }
        }
        found
    }

    /// The pending entry whose state equals `state`, comparing every pending state in
    /// constant time (no early exit), so the lookup reveals nothing but the outcome.
    pub fn find(&self, state: &str) -> Option<Entry<'_>> {
        self.last(false, state)
    }

    /// Whether `state` pends or is done here (a `done` marker, expired or not), compared
    /// in constant time like [`Index::find`].
    pub fn knows(&self, state: &str) -> bool {
        self.find(state).is_some() | self.done_until(state).is_some()
    }

    /// Until when `state` is done (its `done` marker's expiry), compared in constant time
    /// against every marker.
    pub fn done_until(&self, state: &str) -> Option<u64> {
        self.last(true, done_id(state)).map(|e| e.expires_ms)
    }

    /// Reads [`INDEX_KEY`] once; an absent key is an empty index.
    pub fn load(store: &dyn PendingStore) -> Result<Self, StoreFault> {
        Ok(Self { text: store.get(INDEX_KEY)?.unwrap_or_default() })
    }

    /// The text [`Index::write`] stores, `None` for an empty index.
    pub fn write_text(&self) -> Option<&str> {
        Some(self.text.as_str()).filter(|s| !s.is_empty())
    }

    /// Writes the flows (removes the key when there are none). The store reads the write
    /// back ([`PendingStore::set`]).
    pub fn write(&self, store: &mut dyn PendingStore) -> Result<(), StoreFault> {
        match self.write_text() {
            None => store.remove(INDEX_KEY),
            Some(s) => store.set(INDEX_KEY, s),
        }
    }

    /// Keeps the items `keep` keeps and adds `new` last of its kind.
    fn retain(&mut self, keep: &mut dyn FnMut(&Entry<'_>) -> bool, new: Option<Entry<'_>>) {
        self.text = rebuild(&self.text, keep, new);
    }

    /// Drops all but the newest `left` pending flows, and adds `new`.
    fn keep_newest(&mut self, left: usize, new: Option<Entry<'_>>) {
        let mut drop = self.entries().count().saturating_sub(left);
        self.retain(
            &mut |e| {
                let keep = e.done || drop == 0;
                drop -= usize::from(!keep);
                keep
            },
            new,
        );
    }

    /// Removes the pending flow of `state`.
    pub fn remove(&mut self, state: &str) {
        self.retain(&mut |e| e.done || e.state != state, None);
    }

    /// Removes expired flows and expired `done` markers. Returns whether anything went.
    pub fn sweep(&mut self, now_ms: u64) -> bool {
        // Read first, rebuilt only when something expired: every callback sweeps, and
        // almost never finds anything.
        let stale = self.items().any(|e| e.expires_ms <= now_ms);
        if stale {
            self.retain(&mut |e| now_ms < e.expires_ms, None);
        }
        stale
    }

    /// Marks `state` consumed: out of the pending flows, into the markers until
    /// `expires_ms`, the oldest marker going when there are [`MAX_DONE`]. What expired by
    /// `now_ms` goes in the same pass: the sweep every callback makes, done here in the one
    /// walk of the index a consumed flow needs (the callback's walks are its dearest wasm
    /// work before the wasm has tiered up: docs/performance.md).
    pub fn mark_done(&mut self, state: &str, expires_ms: u64, now_ms: u64) {
        // Markers counted by their kind letter, not read (reading every item is what this
        // saves): one that does not read goes below all the same.
        let mut markers = 0;
        for item in pieces(&self.text, b',') {
            markers += usize::from(item.starts_with("d."));
        }
        let mut full = markers >= MAX_DONE;
        let marker = Entry { state: done_id(state), created_ms: 0, expires_ms, record: "", done: true };
        self.retain(
            &mut |e| {
                let live = now_ms < e.expires_ms;
                if !e.done {
                    return live && e.state != state;
                }
                // The oldest marker goes when there is no room, expired or not.
                live && !core::mem::replace(&mut full, false)
            },
            Some(marker),
        );
    }

    /// Removes the newest `done` marker (the one [`Index::mark_done`] added).
    pub fn unmark(&mut self) {
        let mut left = self.markers().count();
        self.retain(
            &mut |e| {
                left -= usize::from(e.done);
                !e.done || left != 0
            },
            None,
        );
    }
}

fn unavailable(what: &str) -> AuthError {
    AuthError::storage(cat(&[
        "sessionStorage ",
        what,
        "; redirect mode needs it to keep the pending authorization across the redirect",
    ]))
}

/// Adds a pending flow under `state` and reads it back. On any failure the stored flows
/// are as they were and the error is `storage_unavailable`: nothing is left behind.
///
/// A flow whose redirect URI is [`ambiguous`] with a pending one's, both as written, is
/// refused first (`invalid_config` on `redirectUri`): the binding could not tell their
/// callbacks apart. Checked here, against the flows that still pend, so the one read of the
/// store serves both and every writer of a record (a redirect start, a popup's copies, the
/// shared store's transaction) is held to it. Never inlined: every writer calls it.
#[inline(never)]
pub fn put_pending(
    store: &mut dyn PendingStore,
    state: &str,
    flow: &PendingFlow,
    now_ms: u64,
) -> Result<(), AuthError> {
    // The text as it was: what goes back, byte for byte, if the new one is not kept. The
    // index edits a copy, read as stored (see [`Index`]).
    let before = store.get(INDEX_KEY).map_err(|_| unavailable("is not available"))?;
    let mut index = Index { text: before.as_deref().unwrap_or_default().to_owned() };
    index.sweep(now_ms);
    let ours = flow.redirect_uri();
    if index.entries().any(|e| e.flow().is_some_and(|f| ambiguous(ours, f.redirect_uri()))) {
        return Err(AuthError::config(
            "redirectUri",
            "is ambiguous with a pending flow's (one query opens the other): finish that flow, or use distinct queries",
        ));
    }
    let record = flow.to_record();
    let new = Entry { state, created_ms: flow.created_ms, expires_ms: flow.expires_ms, record: &record, done: false };
    index.keep_newest(MAX_PENDING - 1, Some(new));
    let mut result = index.write(store);
    if result == Err(StoreFault::Full) {
        // QuotaExceededError: make room by dropping every other pending flow of ours
        // once, then try again (the app's own data is never touched).
        index.keep_newest(1, None);
        result = index.write(store);
    }
    match result {
        Ok(()) => Ok(()),
        Err(fault) => {
            // Not kept (or kept but not read back): the text that was there goes back.
            let _ = match &before {
                Some(text) => store.set(INDEX_KEY, text),
                None => store.remove(INDEX_KEY),
            };
            Err(match fault {
                StoreFault::Full => unavailable("is full"),
                StoreFault::Unavailable => unavailable("did not keep the pending authorization"),
            })
        }
    }
}

/// Removes a flow that never left (its navigation or popup failed). Best effort.
pub fn forget(store: &mut dyn PendingStore, state: &str) {
    if let Ok(mut index) = Index::load(store) {
        index.remove(state);
        let _ = index.write(store);
    }
}

/// Our one key alone, held in memory: the opener's own record of a popup flow, and the
/// shared store's index while its transaction decides. The core keeps nothing under any
/// other key, so this is all those two need, and far less code in the package than
/// [`MemoryStore`]'s map (docs/performance.md). Its `Debug` shows the index read back, whose
/// entries redact themselves.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct IndexCopy(pub Option<String>);

impl fmt::Debug for IndexCopy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IndexCopy").field(&self.0.as_deref().map(Index::parse)).finish()
    }
}

impl PendingStore for IndexCopy {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        // The key first: no copy made only to be dropped.
        Ok(if key == INDEX_KEY { self.0.clone() } else { None })
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        if key == INDEX_KEY {
            self.0 = Some(value.to_owned());
        }
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        if key == INDEX_KEY {
            self.0 = None;
        }
        Ok(())
    }
}

/// Key/value pairs kept sorted by key in a plain vector: the few records a flow needs do
/// not justify `BTreeMap`'s code in the wasm module (its size: docs/performance.md).
#[derive(Default, Clone, PartialEq, Eq)]
pub struct Items(Vec<(String, String)>);

/// The app's own keys as they are; ours without a state or a verifier: the index read
/// back (whose entries redact themselves), any other key of ours (a claim names a state)
/// redacted whole.
impl fmt::Debug for Items {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.0 {
            if k == INDEX_KEY {
                map.entry(k, &Index::parse(v));
            } else if k.starts_with(INDEX_KEY) {
                map.entry(&Redacted("Key"), &Redacted("Value"));
            } else {
                map.entry(k, v);
            }
        }
        map.finish()
    }
}

impl Items {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().and_then(|i| self.0.get(i)).map(|(_, v)| v)
    }
    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }
    /// Sets `key` to `value`, replacing any earlier value.
    pub fn insert(&mut self, key: String, value: String) {
        match self.find(&key) {
            Ok(i) => {
                if let Some(item) = self.0.get_mut(i) {
                    item.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (key, value)),
        }
    }
    /// Removes `key`, if present.
    pub fn remove(&mut self, key: &str) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }
    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
    /// Pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// An in-memory store: the core's tests, the fuzzer and Rust callers off the browser.
///
/// Its fault hooks exist only in test builds (`cfg(test)`, or the `test-hooks` feature
/// that this crate's own integration tests and the fuzzer turn on): `fail` makes every
/// call fail; `capacity` (total bytes of keys and values) makes writes beyond it fail with
/// `Full`, like a browser's quota. A release build has no way to make it misbehave.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    /// What the store holds, by key.
    pub items: Items,
    /// Test builds: every call fails with this fault.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fail: Option<StoreFault>,
    /// Test builds: total bytes of keys and values; a write beyond it fails with `Full`.
    #[cfg(any(test, feature = "test-hooks"))]
    pub capacity: Option<usize>,
}

impl MemoryStore {
    /// What the store holds, one name per fact: `bank-link:pending:STATE` for each pending
    /// flow and `bank-link:done:STATE` for each `done` marker of ours (our key itself is
    /// not listed), and the app's own keys as they are.
    pub fn logical_keys(&self) -> Vec<String> {
        let index = self.items.get(INDEX_KEY).map(|s| Index::parse(s)).unwrap_or_default();
        let mut keys: Vec<String> = self.items.keys().filter(|k| *k != INDEX_KEY).cloned().collect();
        keys.extend(index.items().map(|e| {
            if e.done {
                super::pending::done_key(e.state)
            } else {
                super::pending::pending_key(e.state)
            }
        }));
        keys.sort();
        keys
    }

    /// The fault a call meets: `fail` (a `Full` store still reads and removes), then, for
    /// a write of `key` = `value`, the quota.
    #[cfg(any(test, feature = "test-hooks"))]
    fn fault(&self, write: Option<(&str, &str)>) -> Option<StoreFault> {
        if let Some(f) = &self.fail {
            if write.is_some() || *f == StoreFault::Unavailable {
                return Some(f.clone());
            }
        }
        let (key, value) = write?;
        let used: usize = self.items.iter().map(|(k, v)| k.len() + v.len()).sum();
        let old = self.items.get(key).map_or(0, |v| key.len() + v.len());
        self.capacity.filter(|cap| used - old + key.len() + value.len() > *cap).map(|_| StoreFault::Full)
    }

    #[cfg(not(any(test, feature = "test-hooks")))]
    fn fault(&self, _write: Option<(&str, &str)>) -> Option<StoreFault> {
        None
    }
}

impl PendingStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        match self.fault(None) {
            Some(f) => Err(f),
            None => Ok(self.items.get(key).cloned()),
        }
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        match self.fault(Some((key, value))) {
            Some(f) => Err(f),
            None => {
                self.items.insert(key.to_owned(), value.to_owned());
                Ok(())
            }
        }
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        match self.fault(None) {
            Some(f) => Err(f),
            None => {
                self.items.remove(key);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips_and_drops_what_it_cannot_read() {
        let s = "A".repeat(43);
        let text = format!("p.{s}.1.2.v=1&a=b.c%2C,d.{}.3", done_id(&s));
        let i = Index::parse(&text);
        assert_eq!(i.serialize(), text);
        let e = Entry { state: &s, created_ms: 1, expires_ms: 2, record: "v=1&a=b.c%2C", done: false };
        assert_eq!(i.entries().collect::<Vec<_>>(), [e]);
        assert_eq!(Index::parse(&i.serialize()), i);
        // A marker of the whole state (written before markers were shortened) reads as its id.
        assert_eq!(Index::parse(&format!("d.{s}.3")).markers().collect::<Vec<_>>(), i.markers().collect::<Vec<_>>());
        assert!(i.serialize().ends_with(&format!(",d.{}.3", &s[..DONE_ID_LEN])), "{}", i.serialize());
        let garbled = format!("{},p.short.1.2.r,d.{s}.x,q.{s}.1,,p.{s}.1.2", i.serialize());
        assert_eq!(Index::parse(&garbled), i);
        // Loaded as stored, garbled and out of order, it reads as written anew, and its
        // first edit writes the text anew.
        let disordered = format!("d.{}.3,d.{s}.x,p.{s}.1.2.v=1&a=b.c%2C,,q.{s}.1", done_id(&s));
        let mut stored = Index::load(&IndexCopy(Some(disordered))).unwrap();
        assert_ne!(stored, i);
        assert!(stored.entries().eq(i.entries()) && stored.markers().eq(i.markers()));
        assert!(stored.find(&s).is_some() && stored.done_until(&s) == Some(3));
        stored.remove("none");
        assert_eq!(stored, i);
    }

    /// Consuming keeps the newest [`MAX_DONE`] markers, oldest first, leaves the other
    /// pending flows as they were, and sweeps what expired in the same pass.
    #[test]
    fn marking_done_keeps_the_newest_markers_and_sweeps_in_one_pass() {
        let state = |n: usize| format!("{n:A>43}");
        let pending = |n: usize, exp: u64| format!("p.{}.1.{exp}.v=1", state(n));
        let marker = |n: usize, exp: u64| format!("d.{}.{exp}", done_id(&state(n)));
        let markers: Vec<String> = (0..MAX_DONE).map(|n| marker(100 + n, 900)).collect();
        // Flow 1 is consumed, flow 2 stays, flow 3 expired; the oldest marker goes.
        let text = [pending(1, 500), pending(2, 500), pending(3, 50)].into_iter().chain(markers.clone());
        let mut index = Index::parse(&text.collect::<Vec<_>>().join(","));
        index.mark_done(&state(1), 500, 100);
        let kept = [pending(2, 500)].into_iter().chain(markers[1..].iter().cloned()).chain([marker(1, 500)]);
        assert_eq!(index.serialize(), kept.collect::<Vec<_>>().join(","));
        assert_eq!(index.markers().count(), MAX_DONE);
        // Markers that expired go, and then none is dropped for room; with no pending
        // flow left the oldest marker is the text's first item.
        let mut index = Index::parse(&[pending(1, 500), marker(7, 50), marker(8, 900)].join(","));
        index.mark_done(&state(1), 500, 100);
        assert_eq!(index.serialize(), [marker(8, 900), marker(1, 500)].join(","));
        let full = markers.iter().cloned().chain([pending(1, 500)]).collect::<Vec<_>>().join(",");
        let mut index = Index::parse(&full);
        index.mark_done(&state(1), 500, 100);
        assert_eq!(
            index.serialize(),
            markers[1..].iter().cloned().chain([marker(1, 500)]).collect::<Vec<_>>().join(",")
        );
    }

    #[test]
    fn a_full_store_drops_our_other_flows_once_then_keeps_the_new_one() {
        let flow = |n: u64| PendingFlow {
            provider: super::super::provider::Provider::OAuth2,
            redirect_uri: "https://app.example/cb".into(),
            created_ms: n,
            expires_ms: 600_000,
            mode: super::super::config::Mode::Redirect,
            code_verifier: None,
            app_state: None,
            issuer: None,
        };
        let mut store = MemoryStore::default();
        let states: Vec<String> = (0..3u8).map(|i| char::from(b'A' + i).to_string().repeat(43)).collect();
        for (i, s) in states.iter().enumerate() {
            put_pending(&mut store, s, &flow(i as u64), 0).unwrap();
        }
        store.items.insert("app".into(), "x".repeat(100));
        // Room for the app's key and one flow, not for four.
        let one = INDEX_KEY.len() + store.items.get(INDEX_KEY).unwrap().len() / 3 + 8;
        store.capacity = Some(103 + one);
        let new = "D".repeat(43);
        put_pending(&mut store, &new, &flow(9), 0).unwrap();
        let index = Index::load(&store).unwrap();
        assert_eq!(index.entries().map(|e| e.state).collect::<Vec<_>>(), [new.as_str()]);
        assert_eq!(store.items.get("app").map(String::len), Some(100), "the app's own data is never touched");
        // No room even for one: refused, and what was there stays.
        store.capacity = Some(103);
        let err = put_pending(&mut store, &"E".repeat(43), &flow(10), 0).unwrap_err();
        assert_eq!(err.code.as_str(), "storage_unavailable");
        assert_eq!(Index::load(&store).unwrap().entries().count(), 1);
    }
}
