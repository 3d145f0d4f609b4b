//! Walking a target: turns a source into a stream of file entries.
//!
//! The walker never follows links and never leaves the target: directories
//! are read through a `cap_std::fs::Dir`, whose every lookup is confined to
//! the directory it was opened on. Entries are produced lazily: a file's
//! bytes are read only when the dispatcher decides a plugin wants it, and
//! never beyond the size it asked for.

pub mod layer;
pub mod overlay;

use std::io::Read;
use std::sync::Arc;

use anyhow::{Context, Result};
use cap_std::fs::Dir;

/// A file's bytes and metadata, as handed to plugins.
#[derive(Debug)]
pub struct FileData {
    /// In-target path, `/`-separated, no leading slash.
    pub path: String,
    /// Unix mode bits.
    pub mode: u32,
    /// The image layer it comes from (images only).
    pub layer: Option<LayerTag>,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Which image layer a file version comes from.
#[derive(Clone, Debug)]
pub struct LayerTag {
    /// 0-based layer index.
    pub index: usize,
    /// The layer's diff id.
    pub diff_id: Arc<str>,
}

/// A point-in-time view of a target in which plugins may open files by path.
pub trait Snapshot: Send + Sync {
    /// Opens `path` (leading `/` allowed, `..` never escapes), refusing
    /// anything that is not a regular file or is larger than `max_bytes`.
    fn open(&self, path: &str, max_bytes: u64) -> Option<Arc<FileData>>;

    /// Names of the entries of directory `path` (`""` or `/` for the root),
    /// sorted, at most `max_names`.
    fn list_dir(&self, path: &str, max_names: usize) -> Vec<String>;
}

/// A snapshot with nothing in it: what plugins called while an image is
/// still streaming see (its final filesystem does not exist yet).
pub struct EmptySnapshot;

impl Snapshot for EmptySnapshot {
    fn open(&self, _path: &str, _max_bytes: u64) -> Option<Arc<FileData>> {
        None
    }

    fn list_dir(&self, _path: &str, _max_names: usize) -> Vec<String> {
        Vec::new()
    }
}

/// One regular file met by the walker, not yet read.
pub trait Entry {
    /// In-target path.
    fn path(&self) -> &str;
    /// Size in bytes as recorded by the source.
    fn size(&self) -> u64;
    /// Unix mode bits.
    fn mode(&self) -> u32;
    /// Reads the content, at most `max_bytes` (a larger file is an error).
    fn read(&mut self, max_bytes: u64) -> Result<Vec<u8>>;
}

/// Limits on a walk, so a hostile tree cannot exhaust the host.
#[derive(Clone, Debug)]
pub struct WalkLimits {
    /// Deepest directory nesting followed.
    pub max_depth: usize,
    /// Most entries visited.
    pub max_entries: u64,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_depth: 256,
            max_entries: 5_000_000,
        }
    }
}

/// What a walk met besides the files it yielded.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct WalkStats {
    /// Regular files yielded.
    pub files: u64,
    /// Directories read.
    pub directories: u64,
    /// Symbolic links, devices, sockets and FIFOs passed over.
    pub skipped_special: u64,
    /// Paths that could not be read, with why.
    pub errors: Vec<String>,
    /// True when the walk stopped at a limit before the end of the tree.
    pub stopped: bool,
}

/// A regular file inside a confined directory.
struct DirEntryFile<'a> {
    dir: &'a Dir,
    name: std::ffi::OsString,
    path: String,
    size: u64,
    mode: u32,
}

impl Entry for DirEntryFile<'_> {
    fn path(&self) -> &str {
        &self.path
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn mode(&self) -> u32 {
        self.mode
    }

    fn read(&mut self, max_bytes: u64) -> Result<Vec<u8>> {
        read_confined(self.dir, std::path::Path::new(&self.name), max_bytes)
            .with_context(|| format!("reading {}", self.path))
    }
}

/// Reads a regular file of `dir`, at most `max_bytes`.
pub fn read_confined(dir: &Dir, path: &std::path::Path, max_bytes: u64) -> Result<Vec<u8>> {
    let meta = dir.metadata(path)?;
    anyhow::ensure!(meta.is_file(), "not a regular file");
    anyhow::ensure!(
        meta.len() <= max_bytes,
        "{} bytes is over the {max_bytes} byte limit",
        meta.len()
    );
    let file = dir.open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Walks `root` depth-first (sorted, so the order is stable), calling
/// `visit` for every regular file. Directories whose name matches `skip`
/// are not entered. Uses an explicit stack, not recursion.
pub fn walk_dir(
    root: &Dir,
    limits: &WalkLimits,
    skip: &dyn Fn(&str) -> bool,
    visit: &mut dyn FnMut(&mut dyn Entry),
) -> WalkStats {
    let mut stats = WalkStats::default();
    let mut stack: Vec<(Option<Dir>, String, usize)> = vec![(None, String::new(), 0)];
    let mut visited: u64 = 0;
    while let Some((dir, prefix, depth)) = stack.pop() {
        let dir_ref = dir.as_ref().unwrap_or(root);
        stats.directories += 1;
        let mut entries: Vec<_> = match dir_ref.entries() {
            Ok(entries) => entries.filter_map(Result::ok).collect(),
            Err(err) => {
                stats
                    .errors
                    .push(format!("{}: {err}", display_dir(&prefix)));
                continue;
            }
        };
        entries.sort_by_key(|entry| entry.file_name());
        let mut subdirs = Vec::new();
        for entry in entries {
            visited += 1;
            if visited > limits.max_entries {
                stats
                    .errors
                    .push(format!("stopped after {} entries", limits.max_entries));
                stats.stopped = true;
                return stats;
            }
            let name = entry.file_name();
            let path = format!("{prefix}{}", name.to_string_lossy());
            let Ok(file_type) = entry.file_type() else {
                stats.errors.push(format!("{path}: unreadable file type"));
                continue;
            };
            if file_type.is_dir() {
                if skip(&path) {
                    continue;
                }
                if depth + 1 > limits.max_depth {
                    stats
                        .errors
                        .push(format!("{path}: deeper than {}", limits.max_depth));
                    stats.stopped = true;
                    continue;
                }
                match entry.open_dir() {
                    Ok(sub) => subdirs.push((Some(sub), format!("{path}/"), depth + 1)),
                    Err(err) => stats.errors.push(format!("{path}: {err}")),
                }
            } else if file_type.is_file() {
                let Ok(meta) = entry.metadata() else {
                    stats.errors.push(format!("{path}: unreadable metadata"));
                    continue;
                };
                stats.files += 1;
                let mut file = DirEntryFile {
                    dir: dir_ref,
                    name,
                    path,
                    size: meta.len(),
                    mode: unix_mode(&meta),
                };
                visit(&mut file);
            } else {
                stats.skipped_special += 1;
            }
        }
        // Reverse so that the stack pops them in sorted order.
        stack.extend(subdirs.into_iter().rev());
    }
    stats
}

fn display_dir(prefix: &str) -> &str {
    if prefix.is_empty() { "." } else { prefix }
}

/// Unix mode bits of a regular file (type bits included).
#[cfg(unix)]
pub fn unix_mode(meta: &cap_std::fs::Metadata) -> u32 {
    use cap_std::fs::PermissionsExt;
    0o100000 | meta.permissions().mode()
}

/// Unix mode bits of a regular file (type bits included).
#[cfg(not(unix))]
pub fn unix_mode(_meta: &cap_std::fs::Metadata) -> u32 {
    0o100644
}

/// Normalizes a plugin-supplied path to an in-target relative path:
/// leading `/` and `.` components dropped, `..` refused.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_confines_paths() {
        assert_eq!(
            normalize("/etc/os-release").as_deref(),
            Some("etc/os-release")
        );
        assert_eq!(normalize("./a//b/").as_deref(), Some("a/b"));
        assert_eq!(normalize("../etc/passwd"), None);
        assert_eq!(normalize("a/../../b"), None);
        assert_eq!(normalize("/"), None);
    }
}
