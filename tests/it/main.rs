//! sessionlab's integration tests, in one binary (one link instead of one
//! per file), one module per area. Harnesses come from `sessionlab-testkit`;
//! `support` holds the few helpers only these tests use.
//!
//! proptest keeps its regressions beside each module's source file
//! (`tests/it/<module>.proptest-regressions`).

mod api_codecs;
mod architecture;
mod auth_model;
mod cli;
mod cli_compare;
mod cli_determinism;
mod cli_run;
mod cli_shard;
mod cli_shrink;
mod cli_slurm;
mod cli_sweep;
mod cli_sweep_shard;
mod client;
mod client_scripted;
mod crypto_vectors;
mod fuzz_regressions;
mod report_html;
mod reports_reproduce;
mod run_reports;
mod scenario_files;
mod scenario_parse;
mod scenario_sweeps;
mod serve;
mod server_flows;
mod server_login_security;
mod server_login_tokens;
mod server_model;
mod sim_attacks;
mod sim_codes;
mod sim_detection;
mod sim_devices;
mod sim_engine;
mod sim_latency;
mod sim_swarm;
mod sim_sync_bytes;
mod sim_thieves;
mod sim_world;
mod support;
mod sync_model;
mod sync_seq;
mod telethon_capture;
mod temp_keys;
mod trace;
mod transport_old_messages;
mod transport_properties;
mod transport_recovery;
mod transport_rules;
mod wire_public;
