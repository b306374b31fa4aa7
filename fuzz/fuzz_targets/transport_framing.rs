//! Fuzz target `transport_framing`: see `sessionlab_testkit::fuzz_framing::transport_framing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz_framing::transport_framing(data));
