//! One image layer, streamed: the blob is read once, hashed as it goes
//! (the stored digest), decompressed by its magic bytes (gzip, zstd or
//! plain tar), hashed again (the diff id), capped in size (a gzip bomb
//! stops at the limit), and its tar entries handed to a visitor with
//! normalized, confined paths. Nothing is written to disk.

use std::io::{self, BufRead, BufReader, Read};

use anyhow::{Result, anyhow, bail};
use sha2::{Digest, Sha256};

use super::Entry;
use crate::runtime::hex;

/// Limits on one layer.
#[derive(Clone, Debug)]
pub struct LayerLimits {
    /// Most bytes the layer may inflate to.
    pub max_uncompressed: u64,
    /// Most tar entries in the layer.
    pub max_entries: u64,
}

impl Default for LayerLimits {
    fn default() -> Self {
        LayerLimits {
            max_uncompressed: 16 << 30,
            max_entries: 2_000_000,
        }
    }
}

/// What a tar entry is, after whiteout interpretation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link with its target as written.
    Symlink(String),
    /// A hard link to another in-image path (normalized).
    Hardlink(String),
    /// `.wh.<name>`: deletes `<name>` from lower layers.
    Whiteout,
    /// `.wh..wh..opq`: hides everything lower layers put in this directory.
    Opaque,
    /// Devices, FIFOs and the like.
    Other,
}

/// An entry's metadata. For whiteouts `path` is the path deleted; for
/// opaque markers it is the directory made opaque.
#[derive(Clone, Debug)]
pub struct EntryMeta {
    /// Normalized in-image path.
    pub path: String,
    /// Kind.
    pub kind: EntryKind,
    /// Declared size.
    pub size: u64,
    /// Mode bits including the file type.
    pub mode: u32,
}

/// What streaming a layer found out.
#[derive(Clone, Debug, Default)]
pub struct LayerSummary {
    /// sha256 of the blob as stored.
    pub blob_digest: String,
    /// Bytes of the blob read.
    pub blob_bytes: u64,
    /// sha256 of the uncompressed tar (the diff id).
    pub diff_id: String,
    /// Uncompressed bytes.
    pub uncompressed_bytes: u64,
    /// `gzip`, `zstd` or `none`.
    pub compression: &'static str,
    /// Entries seen.
    pub entries: u64,
    /// Entries skipped, with why (unsafe paths and the like).
    pub warnings: Vec<String>,
}

/// Most warnings kept per layer.
const MAX_WARNINGS: usize = 20;

/// Hashes and counts what passes through.
/// `hasher` is `None` where another `Hashing` already sees the same bytes.
struct Hashing<'a, R> {
    inner: R,
    hasher: Option<&'a mut Sha256>,
    count: &'a mut u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(&buf[..read]);
        }
        *self.count += read as u64;
        Ok(read)
    }
}

/// Fails once more than `limit` bytes came through.
struct Capped<R> {
    inner: R,
    seen: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.seen += read as u64;
        if self.seen > self.limit {
            return Err(io::Error::other(format!(
                "the layer inflates past the {} byte limit (a decompression bomb?)",
                self.limit
            )));
        }
        Ok(read)
    }
}

/// A regular file entry being streamed, readable once.
struct TarFileEntry<'e, R> {
    meta: &'e EntryMeta,
    entry: &'e mut R,
}

impl<R: Read> Entry for TarFileEntry<'_, R> {
    fn path(&self) -> &str {
        &self.meta.path
    }

    fn size(&self) -> u64 {
        self.meta.size
    }

    fn mode(&self) -> u32 {
        self.meta.mode
    }

    fn read(&mut self, max_bytes: u64) -> Result<Vec<u8>> {
        if self.meta.size > max_bytes {
            bail!(
                "{} bytes is over the {max_bytes} byte limit",
                self.meta.size
            );
        }
        let mut bytes = Vec::with_capacity(self.meta.size.min(max_bytes) as usize);
        (&mut *self.entry).take(max_bytes).read_to_end(&mut bytes)?;
        if (bytes.len() as u64) < self.meta.size {
            bail!(
                "{}: the layer ends inside this file (truncated tar)",
                self.meta.path
            );
        }
        Ok(bytes)
    }
}

/// Normalizes a tar entry path to an in-image path: leading `/` and `./`
/// dropped; a `..` component is refused (it would leave the image root).
pub fn entry_path(raw: &str) -> Result<String, String> {
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(format!(
                    "{raw:?}: path leaves the image root; entry skipped"
                ));
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

fn classify(
    raw_path: &str,
    header: &tar::Header,
    link: Option<String>,
) -> Result<Option<EntryMeta>, String> {
    let path = entry_path(raw_path)?;
    if path.is_empty() {
        return Ok(None);
    }
    let (dir, name) = match path.rsplit_once('/') {
        Some((dir, name)) => (dir.to_string(), name.to_string()),
        None => (String::new(), path.clone()),
    };
    let size = header.size().unwrap_or(0);
    let mode = header.mode().unwrap_or(0o644) & 0o7777;
    if name == ".wh..wh..opq" {
        return Ok(Some(EntryMeta {
            path: dir,
            kind: EntryKind::Opaque,
            size: 0,
            mode: 0,
        }));
    }
    if let Some(hidden) = name.strip_prefix(".wh.") {
        if hidden.is_empty() {
            return Err(format!("{raw_path:?}: empty whiteout name; entry skipped"));
        }
        let deleted = if dir.is_empty() {
            hidden.to_string()
        } else {
            format!("{dir}/{hidden}")
        };
        return Ok(Some(EntryMeta {
            path: deleted,
            kind: EntryKind::Whiteout,
            size: 0,
            mode: 0,
        }));
    }
    let (kind, type_bits) = match header.entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => (EntryKind::File, 0o100000),
        tar::EntryType::Directory => (EntryKind::Dir, 0o040000),
        tar::EntryType::Symlink => (EntryKind::Symlink(link.unwrap_or_default()), 0o120000),
        tar::EntryType::Link => {
            let target = entry_path(&link.unwrap_or_default()).map_err(|_| {
                format!("{raw_path:?}: hard link leaves the image root; entry skipped")
            })?;
            if target.is_empty() || target == path {
                return Err(format!("{raw_path:?}: hard link to itself; entry skipped"));
            }
            (EntryKind::Hardlink(target), 0o100000)
        }
        _ => (EntryKind::Other, 0),
    };
    Ok(Some(EntryMeta {
        path,
        kind,
        size,
        mode: mode | type_bits,
    }))
}

/// Streams one layer blob. `visit` gets every entry's metadata, and for
/// regular files a readable entry (read it or not; unread data is skipped).
/// Errors name what was wrong; the caller names the layer.
pub fn stream_layer(
    blob: Box<dyn Read + Send>,
    limits: &LayerLimits,
    visit: &mut dyn FnMut(&EntryMeta, Option<&mut dyn Entry>),
) -> Result<LayerSummary> {
    let mut blob_hasher = Sha256::new();
    let mut diff_hasher = Sha256::new();
    let mut blob_bytes = 0u64;
    let mut uncompressed = 0u64;
    let mut summary = LayerSummary::default();
    {
        let hashed = Hashing {
            inner: blob,
            hasher: Some(&mut blob_hasher),
            count: &mut blob_bytes,
        };
        let mut buffered = BufReader::with_capacity(256 << 10, hashed);
        let magic = buffered
            .fill_buf()
            .map_err(|err| anyhow!("cannot read the layer: {err}"))?;
        let (decoder, compression): (Box<dyn Read + '_>, &'static str) =
            if magic.starts_with(&[0x1f, 0x8b]) {
                (
                    Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
                    "gzip",
                )
            } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                let decoder = zstd::stream::read::Decoder::with_buffer(buffered)
                    .map_err(|err| anyhow!("cannot start zstd decompression: {err}"))?;
                (Box::new(decoder), "zstd")
            } else {
                (Box::new(buffered), "none")
            };
        summary.compression = compression;
        let capped = Capped {
            inner: decoder,
            seen: 0,
            limit: limits.max_uncompressed,
        };
        // An uncompressed blob is its own tar: its digest is the diff id,
        // so it is hashed once.
        let tar_stream: Box<dyn Read + '_> = Box::new(Hashing {
            inner: capped,
            hasher: (compression != "none").then_some(&mut diff_hasher),
            count: &mut uncompressed,
        });
        let mut archive = tar::Archive::new(tar_stream);
        for entry in archive
            .entries()
            .map_err(|err| describe(err, compression))?
        {
            let mut entry = entry.map_err(|err| describe(err, compression))?;
            summary.entries += 1;
            if summary.entries > limits.max_entries {
                bail!("the layer has more than {} entries", limits.max_entries);
            }
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let link = entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned());
            let meta = match classify(&raw, entry.header(), link) {
                Ok(Some(meta)) => meta,
                Ok(None) => continue,
                Err(warning) => {
                    if summary.warnings.len() < MAX_WARNINGS {
                        summary.warnings.push(warning);
                    }
                    continue;
                }
            };
            if meta.kind == EntryKind::File {
                let mut file = TarFileEntry {
                    meta: &meta,
                    entry: &mut entry,
                };
                visit(&meta, Some(&mut file));
            } else {
                visit(&meta, None);
            }
        }
        // Read what follows the end-of-archive marker so both digests
        // cover the whole stream.
        let mut rest = archive.into_inner();
        io::copy(&mut rest, &mut io::sink()).map_err(|err| describe(err, compression))?;
    }
    summary.blob_digest = format!("sha256:{}", hex(&blob_hasher.finalize()));
    summary.blob_bytes = blob_bytes;
    summary.diff_id = if summary.compression == "none" {
        summary.blob_digest.clone()
    } else {
        format!("sha256:{}", hex(&diff_hasher.finalize()))
    };
    summary.uncompressed_bytes = uncompressed;
    Ok(summary)
}

fn describe(err: io::Error, compression: &str) -> anyhow::Error {
    let what = match compression {
        "gzip" => "corrupt or truncated gzip stream",
        "zstd" => "corrupt or truncated zstd stream",
        _ => "corrupt or truncated tar stream",
    };
    if err.to_string().contains("inflates past") {
        return anyhow!("{err}");
    }
    anyhow!("{what}: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_are_confined() {
        assert_eq!(entry_path("./etc/passwd").as_deref(), Ok("etc/passwd"));
        assert_eq!(entry_path("/usr//bin/").as_deref(), Ok("usr/bin"));
        assert!(entry_path("../../etc/passwd").is_err());
        assert!(entry_path("a/../../b").is_err());
    }
}
