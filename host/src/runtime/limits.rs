//! The sandbox limits: what one call may take (time, memory) and what the
//! host keeps of what it reports (counts and bytes, per call and per plugin
//! per scan).
//!
//! `StoreLimits`-style capping bounds the guest's own memory; the caps on
//! what the host lifts and keeps bound the host's memory, which the guest
//! could otherwise grow without limit through `report`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wasmtime::{ResourceLimiter, Result};

/// The sandbox limits applied to every plugin call.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock deadline of one call (host waits included).
    pub call_timeout: Duration,
    /// Memory of one instance: all its linear memories together.
    pub memory_bytes: usize,
    /// Table elements of one instance, all tables together.
    pub table_elements: usize,
    /// Core instances one component instance may create.
    pub max_instances: usize,
    /// Linear memories one component instance may create.
    pub max_memories: usize,
    /// Tables one component instance may create.
    pub max_tables: usize,
    /// Findings accepted from one analyze call.
    pub max_findings_per_call: usize,
    /// Findings accepted from one post-scan call (a matcher reports a whole
    /// inventory's vulnerabilities at once).
    pub max_findings_per_post_scan: usize,
    /// Packages accepted from one call.
    pub max_packages_per_call: usize,
    /// Bytes of findings, packages and notes kept from one analyze call.
    pub max_bytes_per_call: u64,
    /// Bytes kept from one post-scan call.
    pub max_bytes_per_post_scan: u64,
    /// Bytes kept from one plugin over the whole scan (all calls).
    pub max_bytes_per_plugin: u64,
    /// Notes accepted from one call.
    pub max_notes_per_call: usize,
    /// Log lines kept from one call.
    pub max_log_lines_per_call: usize,
    /// Largest single `file.read` answered.
    pub max_read_bytes: u32,
    /// Largest file a plugin may `open` by path.
    pub max_open_bytes: u64,
    /// Files opened by path one call may hold at once.
    pub max_open_files: usize,
    /// Longest path `open` and `list-dir` accept.
    pub max_path_bytes: usize,
    /// Most components in a path `open` and `list-dir` accept.
    pub max_path_components: usize,
    /// Regex patterns one plugin may have compiled in all (every set).
    pub max_regex_patterns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            call_timeout: Duration::from_secs(10),
            memory_bytes: 256 << 20,
            table_elements: 1 << 20,
            max_instances: 64,
            max_memories: 16,
            max_tables: 64,
            max_findings_per_call: 10_000,
            max_findings_per_post_scan: 1_000_000,
            max_packages_per_call: 100_000,
            max_bytes_per_call: 4 << 20,
            max_bytes_per_post_scan: 256 << 20,
            max_bytes_per_plugin: 64 << 20,
            max_notes_per_call: 10_000,
            max_log_lines_per_call: 100,
            max_read_bytes: 1 << 20,
            max_open_bytes: 64 << 20,
            max_open_files: 256,
            max_path_bytes: 4 << 10,
            max_path_components: 256,
            max_regex_patterns: 1_024,
        }
    }
}

/// Caps on single fields of what a plugin reports, sized to what real
/// findings need. Longer values are truncated (and marked with `…`).
pub mod field {
    /// Rule ids.
    pub const RULE_ID: usize = 128;
    /// Messages.
    pub const MESSAGE: usize = 4 << 10;
    /// Field paths.
    pub const FIELD_PATH: usize = 1 << 10;
    /// Secrets (a PEM private key fits).
    pub const SECRET: usize = 8 << 10;
    /// Package names, versions, ecosystems, purls.
    pub const PACKAGE: usize = 1 << 10;
    /// Items of a list field (fixed versions, aliases, references).
    pub const LIST_ITEMS: usize = 64;
    /// One item of a list field.
    pub const LIST_ITEM: usize = 512;
    /// Properties of one finding.
    pub const PROPERTIES: usize = 16;
    /// A property's name.
    pub const PROPERTY_NAME: usize = 64;
    /// A property's value.
    pub const PROPERTY_VALUE: usize = 1 << 10;
    /// A note's key.
    pub const NOTE_KEY: usize = 256;
    /// A note's value.
    pub const NOTE_VALUE: usize = 64 << 10;
    /// A path.
    pub const PATH: usize = 4 << 10;
    /// A log line.
    pub const LOG_LINE: usize = 512;
}

/// Bytes a plugin may still have kept this scan, shared by its instances.
#[derive(Debug)]
pub struct OutputBudget {
    left: AtomicU64,
}

impl OutputBudget {
    /// A budget of `bytes`.
    pub fn new(bytes: u64) -> Self {
        OutputBudget {
            left: AtomicU64::new(bytes),
        }
    }

    /// Takes `bytes` from the budget; false (and nothing taken) if fewer
    /// are left.
    pub fn take(&self, bytes: u64) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }
}

/// Caps an instance's memories, tables and core instances, counting every
/// memory and table of the instance against one total, and remembers
/// whether a cap was hit.
#[derive(Debug)]
pub struct InstanceLimiter {
    memory_cap: usize,
    memory_used: usize,
    table_cap: usize,
    table_used: usize,
    instances: usize,
    memories: usize,
    tables: usize,
    hit: bool,
}

impl InstanceLimiter {
    /// A limiter for `limits`.
    pub fn new(limits: &Limits) -> Self {
        InstanceLimiter {
            memory_cap: limits.memory_bytes,
            memory_used: 0,
            table_cap: limits.table_elements,
            table_used: 0,
            instances: limits.max_instances,
            memories: limits.max_memories,
            tables: limits.max_tables,
            hit: false,
        }
    }

    /// True once a growth was refused.
    pub fn hit_cap(&self) -> bool {
        self.hit
    }

    /// Bytes of linear memory in use, all memories together.
    pub fn memory_used(&self) -> usize {
        self.memory_used
    }
}

/// Grows `used` by what one memory or table asks for (`desired - current`)
/// if the instance's total stays within `cap`; otherwise records the hit
/// and refuses.
fn grow(used: &mut usize, cap: usize, current: usize, desired: usize, hit: &mut bool) -> bool {
    let total = used.saturating_add(desired.saturating_sub(current));
    if total > cap {
        *hit = true;
        return false;
    }
    *used = total;
    true
}

impl ResourceLimiter for InstanceLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool> {
        Ok(grow(
            &mut self.memory_used,
            self.memory_cap,
            current,
            desired,
            &mut self.hit,
        ))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool> {
        Ok(grow(
            &mut self.table_used,
            self.table_cap,
            current,
            desired,
            &mut self.hit,
        ))
    }

    fn instances(&self) -> usize {
        self.instances
    }

    fn tables(&self) -> usize {
        self.tables
    }

    fn memories(&self) -> usize {
        self.memories
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memories_count_against_one_total() {
        let limits = Limits {
            memory_bytes: 100,
            ..Limits::default()
        };
        let mut limiter = InstanceLimiter::new(&limits);
        assert!(limiter.memory_growing(0, 60, None).unwrap_or(false));
        // A second memory of the same instance: 60 + 60 is over 100.
        assert!(!limiter.memory_growing(0, 60, None).unwrap_or(true));
        assert!(limiter.hit_cap());
        assert!(limiter.memory_growing(0, 40, None).unwrap_or(false));
        assert_eq!(limiter.memory_used(), 100);
    }

    #[test]
    fn budgets_refuse_what_is_not_left() {
        let budget = OutputBudget::new(10);
        assert!(budget.take(6));
        assert!(!budget.take(6));
        assert!(budget.take(4));
    }
}
