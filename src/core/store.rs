//! Where pending authorizations live: a trait the browser's sessionStorage implements
//! (src/web/storage.rs), an in-memory one for tests and faults on purpose, and our own
//! index of what we keep there.
//!
//! The index (one key) lists every pending flow with its times, and the `done` markers.
//! Every operation reads it instead of walking `sessionStorage.key(i)`, so a call costs
//! the same however many keys the app keeps in the tab: one `getItem` for the index, one
//! for the record a callback names.

use super::error::AuthError;
use super::pending::{pending_key, PendingFlow};
use super::urlenc::decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreFault {
    /// Storage missing, disabled or throwing (`SecurityError` in sandboxed frames and
    /// some private modes).
    Unavailable,
    /// `QuotaExceededError`.
    Full,
}

/// Key/value access to the browser's storage. There is deliberately no way to list keys:
/// everything goes through the [`Index`].
pub trait PendingStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault>;
    fn remove(&mut self, key: &str) -> Result<(), StoreFault>;
}

/// At most this many authorizations pend at once; starting another evicts the oldest
/// (a user who clicked "connect" seventeen times abandoned the first ones).
pub const MAX_PENDING: usize = 16;
/// `done` markers kept at once; the oldest goes first. Without its marker a replay is
/// `unknown_state` instead of `already_handled`: still refused.
pub const MAX_DONE: usize = 32;

pub const INDEX_KEY: &str = "bank-link:index";

/// One pending flow as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub state: String,
    pub created_ms: u64,
    pub expires_ms: u64,
}

/// Our keys in the store: `p.STATE.CREATED.EXPIRES` and `d.STATE.EXPIRES`, joined by
/// `,` (states are base64url, so neither separator occurs in them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// Oldest first.
    pub pending: Vec<Entry>,
    /// `(state, expires_ms)` of consumed flows, oldest first.
    pub done: Vec<(String, u64)>,
}

impl Index {
    /// An unreadable index, or entry, is none: its records can no longer be found, and a
    /// tab's sessionStorage ends with the tab.
    pub fn parse(s: &str) -> Self {
        let mut index = Self::default();
        for item in s.split(',') {
            let mut f = item.split('.');
            let (kind, state) = (f.next(), f.next().filter(|s| super::entropy::is_token(s)).map(str::to_owned));
            let mut time = || f.next().and_then(|t| t.parse::<u64>().ok());
            match (kind, state) {
                (Some("p"), Some(state)) => {
                    if let (Some(created_ms), Some(expires_ms)) = (time(), time()) {
                        index.pending.push(Entry { state, created_ms, expires_ms });
                    }
                }
                (Some("d"), Some(state)) => {
                    if let Some(exp) = time() {
                        index.done.push((state, exp));
                    }
                }
                _ => {}
            }
        }
        index
    }

    pub fn serialize(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(self.pending.len() + self.done.len());
        for e in &self.pending {
            parts.push(super::urlenc::cat(&["p.", &e.state, ".", &decimal(e.created_ms), ".", &decimal(e.expires_ms)]));
        }
        for (state, exp) in &self.done {
            parts.push(super::urlenc::cat(&["d.", state, ".", &decimal(*exp)]));
        }
        parts.join(",")
    }

    pub fn load(store: &dyn PendingStore) -> Result<Self, StoreFault> {
        Ok(store.get(INDEX_KEY)?.map(|s| Self::parse(&s)).unwrap_or_default())
    }

    /// Writes the index (removes the key when it lists nothing) and reads it back.
    pub fn save(&self, store: &mut dyn PendingStore) -> Result<(), StoreFault> {
        match self.write(store)? {
            Some(s) if store.get(INDEX_KEY)?.as_deref() != Some(s.as_str()) => Err(StoreFault::Unavailable),
            _ => Ok(()),
        }
    }

    /// Writes the index without reading it back: for the best-effort writes (a `done`
    /// marker, a sweep), where nothing would be done with a mismatch. Returns what it wrote.
    pub fn write(&self, store: &mut dyn PendingStore) -> Result<Option<String>, StoreFault> {
        if self.pending.is_empty() && self.done.is_empty() {
            return store.remove(INDEX_KEY).map(|()| None);
        }
        let s = self.serialize();
        store.set(INDEX_KEY, &s)?;
        Ok(Some(s))
    }

    /// Drops one pending flow from the index and its record from the store.
    pub fn drop_pending(&mut self, store: &mut dyn PendingStore, i: usize) {
        let e = self.pending.remove(i);
        let _ = store.remove(&pending_key(&e.state));
    }

    /// Removes expired flows (and their records) and expired `done` markers. Returns
    /// whether anything went. Faults while removing are ignored: a sweep is housekeeping,
    /// never the reason a flow fails.
    pub fn sweep(&mut self, store: &mut dyn PendingStore, now_ms: u64) -> bool {
        let before = (self.pending.len(), self.done.len());
        let mut i = 0;
        while i < self.pending.len() {
            if now_ms >= self.pending[i].expires_ms {
                self.drop_pending(store, i);
            } else {
                i += 1;
            }
        }
        self.done.retain(|(_, exp)| now_ms < *exp);
        before != (self.pending.len(), self.done.len())
    }

    /// Marks `state` consumed: out of `pending`, into `done` until `expires_ms`.
    pub fn mark_done(&mut self, state: &str, expires_ms: u64) {
        self.pending.retain(|e| e.state != state);
        if self.done.len() >= MAX_DONE {
            self.done.remove(0);
        }
        self.done.push((state.to_owned(), expires_ms));
    }
}

fn unavailable(what: &str) -> AuthError {
    AuthError::storage(super::urlenc::cat(&[
        "sessionStorage ",
        what,
        "; redirect mode needs it to keep the pending authorization across the redirect",
    ]))
}

/// Writes a pending record under `state`, reads it back, and lists it in the index. On
/// any failure the record is removed and the error is `storage_unavailable`: nothing is
/// left behind.
pub fn put_pending(
    store: &mut dyn PendingStore,
    state: &str,
    flow: &PendingFlow,
    now_ms: u64,
) -> Result<(), AuthError> {
    let mut index = Index::load(store).map_err(|_| unavailable("is not available"))?;
    index.sweep(store, now_ms);
    while index.pending.len() >= MAX_PENDING {
        index.drop_pending(store, 0);
    }
    let key = pending_key(state);
    let record = flow.to_record();
    let mut result = store.set(&key, &record);
    if result == Err(StoreFault::Full) {
        // QuotaExceededError: make room by dropping every other pending flow of ours
        // once, then try again (the app's own data is never touched).
        while !index.pending.is_empty() {
            index.drop_pending(store, 0);
        }
        result = store.set(&key, &record);
    }
    let read_back = result.and_then(|()| store.get(&key));
    let fault = match read_back {
        Ok(Some(got)) if got == record => {
            index.pending.push(Entry {
                state: state.to_owned(),
                created_ms: flow.created_ms,
                expires_ms: flow.expires_ms,
            });
            match index.save(store) {
                Ok(()) => return Ok(()),
                Err(f) => {
                    index.pending.pop();
                    Some(f)
                }
            }
        }
        Ok(_) => None,
        Err(f) => Some(f),
    };
    let _ = store.remove(&key);
    // What the sweep and evictions removed is gone either way; the index says so.
    let _ = index.save(store);
    Err(match fault {
        Some(StoreFault::Full) => unavailable("is full"),
        Some(StoreFault::Unavailable) => unavailable("refused the write"),
        None => unavailable("did not keep the record"),
    })
}

/// Removes a flow that never left (its navigation or popup failed): the record, and its
/// entry in the index. Best effort.
pub fn forget(store: &mut dyn PendingStore, state: &str) {
    let _ = store.remove(&pending_key(state));
    if let Ok(mut index) = Index::load(store) {
        index.pending.retain(|p| p.state != state);
        let _ = index.save(store);
    }
}

/// Key/value pairs kept sorted by key in a plain vector: the few records a flow needs do
/// not justify `BTreeMap`'s code in the wasm module (about 11 KiB).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Items(Vec<(String, String)>);

impl Items {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }
    pub fn insert(&mut self, key: String, value: String) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }
    pub fn remove(&mut self, key: &str) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }
    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// An in-memory store. `fail` makes every call fail; `capacity` (total bytes of keys
/// and values) makes writes beyond it fail with `Full`, like a browser's quota.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    pub items: Items,
    pub fail: Option<StoreFault>,
    pub capacity: Option<usize>,
}

impl MemoryStore {
    fn used(&self) -> usize {
        self.items.iter().map(|(k, v)| k.len() + v.len()).sum()
    }

    /// What the store holds of ours, as one key per fact: each pending record's key, and
    /// `bank-link:done:STATE` for each `done` marker the index lists (the index key
    /// itself is not listed). The app's own keys are listed as they are.
    pub fn logical_keys(&self) -> Vec<String> {
        let index = self.items.get(INDEX_KEY).map(|s| Index::parse(s)).unwrap_or_default();
        let mut keys: Vec<String> = self.items.keys().filter(|k| *k != INDEX_KEY).cloned().collect();
        keys.extend(index.done.iter().map(|(s, _)| super::pending::done_key(s)));
        keys.sort();
        keys
    }
}

impl PendingStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        match &self.fail {
            Some(f) if *f == StoreFault::Unavailable => Err(f.clone()),
            _ => Ok(self.items.get(key).cloned()),
        }
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        if let Some(f) = &self.fail {
            return Err(f.clone());
        }
        let old = self.items.get(key).map_or(0, |v| key.len() + v.len());
        if self.capacity.is_some_and(|cap| self.used() - old + key.len() + value.len() > cap) {
            return Err(StoreFault::Full);
        }
        self.items.insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        match &self.fail {
            Some(f) if *f == StoreFault::Unavailable => Err(f.clone()),
            _ => {
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
        let i = Index {
            pending: vec![Entry { state: s.clone(), created_ms: 1, expires_ms: 2 }],
            done: vec![(s.clone(), 3)],
        };
        assert_eq!(Index::parse(&i.serialize()), i);
        let garbled = format!("{},p.short.1.2,d.{s}.x,q.{s}.1,,p.{s}.1", i.serialize());
        assert_eq!(Index::parse(&garbled), i);
    }
}
