//! The package-inventory parsers of the curated plugins, natively: the
//! first byte picks the parser, the rest is the file.
#![no_main]

use bulkhead_plugin_packages::{dotnet, dpkg, java, lang, os, rpm, ruby};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let system = os::parse_os_release("ID=debian\nVERSION_ID=12\n");
    match choice % 12 {
        0 => drop(dpkg::dpkg(&text, &system)),
        1 => drop(dpkg::apk(&text, &system)),
        2 => drop(java::packages(bytes)),
        3 => drop(rpm::rpmdb(bytes, &system)),
        4 => drop(lang::python(&text)),
        5 => drop(lang::package_lock(&text)),
        6 => drop(lang::cargo_lock(&text)),
        7 => drop(ruby::gemfile_lock(&text)),
        8 => drop(ruby::gemspec(&text)),
        9 => drop(dotnet::deps_json(&text)),
        10 => drop(bulkhead_plugin_go_binaries::modules(bytes)),
        _ => drop(bulkhead_plugin_rust_binaries::crates(bytes)),
    }
});
