//! Blob stores: where an image's manifests, configs and layers are read
//! from. A tarball (docker-archive, OCI archive) is indexed once, member
//! name to byte range, and members are read in place with positioned
//! reads; never extracted. A layout directory is read through `cap-std`,
//! confined to it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use cap_std::fs::Dir;

use crate::walk::normalize;

/// Most members an image tarball may hold (its layers are separate blobs,
/// so even large images have few).
const MAX_TARBALL_MEMBERS: usize = 100_000;
/// Links followed when resolving a tarball member.
const MAX_MEMBER_LINKS: usize = 8;

#[derive(Clone, Debug)]
enum Member {
    File { offset: u64, size: u64 },
    Link(String),
}

/// An indexed tarball.
#[derive(Debug)]
pub struct TarFile {
    file: File,
    members: HashMap<String, Member>,
}

impl TarFile {
    /// Indexes the members of the tarball at `path` (headers only).
    pub fn open(path: &Path) -> Result<TarFile> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut archive = tar::Archive::new(&file);
        let mut members = HashMap::new();
        let entries = archive
            .entries_with_seek()
            .with_context(|| format!("{} is not a readable tar archive", path.display()))?;
        for entry in entries {
            let entry =
                entry.with_context(|| format!("corrupt tar header in {}", path.display()))?;
            ensure!(
                members.len() < MAX_TARBALL_MEMBERS,
                "{} has more than {MAX_TARBALL_MEMBERS} members; not an image tarball",
                path.display()
            );
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = normalize(&raw) else {
                continue;
            };
            let header = entry.header();
            match header.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    members.insert(
                        name,
                        Member::File {
                            offset: entry.raw_file_position(),
                            size: entry.size(),
                        },
                    );
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    let Some(target) = entry.link_name_bytes() else {
                        continue;
                    };
                    let target = String::from_utf8_lossy(&target).into_owned();
                    let resolved = if header.entry_type() == tar::EntryType::Symlink
                        && !target.starts_with('/')
                    {
                        let parent = name.rsplit_once('/').map_or("", |(dir, _)| dir);
                        format!("{parent}/{target}")
                    } else {
                        target
                    };
                    if let Some(resolved) = resolve_dots(&resolved) {
                        members.insert(name, Member::Link(resolved));
                    }
                }
                _ => {}
            }
        }
        Ok(TarFile { file, members })
    }

    /// True if the tarball has a member with this name.
    pub fn contains(&self, name: &str) -> bool {
        self.members.contains_key(name)
    }

    fn locate(&self, name: &str) -> Result<(u64, u64)> {
        let mut current = name.to_string();
        for _ in 0..=MAX_MEMBER_LINKS {
            match self.members.get(&current) {
                Some(Member::File { offset, size }) => return Ok((*offset, *size)),
                Some(Member::Link(target)) => current = target.clone(),
                None => bail!("the archive has no member {name}"),
            }
        }
        bail!("member {name}: too many links")
    }
}

/// Resolves `.` and `..` in a member path; `None` if it leaves the root.
fn resolve_dots(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// A byte range of a file, read with positioned reads.
pub struct RangeReader {
    file: File,
    position: u64,
    end: u64,
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let remaining = self.end.saturating_sub(self.position);
        if remaining == 0 {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(remaining).unwrap_or(usize::MAX));
        let read = self.file.read_at(&mut buf[..want], self.position)?;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ends inside a member",
            ));
        }
        self.position += read as u64;
        Ok(read)
    }
}

/// Where an image's blobs live.
#[derive(Clone, Debug)]
pub enum BlobStore {
    /// Members of an indexed tarball.
    Tar(Arc<TarFile>),
    /// Files of a directory (an OCI layout).
    Dir(Arc<Dir>),
}

impl BlobStore {
    /// Opens the blob at `path` as a stream, with its size.
    pub fn open(&self, path: &str) -> Result<(Box<dyn Read + Send>, u64)> {
        match self {
            BlobStore::Tar(tar) => {
                let (offset, size) = tar.locate(path)?;
                let file = tar
                    .file
                    .try_clone()
                    .context("duplicating the archive handle")?;
                Ok((
                    Box::new(RangeReader {
                        file,
                        position: offset,
                        end: offset + size,
                    }),
                    size,
                ))
            }
            BlobStore::Dir(dir) => {
                let meta = dir
                    .metadata(path)
                    .with_context(|| format!("missing blob {path}"))?;
                ensure!(meta.is_file(), "blob {path} is not a regular file");
                let file = dir
                    .open(path)
                    .with_context(|| format!("cannot open blob {path}"))?;
                Ok((Box::new(file.into_std()), meta.len()))
            }
        }
    }

    /// Reads a whole (small) blob, refusing more than `max` bytes.
    pub fn read(&self, path: &str, max: u64) -> Result<Vec<u8>> {
        let (reader, size) = self.open(path)?;
        ensure!(
            size <= max,
            "{path} is {size} bytes, more than the {max} allowed for metadata"
        );
        let mut bytes = Vec::with_capacity(size as usize);
        reader
            .take(max)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {path}"))?;
        ensure!(bytes.len() as u64 == size, "{path} is truncated");
        Ok(bytes)
    }

    /// True if the store has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            BlobStore::Tar(tar) => tar.contains(path),
            BlobStore::Dir(dir) => dir.metadata(path).is_ok_and(|m| m.is_file()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::resolve_dots;

    #[test]
    fn member_links_stay_inside() {
        assert_eq!(
            resolve_dots("abc/../blobs/sha256/x").as_deref(),
            Some("blobs/sha256/x")
        );
        assert_eq!(resolve_dots("../../etc/passwd"), None);
    }
}
