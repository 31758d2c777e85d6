// The JS half of the shared store (shared.rs): its IndexedDB transaction and the hint
// key in localStorage. Nothing here decides anything; core::shared does.

// The shared store's hint (core/shared.rs `Hint`): `op` 0 reads its text (undefined when
// absent, unreadable or not ours by its length), 1 writes `sweepFrom.until` (two times in
// ms, whole numbers below 2^53: the text `Hint::parse` reads), 2 removes it. Keys
// of the localStorage format before IndexedDB (the index under "bank-link", a claim under
// "bank-link:claim:" and a state) are removed when found, looked for once per page: a
// read less on every later call. This is the one place that knows those keys.
let legacyLooked = false;
// The window's localStorage object, kept once read (each read of the getter costs its
// checks; the object is the document's for its life, and its methods throw where storage
// is refused later).
let localArea;
export function hint(key, op, sweepFrom, until) {
  const legacy = "bank-link";
  const claims = "bank-link:claim:";
  try {
    const ls = (localArea ??= localStorage);
    if (!legacyLooked && (legacyLooked = true) && ls.getItem(legacy) !== null) {
      ls.removeItem(legacy);
      for (let i = ls.length; i--; ) {
        const k = ls.key(i);
        if (k !== null && k.startsWith(claims)) ls.removeItem(k);
      }
    }
    if (op === 0) {
      const text = ls.getItem(key);
      return text !== null && text.length <= 48 ? text : undefined;
    }
    if (op === 2) ls.removeItem(key);
    else ls.setItem(key, `${sweepFrom}.${until}`);
  } catch {
    // No localStorage (a sandboxed frame): no hint.
  }
}

// The shared store's names: its database (core::shared `DB_NAME`), its one object store
// (`OBJECT_STORE`) and the index's key in it (core::store `INDEX_KEY`). Written here rather
// than passed from the wasm at every call; tests/relay.rs holds them to the Rust ones.
const DB = "bank-link";
const STORE = "flows";
const KEY = "bank-link";

// One readwrite transaction on the shared store (core/shared.rs): the index under `KEY` is
// read, judged by typeof and length (anything else is no index of ours and is never
// copied: the decision starts from an empty one), handed to `on(0, records)`, and what it
// returns is written in the same transaction (undefined: the key is deleted). `on(0,
// records)` decides; `on(1, failed)` is called once: failed undefined when the transaction
// committed, true when anything refused (what refused is never read: the answer is
// storage_unavailable either way).
export function transact(max, on) {
  let ended = false;
  const end = (failed) => {
    if (!ended) {
      ended = true;
      on(1, failed);
    }
  };
  const fail = () => end(true);
  try {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = open.onblocked = fail;
    open.onsuccess = () => {
      const conn = open.result;
      try {
        const tx = conn.transaction(STORE, "readwrite");
        const os = tx.objectStore(STORE);
        const got = os.get(KEY);
        got.onsuccess = () => {
          const v = got.result;
          const write = on(0, typeof v === "string" && v.length <= max ? v : "");
          if (write === undefined) os.delete(KEY);
          else os.put(write, KEY);
        };
        tx.oncomplete = () => {
          conn.close();
          end();
        };
        tx.onabort = () => {
          conn.close();
          fail();
        };
      } catch {
        conn.close();
        fail();
      }
    };
  } catch {
    fail();
  }
}
