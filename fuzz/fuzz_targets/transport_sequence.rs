//! Fuzz target `transport_sequence`: see `sessionlab_testkit::fuzz::transport_sequence`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz::transport_sequence(data));
