//! Fuzz target `compare_runs`: see `sessionlab_testkit::fuzz_compare::compare_runs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz_compare::compare_runs(data));
