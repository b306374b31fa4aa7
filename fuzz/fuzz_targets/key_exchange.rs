//! Fuzz target `key_exchange`: see `sessionlab_testkit::fuzz_key_exchange::key_exchange`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz_key_exchange::key_exchange(data));
