//! Scan targets: what the user named, recognised and opened.
//!
//! - a directory holding `oci-layout`: an OCI image layout;
//! - any other directory: a file tree (a repository, an unpacked root
//!   filesystem), confined through `cap-std`;
//! - a tar file with `manifest.json`: `docker save` output (classic, or the
//!   Docker 25+ layout with blobs under `blobs/sha256`);
//! - a tar file with `oci-layout` and `index.json`: an OCI archive;
//! - any other file: scanned as one file.
//!
//! Everything after this module sees a [`Target`]: either a [`FileTree`]
//! to walk, or an [`Image`] whose layers `walk::layer` streams.

pub mod blobs;
pub mod dir;
pub mod image;

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use cap_std::ambient_authority;
use cap_std::fs::Dir;

pub use blobs::{BlobStore, TarFile};
pub use dir::FileTree;
pub use image::{Image, LayerInfo, Platform};

pub use crate::model::TargetKind;

/// An opened target.
pub enum Target {
    /// A directory or a file.
    Files(FileTree),
    /// A container image.
    Image {
        /// As named by the user.
        name: String,
        /// Which image format.
        kind: TargetKind,
        /// The resolved image.
        image: Box<Image>,
    },
}

impl Target {
    /// What the user named.
    pub fn name(&self) -> &str {
        match self {
            Target::Files(tree) => &tree.name,
            Target::Image { name, .. } => name,
        }
    }

    /// The kind detected.
    pub fn kind(&self) -> TargetKind {
        match self {
            Target::Files(tree) => tree.kind,
            Target::Image { kind, .. } => *kind,
        }
    }
}

/// Opens `path`, detecting its kind. Errors name the target and the problem.
pub fn open(path: &Path, platform: &Platform) -> Result<Target> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot scan {name}: it does not exist or is unreadable"))?;
    if meta.is_dir() && path.join("oci-layout").is_file() {
        let dir = Dir::open_ambient_dir(path, ambient_authority())
            .with_context(|| format!("cannot open directory {name}"))?;
        let image = image::oci_layout(BlobStore::Dir(Arc::new(dir)), platform)
            .with_context(|| format!("cannot read OCI layout {name}"))?;
        return Ok(Target::Image {
            name,
            kind: TargetKind::OciLayout,
            image: Box::new(image),
        });
    }
    if meta.is_file() && looks_like_tar(path) {
        let tar = Arc::new(TarFile::open(path).with_context(|| format!("cannot read {name}"))?);
        if tar.contains("manifest.json") {
            let image = image::docker_archive(BlobStore::Tar(tar))
                .with_context(|| format!("cannot read docker archive {name}"))?;
            return Ok(Target::Image {
                name,
                kind: TargetKind::DockerArchive,
                image: Box::new(image),
            });
        }
        if tar.contains("oci-layout") && tar.contains("index.json") {
            let image = image::oci_layout(BlobStore::Tar(tar), platform)
                .with_context(|| format!("cannot read OCI archive {name}"))?;
            return Ok(Target::Image {
                name,
                kind: TargetKind::OciArchive,
                image: Box::new(image),
            });
        }
    }
    Ok(Target::Files(FileTree::open(path, &meta)?))
}

/// True if the file starts with a POSIX/GNU tar header.
fn looks_like_tar(path: &Path) -> bool {
    let mut header = [0u8; 512];
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    file.read_exact(&mut header).is_ok() && &header[257..262] == b"ustar"
}
