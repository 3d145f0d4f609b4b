//! Report: renders a [`ScanResult`] in the format the user chose.

mod cyclonedx;
mod github;
mod junit;
mod rules_doc;
mod sarif;
mod spdx;
mod table;

pub use rules_doc::rules_markdown;

use anyhow::Result;

use crate::digest::sha256_hex;
use crate::model::{PluginInfo, ScanResult, Severity};

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
    /// SPDX 2.3 JSON: the package inventory, vulnerabilities as advisory
    /// references.
    SpdxJson,
    /// JUnit XML: one test case per rule per target, failing for findings
    /// at or above `--severity-threshold`.
    Junit,
    /// GitHub Actions workflow commands (`::error file=...::`): annotations
    /// on the pull request.
    Github,
}

/// How to render, besides the format.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours in the table.
    pub color: bool,
    /// List suppressed findings in the table.
    pub show_suppressed: bool,
    /// The exit-code threshold (`--severity-threshold`); `None` never
    /// fails. JUnit marks findings at or above it as failures.
    pub threshold: Option<Severity>,
}

/// Renders `result`; `plugins` describe the rules (SARIF and JUnit list
/// them all).
pub fn render(
    result: &ScanResult,
    plugins: &[PluginInfo],
    format: Format,
    options: &RenderOptions,
) -> Result<String> {
    Ok(match format {
        Format::Table => table::render(result, options.color, options.show_suppressed),
        Format::Json => pretty(result)?,
        Format::Sarif => pretty(&sarif::build(result, plugins))?,
        Format::Cyclonedx => pretty(&cyclonedx::build(result))?,
        Format::SpdxJson => pretty(&spdx::build(result))?,
        Format::Junit => junit::render(result, plugins, options.threshold)?,
        Format::Github => github::render(result),
    })
}

/// Indented JSON with a final newline.
fn pretty(value: &impl serde::Serialize) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// A version-4-shaped UUID derived from `seed`, so the same document gets
/// the same id (CycloneDX serial numbers, SPDX namespaces).
fn content_uuid(seed: &str) -> String {
    let digest = sha256_hex(seed.as_bytes());
    format!(
        "{}-{}-4{}-8{}-{}",
        &digest[0..8],
        &digest[8..12],
        &digest[13..16],
        &digest[17..20],
        &digest[20..32]
    )
}
