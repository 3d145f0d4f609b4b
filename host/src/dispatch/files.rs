//! Feeds the pool from a file tree while it is walked: each file is matched
//! and, only if some plugin wants it, read once and queued. The bytes read
//! over the whole tree are bounded like an image scan's
//! (`DispatchOptions::max_tree_bytes`); files past the budget are left out
//! and the scan says it is incomplete.

use std::sync::Arc;

use anyhow::Result;

use super::pool::{self, Health, Job};
use super::{DispatchOptions, DispatchOutput, Matcher, build_skip_set};
use crate::plugin::PluginSet;
use crate::source::FileTree;
use crate::walk::{Entry, FileData};

/// Most "not scanned" warnings kept.
const MAX_BUDGET_WARNINGS: usize = 20;

/// The analyze phase over a directory or file.
pub fn analyze(
    tree: &FileTree,
    set: &PluginSet,
    options: &DispatchOptions,
) -> Result<DispatchOutput> {
    let matcher = Matcher::new(&set.plugins)?;
    let skip = build_skip_set(&options.skip_dirs)?;
    let health = Health::new(set.plugins.len(), options.plugin_budget_bytes);
    let snapshot = tree.snapshot();
    let mut feeder = Feeder {
        matcher: &matcher,
        bytes_left: options.max_tree_bytes,
        dispatched: 0,
        skipped_for_budget: 0,
        warnings: Vec::new(),
    };
    let (pooled, walk) = pool::run(&set.plugins, &health, options.workers, |sender| {
        tree.walk(
            &options.walk_limits,
            &|dir| skip.is_match(dir),
            &mut |entry| feeder.offer(entry, sender, &snapshot),
        )
    })?;
    let mut errors = walk.errors;
    let mut complete = !walk.stopped;
    if feeder.skipped_for_budget > 0 {
        complete = false;
        errors.push(format!(
            "{} files were not scanned: the scan read its {} byte budget (--max-scan-bytes)",
            feeder.skipped_for_budget, options.max_tree_bytes
        ));
        errors.extend(feeder.warnings);
    }
    Ok(DispatchOutput {
        findings: pooled.findings,
        packages: pooled.packages,
        notes: pooled.notes,
        inline_ignores: pooled.inline_ignores,
        complete,
        runs: pooled.runs,
        files_walked: walk.files,
        files_dispatched: feeder.dispatched,
        errors,
        image: None,
    })
}

/// Decides, file by file, what to read and queue.
struct Feeder<'a> {
    matcher: &'a Matcher,
    bytes_left: u64,
    dispatched: u64,
    skipped_for_budget: u64,
    warnings: Vec<String>,
}

impl Feeder<'_> {
    fn offer(
        &mut self,
        entry: &mut dyn Entry,
        sender: &crossbeam_channel::Sender<Job>,
        snapshot: &Arc<dyn crate::walk::Snapshot>,
    ) {
        let candidates = self
            .matcher
            .candidates(entry.path(), entry.size(), entry.mode());
        if candidates.is_empty() {
            return;
        }
        let Some(left) = self.bytes_left.checked_sub(entry.size()) else {
            self.skipped_for_budget += 1;
            if self.warnings.len() < MAX_BUDGET_WARNINGS {
                self.warnings.push(format!(
                    "{}: not scanned, over the byte budget",
                    entry.path()
                ));
            }
            return;
        };
        self.bytes_left = left;
        let Ok(bytes) = entry.read(self.matcher.read_limit(&candidates)) else {
            return;
        };
        let candidates = self.matcher.admitting(candidates, bytes.len() as u64);
        let wanted = self.matcher.filter_by_keywords(candidates, &bytes);
        if wanted.is_empty() {
            return;
        }
        self.dispatched += 1;
        let file = Arc::new(FileData {
            path: entry.path().to_string(),
            mode: entry.mode(),
            layer: None,
            bytes,
        });
        // A send fails only if every worker died; the pool reports that.
        let _ = sender.send(Job::File {
            file,
            snapshot: Arc::clone(snapshot),
            plugins: wanted,
        });
    }
}
