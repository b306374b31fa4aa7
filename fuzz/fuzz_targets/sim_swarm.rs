//! Fuzz target `sim_swarm`: see `sessionlab_testkit::swarm::sim_swarm`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessionlab_testkit::swarm::sim_swarm(data));
