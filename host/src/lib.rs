//! Bulkhead: a container-security scanner whose every check is a sandboxed
//! WebAssembly component.
//!
//! The modules follow the data flow. Read them in this order to follow one
//! file from the target to a SARIF line:
//!
//! 1. [`source`]: what the user named, opened (directory, file, image
//!    archive or layout).
//! 2. [`walk`]: the target as a stream of confined file entries; image
//!    layers decompressed, verified and overlaid.
//! 3. [`dispatch`]: which plugin wants which file (globs, size, keywords),
//!    calls run in parallel; the post-scan phase.
//! 4. [`runtime`]: the wasmtime engine, compile cache and sandboxed calls,
//!    for every contract version.
//! 5. [`plugin`]: loading, validating and granting plugin sets.
//! 6. [`merge`]: validation, provenance, de-duplication, order.
//! 7. [`gate`]: suppressions (bulkhead.toml, inline comments), baseline,
//!    `--ignore-unfixed`, `--severity`.
//! 8. [`report`]: table, JSON, SARIF, CycloneDX, SPDX, JUnit, GitHub
//!    annotations.
//! 9. [`cli`]: the command line.
//!
//! [`scan`] ties 1-7 together. [`config`] reads bulkhead.toml. Beside the flow: [`model`] holds the result
//! types every stage shares (nothing points up from it), [`digest`] and
//! [`text`] small shared helpers, [`progress`] the progress line, and
//! [`db`] the offline vulnerability database the `osv` plugin reads.

#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod db;
pub mod digest;
pub mod dispatch;
pub mod gate;
pub mod merge;
pub mod model;
pub mod plugin;
pub mod progress;
pub mod report;
pub mod runtime;
pub mod scan;
pub mod source;
pub mod text;
pub mod walk;
