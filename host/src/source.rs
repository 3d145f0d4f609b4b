//! Scan targets: what the user named, opened so it can be walked.
//!
//! A target today is a directory (walked through `cap-std`, confined to it)
//! or a single file. Container images (docker-archive, OCI layout, OCI
//! archive) are further [`TargetKind`]s; everything after this module sees
//! only [`Target::walk`] and the [`Snapshot`] it offers plugins.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::walk::{self, Entry, FileData, Snapshot, WalkLimits, WalkStats};

/// The kind of a target, as reported in output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// A directory of files (a repository, a root filesystem).
    Directory,
    /// One file.
    File,
}

/// An opened target.
pub struct Target {
    /// What the user named, as given.
    pub name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// The directory every path is confined to.
    root: Arc<Dir>,
    /// For a single-file target, its name inside `root`.
    single: Option<String>,
}

impl Target {
    /// Opens `path`, detecting its kind.
    pub fn open(path: &Path) -> Result<Target> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot scan {name}: it does not exist or is unreadable"))?;
        if meta.is_dir() {
            let root = Dir::open_ambient_dir(path, ambient_authority())
                .with_context(|| format!("cannot open directory {name}"))?;
            return Ok(Target {
                name,
                kind: TargetKind::Directory,
                root: Arc::new(root),
                single: None,
            });
        }
        if !meta.is_file() {
            bail!("cannot scan {name}: not a regular file or directory");
        }
        let parent: PathBuf = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .with_context(|| format!("cannot scan {name}: no file name"))?
            .to_string_lossy()
            .into_owned();
        let root = Dir::open_ambient_dir(&parent, ambient_authority())
            .with_context(|| format!("cannot open the directory of {name}"))?;
        Ok(Target {
            name,
            kind: TargetKind::File,
            root: Arc::new(root),
            single: Some(file_name),
        })
    }

    /// Calls `visit` for every regular file of the target.
    pub fn walk(
        &self,
        limits: &WalkLimits,
        skip_dir: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&mut dyn Entry),
    ) -> WalkStats {
        match &self.single {
            None => walk::walk_dir(&self.root, limits, skip_dir, visit),
            Some(file_name) => {
                let mut stats = WalkStats::default();
                match SingleFile::new(&self.root, file_name) {
                    Ok(mut file) => {
                        stats.files = 1;
                        visit(&mut file);
                    }
                    Err(err) => stats.errors.push(format!("{file_name}: {err:#}")),
                }
                stats
            }
        }
    }

    /// The snapshot plugins may open files in.
    pub fn snapshot(&self) -> Arc<dyn Snapshot> {
        Arc::new(DirSnapshot {
            root: Arc::clone(&self.root),
            only: self.single.clone(),
        })
    }
}

/// A single-file target's one entry.
struct SingleFile<'a> {
    root: &'a Dir,
    name: String,
    size: u64,
    mode: u32,
}

impl<'a> SingleFile<'a> {
    fn new(root: &'a Dir, name: &str) -> Result<Self> {
        let meta = root.metadata(name)?;
        anyhow::ensure!(meta.is_file(), "not a regular file");
        Ok(SingleFile {
            root,
            name: name.to_string(),
            size: meta.len(),
            mode: walk::unix_mode(&meta),
        })
    }
}

impl Entry for SingleFile<'_> {
    fn path(&self) -> &str {
        &self.name
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn mode(&self) -> u32 {
        self.mode
    }

    fn read(&mut self, max_bytes: u64) -> Result<Vec<u8>> {
        walk::read_confined(self.root, Path::new(&self.name), max_bytes)
    }
}

/// Files of a directory target, opened by path through `cap-std`: a path
/// with `..`, or a symlink pointing outside the directory, fails.
struct DirSnapshot {
    root: Arc<Dir>,
    /// For a single-file target, the only file that may be opened.
    only: Option<String>,
}

impl Snapshot for DirSnapshot {
    fn open(&self, path: &str, max_bytes: u64) -> Option<Arc<FileData>> {
        let path = walk::normalize(path)?;
        if self.only.as_ref().is_some_and(|only| *only != path) {
            return None;
        }
        let meta = self.root.metadata(&path).ok()?;
        let bytes = walk::read_confined(&self.root, Path::new(&path), max_bytes).ok()?;
        Some(Arc::new(FileData {
            path,
            mode: walk::unix_mode(&meta),
            layer: None,
            bytes,
        }))
    }
}
