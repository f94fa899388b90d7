//! ipmanager: an IP address manager for WHMCS, built as a native PHP extension.
//!
//! Layers (see ARCHITECTURE.md): `core` is pure address math and planning,
//! `store` is the MariaDB edge, `app` holds the use cases, `runtime` is the
//! per-process tokio/MySQL state, and `php` is the one boundary to PHP.

pub mod app;
pub mod core;
pub mod error;
pub mod mail;
pub mod store;

#[cfg(feature = "php")]
mod php;
#[cfg(feature = "php")]
mod runtime;

pub use error::{Error, Result};

/// The extension's version; the PHP shim refuses to run against any other.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
