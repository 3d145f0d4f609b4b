//! A layer blob (gzip, zstd or plain tar) streamed as an image scan streams
//! it, then the overlay built from it and every path resolved.
#![no_main]

use std::collections::HashSet;
use std::io::Cursor;
use std::sync::Arc;

use bulkhead::walk::layer::{EntryMeta, LayerLimits, stream_layer};
use bulkhead::walk::overlay::Overlay;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small bounds so a bomb is refused quickly instead of filling memory.
    let limits = LayerLimits::new(64 << 20, 100_000, 128 << 20, 200_000);
    let mut metas: Vec<EntryMeta> = Vec::new();
    let _ = stream_layer(
        Box::new(Cursor::new(data.to_vec())),
        &limits,
        &mut |meta, entry| {
            metas.push(meta.clone());
            if let Some(entry) = entry {
                let _ = entry.read(1 << 20);
            }
        },
    );
    let paths: Vec<Vec<u8>> = metas.iter().map(|meta| meta.path.clone()).collect();
    let layers = vec![Arc::new(metas.clone()), Arc::new(metas)];
    let tracked: HashSet<(usize, Vec<u8>)> =
        paths.iter().map(|path| (1usize, path.clone())).collect();
    let overlay = Overlay::build(&layers, &tracked);
    for path in &paths {
        let _ = overlay.resolve(path);
        let _ = overlay.children(path, 100);
        let _ = overlay.final_layer(path);
    }
});
