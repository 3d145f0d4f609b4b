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

use crossbeam_channel::Sender;

use super::pool::{self, Job};
use super::{DispatchOptions, DispatchOutput, Matcher, Wanted};
use crate::plugin::PluginSet;
use crate::report::progress::Progress;
use crate::source::{Image, LayerInfo};
use crate::walk::layer::{self, EntryMeta, LayerLimits, LayerSummary};
use crate::walk::overlay::{ImageSnapshot, Overlay};
use crate::walk::{EmptySnapshot, FileData, LayerTag, Snapshot};

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
    plugins: Vec<Wanted>,
}

/// What streaming one layer gave.
struct LayerResult {
    entries: Vec<EntryMeta>,
    kept: Vec<KeptFile>,
    /// Paths already handed to early plugins.
    sent_early: Vec<String>,
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

/// What every layer stream shares.
struct StreamContext<'a> {
    image: &'a Image,
    matcher: &'a Matcher,
    limits: &'a LayerLimits,
    budget: &'a AtomicU64,
    progress: Option<&'a Progress>,
    /// Per plugin: called while streaming (it asked for deleted files too,
    /// so the final filesystem does not decide whether it gets a file).
    early: &'a [bool],
    sender: &'a Sender<Job>,
    streaming: Arc<dyn Snapshot>,
}

/// Streams one layer: files for early plugins go to the pool at once;
/// files for the others, and metadata files, are kept for step 2.
fn stream_one(cx: &StreamContext<'_>, info: &LayerInfo) -> LayerResult {
    let tag = LayerTag {
        index: info.index,
        diff_id: Arc::from(info.diff_id.as_str()),
    };
    let mut result = LayerResult {
        entries: Vec::new(),
        kept: Vec::new(),
        sent_early: Vec::new(),
        summary: Ok(LayerSummary::default()),
        warnings: Vec::new(),
    };
    let summary = cx
        .image
        .store
        .open(&info.blob_path)
        .and_then(|(reader, _)| {
            layer::stream_layer(reader, cx.limits, &mut |meta, file| {
                result.entries.push(meta.clone());
                if let Some(progress) = cx.progress {
                    progress.add_bytes(meta.size);
                }
                let Some(file) = file else {
                    return;
                };
                let candidates = cx.matcher.candidates(&meta.path, meta.size, meta.mode);
                let metadata = is_metadata_file(&meta.path, meta.size);
                if candidates.is_empty() && !metadata {
                    return;
                }
                let limit =
                    cx.matcher
                        .read_limit(&candidates)
                        .max(if metadata { meta.size } else { 0 });
                if meta.size > limit {
                    return;
                }
                let reserve = |left: u64| left.checked_sub(meta.size);
                if cx
                    .budget
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, reserve)
                    .is_err()
                {
                    if result.warnings.len() < 20 {
                        result.warnings.push(format!(
                            "{}: not scanned, the in-memory budget is used up",
                            meta.path
                        ));
                    }
                    return;
                }
                let Ok(bytes) = file.read(limit) else {
                    // The stream itself is broken; the next entry reports it.
                    cx.budget.fetch_add(meta.size, Ordering::Relaxed);
                    return;
                };
                let candidates = cx.matcher.admitting(candidates, bytes.len() as u64);
                let (early, late): (Vec<Wanted>, Vec<Wanted>) = cx
                    .matcher
                    .filter_by_keywords(candidates, &bytes)
                    .into_iter()
                    .partition(|wanted| cx.early[wanted.plugin]);
                let data = Arc::new(FileData {
                    path: meta.path.clone(),
                    mode: meta.mode,
                    layer: Some(tag.clone()),
                    bytes,
                });
                if !early.is_empty() {
                    result.sent_early.push(meta.path.clone());
                    let _ = cx.sender.send(Job::File {
                        file: Arc::clone(&data),
                        snapshot: Arc::clone(&cx.streaming),
                        plugins: early,
                        removed_in: None,
                    });
                }
                if late.is_empty() && !metadata {
                    // In flight at most the queue's length; not held afterwards.
                    cx.budget.fetch_add(meta.size, Ordering::Relaxed);
                    return;
                }
                result.kept.push(KeptFile {
                    data,
                    plugins: late,
                });
            })
        });
    result.summary = summary;
    result
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
            // Debian's os-release says `12` where debian_version says
            // `12.5` (and `trixie/sid` before a release): keep the major,
            // as the packages plugin does for its ecosystem.
            let version_id = match id {
                "debian" => version
                    .split('.')
                    .next()
                    .filter(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
                    .unwrap_or_default()
                    .to_string(),
                _ => version.clone(),
            };
            return Some(OsRelease {
                id: id.to_string(),
                pretty_name: format!("{name} {version}"),
                version_id,
            });
        }
    }
    None
}

/// Step 1 for all layers, in parallel; results in layer order.
fn stream_layers(cx: &StreamContext<'_>, threads: usize) -> Vec<Option<LayerResult>> {
    let layers = &cx.image.layers;
    let slots: Vec<Mutex<Option<LayerResult>>> = layers.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    thread::scope(|scope| {
        for _ in 0..threads.clamp(1, layers.len().max(1)) {
            scope.spawn(|| {
                while let Some(info) = layers.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = stream_one(cx, info);
                    if let Some(progress) = cx.progress {
                        progress.layer_done();
                    }
                    if let Ok(mut slot) = slots[info.index].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

/// The layers after verification: broken ones are emptied and reported.
struct Settled {
    outcomes: Vec<LayerOutcome>,
    entry_lists: Vec<Vec<EntryMeta>>,
    kept_lists: Vec<Vec<KeptFile>>,
    sent_early: Vec<Vec<String>>,
    broken: Vec<bool>,
    errors: Vec<String>,
    files_walked: u64,
}

fn settle(image: &Image, results: Vec<Option<LayerResult>>, strict: bool) -> Result<Settled> {
    let mut settled = Settled {
        outcomes: Vec::new(),
        entry_lists: Vec::new(),
        kept_lists: Vec::new(),
        sent_early: Vec::new(),
        broken: Vec::new(),
        errors: Vec::new(),
        files_walked: 0,
    };
    for (info, result) in image.layers.iter().zip(results) {
        let result =
            result.ok_or_else(|| anyhow::anyhow!("layer {} was not processed", info.index))?;
        let verdict = verify(info, &result.summary);
        let summary = result.summary.as_ref().ok();
        let mut warnings = result.warnings;
        warnings.extend(summary.map(|s| s.warnings.clone()).unwrap_or_default());
        settled.outcomes.push(LayerOutcome {
            info: info.clone(),
            uncompressed_bytes: summary.map_or(0, |s| s.uncompressed_bytes),
            entries: summary.map_or(0, |s| s.entries),
            compression: summary.map_or("unknown", |s| s.compression),
            error: verdict.as_ref().err().cloned(),
            warnings,
        });
        match verdict {
            Ok(()) => {
                settled.files_walked += result
                    .entries
                    .iter()
                    .filter(|e| e.kind == layer::EntryKind::File)
                    .count() as u64;
                settled.entry_lists.push(result.entries);
                settled.kept_lists.push(result.kept);
                settled.sent_early.push(result.sent_early);
                settled.broken.push(false);
            }
            Err(message) => {
                if strict {
                    bail!("{message}");
                }
                settled
                    .errors
                    .push(format!("{message}; the layer was left out of the scan"));
                settled.entry_lists.push(Vec::new());
                settled.kept_lists.push(Vec::new());
                settled.sent_early.push(Vec::new());
                settled.broken.push(true);
            }
        }
    }
    Ok(settled)
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
    let early: Vec<bool> = plugins
        .iter()
        .map(|p| p.interests.include_deleted)
        .collect();
    let config_plugins: Vec<usize> = plugins
        .iter()
        .enumerate()
        .filter(|(_, p)| p.interests.image_config)
        .map(|(index, _)| index)
        .collect();

    let (pooled, step) = pool::run(plugins, options.workers, |sender| -> Result<_> {
        // Step 1: stream the layers; early plugins are called meanwhile.
        let cx = StreamContext {
            image,
            matcher: &matcher,
            limits: &options.layer_limits,
            budget: &budget,
            progress: progress.as_ref(),
            early: &early,
            sender,
            streaming: Arc::new(EmptySnapshot),
        };
        let results = stream_layers(&cx, options.workers);
        if let Some(progress) = &progress {
            progress.finish();
        }
        let settled = settle(image, results, options.strict)?;

        // Step 2: the final filesystem, then the other plugins.
        let tracked: HashSet<(usize, String)> = settled
            .kept_lists
            .iter()
            .enumerate()
            .flat_map(|(index, kept)| kept.iter().map(move |k| (index, k.data.path.clone())))
            .chain(
                settled
                    .sent_early
                    .iter()
                    .enumerate()
                    .flat_map(|(index, paths)| paths.iter().map(move |p| (index, p.clone()))),
            )
            .collect();
        let overlay = Arc::new(Overlay::build(&settled.entry_lists, &tracked));
        let contents: HashMap<String, Arc<FileData>> = settled
            .kept_lists
            .iter()
            .enumerate()
            .flat_map(|(index, kept)| kept.iter().map(move |k| (index, k)))
            .filter(|(index, k)| overlay.is_final(*index, &k.data.path))
            .map(|(_, k)| (k.data.path.clone(), Arc::clone(&k.data)))
            .collect();
        let snapshot: Arc<dyn Snapshot> =
            Arc::new(ImageSnapshot::new(Arc::clone(&overlay), contents));
        let os = identify_os(snapshot.as_ref());

        let mut dispatched: u64 = settled
            .sent_early
            .iter()
            .map(|paths| paths.len() as u64)
            .sum();
        for (index, kept) in settled.kept_lists.into_iter().enumerate() {
            for file in kept {
                // Late plugins see the image as it runs: final versions only.
                if file.plugins.is_empty() || !overlay.is_final(index, &file.data.path) {
                    continue;
                }
                dispatched += 1;
                let _ = sender.send(Job::File {
                    file: file.data,
                    snapshot: Arc::clone(&snapshot),
                    plugins: file.plugins,
                    removed_in: None,
                });
            }
        }
        if !config_plugins.is_empty() {
            let json: Arc<str> = Arc::from(String::from_utf8_lossy(&image.config_json).as_ref());
            let _ = sender.send(Job::Config {
                json,
                snapshot,
                plugins: config_plugins,
            });
        }
        Ok((
            settled.outcomes,
            settled.errors,
            settled.files_walked,
            settled.broken,
            overlay,
            os,
            dispatched,
        ))
    })?;
    let (outcomes, errors, files_walked, broken, overlay, os, dispatched) = step?;

    // Early calls ran before the layers were verified and before the final
    // filesystem existed: drop what came from broken layers, and say which
    // file versions a later layer removed.
    let findings = pooled
        .findings
        .into_iter()
        .filter(|f| {
            !f.layer
                .is_some_and(|index| broken.get(index).copied().unwrap_or(true))
        })
        .map(|mut f| {
            if let Some(index) = f.layer {
                f.removed_in = overlay.removed_in(index, &f.path);
            }
            f
        })
        .collect();

    // Early plugins reported packages before finality was known: keep the
    // ones from file versions in the final filesystem of intact layers.
    let packages = pooled
        .packages
        .into_iter()
        .filter(|p| {
            p.layer.is_none_or(|index| {
                !broken.get(index).copied().unwrap_or(true) && overlay.is_final(index, &p.path)
            })
        })
        .collect();
    Ok(DispatchOutput {
        findings,
        packages,
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
