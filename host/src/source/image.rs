//! Container images: docker-archive (classic and Docker 25+), OCI image
//! layout directories and OCI archives, resolved to one image: its config
//! and its layers in order, each with the digests to verify it against and
//! the history command that created it.
//!
//! Nothing is trusted: every digest used as a path is checked to be a
//! well-formed `sha256:<64 hex>` first, every blob whose digest is known is
//! verified (metadata here, layers while they stream in `walk::layer`), and
//! nested indexes are followed to a bounded depth with loop detection.

use std::collections::HashSet;

use anyhow::{Context, Result, bail, ensure};
use oci_spec::image::{Descriptor, ImageConfiguration, ImageIndex, ImageManifest};
use serde::Deserialize;

use super::blobs::BlobStore;
use crate::digest::sha256_digest;
pub use crate::model::LayerInfo;

/// Largest manifest, index or config blob read.
const MAX_METADATA_BYTES: u64 = 16 << 20;
/// Deepest chain of nested indexes followed.
const MAX_INDEX_DEPTH: usize = 8;
/// Most layers an image may have.
const MAX_LAYERS: usize = 1_000;

/// The platform to pick from a multi-platform index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    /// e.g. `linux`.
    pub os: String,
    /// e.g. `amd64`.
    pub architecture: String,
    /// e.g. `v8`, optional.
    pub variant: Option<String>,
}

impl Platform {
    /// Parses `os/arch[/variant]`.
    pub fn parse(text: &str) -> Result<Platform> {
        let parts: Vec<&str> = text.split('/').collect();
        ensure!(
            (2..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty()),
            "invalid platform {text:?}: use os/arch or os/arch/variant, e.g. linux/amd64"
        );
        Ok(Platform {
            os: parts[0].to_string(),
            architecture: parts[1].to_string(),
            variant: parts.get(2).map(|v| v.to_string()),
        })
    }

    fn matches(&self, descriptor: &Descriptor) -> bool {
        let Some(platform) = descriptor.platform() else {
            return false;
        };
        platform.os().to_string() == self.os
            && platform.architecture().to_string() == self.architecture
            && (self.variant.is_none() || platform.variant().as_deref() == self.variant.as_deref())
    }
}

impl Default for Platform {
    fn default() -> Self {
        Platform {
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: None,
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

/// A resolved image.
pub struct Image {
    /// A name for it, from `RepoTags` or the `ref.name` annotation.
    pub reference: Option<String>,
    /// Digest of the manifest, for OCI sources.
    pub manifest_digest: Option<String>,
    /// Digest of the config blob.
    pub config_digest: String,
    /// The config blob as stored (handed to plugins as is).
    pub config_json: Vec<u8>,
    /// `os/architecture[/variant]` from the config.
    pub platform: String,
    /// Layers, bottom first.
    pub layers: Vec<LayerInfo>,
    /// Where the blobs are.
    pub store: BlobStore,
}

/// `manifest.json` of `docker save`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// Checks a digest string and returns its blob path `blobs/sha256/<hex>`.
pub fn blob_path(digest: &str) -> Result<String> {
    let hex_part = digest.strip_prefix("sha256:").with_context(|| {
        format!(
            "unsupported digest {:?}: only sha256 is accepted",
            truncate(digest)
        )
    })?;
    ensure!(
        hex_part.len() == 64
            && hex_part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "malformed digest {:?}",
        truncate(digest)
    );
    Ok(format!("blobs/sha256/{hex_part}"))
}

fn truncate(text: &str) -> String {
    text.chars().take(100).collect()
}

/// Reads a blob by digest and verifies it.
fn read_verified(store: &BlobStore, digest: &str) -> Result<Vec<u8>> {
    let path = blob_path(digest)?;
    let bytes = store
        .read(&path, MAX_METADATA_BYTES)
        .with_context(|| format!("the image names blob {digest}, which cannot be read"))?;
    let actual = sha256_digest(&bytes);
    ensure!(
        actual == digest,
        "digest mismatch for blob {digest}: its content hashes to {actual}"
    );
    Ok(bytes)
}

/// Reads `docker save` output.
pub fn docker_archive(store: BlobStore) -> Result<Image> {
    let manifest = store.read("manifest.json", MAX_METADATA_BYTES)?;
    let entries: Vec<DockerManifestEntry> = serde_json::from_slice(&manifest)
        .context("manifest.json is not a docker-archive manifest")?;
    let entry = entries
        .into_iter()
        .next()
        .context("manifest.json lists no image")?;
    ensure!(
        entry.layers.len() <= MAX_LAYERS,
        "the image has more than {MAX_LAYERS} layers"
    );
    let config_path =
        crate::walk::normalize(&entry.config).context("manifest.json: invalid Config path")?;
    let config_json = store
        .read(&config_path, MAX_METADATA_BYTES)
        .with_context(|| {
            format!("manifest.json names config {config_path}, which cannot be read")
        })?;
    let config_digest = sha256_digest(&config_json);
    // Both layouts name the config by its digest: `<hex>.json` (classic) or
    // `blobs/sha256/<hex>` (Docker 25+).
    let named_hex = config_path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".json");
    if named_hex.len() == 64 {
        ensure!(
            config_digest == format!("sha256:{named_hex}"),
            "digest mismatch for config {config_path}: its content hashes to {config_digest}"
        );
    }
    let layers = entry
        .layers
        .iter()
        .map(|path| {
            let path = crate::walk::normalize(path).context("manifest.json: invalid layer path")?;
            ensure!(
                store.contains(&path),
                "manifest.json names layer {path}, which is missing from the archive"
            );
            // Docker 25+ stores layers as `blobs/sha256/<digest>`.
            let digest = path
                .strip_prefix("blobs/sha256/")
                .filter(|hex| hex.len() == 64)
                .map(|hex| format!("sha256:{hex}"));
            Ok((path, digest, 0))
        })
        .collect::<Result<Vec<_>>>()?;
    let reference = entry.repo_tags.and_then(|tags| tags.into_iter().next());
    assemble(store, reference, None, config_digest, config_json, layers)
}

/// Reads an OCI image layout (directory or the content of an OCI archive).
pub fn oci_layout(store: BlobStore, platform: &Platform) -> Result<Image> {
    let layout = store
        .read("oci-layout", 4096)
        .context("not an OCI layout: no oci-layout file")?;
    let layout: serde_json::Value =
        serde_json::from_slice(&layout).context("oci-layout is not JSON")?;
    ensure!(
        layout.get("imageLayoutVersion").is_some(),
        "oci-layout has no imageLayoutVersion"
    );
    let index_bytes = store.read("index.json", MAX_METADATA_BYTES)?;
    let index: ImageIndex =
        serde_json::from_slice(&index_bytes).context("index.json is not an OCI image index")?;

    let mut visited = HashSet::new();
    let (descriptor, reference) = select_manifest(&store, &index, platform, 0, &mut visited)?;
    let manifest_digest = descriptor.digest().to_string();
    let manifest_bytes = read_verified(&store, &manifest_digest)?;
    let manifest: ImageManifest = serde_json::from_slice(&manifest_bytes)
        .with_context(|| format!("manifest {manifest_digest} is not an image manifest"))?;
    ensure!(
        manifest.layers().len() <= MAX_LAYERS,
        "the image has more than {MAX_LAYERS} layers"
    );
    let config_digest = manifest.config().digest().to_string();
    let config_json = read_verified(&store, &config_digest)?;
    let layers = manifest
        .layers()
        .iter()
        .map(|layer| {
            let digest = layer.digest().to_string();
            let path = blob_path(&digest)?;
            ensure!(
                store.contains(&path),
                "manifest {manifest_digest} names layer blob {digest}, which is missing"
            );
            Ok((path, Some(digest), layer.size()))
        })
        .collect::<Result<Vec<_>>>()?;
    assemble(
        store,
        reference,
        Some(manifest_digest),
        config_digest,
        config_json,
        layers,
    )
}

/// Picks the manifest for `platform`, following nested indexes.
fn select_manifest(
    store: &BlobStore,
    index: &ImageIndex,
    platform: &Platform,
    depth: usize,
    visited: &mut HashSet<String>,
) -> Result<(Descriptor, Option<String>)> {
    ensure!(
        depth <= MAX_INDEX_DEPTH,
        "image indexes nest deeper than {MAX_INDEX_DEPTH}"
    );
    let manifests = index.manifests();
    ensure!(!manifests.is_empty(), "the image index lists no manifest");
    let reference_of = |d: &Descriptor| {
        d.annotations()
            .as_ref()
            .and_then(|a| a.get("org.opencontainers.image.ref.name").cloned())
    };
    let mut available = Vec::new();
    // A single manifest without a platform is the image; with several, the
    // platform decides.
    for descriptor in manifests {
        let media = descriptor.media_type().to_string();
        if media.contains("index") || media.contains("manifest.list") {
            let digest = descriptor.digest().to_string();
            ensure!(
                visited.insert(digest.clone()),
                "image index loop: {digest} is reached twice"
            );
            let bytes = read_verified(store, &digest)?;
            let nested: ImageIndex = serde_json::from_slice(&bytes)
                .with_context(|| format!("{digest} is not an image index"))?;
            match select_manifest(store, &nested, platform, depth + 1, visited) {
                Ok((found, reference)) => {
                    return Ok((found, reference.or_else(|| reference_of(descriptor))));
                }
                Err(err) if err.to_string().starts_with("no manifest for platform") => {
                    available.push(err.to_string());
                    continue;
                }
                Err(err) => return Err(err),
            }
        }
        if descriptor.platform().is_none() && manifests.len() == 1 {
            return Ok((descriptor.clone(), reference_of(descriptor)));
        }
        if platform.matches(descriptor) {
            return Ok((descriptor.clone(), reference_of(descriptor)));
        }
        if let Some(p) = descriptor.platform() {
            available.push(format!("{}/{}", p.os(), p.architecture()));
        }
    }
    // Attestation manifests and images without platform: take the first
    // plain manifest when nothing states a platform at all.
    let first_plain = manifests
        .iter()
        .find(|d| !d.media_type().to_string().contains("index"));
    if let (true, Some(first)) = (available.is_empty(), first_plain) {
        return Ok((first.clone(), reference_of(first)));
    }
    bail!(
        "no manifest for platform {platform} (available: {})",
        available.join(", ")
    )
}

fn assemble(
    store: BlobStore,
    reference: Option<String>,
    manifest_digest: Option<String>,
    config_digest: String,
    config_json: Vec<u8>,
    layers: Vec<(String, Option<String>, u64)>,
) -> Result<Image> {
    let config: ImageConfiguration = serde_json::from_slice(&config_json)
        .with_context(|| format!("config {config_digest} is not an image config"))?;
    let diff_ids = config.rootfs().diff_ids();
    ensure!(
        diff_ids.len() == layers.len(),
        "the config lists {} layer diff ids but the manifest {} layers",
        diff_ids.len(),
        layers.len()
    );
    // History entries marked empty_layer created no layer: skip them so
    // the n-th real entry maps to the n-th layer.
    let commands: Vec<Option<String>> = config
        .history()
        .as_ref()
        .map(|history| {
            history
                .iter()
                .filter(|h| !h.empty_layer().unwrap_or(false))
                .map(|h| h.created_by().clone())
                .collect()
        })
        .unwrap_or_default();
    let mut infos = Vec::with_capacity(layers.len());
    for (index, ((blob_path, digest, size), diff_id)) in
        layers.into_iter().zip(diff_ids).enumerate()
    {
        crate::source::image::blob_path(diff_id)
            .with_context(|| format!("layer {index}: invalid diff id"))?;
        infos.push(LayerInfo {
            index,
            diff_id: diff_id.clone(),
            digest,
            size,
            created_by: commands.get(index).cloned().flatten(),
            blob_path,
        });
    }
    let mut platform = format!("{}/{}", config.os(), config.architecture());
    if let Some(variant) = config.variant() {
        platform.push('/');
        platform.push_str(variant);
    }
    Ok(Image {
        reference,
        manifest_digest,
        config_digest,
        config_json,
        platform,
        layers: infos,
        store,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_used_as_paths_are_checked() {
        let good = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            blob_path(&good).expect("valid"),
            format!("blobs/sha256/{}", "a".repeat(64))
        );
        assert!(blob_path("sha256:../../etc/passwd").is_err());
        assert!(blob_path(&format!("md5:{}", "a".repeat(32))).is_err());
        assert!(blob_path(&format!("sha256:{}", "A".repeat(64))).is_err());
    }

    #[test]
    fn platforms_parse() {
        assert_eq!(
            Platform::parse("linux/arm64/v8")
                .expect("valid")
                .to_string(),
            "linux/arm64/v8"
        );
        assert!(Platform::parse("linux").is_err());
    }
}
