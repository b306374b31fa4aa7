//! Fuzz target `wire_decode`: see `sessionlab::testkit::fuzz::wire_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab::testkit::fuzz::wire_decode(data));
