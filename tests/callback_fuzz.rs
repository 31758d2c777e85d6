//! Mutation fuzzing of `handleCallback`'s core with invariant oracles, in plain
//! `cargo test` (and in the browser suites): thousands of hostile callback URLs made by
//! mutating valid ones, each checked for what must always hold, whatever the input:
//!
//! - no panic (a panic in wasm kills the module for the whole page);
//! - only a verified answer (a result, or `expired`) changes the store, and a success
//!   consumes exactly its own flow and leaves its `done` marker; every other outcome
//!   leaves every pending authorization as it was;
//! - a result's state is the state of the flow it consumed;
//! - the cleaned address is a valid URL that no longer reads as a callback.
//!
//! Deterministic (fixed seeds), so a failure names a reproducible iteration.

mod common;
use common::oracle::{check_callback, store_with_flows};
use common::parser;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const PIECES: &[&str] = &[
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
    "loginId",
    "credentials_id",
    "access_token",
    "id_token",
    "%73tate",
    "c%6fde",
    "=",
    "&",
    "#",
    "?",
    "%",
    "%2",
    "%zz",
    "%00",
    "%C0%AF",
    "%FF",
    "%E2%82",
    "+",
    "%2B",
    "%20",
    " ",
    "\t",
    "\n",
    "é",
    "😀",
    "access_denied",
    "USER_CANCELLED",
    "__proto__",
    "constructor",
    "https://as.example",
    "..",
    "/",
    "\\",
    "@",
    ":",
    "[",
    "]",
    "x",
    "A",
    "-",
    "_",
    "",
];

fn seeds(states: &[String]) -> Vec<String> {
    let [t, o, f] = [&states[0], &states[1], &states[2]];
    vec![
        format!("https://app.example/cb?code=abc&state={t}"),
        format!("https://app.example/cb?tab=1&code=abc&state={o}&iss=https%3A%2F%2Fas.example"),
        format!("https://app.example/cb?loginId=L-1&state={f}"),
        format!("https://app.example/cb?error=access_denied&error_description=No+thanks&state={t}"),
        format!("https://app.example/cb#code=abc&state={t}"),
        format!("https://app.example/cb?credentials_id=9&state={t}#/route"),
        "https://app.example/cb".to_owned(),
        "https://app.example/cb?tab=2#/settings".to_owned(),
    ]
}

fn mutate(rng: &mut Rng, url: &str) -> String {
    let mut s: Vec<char> = url.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(5) {
            0 if !s.is_empty() => {
                s.remove(at.min(s.len() - 1));
            }
            1 => s.splice(at..at, rng.pick(PIECES).chars()).for_each(drop),
            2 => {
                let piece = format!("&{}={}", rng.pick(PIECES), rng.pick(PIECES));
                s.splice(at..at, piece.chars()).for_each(drop);
            }
            3 if !s.is_empty() => {
                // Flip the case of one character (states are case-sensitive).
                let i = at.min(s.len() - 1);
                let c = s[i];
                s[i] = if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
            }
            _ => {
                // Duplicate a random slice (repeated parameters, long values).
                let a = rng.below(s.len() + 1);
                let b = (a + rng.below(64)).min(s.len());
                let copy: Vec<char> = s[a..b].iter().copied().cycle().take((b - a) * (1 + rng.below(40))).collect();
                s.splice(a..a, copy).for_each(drop);
            }
        }
    }
    s.into_iter().collect()
}

fn check(iteration: usize, href: &str) {
    if let Err(broken) = check_callback(&format!("iteration {iteration}"), href, parser()) {
        panic!("{broken}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn mutated_callbacks_keep_every_invariant() {
    let (_, states) = store_with_flows(parser());
    let seeds = seeds(&states);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Fewer in the browser suites, where three engines run it on a debug build.
    let n = if cfg!(target_arch = "wasm32") { 1_500 } else { 20_000 };
    for i in 0..n {
        let seed = &seeds[rng.below(seeds.len())];
        let href = if i < seeds.len() { seeds[i].clone() } else { mutate(&mut rng, seed) };
        check(i, &href);
    }
}
