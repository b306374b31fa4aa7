//! Fuzz target `server_ops`: see `sessionlab_testkit::fuzz::server_ops`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz::server_ops(data));
