//! Fuzz target `server_ops`: see `sessionlab::testkit::fuzz::server_ops`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab::testkit::fuzz::server_ops(data));
