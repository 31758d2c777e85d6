//! Where pending authorizations live: a trait the browser's sessionStorage implements
//! (src/web/storage.rs), and an in-memory one for tests and for faults on purpose.

use super::error::AuthError;
use super::pending::{PendingFlow, DONE_PREFIX, PENDING_PREFIX};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreFault {
    /// Storage missing, disabled or throwing (`SecurityError` in sandboxed frames and
    /// some private modes).
    Unavailable,
    /// `QuotaExceededError`.
    Full,
}

pub trait PendingStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault>;
    fn remove(&mut self, key: &str) -> Result<(), StoreFault>;
    fn keys(&self) -> Result<Vec<String>, StoreFault>;
}

/// At most this many authorizations pend at once; starting another evicts the oldest
/// (a user who clicked "connect" seventeen times abandoned the first ones).
pub const MAX_PENDING: usize = 16;

/// Removes expired and unparsable records and expired `done` markers. Faults while
/// removing are ignored: a sweep is housekeeping, never the reason a flow fails.
pub fn sweep(store: &mut dyn PendingStore, now_ms: u64) -> Result<(), StoreFault> {
    for key in store.keys()? {
        let stale = if key.starts_with(PENDING_PREFIX) {
            store.get(&key)?.and_then(|r| PendingFlow::from_record(&r)).is_none_or(|f| f.is_expired(now_ms))
        } else if key.starts_with(DONE_PREFIX) {
            store.get(&key)?.and_then(|r| r.parse::<u64>().ok()).is_none_or(|exp| now_ms >= exp)
        } else {
            false
        };
        if stale {
            let _ = store.remove(&key);
        }
    }
    Ok(())
}

/// Pending records, oldest first.
fn pending_by_age(store: &dyn PendingStore) -> Result<Vec<(u64, String)>, StoreFault> {
    let mut out = Vec::new();
    for key in store.keys()? {
        if key.starts_with(PENDING_PREFIX) {
            if let Some(flow) = store.get(&key)?.and_then(|r| PendingFlow::from_record(&r)) {
                out.push((flow.created_ms, key));
            }
        }
    }
    // At most MAX_PENDING + 1 entries: an insertion sort keeps the generic sort (several
    // KiB of wasm) out of the module.
    for i in 1..out.len() {
        let mut j = i;
        while j > 0 && out[j - 1] > out[j] {
            out.swap(j - 1, j);
            j -= 1;
        }
    }
    Ok(out)
}

fn unavailable(what: &str) -> AuthError {
    AuthError::storage(format!(
        "sessionStorage {what}; redirect mode needs it to keep the pending authorization across the redirect"
    ))
}

/// Writes a pending record and reads it back. On any failure the partial write is
/// removed and the error is `storage_unavailable`: nothing is left behind.
pub fn put_pending(store: &mut dyn PendingStore, key: &str, flow: &PendingFlow, now_ms: u64) -> Result<(), AuthError> {
    sweep(store, now_ms).map_err(|_| unavailable("is not available"))?;
    let pending = pending_by_age(store).map_err(|_| unavailable("is not available"))?;
    for (_, old) in pending.iter().take((pending.len() + 1).saturating_sub(MAX_PENDING)) {
        let _ = store.remove(old);
    }
    let record = flow.to_record();
    let mut result = store.set(key, &record);
    if result == Err(StoreFault::Full) {
        // QuotaExceededError: make room by dropping every other pending flow of ours
        // once, then try again (the app's own data is never touched).
        for (_, old) in pending_by_age(store).unwrap_or_default() {
            let _ = store.remove(&old);
        }
        result = store.set(key, &record);
    }
    let read_back = result.and_then(|()| store.get(key));
    if read_back.as_ref().is_ok_and(|got| got.as_deref() == Some(record.as_str())) {
        return Ok(());
    }
    let _ = store.remove(key);
    Err(match read_back {
        Err(StoreFault::Full) => unavailable("is full"),
        Err(StoreFault::Unavailable) => unavailable("refused the write"),
        Ok(_) => unavailable("did not keep the record"),
    })
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
    fn keys(&self) -> Result<Vec<String>, StoreFault> {
        match &self.fail {
            Some(f) if *f == StoreFault::Unavailable => Err(f.clone()),
            _ => Ok(self.items.keys().cloned().collect()),
        }
    }
}
