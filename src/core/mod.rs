//! The pure core: no browser, no clock, no randomness of its own. Everything here
//! builds and tests natively with `cargo test`.

pub mod answered;
pub mod authorize;
pub mod binding;
pub mod callback;
pub mod config;
pub mod entropy;
pub mod error;
pub mod events;
pub mod handoff;
pub mod outcome;
pub mod pending;
pub mod pkce;
pub mod popup;
pub mod provider;
pub mod secret;
pub mod shared;
pub mod store;
pub mod typed;
pub mod uri;
pub mod urlenc;
