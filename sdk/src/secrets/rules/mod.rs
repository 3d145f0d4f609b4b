//! The shared rule set, one module per family of providers. Every rule is
//! written from its provider's documented token format (prefix, alphabet,
//! length, checksum); `generic` comes last and yields to all others.

pub mod ai;
pub mod cloud;
pub mod commerce;
pub mod comms;
pub mod devops;
pub mod generic;
pub mod keys;
pub mod saas;
pub mod vcs;

use super::rule::SecretRule;

/// Every rule, in the order `plugin list` shows them.
pub fn all() -> Vec<SecretRule> {
    let mut rules = Vec::new();
    rules.extend(cloud::rules());
    rules.extend(vcs::rules());
    rules.extend(ai::rules());
    rules.extend(comms::rules());
    rules.extend(commerce::rules());
    rules.extend(devops::rules());
    rules.extend(saas::rules());
    rules.extend(keys::rules());
    rules.push(generic::rule());
    rules
}
