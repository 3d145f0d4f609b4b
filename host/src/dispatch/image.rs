//! The analyze phase over a container image, in two steps.
//!
//! 1. Every layer is streamed once, in parallel (`walk::layer`): its entry
//!    list is recorded, and the files some plugin wants (or small metadata
//!    files plugins may open: `etc/os-release`, package databases) are kept
//!    in memory, within a byte budget. Each layer's digests are checked
//!    when its stream ends; a broken layer is reported and left out, and
//!    the others still count, unless the scan is strict.
//! 2. The final filesystem is built from the entry lists (`walk::overlay`)
//!    and the kept files are handed to the worker pool: the final version
//!    of a file to every plugin that wants it, versions deleted or replaced
//!    by a later layer only to plugins that asked for them
//!    (`include-deleted`), and the image config to plugins that asked.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{Result, bail};
use serde::Serialize;

use super::pool::{self, Job};
use super::{DispatchOptions, DispatchOutput, Matcher};
use crate::plugin::PluginSet;
use crate::report::progress::Progress;
use crate::source::{Image, LayerInfo};
use crate::walk::layer::{self, EntryMeta, LayerLimits, LayerSummary};
use crate::walk::overlay::{ImageSnapshot, Overlay};
use crate::walk::{FileData, LayerTag, Snapshot};

/// Largest metadata file kept for plugins to open (package databases).
const MAX_METADATA_FILE: u64 = 64 << 20;
/// Largest file under `etc/` kept for plugins to open.
const MAX_ETC_FILE: u64 = 1 << 20;

/// The OS of an image, from `etc/os-release` (or the release files of
/// distributions without one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OsRelease {
    /// `ID`.
    pub id: String,
    /// `VERSION_ID`.
    pub version_id: String,
    /// `PRETTY_NAME`.
    pub pretty_name: String,
}

/// How one layer went.
#[derive(Clone, Debug, Serialize)]
pub struct LayerOutcome {
    /// What the manifest and config say about it.
    #[serde(flatten)]
    pub info: LayerInfo,
    /// Uncompressed bytes streamed.
    pub uncompressed_bytes: u64,
    /// Tar entries.
    pub entries: u64,
    /// `gzip`, `zstd` or `none`.
    pub compression: &'static str,
    /// Why the layer was left out, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Entries skipped (unsafe paths, budget), with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What an image scan learned about the image.
#[derive(Clone, Debug, Serialize)]
pub struct ImageScan {
    /// `RepoTags[0]` or the `ref.name` annotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Manifest digest (OCI sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    /// Config digest (the image id).
    pub config_digest: String,
    /// `os/arch[/variant]`.
    pub platform: String,
    /// The OS, if the final filesystem says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OsRelease>,
    /// Layers, bottom first.
    pub layers: Vec<LayerOutcome>,
}

/// A file version kept in memory between the two steps.
struct KeptFile {
    data: Arc<FileData>,
    plugins: Vec<usize>,
}

/// What streaming one layer gave.
struct LayerResult {
    entries: Vec<EntryMeta>,
    kept: Vec<KeptFile>,
    summary: Result<LayerSummary>,
    warnings: Vec<String>,
}

/// True for small files plugins may `open` even if none asked for them.
fn is_metadata_file(path: &str, size: u64) -> bool {
    let database = path == "var/lib/dpkg/status"
        || path.starts_with("var/lib/dpkg/status.d/")
        || path == "lib/apk/db/installed"
        || path.starts_with("var/lib/rpm/")
        || path.starts_with("usr/lib/sysimage/rpm/")
        || path == "usr/lib/os-release";
    (database && size <= MAX_METADATA_FILE) || (path.starts_with("etc/") && size <= MAX_ETC_FILE)
}

/// Streams one layer, keeping what step 2 needs.
fn stream_one(
    image: &Image,
    info: &LayerInfo,
    matcher: &Matcher,
    limits: &LayerLimits,
    budget: &AtomicU64,
    progress: Option<&Progress>,
) -> LayerResult {
    let tag = LayerTag {
        index: info.index,
        diff_id: Arc::from(info.diff_id.as_str()),
    };
    let mut entries = Vec::new();
    let mut kept = Vec::new();
    let mut warnings = Vec::new();
    let summary = image.store.open(&info.blob_path).and_then(|(reader, _)| {
        layer::stream_layer(reader, limits, &mut |meta, file| {
            entries.push(meta.clone());
            if let Some(progress) = progress {
                progress.add_bytes(meta.size);
            }
            let Some(file) = file else {
                return;
            };
            let candidates = matcher.candidates(&meta.path, meta.size, meta.mode);
            let metadata = is_metadata_file(&meta.path, meta.size);
            if candidates.is_empty() && !metadata {
                return;
            }
            let limit = matcher
                .read_limit(&candidates)
                .max(if metadata { meta.size } else { 0 });
            if meta.size > limit {
                return;
            }
            if budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    left.checked_sub(meta.size)
                })
                .is_err()
            {
                if warnings.len() < 20 {
                    warnings.push(format!(
                        "{}: not scanned, the in-memory budget is used up",
                        meta.path
                    ));
                }
                return;
            }
            let Ok(bytes) = file.read(limit) else {
                // The stream itself is broken; the next entry reports it.
                return;
            };
            let candidates = matcher.admitting(candidates, bytes.len() as u64);
            let wanted = matcher.filter_by_keywords(candidates, &bytes);
            if wanted.is_empty() && !metadata {
                budget.fetch_add(meta.size, Ordering::Relaxed);
                return;
            }
            kept.push(KeptFile {
                data: Arc::new(FileData {
                    path: meta.path.clone(),
                    mode: meta.mode,
                    layer: Some(tag.clone()),
                    bytes,
                }),
                plugins: wanted,
            });
        })
    });
    LayerResult {
        entries,
        kept,
        summary,
        warnings,
    }
}

/// Checks a layer's stream against the digests the image declares.
fn verify(info: &LayerInfo, summary: &Result<LayerSummary>) -> Result<(), String> {
    let blob = info.digest.as_deref().unwrap_or(&info.blob_path);
    let summary = summary
        .as_ref()
        .map_err(|err| format!("layer {} (blob {blob}): {err:#}", info.index))?;
    if let Some(digest) = info.digest.as_ref().filter(|d| **d != summary.blob_digest) {
        return Err(format!(
            "layer {}: digest mismatch for blob {digest}: its content hashes to {}",
            info.index, summary.blob_digest
        ));
    }
    if summary.diff_id != info.diff_id {
        return Err(format!(
            "layer {} (blob {blob}): digest mismatch: the uncompressed layer hashes to {}, the config says {}",
            info.index, summary.diff_id, info.diff_id
        ));
    }
    Ok(())
}

/// Parses `os-release` (`KEY=value`, values optionally quoted).
fn parse_os_release(text: &str) -> OsRelease {
    let mut os = OsRelease::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        match key.trim() {
            "ID" => os.id = value,
            "VERSION_ID" => os.version_id = value,
            "PRETTY_NAME" => os.pretty_name = value,
            _ => {}
        }
    }
    os
}

/// Identifies the OS of the final filesystem.
fn identify_os(snapshot: &dyn Snapshot) -> Option<OsRelease> {
    let text = |path: &str| {
        snapshot
            .open(path, MAX_ETC_FILE)
            .map(|file| String::from_utf8_lossy(&file.bytes).into_owned())
    };
    if let Some(release) = text("etc/os-release").or_else(|| text("usr/lib/os-release")) {
        let os = parse_os_release(&release);
        if !os.id.is_empty() {
            return Some(os);
        }
    }
    for (path, id, name) in [
        ("etc/alpine-release", "alpine", "Alpine Linux"),
        ("etc/debian_version", "debian", "Debian GNU/Linux"),
    ] {
        if let Some(version) = text(path) {
            let version = version.trim().to_string();
            return Some(OsRelease {
                id: id.to_string(),
                pretty_name: format!("{name} {version}"),
                version_id: version,
            });
        }
    }
    None
}

/// The analyze phase over `image`.
pub fn analyze(
    image: &Image,
    set: &PluginSet,
    options: &DispatchOptions,
) -> Result<DispatchOutput> {
    let plugins = &set.plugins;
    let matcher = Matcher::new(plugins)?;
    let budget = AtomicU64::new(options.max_kept_bytes);
    let progress = options
        .progress
        .then(|| Progress::start(image.layers.len()));

    // Step 1: stream the layers in parallel.
    let slots: Vec<Mutex<Option<LayerResult>>> =
        image.layers.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = options.workers.clamp(1, image.layers.len().max(1));
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(info) = image.layers.get(index) else {
                        break;
                    };
                    let result = stream_one(
                        image,
                        info,
                        &matcher,
                        &options.layer_limits,
                        &budget,
                        progress.as_ref(),
                    );
                    if let Some(progress) = &progress {
                        progress.layer_done();
                    }
                    if let Ok(mut slot) = slots[index].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    if let Some(progress) = &progress {
        progress.finish();
    }

    let mut outcomes = Vec::with_capacity(image.layers.len());
    let mut entry_lists = Vec::with_capacity(image.layers.len());
    let mut kept_lists = Vec::with_capacity(image.layers.len());
    let mut errors = Vec::new();
    let mut files_walked = 0u64;
    for (info, slot) in image.layers.iter().zip(slots) {
        let result = slot
            .into_inner()
            .ok()
            .flatten()
            .ok_or_else(|| anyhow::anyhow!("layer {} was not processed", info.index))?;
        let verdict = verify(info, &result.summary);
        let summary = result.summary.as_ref().ok();
        let mut warnings = result.warnings;
        warnings.extend(summary.map(|s| s.warnings.clone()).unwrap_or_default());
        outcomes.push(LayerOutcome {
            info: info.clone(),
            uncompressed_bytes: summary.map_or(0, |s| s.uncompressed_bytes),
            entries: summary.map_or(0, |s| s.entries),
            compression: summary.map_or("unknown", |s| s.compression),
            error: verdict.as_ref().err().cloned(),
            warnings,
        });
        match verdict {
            Ok(()) => {
                files_walked += result
                    .entries
                    .iter()
                    .filter(|e| e.kind == layer::EntryKind::File)
                    .count() as u64;
                entry_lists.push(result.entries);
                kept_lists.push(result.kept);
            }
            Err(message) => {
                if options.strict {
                    bail!("{message}");
                }
                errors.push(format!("{message}; the layer was left out of the scan"));
                entry_lists.push(Vec::new());
                kept_lists.push(Vec::new());
            }
        }
    }

    // Step 2: the final filesystem, then the plugin calls.
    let tracked: HashSet<(usize, String)> = kept_lists
        .iter()
        .enumerate()
        .flat_map(|(index, kept)| kept.iter().map(move |k| (index, k.data.path.clone())))
        .collect();
    let overlay = Arc::new(Overlay::build(&entry_lists, &tracked));
    drop(entry_lists);
    let contents: HashMap<String, Arc<FileData>> = kept_lists
        .iter()
        .enumerate()
        .flat_map(|(index, kept)| kept.iter().map(move |k| (index, k)))
        .filter(|(index, k)| overlay.is_final(*index, &k.data.path))
        .map(|(_, k)| (k.data.path.clone(), Arc::clone(&k.data)))
        .collect();
    let snapshot: Arc<dyn Snapshot> = Arc::new(ImageSnapshot::new(Arc::clone(&overlay), contents));
    let os = identify_os(snapshot.as_ref());

    let config_json: Arc<str> = Arc::from(String::from_utf8_lossy(&image.config_json).as_ref());
    let config_plugins: Vec<usize> = plugins
        .iter()
        .enumerate()
        .filter(|(_, p)| p.interests.image_config)
        .map(|(index, _)| index)
        .collect();
    let (pooled, dispatched) =
        pool::run(plugins, Arc::clone(&snapshot), options.workers, |sender| {
            let mut dispatched = 0u64;
            for (index, kept) in kept_lists.into_iter().enumerate() {
                for file in kept {
                    let is_final = overlay.is_final(index, &file.data.path);
                    let wanted: Vec<usize> = file
                        .plugins
                        .into_iter()
                        .filter(|p| is_final || plugins[*p].interests.include_deleted)
                        .collect();
                    if wanted.is_empty() {
                        continue;
                    }
                    dispatched += 1;
                    let removed_in = overlay.removed_in(index, &file.data.path);
                    let _ = sender.send(Job::File {
                        file: file.data,
                        plugins: wanted,
                        removed_in,
                    });
                }
            }
            if !config_plugins.is_empty() {
                let _ = sender.send(Job::Config {
                    json: config_json,
                    plugins: config_plugins,
                });
            }
            dispatched
        })?;

    Ok(DispatchOutput {
        findings: pooled.findings,
        runs: pooled.runs,
        files_walked,
        files_dispatched: dispatched,
        errors,
        image: Some(ImageScan {
            reference: image.reference.clone(),
            manifest_digest: image.manifest_digest.clone(),
            config_digest: image.config_digest.clone(),
            platform: image.platform.clone(),
            os,
            layers: outcomes,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_is_parsed() {
        let os = parse_os_release(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
        );
        assert_eq!(os.id, "debian");
        assert_eq!(os.version_id, "12");
        assert_eq!(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
    }
}
