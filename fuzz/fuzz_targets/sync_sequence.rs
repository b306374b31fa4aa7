//! Fuzz target `sync_sequence`: see `sessionlab_testkit::sync_model::fuzz`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::sync_model::fuzz(data));
