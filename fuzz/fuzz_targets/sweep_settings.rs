//! Fuzz target `sweep_settings`: see `sessionlab_testkit::fuzz_sweep::sweep_settings`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz_sweep::sweep_settings(data));
