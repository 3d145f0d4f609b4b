//! Builds container images from tar bytes, the way `docker save`, skopeo and
//! BuildKit lay them out: docker-archive (classic and Docker 25+), OCI image
//! layout and OCI archive. Raw tar headers are written by hand where a
//! hostile entry must be exactly as an attacker would craft it.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One tar entry of a layer.
#[derive(Clone)]
pub enum Item {
    /// A regular file.
    File(&'static str, Vec<u8>, u32),
    /// A directory.
    Dir(&'static str),
    /// A symlink: path, target.
    Symlink(&'static str, &'static str),
    /// A hard link: path, target.
    Hardlink(&'static str, &'static str),
    /// Deletes a path of lower layers (`.wh.<name>`).
    Whiteout(&'static str),
    /// Hides a directory's lower content (`.wh..wh..opq`).
    Opaque(&'static str),
    /// A header written byte by byte: name bytes, type flag, declared size,
    /// data actually written, link name.
    Raw(Vec<u8>, u8, u64, Vec<u8>, &'static str),
}

/// How a layer blob is compressed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain tar.
    None,
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
}

/// One layer to build.
#[derive(Clone)]
pub struct LayerSpec {
    /// Its entries.
    pub items: Vec<Item>,
    /// Its history command.
    pub created_by: &'static str,
}

/// An image to build.
#[derive(Clone)]
pub struct ImageSpec {
    /// Layers, bottom first.
    pub layers: Vec<LayerSpec>,
    /// The `config` object of the image config (Env, User, ...).
    pub config: Value,
    /// History entries without a layer, inserted before layer `n`.
    pub empty_history_before: Vec<(usize, &'static str)>,
}

impl ImageSpec {
    /// An image with these layers and an empty config.
    pub fn new(layers: Vec<LayerSpec>) -> Self {
        ImageSpec {
            layers,
            config: json!({}),
            empty_history_before: Vec::new(),
        }
    }
}

/// `sha256:<hex>`.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn header(name: &[u8], kind: tar::EntryType, size: u64, mode: u32, link: &str) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    {
        let old = header.as_old_mut();
        let len = name.len().min(old.name.len());
        old.name[..len].copy_from_slice(&name[..len]);
        let link_len = link.len().min(old.linkname.len());
        old.linkname[..link_len].copy_from_slice(&link.as_bytes()[..link_len]);
    }
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(mode);
    header.set_mtime(1_700_000_000);
    header.set_uid(0);
    header.set_gid(0);
    header.set_cksum();
    header
}

/// The uncompressed tar of a layer.
pub fn layer_tar(items: &[Item]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push = |header: tar::Header, data: &[u8]| {
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    };
    for item in items {
        match item {
            Item::File(path, data, mode) => push(
                header(
                    path.as_bytes(),
                    tar::EntryType::Regular,
                    data.len() as u64,
                    *mode,
                    "",
                ),
                data,
            ),
            Item::Dir(path) => push(
                header(
                    format!("{path}/").as_bytes(),
                    tar::EntryType::Directory,
                    0,
                    0o755,
                    "",
                ),
                &[],
            ),
            Item::Symlink(path, target) => push(
                header(path.as_bytes(), tar::EntryType::Symlink, 0, 0o777, target),
                &[],
            ),
            Item::Hardlink(path, target) => push(
                header(path.as_bytes(), tar::EntryType::Link, 0, 0o644, target),
                &[],
            ),
            Item::Whiteout(path) => {
                let (dir, name) = path.rsplit_once('/').map_or(("", *path), |(d, n)| (d, n));
                let name = if dir.is_empty() {
                    format!(".wh.{name}")
                } else {
                    format!("{dir}/.wh.{name}")
                };
                push(
                    header(name.as_bytes(), tar::EntryType::Regular, 0, 0o644, ""),
                    &[],
                )
            }
            Item::Opaque(dir) => push(
                header(
                    format!("{dir}/.wh..wh..opq").as_bytes(),
                    tar::EntryType::Regular,
                    0,
                    0o644,
                    "",
                ),
                &[],
            ),
            Item::Raw(name, flag, size, data, link) => push(
                header(name, tar::EntryType::new(*flag), *size, 0o644, link),
                data,
            ),
        }
    }
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

/// Compresses a tar.
pub fn compress(tar: &[u8], compression: Compression) -> Vec<u8> {
    match compression {
        Compression::None => tar.to_vec(),
        Compression::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(tar).expect("gzip");
            encoder.finish().expect("gzip")
        }
        Compression::Zstd => zstd::encode_all(tar, 3).expect("zstd"),
    }
}

/// The built pieces of an image, ready to lay out.
pub struct Built {
    /// (diff id, stored blob) per layer.
    pub layers: Vec<(String, Vec<u8>)>,
    /// The config blob.
    pub config: Vec<u8>,
}

/// Builds layers (compressed as asked) and the config.
pub fn build(spec: &ImageSpec, compression: Compression) -> Built {
    let layers: Vec<(String, Vec<u8>)> = spec
        .layers
        .iter()
        .map(|layer| {
            let tar = layer_tar(&layer.items);
            (digest(&tar), compress(&tar, compression))
        })
        .collect();
    assemble(spec, layers)
}

/// The config for `spec` over layers already built elsewhere.
pub fn assemble(spec: &ImageSpec, layers: Vec<(String, Vec<u8>)>) -> Built {
    let mut history = Vec::new();
    for (index, layer) in spec.layers.iter().enumerate() {
        for (before, command) in &spec.empty_history_before {
            if *before == index {
                history.push(json!({ "created_by": command, "empty_layer": true }));
            }
        }
        history.push(json!({ "created_by": layer.created_by }));
    }
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "config": spec.config,
        "rootfs": { "type": "layers", "diff_ids": layers.iter().map(|(diff_id, _)| diff_id.clone()).collect::<Vec<_>>() },
        "history": history,
    });
    Built {
        layers,
        config: serde_json::to_vec(&config).expect("config json"),
    }
}

fn write(dir: &Path, relative: &str, bytes: &[u8]) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn blob_name(bytes: &[u8]) -> String {
    format!("blobs/sha256/{}", &digest(bytes)[7..])
}

/// Builds `spec` with gzip layers as an OCI image layout in a new
/// temporary directory.
pub fn gzip_oci_layout(spec: &ImageSpec) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = build(spec, Compression::Gzip);
    write_oci_layout(&built, Compression::Gzip, dir.path());
    dir
}

/// Writes an OCI image layout into `dir` (layers as given in `built`).
pub fn write_oci_layout(built: &Built, compression: Compression, dir: &Path) {
    let media = match compression {
        Compression::None => "application/vnd.oci.image.layer.v1.tar",
        Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
    };
    for (_, blob) in &built.layers {
        write(dir, &blob_name(blob), blob);
    }
    write(dir, &blob_name(&built.config), &built.config);
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(&built.config), "size": built.config.len() },
        "layers": built.layers.iter().map(|(_, blob)| json!({ "mediaType": media, "digest": digest(blob), "size": blob.len() })).collect::<Vec<_>>(),
    }))
    .expect("manifest");
    write(dir, &blob_name(&manifest), &manifest);
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest(&manifest),
            "size": manifest.len(),
            "platform": { "architecture": "amd64", "os": "linux" },
            "annotations": { "org.opencontainers.image.ref.name": "test/image:1.0" },
        }],
    });
    write(
        dir,
        "index.json",
        &serde_json::to_vec(&index).expect("index"),
    );
    write(dir, "oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
}

/// Tars up every file below `dir` (sorted) into `out`.
pub fn tar_directory(dir: &Path, out: &Path) {
    let mut builder = tar::Builder::new(std::fs::File::create(out).expect("create"));
    builder.mode(tar::HeaderMode::Deterministic);
    builder.append_dir_all(".", dir).expect("tar dir");
    builder.finish().expect("finish");
}

/// Writes an OCI archive (a tar of an OCI layout) at `out`.
pub fn write_oci_archive(built: &Built, compression: Compression, out: &Path) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_oci_layout(built, compression, dir.path());
    tar_directory(dir.path(), out);
}

/// Writes classic `docker save` output (uncompressed `<id>/layer.tar`).
pub fn write_docker_classic(spec: &ImageSpec, out: &Path) {
    let built = build(spec, Compression::None);
    let dir = tempfile::tempdir().expect("tempdir");
    let config_name = format!("{}.json", &digest(&built.config)[7..]);
    write(dir.path(), &config_name, &built.config);
    let mut layer_paths = Vec::new();
    for (index, (diff_id, tar)) in built.layers.iter().enumerate() {
        let id = &digest(format!("layer-{index}-{diff_id}").as_bytes())[7..];
        let path = format!("{id}/layer.tar");
        write(dir.path(), &path, tar);
        write(dir.path(), &format!("{id}/VERSION"), b"1.0");
        layer_paths.push(path);
    }
    let manifest =
        json!([{ "Config": config_name, "RepoTags": ["test/image:1.0"], "Layers": layer_paths }]);
    write(
        dir.path(),
        "manifest.json",
        &serde_json::to_vec(&manifest).expect("manifest"),
    );
    tar_directory(dir.path(), out);
}

/// Writes Docker 25+ `docker save` output: an OCI layout plus manifest.json
/// naming blobs under `blobs/sha256`.
pub fn write_docker_25(spec: &ImageSpec, out: &Path) {
    let built = build(spec, Compression::None);
    let dir = tempfile::tempdir().expect("tempdir");
    write_oci_layout(&built, Compression::None, dir.path());
    let manifest = json!([{
        "Config": blob_name(&built.config),
        "RepoTags": ["test/image:1.0"],
        "Layers": built.layers.iter().map(|(_, blob)| blob_name(blob)).collect::<Vec<_>>(),
    }]);
    write(
        dir.path(),
        "manifest.json",
        &serde_json::to_vec(&manifest).expect("manifest"),
    );
    tar_directory(dir.path(), out);
}
