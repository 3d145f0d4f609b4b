//! Feeds the pool from a file tree while it is walked: each file is matched
//! and, only if some plugin wants it, read once and queued.

use std::sync::Arc;

use anyhow::Result;

use super::pool::{self, Job};
use super::{DispatchOptions, DispatchOutput, Matcher, build_skip_set};
use crate::plugin::PluginSet;
use crate::source::FileTree;
use crate::walk::FileData;

/// The analyze phase over a directory or file.
pub fn analyze(
    tree: &FileTree,
    set: &PluginSet,
    options: &DispatchOptions,
) -> Result<DispatchOutput> {
    let matcher = Matcher::new(&set.plugins)?;
    let skip = build_skip_set(&options.skip_dirs)?;
    let mut dispatched = 0u64;
    let snapshot = tree.snapshot();
    let (pooled, walk) = pool::run(&set.plugins, options.workers, |sender| {
        tree.walk(
            &options.walk_limits,
            &|dir| skip.is_match(dir),
            &mut |entry| {
                let candidates = matcher.candidates(entry.path(), entry.size(), entry.mode());
                if candidates.is_empty() {
                    return;
                }
                let Ok(bytes) = entry.read(matcher.read_limit(&candidates)) else {
                    return;
                };
                let candidates = matcher.admitting(candidates, bytes.len() as u64);
                let wanted = matcher.filter_by_keywords(candidates, &bytes);
                if wanted.is_empty() {
                    return;
                }
                dispatched += 1;
                let file = Arc::new(FileData {
                    path: entry.path().to_string(),
                    mode: entry.mode(),
                    layer: None,
                    bytes,
                });
                // A send fails only if every worker died; the pool reports that.
                let _ = sender.send(Job::File {
                    file,
                    snapshot: Arc::clone(&snapshot),
                    plugins: wanted,
                    removed_in: None,
                });
            },
        )
    })?;
    Ok(DispatchOutput {
        findings: pooled.findings,
        packages: pooled.packages,
        runs: pooled.runs,
        files_walked: walk.files,
        files_dispatched: dispatched,
        errors: walk.errors,
        image: None,
    })
}
