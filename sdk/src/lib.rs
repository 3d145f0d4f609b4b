//! `bulkhead-sdk`: write a Bulkhead scanner plugin in a few dozen lines.
//!
//! A plugin is a WebAssembly component built for `wasm32-wasip2`. This crate
//! hides the generated `bulkhead:plugin@0.2.0` bindings behind the [`Plugin`]
//! trait and the [`export_plugin!`] macro. The WIT contract ships inside the
//! crate (`wit/`), so a plugin builds from crates.io alone:
//!
//! ```no_run
//! use bulkhead_sdk::{export_plugin, File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity};
//!
//! struct NoTodo;
//!
//! impl Plugin for NoTodo {
//!     fn info() -> PluginInfo {
//!         PluginInfo::new("no-todo", "0.1.0", "Flags TODO markers.")
//!             .rule(Rule::new("todo", "TODO marker", Severity::Info))
//!             .interests(Interests::files(["**/*.rs"]).keywords(["todo"]))
//!     }
//!
//!     fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
//!         for (number, line) in file.lines(1 << 20)? {
//!             if line.contains("TODO") {
//!                 out.finding(Finding::new("todo", "TODO left in code").line(number));
//!             }
//!         }
//!         Ok(())
//!     }
//! }
//!
//! export_plugin!(NoTodo);
//! ```
//!
//! See `sdk/README.md` for building and running a plugin.

#![warn(missing_docs)]

mod adapter;
mod file;
mod model;
pub mod purl;
mod regex_set;
pub mod settings;
mod text;

#[cfg(feature = "doc")]
pub mod doc;
#[cfg(feature = "secrets")]
pub mod secrets;

pub use file::File;
pub use model::{
    Finding, InstalledPackage, Interests, Note, OsIdentity, Package, PackageRef, PluginInfo,
    Reporter, Rule, Severity,
};
pub use purl::Purl;
pub use regex_set::{HostRegexSet, RegexMatch};
pub use settings::{SettingSpec, SettingValue, Settings};
pub use text::{LineIndex, shannon_entropy};

/// What the post-scan phase receives.
#[derive(Clone, Debug)]
pub struct PostScan {
    /// The merged package inventory of the whole target.
    pub packages: Vec<InstalledPackage>,
    /// The OS of the image, when known.
    pub os: Option<OsIdentity>,
    /// The notes this plugin left with [`Reporter::note`] during the
    /// analyze phase, sorted by the path they were left from.
    pub notes: Vec<Note>,
}

/// Writes a diagnostic line through the host (sanitized and rate-capped there).
pub fn log(level: LogLevel, message: &str) {
    bindings::bulkhead::plugin::host::log(level, message);
}

pub use bindings::bulkhead::plugin::host::LogLevel;

/// What a plugin implements. Every method is an associated function: plugins
/// hold no state between calls that changes results, so the host may cache
/// results and call plugins in parallel from several instances.
pub trait Plugin {
    /// Describes the plugin: identity, rules, interests and settings.
    fn info() -> PluginInfo;

    /// Checks the user's settings before the scan (names and kinds are
    /// already checked by the host); an error refuses the scan with this
    /// message.
    fn validate_settings(_settings: &Settings) -> Result<(), String> {
        Ok(())
    }

    /// Analyze phase: one file that matched the plugin's interests.
    fn analyze_file(_file: &File, _out: &mut Reporter) -> Result<(), String> {
        Ok(())
    }

    /// Analyze phase: the image configuration JSON (OCI image config).
    fn analyze_config(_config_json: &str, _out: &mut Reporter) -> Result<(), String> {
        Ok(())
    }

    /// Post-scan phase: the merged package inventory, the OS identity and
    /// the plugin's own notes.
    fn post_scan(_input: &PostScan, _out: &mut Reporter) -> Result<(), String> {
        Ok(())
    }
}

/// The generated guest bindings. Not part of the stable SDK surface.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/v0.2.0",
        world: "bulkhead:plugin/scanner@0.2.0",
        pub_export_macro: true,
        export_macro_name: "__export_scanner",
        default_bindings_module: "::bulkhead_sdk::bindings",
    });
}

#[doc(hidden)]
pub use adapter::Adapter;

/// The README's example plugin, compiled as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

/// Exports a type implementing [`Plugin`] as the component's `plugin`
/// interface. Use it once per plugin crate.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[doc(hidden)]
        type __BulkheadExport = $crate::Adapter<$plugin>;
        $crate::bindings::__export_scanner!(__BulkheadExport with_types_in $crate::bindings);
    };
}
