//! # bank-link
//!
//! Send a user to an open-banking provider (Tink, Flinks, Flinks v3, or any RFC 6749
//! authorization server) and bring the answer back safely: a 256-bit single-use state
//! bound to the tab, optional PKCE (RFC 7636), RFC 9207 issuer checks, strict callback
//! parsing, and typed errors. See the README for the JS API.
//!
//! ## From a Rust frontend (Leptos, Yew, Dioxus)
//!
//! In the browser (`wasm32`), the crate root has the same two operations the npm package
//! exports, with typed configs and results:
//!
//! ```ignore
//! use bank_link::{Config, Tink, AuthorizationResult};
//! // In the click handler that connects a bank:
//! let config = Config::new(
//!     Tink { client_id: "my-client".into(), scope: "accounts:read".into() },
//!     "https://app.example/callback",
//! );
//! bank_link::start_authorization(&config)?; // navigates; `.navigate(false)` only returns the URL
//! // On the callback page, on every load:
//! if let Some(AuthorizationResult::Success { code, code_verifier, state, .. }) = bank_link::handle_callback(None)? {
//!     // code, code_verifier and state → your backend (their Debug prints no secret)
//! }
//! // Popup mode: the window opens inside the click handler, before any `.await`.
//! let flow = bank_link::start_popup(&config.popup(Default::default()), None)?;
//! let result = flow.await?; // the result the opener verified
//! ```
//!
//! `examples/rust-frontend/` is such a page (plain `wasm-bindgen` + `web-sys`), built by
//! `npm test` and clicked through by the end-to-end suite.
//!
//! ## The pure core, anywhere
//!
//! [`core`] does the protocol work with time, randomness and storage passed in, so it
//! runs (and is tested) natively. The whole round trip, with an in-memory store:
//!
//! ```
//! use bank_link::core::{authorize::begin, callback::{handle, Navigation}, config::{validate, ConfigValue},
//!     entropy::Seed, outcome::AuthorizationResult, store::MemoryStore, uri::NativeUrl};
//! let s = |v: &str| ConfigValue::String(v.into());
//! let entries = [
//!     ("provider".into(), s("oauth2")),
//!     ("authorizeUrl".into(), s("https://as.example/authorize")),
//!     ("clientId".into(), s("my-client")),
//!     ("redirectUri".into(), s("https://app.example/callback")),
//! ];
//! let cfg = validate(&entries, "https://app.example", &NativeUrl)?; // in the browser: &bank_link::web::BrowserUrl
//! // (a typed `Config` gives the same entries: `config.entries()`)
//! let mut store = MemoryStore::default();
//! let now = 1_700_000_000_000;
//! let auth = begin(&cfg, &Seed([7; 80]), now, &mut store)?;
//! assert!(auth.url.starts_with("https://as.example/authorize?response_type=code&client_id=my-client"));
//!
//! let callback = format!("https://app.example/callback?code=abc&state={}", auth.state);
//! let handled = handle(&callback, Ok(&mut store), now + 5_000, Navigation::Navigate, &NativeUrl);
//! match handled.outcome? {
//!     Some(AuthorizationResult::Success { code, code_verifier, .. }) => {
//!         assert_eq!(code.as_deref(), Some("abc"));
//!         assert!(code_verifier.is_some()); // PKCE is on by default for oauth2
//!     }
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(handled.cleaned.as_deref(), Some("https://app.example/callback"));
//! // A replay (reload, back button) is refused:
//! let again = handle(&callback, Ok(&mut store), now + 6_000, Navigation::Navigate, &NativeUrl).outcome.unwrap_err();
//! assert_eq!(again.code.as_str(), "already_handled");
//! # Ok::<(), bank_link::core::error::AuthError>(())
//! ```

// A panic in wasm kills the module for the whole page: the shipped code may not unwrap,
// expect, panic or index unchecked. Tests may (their failures are meant to panic).
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

// The npm package's allocator (Cargo.toml, feature `small-alloc`). A wasm page runs the
// module on one thread, which is what `AssumeSingleThreaded` requires.
#[cfg(all(target_arch = "wasm32", feature = "small-alloc"))]
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: the npm build is single-threaded wasm (no shared memory, no atomics).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

pub mod core;
// The browser layer and its exports (feature `web`, on by default). Off only for a build that
// wants the core alone, such as scripts/bench-floor's core-only row (bench/floor/core/):
// exported functions of a dependency are linked into any wasm that depends on it.
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;

pub use crate::core::config::{Mode, PopupOptions, StorageArea};
pub use crate::core::error::{AuthError, ErrorCode};
pub use crate::core::outcome::AuthorizationResult;
pub use crate::core::provider::Provider;
pub use crate::core::secret::{AuthorizationCode, CodeVerifier, State};
pub use crate::core::typed::{Config, Flinks, FlinksScope, FlinksV3, OAuth2, Preset, Tink};
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub use crate::web::rust::{handle_callback, start_authorization, start_popup, PopupFlow};
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub use crate::web::Started;
