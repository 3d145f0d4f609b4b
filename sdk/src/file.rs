//! [`File`]: a target file read through the host, in chunks.

use crate::bindings::bulkhead::plugin::host;

/// Bytes asked of the host per read; the host caps reads at 1 MiB.
const CHUNK: u32 = 1 << 20;

/// A file of the scan target. Reads go through the host; nothing is copied
/// into the plugin until it asks.
pub struct File<'a> {
    handle: FileHandle<'a>,
}

enum FileHandle<'a> {
    Borrowed(&'a host::File),
    Owned(host::File),
}

impl<'a> File<'a> {
    pub(crate) fn from_borrow(file: &'a host::File) -> Self {
        File {
            handle: FileHandle::Borrowed(file),
        }
    }

    pub(crate) fn raw(&self) -> &host::File {
        match &self.handle {
            FileHandle::Borrowed(file) => file,
            FileHandle::Owned(file) => file,
        }
    }

    /// Opens another file of the same target snapshot (e.g. `etc/os-release`).
    /// `None` when it does not exist, leaves the target, or is too large.
    pub fn open(path: &str) -> Option<File<'static>> {
        host::open(path).map(|file| File {
            handle: FileHandle::Owned(file),
        })
    }

    /// Names of the entries of a directory of the same snapshot, sorted.
    pub fn list_dir(path: &str) -> Vec<String> {
        host::list_dir(path)
    }

    /// In-target path, `/`-separated, no leading slash.
    pub fn path(&self) -> String {
        self.raw().path()
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.raw().size()
    }

    /// Unix mode bits.
    pub fn mode(&self) -> u32 {
        self.raw().mode()
    }

    /// Digest of the layer the file comes from, if any.
    pub fn layer(&self) -> Option<String> {
        self.raw().layer()
    }

    /// Indexes into this plugin's declared keywords of those the host found
    /// in this file (empty for files opened by path).
    pub fn matched_keywords(&self) -> Vec<u32> {
        self.raw().matched_keywords()
    }

    /// Reads up to `len` bytes at `offset` (fewer at the end of the file).
    pub fn read_at(&self, offset: u64, len: u32) -> Vec<u8> {
        self.raw().read(offset, len)
    }

    /// Reads the whole file, refusing files larger than `limit` bytes.
    pub fn read_all(&self, limit: u64) -> Result<Vec<u8>, String> {
        let size = self.size();
        if size > limit {
            return Err(format!(
                "{} is {size} bytes, over the {limit} byte limit",
                self.path()
            ));
        }
        let mut data = Vec::with_capacity(size as usize);
        while (data.len() as u64) < size {
            let chunk = self.read_at(data.len() as u64, CHUNK);
            if chunk.is_empty() {
                break;
            }
            data.extend_from_slice(&chunk);
        }
        data.truncate(size as usize);
        Ok(data)
    }

    /// Reads the whole file as text (invalid UTF-8 replaced), refusing files
    /// larger than `limit` bytes.
    pub fn read_text(&self, limit: u64) -> Result<String, String> {
        let data = self.read_all(limit)?;
        Ok(match String::from_utf8(data) {
            Ok(text) => text,
            Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        })
    }

    /// The file's lines with their 1-based numbers, line endings removed.
    pub fn lines(&self, limit: u64) -> Result<Vec<(u32, String)>, String> {
        let text = self.read_text(limit)?;
        Ok(text
            .lines()
            .enumerate()
            .map(|(index, line)| (index as u32 + 1, line.to_string()))
            .collect())
    }
}
