//! Callback parsing and verification: any bytes after the redirect URI's origin, against
//! three pending flows, with the invariant oracle the mutation fuzzer uses
//! (tests/common/oracle.rs): no panic; only a verified answer changes the store, and a
//! success consumes exactly its own flow; the cleaned address reads as no callback.
#![no_main]

#[path = "../../tests/common/oracle.rs"]
mod oracle;

use bank_link::core::store::MemoryStore;
use bank_link::core::uri::NativeUrl;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The flows, made once: starting them (SHA-256, the record) would dominate each run.
static FLOWS: OnceLock<(MemoryStore, Vec<String>)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let tail = String::from_utf8_lossy(data);
    let href = format!("https://app.example/cb{tail}");
    let flows = FLOWS.get_or_init(|| oracle::store_with_flows(&NativeUrl)).clone();
    if let Err(broken) = oracle::check_against("libFuzzer", &href, &NativeUrl, flows) {
        panic!("{broken}");
    }
});
