//! Report: renders a [`ScanResult`] in the format the user chose.

mod cyclonedx;
pub mod progress;
mod rules_doc;
mod sarif;
mod table;

pub use rules_doc::rules_markdown;

use anyhow::Result;

use crate::plugin::PluginSet;
use crate::scan::ScanResult;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable table grouped by severity.
    Table,
    /// JSON, schema `bulkhead-scan` version 1 (docs/json-schema.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// CycloneDX 1.6 JSON: the package inventory and its vulnerabilities.
    Cyclonedx,
}

/// Renders `result`. `color` adds ANSI colours to the table.
pub fn render(result: &ScanResult, set: &PluginSet, format: Format, color: bool) -> Result<String> {
    Ok(match format {
        Format::Table => table::render(result, color),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(result)?;
            text.push('\n');
            text
        }
        Format::Sarif => {
            let mut text = serde_json::to_string_pretty(&sarif::build(result, set))?;
            text.push('\n');
            text
        }
        Format::Cyclonedx => {
            let mut text = serde_json::to_string_pretty(&cyclonedx::build(result))?;
            text.push('\n');
            text
        }
    })
}
