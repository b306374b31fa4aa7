//! Fuzz target `wire_decode`: see `sessionlab_testkit::fuzz::wire_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz::wire_decode(data));
