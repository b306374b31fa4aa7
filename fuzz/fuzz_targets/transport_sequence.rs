//! Fuzz target `transport_sequence`: see `sessionlab::testkit::fuzz::transport_sequence`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab::testkit::fuzz::transport_sequence(data));
