//! Fuzz target `scenario_parse`: see `sessionlab_testkit::fuzz::scenario_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz::scenario_parse(data));
