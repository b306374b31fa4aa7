//! # sessionlab
//!
//! A deterministic discrete-event simulator and fuzzing testbed for
//! multi-device session management as Telegram's MTProto does it.
//!
//! ## Bird's-eye view
//!
//! A real, sans-IO protocol core ([`proto`]) — the code a production server
//! and a production client would embed — is driven by a deterministic
//! simulator through flaky networks and attackers holding stolen keys. The
//! simulator measures sync traffic and logout bypasses from typed events.
//!
//! ```text
//!  scenario file ──► scenario ──► sim (clock, events, network, actors, oracles) ──► report
//!                                   │  now, bytes, rng          ▲ outputs, timeouts, events
//!                                   ▼                           │
//!                                 proto (crypto ▸ wire ▸ transport ▸ auth ▸ sync ▸ server/client)
//! ```
//!
//! ## Code map
//!
//! - [`proto`] — the sans-IO core, bottom-up:
//!   - [`proto::time`]: `Instant` (µs since the Unix epoch) handed in as `now`.
//!   - [`proto::crypto`]: auth keys, MTProto 2.0 `msg_key`, key derivation, AES-256-IGE.
//!   - [`proto::wire`]: TL primitives, the packet envelope, service messages,
//!     constructor ids; [`proto::wire::api`]: the auth/account/updates API
//!     codecs and the project-private constructors.
//!   - [`proto::transport`]: per-session message ids, seqnos, salts, the replay
//!     window, bad-message codes, acks, resends and client recovery.
//!   - [`proto::sync`]: the update log (pts/qts/seq), differences, the
//!     client's sync state machine, the list hash, sync traffic accounting.
//!   - [`proto::auth`]: the session layer's state machine — accounts, logins,
//!     authorizations, revocation across datacenters, temp keys, lifecycle.
//!   - [`proto::server`]: one datacenter (transport + API dispatch + session
//!     layer + update logs); [`proto::client`]: one app instance.
//! - [`sim`] — the simulator: clock, event queue, trace hash, RNG streams,
//!   distributions, clock skew, the network model and its faults
//!   ([`sim::network`]), the world of a run ([`sim::world`]: owners and
//!   their scheduled actions, devices lost, stolen or restored from
//!   backups, attackers including packet replay, and the end-of-run
//!   oracles), the bypass oracle and credential graph ([`sim::oracle`]),
//!   the scenario mapping ([`sim::config`]) and parallel seeds ([`sim::batch`]).
//! - [`scenario`] — the TOML scenario format: parsing, validation with
//!   file:line:column errors, per-seed swarm draws, `[expect]`, metric names.
//! - [`report`] — runs.csv, summary.csv, summary.md, report.html.
//! - [`testkit`] — harnesses shared by property tests, fuzz targets and
//!   benches (the adversarial transport channel; the fuzz target bodies).
//! - [`cli`] — the subcommands behind the thin `main.rs`.
//!
//! ## Architecture invariants
//!
//! 1. `proto` imports nothing from `sim`, `scenario`, `report` or `cli`.
//! 2. `proto` never reads a clock, a global RNG, a socket, a file or an
//!    environment variable: time arrives as `now`, randomness as
//!    `&mut impl RngCore`, effects leave as returned values.
//!    (`tests/architecture.rs` checks 1 and 2 by reading the source.)
//! 3. The simulator owns the clock, the event queue and every RNG stream;
//!    streams are ChaCha seeded from (scenario seed, stable label).
//! 4. Nothing observable depends on `HashMap`/`HashSet` iteration order or on
//!    wall-clock time: every output is a pure function of (scenario, seed, version).
//! 5. Anything a peer, an attacker or a file can cause is an error value,
//!    never a panic; panics and `assert!` guard internal invariants only.
//! 6. Metrics come from typed events, never from parsing logs.

pub mod cli;
pub mod engine;
pub mod report;
pub mod scenario;
pub mod testkit;
pub mod world;
