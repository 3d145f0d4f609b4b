//! Bulkhead: a container-security scanner whose every check is a sandboxed
//! WebAssembly component.
//!
//! The modules follow the data flow. Read them in this order to follow one
//! file from the target to a SARIF line:
//!
//! 1. [`source`]: what the user named, opened (directory, file).
//! 2. [`walk`]: the target as a stream of confined file entries.
//! 3. [`dispatch`]: which plugin wants which file (globs, size, keywords),
//!    calls run in parallel.
//! 4. [`runtime`]: the wasmtime engine, compile cache and sandboxed calls.
//! 5. [`plugin`]: loading and validating plugin sets.
//! 6. [`merge`]: validation, provenance, de-duplication, order.
//! 7. [`report`]: table, JSON, SARIF.
//! 8. [`cli`]: the command line.
//!
//! [`scan`] ties 1-6 together; [`db`] maintains the offline vulnerability
//! database the `osv` plugin reads.

pub mod cli;
pub mod db;
pub mod dispatch;
pub mod merge;
pub mod plugin;
pub mod report;
pub mod runtime;
pub mod scan;
pub mod source;
pub mod walk;
