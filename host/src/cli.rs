//! The command line (clap). Only argument handling and exit codes live here;
//! everything a library user would also need is in the other modules.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, Date};
use crate::dispatch::{DispatchOptions, default_workers};
use crate::gate::GateOptions;
use crate::gate::baseline::Baseline;
use crate::gate::vex::Vex;
use crate::merge::MergeOptions;
use crate::model::{SettingValue, Severity};
use crate::plugin::{Grant, LoadOptions, PluginSet, PluginSource, UserSetting};
use crate::report::{self, Format, RenderOptions};
use crate::runtime::cache::CompileCache;
use crate::runtime::{Limits, Runtime};
use crate::scan::{ScanOptions, scan};
use crate::source::Platform;
use crate::walk::layer::LayerLimits;

/// Exit code: no finding at or above the threshold.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or input error, or a scan that could not cover the
/// whole target (a layer left out, a bound hit) without `--keep-going`.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: a plugin failed and `--fail-on-plugin-error` was given.
pub const EXIT_PLUGIN_ERROR: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "bulkhead",
    version,
    about = "Container-security scanner: every check is a sandboxed WebAssembly plugin"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan a directory or a file.
    Scan(Box<ScanArgs>),
    /// Inspect plugins.
    Plugin {
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Print every rule of the loaded plugins as Markdown (docs/rules.md).
    Rules {
        #[command(flatten)]
        plugins: PluginArgs,
    },
    /// Maintain the offline vulnerability database.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Subcommand, Debug)]
enum DbCommand {
    /// Download osv.dev's per-ecosystem archives; a failed download keeps the old one.
    Update {
        /// Database directory (default: $XDG_CACHE_HOME/bulkhead/osv).
        #[arg(long, value_name = "DIR")]
        db_dir: Option<PathBuf>,
        /// Where the archives are published (a mirror works).
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_BASE_URL)]
        base_url: String,
        /// Ecosystems to fetch (repeatable; default: the common ones).
        #[arg(long = "ecosystem", value_name = "NAME")]
        ecosystems: Vec<String>,
    },
    /// Show what the database holds and when it was fetched.
    Status {
        /// Database directory (default: $XDG_CACHE_HOME/bulkhead/osv).
        #[arg(long, value_name = "DIR")]
        db_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum PluginCommand {
    /// List the loaded plugins and their rules.
    List {
        #[command(flatten)]
        plugins: PluginArgs,
        /// Output format (table or json).
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

/// Severity threshold for the exit code; `none` never fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Threshold {
    None,
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Threshold {
    fn severity(self) -> Option<Severity> {
        match self {
            Threshold::None => None,
            Threshold::Info => Some(Severity::Info),
            Threshold::Low => Some(Severity::Low),
            Threshold::Medium => Some(Severity::Medium),
            Threshold::High => Some(Severity::High),
            Threshold::Critical => Some(Severity::Critical),
        }
    }
}

/// Which plugins to load and the sandbox they run in.
#[derive(Args, Debug)]
struct PluginArgs {
    /// Add a third-party plugin component (.wasm); repeatable.
    #[arg(long = "plugin", value_name = "FILE")]
    plugins: Vec<PathBuf>,
    /// Do not load the curated plugins embedded in the binary.
    #[arg(long)]
    no_builtin_plugins: bool,
    /// Wall-clock deadline of one plugin call, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    plugin_timeout: f64,
    /// Memory cap of one plugin instance, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    plugin_memory: usize,
    /// Findings accepted from one plugin call.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_findings_per_call: usize,
    /// Largest file handed to a plugin, in MiB (a plugin asking for more
    /// is clamped to it).
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_file_size_mib: u64,
    /// A setting for a plugin, PLUGIN.NAME=VALUE; repeatable.
    #[arg(long = "plugin-setting", value_name = "PLUGIN.NAME=VALUE", value_parser = parse_setting)]
    plugin_settings: Vec<(String, String, UserSetting)>,
    /// Directory for compiled plugins (default: $XDG_CACHE_HOME/bulkhead/compiled).
    #[arg(long, value_name = "DIR", env = "BULKHEAD_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// The key that authenticates compiled plugins in the cache (default:
    /// $XDG_CONFIG_HOME/bulkhead/cache.key, created on first use).
    #[arg(long, value_name = "FILE", env = "BULKHEAD_CACHE_KEY")]
    cache_key: Option<PathBuf>,
    /// Do not use the on-disk compile cache.
    #[arg(long)]
    no_cache: bool,
    /// Print timing and compile-cache counters to stderr as one JSON line.
    #[arg(long)]
    stats: bool,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Directory or file to scan.
    path: PathBuf,
    #[command(flatten)]
    plugins: PluginArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = Threshold::Low)]
    severity_threshold: Threshold,
    /// Exit 3 when a plugin failed, timed out or ran out of memory.
    #[arg(long)]
    fail_on_plugin_error: bool,
    /// Show secrets in clear instead of redacted.
    #[arg(long)]
    show_secrets: bool,
    /// Worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Directory name or glob not to enter; repeatable (default: .git).
    #[arg(long = "skip-dir", value_name = "GLOB")]
    skip_dirs: Vec<String>,
    /// Platform to pick from a multi-platform image (os/arch[/variant]).
    #[arg(long, value_name = "OS/ARCH", default_value = None)]
    platform: Option<String>,
    /// Largest size an image layer may inflate to, in MiB (against
    /// decompression bombs).
    #[arg(long, value_name = "MIB", default_value_t = 16 * 1024)]
    max_layer_size_mib: u64,
    /// Largest size all layers of an image may inflate to together, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64 * 1024)]
    max_image_size_mib: u64,
    /// Stop at the first broken layer, without a report.
    #[arg(long)]
    strict: bool,
    /// Report what could be scanned and exit as if the target were whole
    /// when part of it had to be left out (by default such a scan exits 2).
    #[arg(long)]
    keep_going: bool,
    /// Most file bytes a directory scan reads, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64 * 1024)]
    max_scan_bytes_mib: u64,
    /// Never draw the progress line.
    #[arg(long)]
    no_progress: bool,
    /// Grant a read-only directory to one plugin that asks for NAME (it
    /// sees it at /data): PLUGIN:NAME=DIR; repeatable.
    #[arg(long = "grant", value_name = "PLUGIN:NAME=DIR", value_parser = Grant::parse)]
    grants: Vec<Grant>,
    /// Vulnerability database directory: the same as --grant osv:vulnerability-db=DIR.
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
    #[command(flatten)]
    gate: GateArgs,
}

/// Suppressions, baseline and what to report (the gate).
#[derive(Args, Debug)]
struct GateArgs {
    /// Project configuration with `[[ignore]]` suppressions (default:
    /// ./bulkhead.toml when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A previous `--format json` result: only findings not in it are
    /// reported and fail the gate.
    #[arg(long, value_name = "PREVIOUS.json")]
    baseline: Option<PathBuf>,
    /// The day suppression expiry is judged on, YYYY-MM-DD (default:
    /// SOURCE_DATE_EPOCH if set, else today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    now: Option<String>,
    /// Severities to report, comma-separated (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_severity)]
    severity: Vec<Severity>,
    /// VEX document (OpenVEX or CycloneDX): vulnerabilities it marks
    /// not_affected or fixed for a package are suppressed; repeatable.
    #[arg(long = "vex", value_name = "FILE")]
    vex: Vec<PathBuf>,
    /// Suppress vulnerabilities that have no fixed version.
    #[arg(long)]
    ignore_unfixed: bool,
    /// List suppressed findings in the table too.
    #[arg(long)]
    show_suppressed: bool,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text.trim()).ok_or_else(|| {
        format!("unknown severity {text:?} (expected info, low, medium, high or critical)")
    })
}

/// The day expiry is judged on: `--now`, else `SOURCE_DATE_EPOCH`, else
/// the system clock.
fn gate_today(now: Option<&str>) -> Result<Date> {
    if let Some(text) = now {
        return Date::parse(text)
            .with_context(|| format!("--now {text:?} is not a date YYYY-MM-DD"));
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => {
            let seconds: i64 = text.trim().parse().with_context(|| {
                format!("SOURCE_DATE_EPOCH {text:?} is not a number of seconds")
            })?;
            Ok(Date::from_unix_seconds(seconds))
        }
        Err(_) => Ok(Date::today()),
    }
}

fn gate_options(args: &GateArgs) -> Result<GateOptions> {
    let config = Config::load(args.config.as_deref())?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    Ok(GateOptions {
        config,
        baseline,
        vex: Vex::read(&args.vex)?,
        today: gate_today(args.now.as_deref())?,
        severities: (!args.severity.is_empty()).then(|| args.severity.clone()),
        ignore_unfixed: args.ignore_unfixed,
    })
}

fn parse_setting(text: &str) -> Result<(String, String, UserSetting), String> {
    crate::plugin::settings::parse_cli(text)
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_CLEAN
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // Errors may quote what an image or a plugin said: escaped.
            eprintln!(
                "error: {}",
                crate::text::sanitize(&format!("{err:#}"), 16 << 10)
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Plugin {
            command: PluginCommand::List { plugins, format },
        } => run_plugin_list(plugins, format),
        Command::Db { command } => run_db(command),
        Command::Rules { plugins } => {
            let runtime = runtime_for(&plugins)?;
            let set = load_set(&runtime, &plugins, Vec::new(), &ConfiguredSettings::new())?;
            std::io::stdout().write_all(report::rules_markdown(&set.infos()).as_bytes())?;
            Ok(EXIT_CLEAN)
        }
    }
}

fn runtime_for(args: &PluginArgs) -> Result<Runtime> {
    anyhow::ensure!(
        args.plugin_timeout.is_finite() && args.plugin_timeout > 0.0,
        "--plugin-timeout must be a positive number of seconds"
    );
    anyhow::ensure!(
        args.plugin_memory >= 16,
        "--plugin-memory must be at least 16 MiB"
    );
    let limits = Limits {
        call_timeout: Duration::from_secs_f64(args.plugin_timeout),
        memory_bytes: args.plugin_memory << 20,
        max_findings_per_call: args.max_findings_per_call,
        ..Limits::default()
    };
    let cache = if args.no_cache {
        None
    } else {
        match (
            args.cache_dir.clone().or_else(CompileCache::default_dir),
            args.cache_key
                .clone()
                .or_else(CompileCache::default_key_file),
        ) {
            (Some(dir), Some(key)) => Some(CompileCache::open(dir, &key)?),
            _ => None,
        }
    };
    Runtime::new(limits, cache)
}

/// Plugin settings by plugin id, as bulkhead.toml gives them.
type ConfiguredSettings = std::collections::BTreeMap<String, Vec<(String, SettingValue)>>;

/// The curated plugins (unless switched off) and the `--plugin` files,
/// loaded with `grants` and the user's settings: bulkhead.toml's
/// `configured` first, `--plugin-setting` overriding them.
fn load_set(
    runtime: &Runtime,
    args: &PluginArgs,
    grants: Vec<Grant>,
    configured: &ConfiguredSettings,
) -> Result<PluginSet> {
    let mut sources = if args.no_builtin_plugins {
        Vec::new()
    } else {
        PluginSource::builtins()
    };
    for path in &args.plugins {
        sources.push(PluginSource::file(path)?);
    }
    let mut options = LoadOptions {
        max_file_size: args.max_file_size_mib << 20,
        grants,
        ..LoadOptions::default()
    };
    for (plugin, values) in configured {
        let given = options.settings.entry(plugin.clone()).or_default();
        for (name, value) in values {
            given.push((name.clone(), UserSetting::Typed(value.clone())));
        }
    }
    // A setting on the command line replaces the same one from the file.
    for (plugin, name, value) in &args.plugin_settings {
        let given = options.settings.entry(plugin.clone()).or_default();
        given.retain(|(earlier, _)| earlier != name);
        given.push((name.clone(), value.clone()));
    }
    PluginSet::load(runtime, sources, &options)
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    let started = Instant::now();
    // Configuration and baseline first: a typo there fails in a moment,
    // not after the scan.
    let gate = gate_options(&args.gate)?;
    let runtime = runtime_for(&args.plugins)?;
    let mut grants = args.grants.clone();
    if let Some(db) = &args.db {
        grants.push(Grant {
            plugin: "osv".to_string(),
            name: "vulnerability-db".to_string(),
            dir: db.clone(),
        });
    }
    let set = load_set(&runtime, &args.plugins, grants, &gate.config.settings)?;
    let loaded = started.elapsed();
    let skip_dirs = if args.skip_dirs.is_empty() {
        vec![".git".to_string()]
    } else {
        args.skip_dirs.clone()
    };
    let platform = match &args.platform {
        Some(text) => Platform::parse(text)?,
        None => Platform::default(),
    };
    let options = ScanOptions {
        path: args.path.clone(),
        dispatch: DispatchOptions {
            workers: args.jobs.unwrap_or_else(default_workers),
            skip_dirs,
            layer_limits: LayerLimits::new(
                args.max_layer_size_mib << 20,
                LayerLimits::default().max_entries,
                args.max_image_size_mib << 20,
                LayerLimits::default().max_total_entries,
            ),
            max_tree_bytes: args.max_scan_bytes_mib << 20,
            strict: args.strict,
            progress: !args.no_progress,
            ..DispatchOptions::default()
        },
        merge: MergeOptions {
            show_secrets: args.show_secrets,
        },
        gate,
        platform,
        post_scan_budget: runtime.limits().max_bytes_per_post_scan,
    };
    let result = scan(&set, &options)?;

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none();
    let render = RenderOptions {
        color,
        show_suppressed: args.gate.show_suppressed,
        threshold: args.severity_threshold.severity(),
    };
    let text = report::render(&result, &set.infos(), args.format, &render)?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    if args.plugins.stats {
        print_stats(&runtime, loaded, started.elapsed(), &result);
    }
    if args.format != Format::Table {
        warn_stale_suppressions(&result);
    }

    if !result.complete && !args.keep_going {
        eprintln!(
            "error: the scan is incomplete (part of the target was left out, see the report's errors); \
             exiting {EXIT_USAGE} so a gate fails closed (--keep-going to accept partial results)"
        );
        return Ok(EXIT_USAGE);
    }
    if args.fail_on_plugin_error && result.has_plugin_errors() {
        return Ok(EXIT_PLUGIN_ERROR);
    }
    let failing = args
        .severity_threshold
        .severity()
        .is_some_and(|threshold| result.has_findings_at_or_above(threshold));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// Stale and expired suppressions on stderr, where a CI log shows them
/// whatever the report format (the table prints them itself).
fn warn_stale_suppressions(result: &crate::model::ScanResult) {
    for stale in &result.stale_suppressions {
        eprintln!(
            "warning: suppression {} is stale ({}): {}",
            crate::text::sanitize(&stale.source, 1024),
            stale.why.label(),
            crate::text::sanitize(&stale.reason, 1024)
        );
    }
}

fn print_stats(
    runtime: &Runtime,
    loaded: Duration,
    total: Duration,
    result: &crate::model::ScanResult,
) {
    let stats = runtime.stats();
    let busy: serde_json::Map<String, serde_json::Value> = result
        .plugins
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                serde_json::json!({ "calls": p.run.calls, "busy_ms": p.run.busy_ms }),
            )
        })
        .collect();
    let line = serde_json::json!({
        "compiled": stats.compiled.load(Ordering::Relaxed),
        "loaded_from_cache": stats.loaded.load(Ordering::Relaxed),
        "cache_rejected": stats.rejected.load(Ordering::Relaxed),
        "load_ms": loaded.as_secs_f64() * 1000.0,
        "total_ms": total.as_secs_f64() * 1000.0,
        "plugins": busy,
    });
    eprintln!("bulkhead-stats {line}");
}

fn run_db(command: DbCommand) -> Result<u8> {
    let dir = |given: Option<PathBuf>| {
        given
            .or_else(crate::db::default_dir)
            .context("no database directory: pass --db-dir (HOME and XDG_CACHE_HOME are unset)")
    };
    match command {
        DbCommand::Update {
            db_dir,
            base_url,
            ecosystems,
        } => {
            let dir = dir(db_dir)?;
            let ecosystems = if ecosystems.is_empty() {
                crate::db::DEFAULT_ECOSYSTEMS
                    .iter()
                    .map(|e| e.to_string())
                    .collect()
            } else {
                ecosystems
            };
            let mut failed = false;
            for (ecosystem, outcome) in crate::db::update(&dir, &base_url, &ecosystems)? {
                match outcome {
                    Ok(entry) => println!(
                        "{ecosystem}: {} records, {} bytes",
                        entry.records, entry.bytes
                    ),
                    Err(err) => {
                        failed = true;
                        eprintln!(
                            "error: {ecosystem}: {err:#}; the previous archive, if any, is kept"
                        );
                    }
                }
            }
            println!(
                "database: {} (scan with --db {})",
                dir.display(),
                dir.display()
            );
            Ok(if failed { EXIT_USAGE } else { EXIT_CLEAN })
        }
        DbCommand::Status { db_dir } => {
            let dir = dir(db_dir)?;
            let status = crate::db::status(&dir)?;
            if status.ecosystems.is_empty() {
                println!("{}: empty (run `bulkhead db update`)", dir.display());
            }
            for (ecosystem, entry) in &status.ecosystems {
                let fetched =
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(entry.fetched_at);
                println!(
                    "{ecosystem:<12} {:>8} records {:>12} bytes  fetched {}  sha256 {}",
                    entry.records,
                    entry.bytes,
                    humantime::format_rfc3339_seconds(fetched),
                    entry.sha256.get(..16).unwrap_or(&entry.sha256)
                );
            }
            Ok(EXIT_CLEAN)
        }
    }
}

fn run_plugin_list(args: PluginArgs, format: ListFormat) -> Result<u8> {
    let runtime = runtime_for(&args)?;
    let set = load_set(&runtime, &args, Vec::new(), &ConfiguredSettings::new())?;
    let mut out = String::new();
    match format {
        ListFormat::Json => {
            out = serde_json::to_string_pretty(&set.infos())?;
            out.push('\n');
        }
        ListFormat::Table => {
            for plugin in set.plugins.iter().map(|p| &p.info) {
                out.push_str(&format!(
                    "{} {} ({}, contract {}, sha256 {})\n  {}\n",
                    plugin.id,
                    plugin.version,
                    plugin.origin.label(),
                    plugin.contract,
                    &plugin.sha256[..16],
                    plugin.description
                ));
                for rule in &plugin.rules {
                    out.push_str(&format!(
                        "  {:<9} {}/{}  {}\n",
                        rule.severity.label(),
                        plugin.id,
                        rule.id,
                        rule.title
                    ));
                }
            }
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(EXIT_CLEAN)
}
