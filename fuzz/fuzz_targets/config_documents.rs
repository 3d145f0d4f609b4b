//! The SDK's YAML/JSON document reader (kubernetes, ecs) and the
//! Dockerfile parser.
#![no_main]

use bulkhead_sdk::doc::{Limits, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse(text, Limits::default());
    let _ = bulkhead_plugin_dockerfile::parse::parse(text);
});
