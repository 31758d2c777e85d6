//! The core's work for a start and a callback, natively, for instruction counts that do
//! not move with the machine (docs/performance.md, "Mended in round 8"):
//!
//!     cargo build --release --example instructions
//!     valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/examples/instructions 3000
//!     callgrind_annotate --inclusive=yes cg.out | grep -E 'handle_in|authorize::begin'
//!
//! Each of N pairs validates an `oauth2` config, starts a flow on a `MemoryStore` and
//! handles its callback, so the index holds one pending flow and, after eight pairs, eight
//! `done` markers: what the browser benchmark's page holds. Without valgrind it prints
//! the wall time a call (native, so far below the browser's).

use bank_link::core::authorize::begin;
use bank_link::core::callback::{handle, Navigation};
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::{Seed, SEED_BYTES};
use bank_link::core::store::MemoryStore;
use bank_link::core::uri::NativeUrl;
use std::time::{Duration, Instant};

fn main() {
    let pairs: u64 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let text = |v: &str| ConfigValue::String(v.to_owned());
    let entries = [
        ("provider", text("oauth2")),
        ("authorizeUrl", text("https://auth.example.com/authorize")),
        ("clientId", text("bench-client")),
        ("redirectUri", text("http://127.0.0.1:8080/callback")),
        ("scope", text("openid profile")),
        ("navigate", ConfigValue::Bool(false)),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    let mut store = MemoryStore::default();
    let (mut starts, mut callbacks) = (Duration::ZERO, Duration::ZERO);
    for i in 0..pairs {
        let now = 1_796_650_000_000 + i;
        // Distinct seeds, so every state differs (the randomness itself is the browser's).
        let seed = Seed(core::array::from_fn(|j| (i >> (8 * (j % 8))) as u8 ^ (j as u8).wrapping_mul(37)));
        let t0 = Instant::now();
        let Ok(cfg) = validate(&entries, "http://127.0.0.1:8080", &NativeUrl) else { panic!("config") };
        let Ok(started) = begin(&cfg, &seed, now, &mut store) else { panic!("start") };
        starts += t0.elapsed();
        let href = format!("http://127.0.0.1:8080/callback?code=c{i}&state={}", started.state);
        let t1 = Instant::now();
        let handled = handle(&href, Ok(&mut store), now, Navigation::Other, &NativeUrl);
        callbacks += t1.elapsed();
        assert!(matches!(handled.outcome, Ok(Some(_))), "pair {i}: {:?}", handled.outcome);
    }
    let each = |d: Duration| d.as_secs_f64() * 1e6 / pairs.max(1) as f64;
    println!(
        "{pairs} pairs ({SEED_BYTES}-byte seeds): start {:.2} us, callback {:.2} us",
        each(starts),
        each(callbacks)
    );
}
