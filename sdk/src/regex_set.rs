//! [`HostRegexSet`]: regexes compiled and run natively by the host.

use crate::File;
use crate::bindings::bulkhead::plugin::host;

pub use host::RegexMatch;

/// A list of regexes the host compiled (Rust `regex` syntax over bytes).
/// Searching a file with it runs natively, in time linear in the file's
/// size, without copying the file into the plugin.
pub struct HostRegexSet(host::RegexSet);

impl HostRegexSet {
    /// Compiles `patterns`; the error names the first one that fails.
    pub fn compile(patterns: &[String]) -> Result<Self, String> {
        host::compile_regex_set(patterns).map(HostRegexSet)
    }

    /// Every match of pattern number `pattern` in `file`, at most `max`.
    pub fn find_all(&self, pattern: u32, file: &File, max: u32) -> Vec<RegexMatch> {
        self.0.find_all(pattern, file.raw(), max)
    }
}
