//! The host side of the contract: what a plugin can call, and the per-store
//! state behind it.
//!
//! Everything a plugin hands back is capped here, as it arrives: counts and
//! bytes of findings, packages and notes per call and per plugin per scan
//! ([`super::limits`]), string and list lengths, log lines. A plugin that
//! ignores the caps only wastes its own time; the host keeps a bounded
//! amount, and says which cap was hit.
//!
//! Both contract versions land here: the 0.2.0 imports are implemented on
//! [`HostState`] directly, the 0.1.0 ones convert their records and
//! delegate (`super::convert`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::Result;
use wasmtime::component::{Resource, ResourceTable};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::host_regex::{self, RegexCache, RegexSetHandle};
use super::limits::{InstanceLimiter, Limits, OutputBudget, field};
use crate::model::{LogLine, Note, ReportedFinding, ReportedPackage, SettingValue};
use crate::text::{sanitize, truncate_utf8};
use crate::walk::{FileData, Snapshot};

/// Bytes of the plugin's stderr kept (panic messages land there).
const STDERR_CAPTURE: usize = 64 << 10;
/// Regex sets one instance may hold at once.
const MAX_REGEX_SETS: usize = 16;
/// Names returned by one `list-dir` call.
const MAX_LISTED_NAMES: usize = 10_000;

/// The host object behind a plugin's `file` resource.
pub struct FileHandle {
    /// The file's bytes and metadata.
    pub data: Arc<FileData>,
    /// Indexes of the plugin's keywords found in it by the host.
    pub keywords: Vec<u32>,
}

/// Which phase a call belongs to (post-scan calls have larger caps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// `info`, `validate-settings`.
    Setup,
    /// `analyze-file`, `analyze-config`.
    Analyze,
    /// `post-scan`.
    PostScan,
}

/// What the plugin reported during one call.
#[derive(Debug, Default)]
pub struct CallReport {
    /// Findings accepted.
    pub findings: Vec<ReportedFinding>,
    /// Packages accepted.
    pub packages: Vec<ReportedPackage>,
    /// Notes accepted.
    pub notes: Vec<Note>,
    /// Findings refused past a cap.
    pub dropped_findings: u64,
    /// Packages refused past a cap.
    pub dropped_packages: u64,
    /// Notes refused past a cap.
    pub dropped_notes: u64,
    /// Log lines kept.
    pub logs: Vec<LogLine>,
    /// Log lines dropped past the cap.
    pub dropped_logs: u64,
    /// The caps that refused something (`findings-per-call`, ...).
    pub caps_hit: BTreeSet<&'static str>,
    /// True once the call opened a file or listed a directory: its result
    /// then depends on more than the file it was given.
    pub used_snapshot: bool,
    /// Bytes kept so far (findings, packages, notes).
    pub bytes: u64,
    /// Whether the call trapped (the instance is then unusable).
    pub trapped: bool,
}

/// Per-store state: WASI (empty), the resource table, limits, settings, and
/// what the current call has reported.
pub struct HostState {
    pub(super) table: ResourceTable,
    wasi: WasiCtx,
    stderr: MemoryOutputPipe,
    pub(super) limiter: InstanceLimiter,
    pub(super) limits: Limits,
    pub(super) call: CallReport,
    /// When the current call must end.
    pub(super) deadline: Instant,
    phase: Phase,
    /// The path of the file being analysed (notes carry it).
    current_path: String,
    snapshot: Option<Arc<dyn Snapshot>>,
    /// Table slots of the files opened by path in the current call.
    opened: Vec<u32>,
    /// Compiled regex sets shared by all instances.
    regexes: Arc<RegexCache>,
    /// Regex sets this instance holds.
    regex_sets: usize,
    /// Patterns this instance has compiled (all sets).
    regex_patterns: usize,
    /// The plugin's settings, defaults filled in.
    settings: Arc<Vec<(String, SettingValue)>>,
    /// What the plugin may still keep this scan.
    budget: Arc<OutputBudget>,
}

/// What an instance is made with besides its component.
#[derive(Clone)]
pub struct InstanceEnv {
    /// The plugin's settings, defaults filled in.
    pub settings: Arc<Vec<(String, SettingValue)>>,
    /// The plugin's output budget for this scan.
    pub budget: Arc<OutputBudget>,
    /// The granted data directory, seen at `/data`.
    pub data_dir: Option<Arc<std::path::PathBuf>>,
}

impl HostState {
    /// A state with a WASI context that grants nothing: no environment, no
    /// arguments, no network, stdin empty, stdout discarded, stderr
    /// captured for panic messages, and no directory except the granted
    /// data directory (read-only, at `/data`).
    pub fn new(limits: Limits, regexes: Arc<RegexCache>, env: &InstanceEnv) -> Result<Self> {
        let stderr = MemoryOutputPipe::new(STDERR_CAPTURE);
        let mut builder = WasiCtxBuilder::new();
        builder.stderr(stderr.clone());
        if let Some(dir) = &env.data_dir {
            // The one directory a plugin may see: granted by the user to
            // this plugin, read-only, at /data. wasmtime-wasi confines it
            // with cap-std.
            builder.preopened_dir(dir.as_path(), "/data", wasmtime_wasi::FsPerms::ReadOnly)?;
        }
        let wasi = builder.build();
        Ok(HostState {
            table: ResourceTable::new(),
            wasi,
            stderr,
            limiter: InstanceLimiter::new(&limits),
            deadline: Instant::now() + limits.call_timeout,
            limits,
            call: CallReport::default(),
            phase: Phase::Setup,
            current_path: String::new(),
            snapshot: None,
            opened: Vec::new(),
            regexes,
            regex_sets: 0,
            regex_patterns: 0,
            settings: Arc::clone(&env.settings),
            budget: Arc::clone(&env.budget),
        })
    }

    pub(super) fn begin_call(
        &mut self,
        phase: Phase,
        path: &str,
        snapshot: Option<Arc<dyn Snapshot>>,
    ) {
        self.call = CallReport::default();
        self.phase = phase;
        self.current_path = path.to_string();
        self.snapshot = snapshot;
        self.deadline = Instant::now() + self.limits.call_timeout;
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

    fn max_findings(&self) -> usize {
        match self.phase {
            Phase::PostScan => self.limits.max_findings_per_post_scan,
            _ => self.limits.max_findings_per_call,
        }
    }

    fn max_call_bytes(&self) -> u64 {
        match self.phase {
            Phase::PostScan => self.limits.max_bytes_per_post_scan,
            _ => self.limits.max_bytes_per_call,
        }
    }

    /// Takes `bytes` from the call's and the plugin's budgets, noting the
    /// cap that refused them.
    fn take_bytes(&mut self, bytes: u64) -> bool {
        if self.call.bytes.saturating_add(bytes) > self.max_call_bytes() {
            self.call.caps_hit.insert("bytes-per-call");
            return false;
        }
        if !self.budget.take(bytes) {
            self.call.caps_hit.insert("bytes-per-plugin");
            return false;
        }
        self.call.bytes += bytes;
        true
    }

    /// Keeps a finding within the caps; false once the plugin should stop.
    pub(super) fn accept_finding(&mut self, mut finding: ReportedFinding) -> bool {
        if self.call.findings.len() >= self.max_findings() {
            self.call.dropped_findings += 1;
            self.call.caps_hit.insert(match self.phase {
                Phase::PostScan => "findings-per-post-scan",
                _ => "findings-per-call",
            });
            return false;
        }
        cap_finding(&mut finding);
        if self.phase != Phase::PostScan {
            finding.path = None;
        }
        if !self.take_bytes(finding_bytes(&finding)) {
            self.call.dropped_findings += 1;
            return false;
        }
        self.call.findings.push(finding);
        true
    }

    /// Keeps a package within the caps.
    pub(super) fn accept_package(&mut self, mut package: ReportedPackage) -> bool {
        if self.call.packages.len() >= self.limits.max_packages_per_call {
            self.call.dropped_packages += 1;
            self.call.caps_hit.insert("packages-per-call");
            return false;
        }
        for text in [
            &mut package.ecosystem,
            &mut package.name,
            &mut package.version,
            &mut package.purl,
        ] {
            truncate_utf8(text, field::PACKAGE);
        }
        for text in [&mut package.source_name, &mut package.source_version]
            .into_iter()
            .flatten()
        {
            truncate_utf8(text, field::PACKAGE);
        }
        let bytes = 64
            + [
                &package.ecosystem,
                &package.name,
                &package.version,
                &package.purl,
            ]
            .iter()
            .map(|s| s.len() as u64)
            .sum::<u64>();
        if !self.take_bytes(bytes) {
            self.call.dropped_packages += 1;
            return false;
        }
        self.call.packages.push(package);
        true
    }

    /// Keeps a note within the caps.
    pub(super) fn accept_note(&mut self, mut key: String, mut value: String) -> bool {
        if self.phase != Phase::Analyze {
            return false;
        }
        if self.call.notes.len() >= self.limits.max_notes_per_call {
            self.call.dropped_notes += 1;
            self.call.caps_hit.insert("notes-per-call");
            return false;
        }
        if key.len() > field::NOTE_KEY || value.len() > field::NOTE_VALUE {
            // A cut note would be read as a different one: refuse it whole.
            self.call.dropped_notes += 1;
            self.call.caps_hit.insert("note-size");
            return false;
        }
        let bytes = (key.len() + value.len() + self.current_path.len() + 32) as u64;
        if !self.take_bytes(bytes) {
            self.call.dropped_notes += 1;
            return false;
        }
        key.shrink_to_fit();
        value.shrink_to_fit();
        self.call.notes.push(Note {
            path: self.current_path.clone(),
            key,
            value,
        });
        true
    }

    pub(super) fn log_line(&mut self, level: &str, message: &str) {
        if self.call.logs.len() >= self.limits.max_log_lines_per_call {
            self.call.dropped_logs += 1;
            return;
        }
        self.call.logs.push(LogLine {
            level: level.to_string(),
            message: sanitize(message, field::LOG_LINE),
        });
    }

    /// A path a plugin gave, if it is within the length and component caps
    /// (checked before anything resolves it).
    fn checked_path<'p>(&self, path: &'p str) -> Option<&'p str> {
        (path.len() <= self.limits.max_path_bytes
            && path.split('/').count() <= self.limits.max_path_components)
            .then_some(path)
    }

    pub(super) fn open_file(&mut self, path: &str) -> Result<Option<Resource<FileHandle>>> {
        self.call.used_snapshot = true;
        if self.opened.len() >= self.limits.max_open_files {
            return Ok(None);
        }
        let (Some(snapshot), Some(path)) = (&self.snapshot, self.checked_path(path)) else {
            return Ok(None);
        };
        let Some(data) = snapshot.open(path, self.limits.max_open_bytes) else {
            return Ok(None);
        };
        let handle = self.table.push(FileHandle {
            data,
            keywords: Vec::new(),
        })?;
        self.opened.push(handle.rep());
        Ok(Some(handle))
    }

    pub(super) fn list_directory(&mut self, path: &str) -> Vec<String> {
        self.call.used_snapshot = true;
        match (&self.snapshot, self.checked_path(path)) {
            (Some(snapshot), Some(path)) => snapshot.list_dir(path, MAX_LISTED_NAMES),
            _ => Vec::new(),
        }
    }

    pub(super) fn setting_value(&self, name: &str) -> Option<SettingValue> {
        self.settings
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }

    /// Compiles a regex set, off the calling thread and under the call's
    /// deadline (a cancelled call leaves the compile to finish alone).
    pub(super) async fn compile_set(
        &mut self,
        patterns: Vec<String>,
    ) -> Result<Result<Resource<RegexSetHandle>, String>> {
        if self.regex_sets >= MAX_REGEX_SETS {
            return Ok(Err(format!(
                "at most {MAX_REGEX_SETS} regex sets per instance"
            )));
        }
        if self.regex_patterns + patterns.len() > self.limits.max_regex_patterns {
            return Ok(Err(format!(
                "at most {} regex patterns per plugin instance",
                self.limits.max_regex_patterns
            )));
        }
        let count = patterns.len();
        let cache = Arc::clone(&self.regexes);
        let compiled = tokio::task::spawn_blocking(move || cache.compile(&patterns))
            .await
            .map_err(|err| wasmtime::Error::msg(format!("regex compile task: {err}")))?;
        match compiled {
            Ok(regexes) => {
                self.regex_sets += 1;
                self.regex_patterns += count;
                Ok(Ok(self.table.push(RegexSetHandle { regexes })?))
            }
            Err(message) => Ok(Err(sanitize(&message, 512))),
        }
    }

    /// Runs one pattern over a file natively: small files inline, larger
    /// ones on a blocking thread the call's deadline can walk away from.
    pub(super) async fn find_all(
        &mut self,
        set: &Resource<RegexSetHandle>,
        pattern: u32,
        file: &Resource<FileHandle>,
        max_matches: u32,
    ) -> Result<Vec<host_regex::Match>> {
        let regexes = Arc::clone(&self.table.get(set)?.regexes);
        let data = Arc::clone(&self.table.get(file)?.data);
        if Instant::now() >= self.deadline {
            return Err(wasmtime::Trap::Interrupt.into());
        }
        if regexes.get(pattern as usize).is_none() {
            return Ok(Vec::new());
        }
        let search = move || {
            regexes
                .get(pattern as usize)
                .map(|regex| host_regex::find_all(regex, &data.bytes, max_matches))
                .unwrap_or_default()
        };
        if host_regex::runs_inline(self.table.get(file)?.data.bytes.len()) {
            return Ok(search());
        }
        tokio::task::spawn_blocking(search)
            .await
            .map_err(|err| wasmtime::Error::msg(format!("regex search task: {err}")))
    }

    pub(super) fn drop_regex_set(&mut self, set: Resource<RegexSetHandle>) -> Result<()> {
        self.regex_sets = self.regex_sets.saturating_sub(1);
        self.table.delete(set)?;
        Ok(())
    }

    pub(super) fn file(&self, file: &Resource<FileHandle>) -> Result<&FileHandle> {
        Ok(self.table.get(file)?)
    }

    pub(super) fn read_file(
        &self,
        file: &Resource<FileHandle>,
        offset: u64,
        len: u32,
    ) -> Result<Vec<u8>> {
        let bytes = &self.table.get(file)?.data.bytes;
        let len = len.min(self.limits.max_read_bytes) as usize;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let end = start.saturating_add(len).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }

    pub(super) fn drop_file(&mut self, file: Resource<FileHandle>) -> Result<()> {
        if file.owned() {
            self.opened.retain(|rep| *rep != file.rep());
            self.table.delete(file)?;
        }
        Ok(())
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

/// Truncates every field of a finding to what real findings need.
fn cap_finding(finding: &mut ReportedFinding) {
    truncate_utf8(&mut finding.rule_id, field::RULE_ID);
    truncate_utf8(&mut finding.message, field::MESSAGE);
    if let Some(path) = finding.field_path.as_mut() {
        truncate_utf8(path, field::FIELD_PATH);
    }
    if let Some(secret) = finding.secret.as_mut() {
        truncate_utf8(secret, field::SECRET);
    }
    if let Some(path) = finding.path.as_mut() {
        truncate_utf8(path, field::PATH);
    }
    if let Some(package) = finding.package.as_mut() {
        for text in [
            &mut package.ecosystem,
            &mut package.name,
            &mut package.version,
        ] {
            truncate_utf8(text, field::PACKAGE);
        }
    }
    for list in [
        &mut finding.fixed_versions,
        &mut finding.aliases,
        &mut finding.references,
    ] {
        list.truncate(field::LIST_ITEMS);
        for item in list.iter_mut() {
            truncate_utf8(item, field::LIST_ITEM);
        }
    }
    finding.properties.truncate(field::PROPERTIES);
    for property in &mut finding.properties {
        truncate_utf8(&mut property.name, field::PROPERTY_NAME);
        truncate_utf8(&mut property.value, field::PROPERTY_VALUE);
    }
}

/// What keeping a finding costs, roughly: its strings plus overhead.
fn finding_bytes(finding: &ReportedFinding) -> u64 {
    let strings = [
        Some(&finding.rule_id),
        Some(&finding.message),
        finding.field_path.as_ref(),
        finding.secret.as_ref(),
        finding.path.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.len())
    .sum::<usize>();
    let lists = [
        &finding.fixed_versions,
        &finding.aliases,
        &finding.references,
    ]
    .iter()
    .flat_map(|list| list.iter())
    .map(|s| s.len() + 24)
    .sum::<usize>();
    let properties = finding
        .properties
        .iter()
        .map(|p| p.name.len() + p.value.len() + 48)
        .sum::<usize>();
    let package = finding.package.as_ref().map_or(0, |p| {
        p.ecosystem.len() + p.name.len() + p.version.len() + 72
    });
    (strings + lists + properties + package + 256) as u64
}
