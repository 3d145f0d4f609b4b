//! The host side of the contract: what a plugin can call, and the per-store
//! state behind it.
//!
//! Everything a plugin hands back is capped here, as it arrives: findings and
//! packages per call, string lengths, list lengths, log lines. A plugin that
//! ignores the caps only wastes its own time; the host keeps a bounded
//! amount. `StoreLimits`-style memory capping covers the guest's linear
//! memory, not these host allocations, which is why both exist.

use std::sync::Arc;

use wasmtime::component::{Resource, ResourceTable};
use wasmtime::{ResourceLimiter, Result};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::Limits;
use super::host_regex::{self, RegexCache, RegexSetHandle};
use super::v0_1_0::bulkhead::plugin::host::{self, LogLevel};
use super::wit;
use crate::walk::{FileData, Snapshot};

/// Bytes of the plugin's stderr kept (panic messages land there).
const STDERR_CAPTURE: usize = 64 << 10;
/// Regex sets one instance may hold at once.
const MAX_REGEX_SETS: usize = 16;
/// Names returned by one `list-dir` call.
const MAX_LISTED_NAMES: usize = 10_000;
/// Stored table entries (files opened by path) a call may hold.
const MAX_OPEN_FILES: usize = 256;

/// The host object behind a plugin's `file` resource.
pub struct FileHandle {
    /// The file's bytes and metadata.
    pub data: Arc<FileData>,
    /// Indexes of the plugin's keywords found in it by the host.
    pub keywords: Vec<u32>,
}

/// A log line a plugin wrote, already sanitized.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LogLine {
    /// Level the plugin chose.
    pub level: String,
    /// The text, control characters removed and truncated.
    pub message: String,
}

/// What the plugin reported during one call.
#[derive(Debug, Default)]
pub struct CallReport {
    /// Findings accepted (at most the per-call cap).
    pub findings: Vec<wit::Finding>,
    /// Packages accepted.
    pub packages: Vec<wit::InstalledPackage>,
    /// Findings refused past the cap.
    pub dropped_findings: u64,
    /// Packages refused past the cap.
    pub dropped_packages: u64,
    /// Log lines kept.
    pub logs: Vec<LogLine>,
    /// Log lines dropped past the cap.
    pub dropped_logs: u64,
    /// Whether the call trapped (the instance is then unusable).
    pub trapped: bool,
}

/// Caps the guest's linear memory and remembers whether it hit the cap.
pub struct MemoryLimiter {
    max_bytes: usize,
    hit: bool,
}

impl MemoryLimiter {
    /// True once a memory growth was refused.
    pub fn hit_cap(&self) -> bool {
        self.hit
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool> {
        if desired > self.max_bytes {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// Per-store state: WASI (empty), the resource table, limits, and what the
/// current call has reported.
pub struct HostState {
    pub(super) table: ResourceTable,
    wasi: WasiCtx,
    stderr: MemoryOutputPipe,
    pub(super) limiter: MemoryLimiter,
    pub(super) limits: Limits,
    pub(super) call: CallReport,
    snapshot: Option<Arc<dyn Snapshot>>,
    /// Table slots of the files opened by path in the current call.
    opened: Vec<u32>,
    /// Compiled regex sets shared by all instances.
    regexes: Arc<RegexCache>,
    /// Regex sets this instance holds.
    regex_sets: usize,
}

impl HostState {
    /// A state with a WASI context that grants nothing: no environment, no
    /// arguments, no network, stdin empty, stdout discarded, stderr
    /// captured for panic messages, and no directory except `data_dir`
    /// (read-only, at `/data`) when the user granted one.
    pub fn new(
        limits: Limits,
        regexes: Arc<RegexCache>,
        data_dir: Option<&std::path::Path>,
    ) -> Result<Self> {
        let stderr = MemoryOutputPipe::new(STDERR_CAPTURE);
        let mut builder = WasiCtxBuilder::new();
        builder
            .stderr(stderr.clone())
            .allow_blocking_current_thread(true);
        if let Some(dir) = data_dir {
            // The one directory a plugin may see: granted by the user,
            // read-only, at /data. wasmtime-wasi confines it with cap-std.
            builder.preopened_dir(dir, "/data", wasmtime_wasi::FsPerms::ReadOnly)?;
        }
        let wasi = builder.build();
        Ok(HostState {
            table: ResourceTable::new(),
            wasi,
            stderr,
            limiter: MemoryLimiter {
                max_bytes: limits.memory_bytes,
                hit: false,
            },
            limits,
            call: CallReport::default(),
            snapshot: None,
            opened: Vec::new(),
            regexes,
            regex_sets: 0,
        })
    }

    pub(super) fn begin_call(&mut self, snapshot: Option<Arc<dyn Snapshot>>) {
        self.call = CallReport::default();
        self.snapshot = snapshot;
    }

    pub(super) fn end_call(&mut self) -> CallReport {
        self.snapshot = None;
        // Files the plugin opened and never closed are released here, so a
        // long scan does not accumulate them.
        for rep in std::mem::take(&mut self.opened) {
            let _ = self.table.delete(Resource::<FileHandle>::new_own(rep));
        }
        std::mem::take(&mut self.call)
    }

    /// The last panic message the plugin wrote to stderr, if any.
    pub(super) fn panic_message(&self) -> Option<String> {
        let captured = self.stderr.contents();
        let text = String::from_utf8_lossy(&captured);
        let panic = text.rfind("panicked at").map(|at| &text[at..])?;
        Some(sanitize(panic.trim(), 512))
    }

    fn cap_string(&self, text: &mut String) {
        truncate_utf8(text, self.limits.max_string_bytes);
    }

    fn cap_list(&self, list: &mut Vec<String>) {
        list.truncate(self.limits.max_list_items);
        for item in list.iter_mut() {
            self.cap_string(item);
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl host::Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) -> Result<()> {
        if self.call.logs.len() >= self.limits.max_log_lines_per_call {
            self.call.dropped_logs += 1;
            return Ok(());
        }
        let level = match level {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        self.call.logs.push(LogLine {
            level: level.to_string(),
            message: sanitize(&message, 512),
        });
        Ok(())
    }

    fn open(&mut self, path: String) -> Result<Option<Resource<FileHandle>>> {
        if self.opened.len() >= MAX_OPEN_FILES {
            return Ok(None);
        }
        let Some(snapshot) = &self.snapshot else {
            return Ok(None);
        };
        let Some(data) = snapshot.open(&path, self.limits.max_open_bytes) else {
            return Ok(None);
        };
        let handle = self.table.push(FileHandle {
            data,
            keywords: Vec::new(),
        })?;
        self.opened.push(handle.rep());
        Ok(Some(handle))
    }

    fn list_dir(&mut self, path: String) -> Result<Vec<String>> {
        Ok(match &self.snapshot {
            Some(snapshot) => snapshot.list_dir(&path, MAX_LISTED_NAMES),
            None => Vec::new(),
        })
    }

    fn compile_regex_set(
        &mut self,
        patterns: Vec<String>,
    ) -> Result<Result<Resource<RegexSetHandle>, String>> {
        if self.regex_sets >= MAX_REGEX_SETS {
            return Ok(Err(format!(
                "at most {MAX_REGEX_SETS} regex sets per instance"
            )));
        }
        match self.regexes.compile(&patterns) {
            Ok(regexes) => {
                self.regex_sets += 1;
                Ok(Ok(self.table.push(RegexSetHandle { regexes })?))
            }
            Err(message) => Ok(Err(sanitize(&message, 512))),
        }
    }

    fn report(&mut self, mut finding: wit::Finding) -> Result<bool> {
        if self.call.findings.len() >= self.limits.max_findings_per_call {
            self.call.dropped_findings += 1;
            return Ok(false);
        }
        let max = self.limits.max_string_bytes;
        truncate_utf8(&mut finding.rule_id, 128);
        self.cap_string(&mut finding.message);
        if let Some(path) = finding.field_path.as_mut() {
            self.cap_string(path);
        }
        if let Some(secret) = finding.secret.as_mut() {
            truncate_utf8(secret, max);
        }
        if let Some(package) = finding.affected_package.as_mut() {
            self.cap_string(&mut package.ecosystem);
            self.cap_string(&mut package.name);
            self.cap_string(&mut package.version);
        }
        self.cap_list(&mut finding.fixed_versions);
        self.cap_list(&mut finding.aliases);
        self.cap_list(&mut finding.references);
        self.call.findings.push(finding);
        Ok(true)
    }

    fn report_package(&mut self, mut package: wit::InstalledPackage) -> Result<bool> {
        if self.call.packages.len() >= self.limits.max_packages_per_call {
            self.call.dropped_packages += 1;
            return Ok(false);
        }
        for field in [
            &mut package.ecosystem,
            &mut package.name,
            &mut package.version,
            &mut package.purl,
        ] {
            truncate_utf8(field, 1024);
        }
        for field in [&mut package.source_name, &mut package.source_version]
            .into_iter()
            .flatten()
        {
            truncate_utf8(field, 1024);
        }
        self.call.packages.push(package);
        Ok(true)
    }
}

impl host::HostRegexSet for HostState {
    fn find_all(
        &mut self,
        set: Resource<RegexSetHandle>,
        pattern: u32,
        file: Resource<FileHandle>,
        max_matches: u32,
    ) -> Result<Vec<host::RegexMatch>> {
        let regexes = Arc::clone(&self.table.get(&set)?.regexes);
        let data = Arc::clone(&self.table.get(&file)?.data);
        Ok(match regexes.get(pattern as usize) {
            Some(regex) => host_regex::find_all(regex, &data, max_matches),
            None => Vec::new(),
        })
    }

    fn drop(&mut self, set: Resource<RegexSetHandle>) -> Result<()> {
        self.regex_sets = self.regex_sets.saturating_sub(1);
        self.table.delete(set)?;
        Ok(())
    }
}

impl host::HostFile for HostState {
    fn path(&mut self, file: Resource<FileHandle>) -> Result<String> {
        Ok(self.table.get(&file)?.data.path.clone())
    }

    fn size(&mut self, file: Resource<FileHandle>) -> Result<u64> {
        Ok(self.table.get(&file)?.data.bytes.len() as u64)
    }

    fn mode(&mut self, file: Resource<FileHandle>) -> Result<u32> {
        Ok(self.table.get(&file)?.data.mode)
    }

    fn layer(&mut self, file: Resource<FileHandle>) -> Result<Option<String>> {
        Ok(self
            .table
            .get(&file)?
            .data
            .layer
            .as_ref()
            .map(|tag| tag.diff_id.to_string()))
    }

    fn matched_keywords(&mut self, file: Resource<FileHandle>) -> Result<Vec<u32>> {
        Ok(self.table.get(&file)?.keywords.clone())
    }

    fn read(&mut self, file: Resource<FileHandle>, offset: u64, len: u32) -> Result<Vec<u8>> {
        let bytes = &self.table.get(&file)?.data.bytes;
        let len = len.min(self.limits.max_read_bytes) as usize;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let end = start.saturating_add(len).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }

    fn drop(&mut self, file: Resource<FileHandle>) -> Result<()> {
        if file.owned() {
            self.opened.retain(|rep| *rep != file.rep());
            self.table.delete(file)?;
        }
        Ok(())
    }
}

/// Removes control characters (terminal escapes included) and truncates to
/// `max` bytes on a character boundary.
pub fn sanitize(text: &str, max: usize) -> String {
    let mut clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    truncate_utf8(&mut clean, max);
    clean
}

/// Truncates in place to at most `max` bytes, on a character boundary,
/// marking the cut with `…`.
pub fn truncate_utf8(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut cut = max.saturating_sub('…'.len_utf8());
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push('…');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_escapes_and_truncates() {
        assert_eq!(sanitize("a\x1b[31mred\x07", 100), "a [31mred ");
        let long = "é".repeat(100);
        let cut = sanitize(&long, 11);
        assert!(cut.len() <= 11 && cut.ends_with('…'));
    }
}
