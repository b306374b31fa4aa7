//! Fuzz target `shard_files`: see `sessionlab_testkit::fuzz_shard::shard_files`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz_shard::shard_files(data));
