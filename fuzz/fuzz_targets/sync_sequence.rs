//! Fuzz target `sync_sequence`: see `sessionlab::testkit::sync_model::fuzz`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab::testkit::sync_model::fuzz(data));
