//! Fuzz target `sim_swarm`: see `sessionlab::testkit::swarm::sim_swarm`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab::testkit::swarm::sim_swarm(data));
