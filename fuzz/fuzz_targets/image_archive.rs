//! A `docker save` or OCI-layout tarball: the tar index, manifest.json,
//! index.json, manifests and configs, as a scan reads them.
#![no_main]

use std::io::Write;
use std::sync::Arc;

use bulkhead::source::blobs::{BlobStore, TarFile};
use bulkhead::source::image::{Platform, docker_archive, oci_layout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let Ok(tar) = TarFile::open(file.path()) else {
        return;
    };
    let store = BlobStore::Tar(Arc::new(tar));
    let _ = docker_archive(store.clone());
    let _ = oci_layout(store, &Platform::default());
});
