//! Fuzz target `session_string`: see `sessionlab_testkit::fuzz_session_string::session_string`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::fuzz_session_string::session_string(data));
