//! End-to-end tests: the real `bulkhead` binary, the curated plugins it
//! embeds, hostile plugins compiled from `tests/plugins/`, and targets
//! written to disk by the tests.

mod cache;
mod cli;
mod containment;
mod contract;
mod db;
mod debian;
mod dockerfile_corpus;
mod gate;
mod hostile_configs;
mod hostile_images;
mod image_config;
mod imagebuild;
mod images;
mod inventory;
mod output;
mod peer_secrets;
mod polyglot;
mod pss;
mod rules;
mod sandbox;
mod secrets;
mod support;
mod version_suites;
