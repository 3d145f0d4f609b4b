//! An OSV `all.zip` as `bulkhead db update` checks it before swapping it in.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let _ = bulkhead::db::check_archive(file.path());
});
