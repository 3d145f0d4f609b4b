//! The analyze phase over a container image, in two steps.
//!
//! 1. Every distinct layer blob is streamed once, in parallel
//!    (`walk::layer`): its entry list is recorded, and the files some
//!    plugin wants (or small metadata files plugins may open:
//!    `etc/os-release`, package databases) are kept in memory, within a
//!    byte budget. Each layer's digests are checked when its stream ends; a
//!    broken layer is reported and left out (the scan is then incomplete),
//!    unless the scan is strict. A blob the manifest lists more than once
//!    is read once and its entries applied at each position.
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
use crossbeam_channel::Sender;

use super::pool::{self, Health, Job, PoolOutput};
use super::{DispatchOptions, DispatchOutput, Matcher, Wanted};
use crate::model::{ImageScan, LayerInfo, LayerOutcome, OsRelease};
use crate::plugin::PluginSet;
use crate::progress::Progress;
use crate::source::Image;
use crate::walk::layer::{self, EntryKind, EntryMeta, LayerLimits, LayerSummary};
use crate::walk::overlay::{ImageSnapshot, Overlay, RawPath};
use crate::walk::{EmptySnapshot, Entry, FileData, LayerTag, Snapshot};

/// Largest metadata file kept for plugins to open (package databases).
const MAX_METADATA_FILE: u64 = 64 << 20;
/// Largest file under `etc/` kept for plugins to open.
const MAX_ETC_FILE: u64 = 1 << 20;
/// Most warnings kept per layer.
const MAX_LAYER_WARNINGS: usize = 20;

/// A file version kept in memory between the two steps.
struct KeptFile {
    raw: RawPath,
    data: Arc<FileData>,
    plugins: Vec<Wanted>,
}

/// What streaming one blob gave.
struct LayerResult {
    entries: Arc<Vec<EntryMeta>>,
    kept: Vec<KeptFile>,
    /// Paths already handed to early plugins.
    sent_early: Vec<RawPath>,
    summary: Result<LayerSummary>,
    warnings: Vec<String>,
}

/// True for small files plugins may `open` even if none asked for them.
fn is_metadata_file(path: &[u8], size: u64) -> bool {
    let database = path == b"var/lib/dpkg/status"
        || path.starts_with(b"var/lib/dpkg/status.d/")
        || path == b"lib/apk/db/installed"
        || path.starts_with(b"var/lib/rpm/")
        || path.starts_with(b"usr/lib/sysimage/rpm/")
        || path == b"usr/lib/os-release";
    (database && size <= MAX_METADATA_FILE) || (path.starts_with(b"etc/") && size <= MAX_ETC_FILE)
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

/// Builds up one layer's result while its entries stream by.
struct LayerCollector<'c, 'a> {
    cx: &'c StreamContext<'a>,
    tag: LayerTag,
    entries: Vec<EntryMeta>,
    kept: Vec<KeptFile>,
    sent_early: Vec<RawPath>,
    warnings: Vec<String>,
}

impl LayerCollector<'_, '_> {
    /// Records an entry; reads and routes a file some plugin wants.
    fn visit(&mut self, meta: &EntryMeta, file: Option<&mut dyn Entry>) {
        self.entries.push(meta.clone());
        if let Some(progress) = self.cx.progress {
            progress.add_bytes(meta.size);
        }
        if let Some(file) = file {
            self.consider(meta, file);
        }
    }

    fn consider(&mut self, meta: &EntryMeta, file: &mut dyn Entry) {
        let cx = self.cx;
        let display = file.path().to_string();
        let candidates = cx.matcher.candidates(&display, meta.size, meta.mode);
        let metadata = is_metadata_file(&meta.path, meta.size);
        if candidates.is_empty() && !metadata {
            return;
        }
        let limit = cx
            .matcher
            .read_limit(&candidates)
            .max(if metadata { meta.size } else { 0 });
        if meta.size > limit || !self.reserve(meta.size, &display) {
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
            path: display,
            mode: meta.mode,
            layer: Some(self.tag.clone()),
            bytes,
        });
        if !early.is_empty() {
            self.sent_early.push(meta.path.clone());
            let _ = cx.sender.send(Job::File {
                file: Arc::clone(&data),
                snapshot: Arc::clone(&cx.streaming),
                plugins: early,
            });
        }
        if late.is_empty() && !metadata {
            // In flight at most the queue's length; not held afterwards.
            cx.budget.fetch_add(meta.size, Ordering::Relaxed);
            return;
        }
        self.kept.push(KeptFile {
            raw: meta.path.clone(),
            data,
            plugins: late,
        });
    }

    /// Reserves `size` bytes of the in-memory budget.
    fn reserve(&mut self, size: u64, path: &str) -> bool {
        let reserved = self
            .cx
            .budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(size)
            })
            .is_ok();
        if !reserved && self.warnings.len() < MAX_LAYER_WARNINGS {
            self.warnings.push(format!(
                "{path}: not scanned, the in-memory budget is used up"
            ));
        }
        reserved
    }
}

/// Streams one layer: files for early plugins go to the pool at once;
/// files for the others, and metadata files, are kept for step 2.
fn stream_one(cx: &StreamContext<'_>, info: &LayerInfo) -> LayerResult {
    let mut collector = LayerCollector {
        cx,
        tag: LayerTag {
            index: info.index,
            diff_id: Arc::from(info.diff_id.as_str()),
        },
        entries: Vec::new(),
        kept: Vec::new(),
        sent_early: Vec::new(),
        warnings: Vec::new(),
    };
    let summary = cx
        .image
        .store
        .open(&info.blob_path)
        .and_then(|(reader, _)| {
            layer::stream_layer(reader, cx.limits, &mut |meta, file| {
                collector.visit(meta, file)
            })
        });
    LayerResult {
        entries: Arc::new(collector.entries),
        kept: collector.kept,
        sent_early: collector.sent_early,
        summary,
        warnings: collector.warnings,
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

/// The distinct blobs of the image, in order of first appearance, each
/// with every position (layer index) it is listed at.
fn distinct_blobs(layers: &[LayerInfo]) -> Vec<(usize, Vec<usize>)> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut blobs: Vec<(usize, Vec<usize>)> = Vec::new();
    for layer in layers {
        match first.get(layer.blob_path.as_str()) {
            Some(slot) => blobs[*slot].1.push(layer.index),
            None => {
                first.insert(&layer.blob_path, blobs.len());
                blobs.push((layer.index, vec![layer.index]));
            }
        }
    }
    blobs
}

/// Step 1 for every distinct blob, in parallel; results by first position.
fn stream_layers(
    cx: &StreamContext<'_>,
    blobs: &[(usize, Vec<usize>)],
    threads: usize,
) -> Vec<Option<LayerResult>> {
    let layers = &cx.image.layers;
    let slots: Vec<Mutex<Option<LayerResult>>> = blobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    thread::scope(|scope| {
        for _ in 0..threads.clamp(1, blobs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let slot = next.fetch_add(1, Ordering::Relaxed);
                    let Some((first, _)) = blobs.get(slot) else {
                        break;
                    };
                    let Some(info) = layers.get(*first) else {
                        continue;
                    };
                    let result = stream_one(cx, info);
                    if let Some(progress) = cx.progress {
                        progress.layer_done();
                    }
                    if let Ok(mut held) = slots[slot].lock() {
                        *held = Some(result);
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
    /// Entry list per position (a repeated blob shares its list).
    entry_lists: Vec<Arc<Vec<EntryMeta>>>,
    /// Kept files per distinct blob, with the blob's positions.
    kept: Vec<(Vec<usize>, Vec<KeptFile>)>,
    /// (position, path) versions handed to early plugins.
    sent_early: Vec<(usize, RawPath)>,
    broken: Vec<bool>,
    errors: Vec<String>,
    files_walked: u64,
}

fn settle(
    image: &Image,
    blobs: &[(usize, Vec<usize>)],
    results: Vec<Option<LayerResult>>,
    strict: bool,
) -> Result<Settled> {
    let count = image.layers.len();
    let mut settled = Settled {
        outcomes: Vec::with_capacity(count),
        entry_lists: (0..count).map(|_| Arc::new(Vec::new())).collect(),
        kept: Vec::new(),
        sent_early: Vec::new(),
        broken: vec![false; count],
        errors: Vec::new(),
        files_walked: 0,
    };
    let mut outcomes: Vec<Option<LayerOutcome>> = vec![None; count];
    for ((first, positions), result) in blobs.iter().zip(results) {
        let Some(result) = result else {
            bail!("layer {first} was not processed");
        };
        let summary = result.summary.as_ref().ok();
        let files = result
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::File)
            .count() as u64;
        for position in positions {
            let info = &image.layers[*position];
            let verdict = verify(info, &result.summary);
            let mut warnings = result.warnings.clone();
            warnings.extend(summary.map(|s| s.warnings.clone()).unwrap_or_default());
            outcomes[*position] = Some(LayerOutcome {
                info: info.clone(),
                uncompressed_bytes: summary.map_or(0, |s| s.uncompressed_bytes),
                entries: summary.map_or(0, |s| s.entries),
                compression: summary.map_or("unknown", |s| s.compression),
                error: verdict.as_ref().err().cloned(),
                warnings,
                cached: false,
            });
            match verdict {
                Ok(()) => {
                    settled.files_walked += files;
                    settled.entry_lists[*position] = Arc::clone(&result.entries);
                }
                Err(message) => {
                    if strict {
                        bail!("{message}");
                    }
                    settled
                        .errors
                        .push(format!("{message}; the layer was left out of the scan"));
                    settled.broken[*position] = true;
                }
            }
        }
        let intact: Vec<usize> = positions
            .iter()
            .copied()
            .filter(|p| !settled.broken[*p])
            .collect();
        if !intact.is_empty() {
            settled
                .sent_early
                .extend(result.sent_early.into_iter().map(|path| (*first, path)));
            settled.kept.push((intact, result.kept));
        }
    }
    settled.outcomes = outcomes.into_iter().flatten().collect();
    Ok(settled)
}

/// What step 2 needs from step 1, and what the scan reports.
struct Streamed {
    outcomes: Vec<LayerOutcome>,
    errors: Vec<String>,
    files_walked: u64,
    broken: Vec<bool>,
    overlay: Arc<Overlay>,
    os: Option<OsRelease>,
    dispatched: u64,
}

/// A kept file version as the final filesystem holds it: with the layer
/// position whose copy is final (for a repeated blob, the last one).
fn final_version(overlay: &Overlay, positions: &[usize], kept: &KeptFile) -> Option<usize> {
    overlay
        .final_layer(&kept.raw)
        .filter(|layer| positions.contains(layer))
}

/// `data` re-tagged with the layer position `index` (a repeated blob's
/// file is final at its last position).
fn at_position(data: &Arc<FileData>, index: usize, outcomes: &[LayerOutcome]) -> Arc<FileData> {
    if data.layer.as_ref().is_some_and(|tag| tag.index == index) {
        return Arc::clone(data);
    }
    Arc::new(FileData {
        path: data.path.clone(),
        mode: data.mode,
        layer: outcomes.get(index).map(|outcome| LayerTag {
            index,
            diff_id: Arc::from(outcome.info.diff_id.as_str()),
        }),
        bytes: data.bytes.clone(),
    })
}

/// Step 2: the final filesystem, the late plugins' files and the config.
fn dispatch_final(
    image: &Image,
    settled: Settled,
    config_plugins: Vec<usize>,
    sender: &Sender<Job>,
) -> Streamed {
    let mut tracked: HashSet<(usize, RawPath)> = settled.sent_early.iter().cloned().collect();
    for (positions, kept) in &settled.kept {
        for file in kept {
            for position in positions {
                tracked.insert((*position, file.raw.clone()));
            }
        }
    }
    let overlay = Arc::new(Overlay::build(&settled.entry_lists, &tracked));
    let mut finals: Vec<(Arc<FileData>, Vec<Wanted>)> = Vec::new();
    let mut contents: HashMap<RawPath, Arc<FileData>> = HashMap::new();
    for (positions, kept) in settled.kept {
        for file in kept {
            let Some(index) = final_version(&overlay, &positions, &file) else {
                continue;
            };
            let data = at_position(&file.data, index, &settled.outcomes);
            contents.insert(file.raw, Arc::clone(&data));
            if !file.plugins.is_empty() {
                finals.push((data, file.plugins));
            }
        }
    }
    let snapshot: Arc<dyn Snapshot> = Arc::new(ImageSnapshot::new(Arc::clone(&overlay), contents));
    let os = identify_os(snapshot.as_ref());
    let mut dispatched = settled.sent_early.len() as u64;
    for (file, plugins) in finals {
        // Late plugins see the image as it runs: final versions only.
        dispatched += 1;
        let _ = sender.send(Job::File {
            file,
            snapshot: Arc::clone(&snapshot),
            plugins,
        });
    }
    if !config_plugins.is_empty() {
        let json: Arc<str> = Arc::from(String::from_utf8_lossy(&image.config_json).as_ref());
        let _ = sender.send(Job::Config {
            json,
            snapshot,
            plugins: config_plugins,
        });
    }
    Streamed {
        outcomes: settled.outcomes,
        errors: settled.errors,
        files_walked: settled.files_walked,
        broken: settled.broken,
        overlay,
        os,
        dispatched,
    }
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
        .map(|p| p.info.interests.include_deleted)
        .collect();
    let config_plugins: Vec<usize> = plugins
        .iter()
        .enumerate()
        .filter(|(_, p)| p.info.interests.image_config)
        .map(|(index, _)| index)
        .collect();
    let health = Health::new(plugins.len(), options.plugin_budget_bytes);
    let blobs = distinct_blobs(&image.layers);
    let limits = options.layer_limits.fresh();

    let (pooled, step) = pool::run(plugins, &health, options.workers, |sender| -> Result<_> {
        // Step 1: stream the layers; early plugins are called meanwhile.
        let cx = StreamContext {
            image,
            matcher: &matcher,
            limits: &limits,
            budget: &budget,
            progress: progress.as_ref(),
            early: &early,
            sender,
            streaming: Arc::new(EmptySnapshot),
        };
        let results = stream_layers(&cx, &blobs, options.workers);
        if let Some(progress) = &progress {
            progress.finish();
        }
        let settled = settle(image, &blobs, results, options.strict)?;
        // Step 2: the final filesystem, then the other plugins.
        Ok(dispatch_final(image, settled, config_plugins, sender))
    })?;
    let streamed = step?;
    Ok(finish(image, pooled, streamed))
}

/// Early calls ran before the layers were verified and before the final
/// filesystem existed: drop what came from broken layers, say which file
/// versions a later layer removed, and keep only packages of final files.
fn finish(image: &Image, pooled: PoolOutput, streamed: Streamed) -> DispatchOutput {
    let Streamed {
        outcomes,
        errors,
        files_walked,
        broken,
        overlay,
        os,
        dispatched,
    } = streamed;
    let intact = |layer: Option<usize>| {
        !layer.is_some_and(|index| broken.get(index).copied().unwrap_or(true))
    };
    let findings = pooled
        .findings
        .into_iter()
        .filter(|f| intact(f.layer))
        .map(|mut f| {
            if let Some(index) = f.layer {
                f.removed_in = overlay.removed_in(index, f.path.as_bytes());
            }
            f
        })
        .collect();
    let packages = pooled
        .packages
        .into_iter()
        .filter(|p| {
            intact(p.layer)
                && p.layer
                    .is_none_or(|index| overlay.is_final(index, p.path.as_bytes()))
        })
        .collect();
    let notes = pooled
        .notes
        .into_iter()
        .filter(|n| intact(n.layer))
        .collect();
    let complete = errors.is_empty();
    DispatchOutput {
        findings,
        packages,
        notes,
        inline_ignores: pooled.inline_ignores,
        complete,
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
    }
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

    #[test]
    fn a_repeated_blob_is_streamed_once() {
        let layer = |index: usize, blob: &str| LayerInfo {
            index,
            diff_id: String::new(),
            digest: None,
            size: 0,
            created_by: None,
            blob_path: blob.to_string(),
        };
        let layers = vec![layer(0, "a"), layer(1, "b"), layer(2, "a"), layer(3, "a")];
        assert_eq!(
            distinct_blobs(&layers),
            vec![(0, vec![0, 2, 3]), (1, vec![1])]
        );
    }
}
