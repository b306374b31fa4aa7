//! The model-based harness of the sync layer (shared by `tests/it/sync_model.rs`
//! and the `sync_sequence` fuzz target): one `UpdateLog` and several
//! `ClientSync`s connected by a tiny in-test network with virtual time that
//! loses, duplicates and reorders messages, while clients disconnect, go
//! offline, get `new_session_created` and are wiped. After every operation
//! each client is compared with the model (the full history of pushed
//! updates); after a quiet period every live client must hold exactly the
//! server's updates, in order, none lost, none twice, and a wiped one none.
//!
//! Pushes travel as containers with the log's `seq` (one update each, or
//! several as one `updatesCombined`), so loss and reordering exercise the
//! seq rule as well as the pts rule; small retention and `pts_total_limit`
//! make `differenceTooLong` and its recovery (state refetch, then a history
//! page) frequent.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use sessionlab_proto::sync::{
    Bootstrap, ClientConfig, ClientSync, Difference, StoredUpdate, SyncAction, SyncEvent, SyncState, SyncTotals,
    Update, UpdateBatch, UpdateKind, UpdateLog, HISTORY_PAGE_MAX,
};
use sessionlab_proto::time::Instant;

/// Clients of the one server.
pub const CLIENTS: usize = 3;
/// Long enough for the idle timer (15 min) to catch a lost last update.
pub const QUIET_PERIOD: Duration = Duration::from_secs(30 * 60);
/// Events one `run_until` may process before the harness calls it a livelock.
const STEPS_MAX: usize = 1_000_000;

/// One step of a run.
#[derive(Arbitrary, Clone, Debug)]
pub enum Op {
    Push {
        secondary: bool,
        pts_count: u32,
        payload_bytes: u32,
    },
    Advance {
        millis: u64,
    },
    Disconnect {
        client: usize,
    },
    Reconnect {
        client: usize,
    },
    NewSession {
        client: usize,
    },
    Wipe {
        client: usize,
    },
    /// Several common-box updates pushed as one `updatesCombined`.
    PushCombined {
        updates: u8,
        payload_bytes: u32,
    },
}

/// The network's misbehaviour.
#[derive(Arbitrary, Clone, Debug)]
pub struct Faults {
    pub loss_percent: u32,
    pub duplicate_percent: u32,
    pub latency_max_ms: u64,
}

/// The bounds of log, store and differences.
#[derive(Arbitrary, Clone, Debug)]
pub struct Limits {
    pub retained_limit: usize,
    pub store_limit: usize,
    pub pts_limit: u32,
    pub pts_total_limit: u32,
}

enum Down {
    Push(UpdateBatch),
    Difference(u64, Difference),
    State(u64, SyncState),
    History(u64, Vec<StoredUpdate>),
}

enum Message {
    ToClient(Down),
    ToServer(SyncAction),
}

/// One delivery: to or from `client`, valid only within its connection `epoch`.
struct Delivery {
    client: usize,
    epoch: u64,
    message: Message,
}

/// One log, several clients, a lossy network.
pub struct SyncModel {
    now: Instant,
    rng: ChaCha8Rng,
    pub faults: Faults,
    log: UpdateLog,
    history: Vec<Update>,
    clients: Vec<ClientSync>,
    online: Vec<bool>,
    epochs: Vec<u64>,
    applied: Vec<BTreeSet<u32>>,
    /// Every client's sync events, folded (what the run exercised).
    totals: SyncTotals,
    store_limit: usize,
    network: BTreeMap<(Instant, u64), Delivery>,
    sequence: u64,
}

impl SyncModel {
    // The update fills the `mutant` field of a `mutants` build.
    #[allow(clippy::needless_update)]
    pub fn new(seed: u64, faults: Faults, limits: &Limits) -> SyncModel {
        let config = ClientConfig {
            store_limit: limits.store_limit,
            pts_limit: limits.pts_limit,
            pts_total_limit: limits.pts_total_limit,
            ..ClientConfig::default()
        };
        let mut harness = SyncModel {
            now: Instant::SCENARIO_EPOCH,
            rng: ChaCha8Rng::seed_from_u64(seed),
            faults,
            log: UpdateLog::new(limits.retained_limit).unwrap(),
            history: Vec::new(),
            clients: (0..CLIENTS)
                .map(|_| ClientSync::new(config, Bootstrap::FullHistory).unwrap())
                .collect(),
            online: vec![false; CLIENTS],
            epochs: vec![0; CLIENTS],
            applied: vec![BTreeSet::new(); CLIENTS],
            totals: SyncTotals::default(),
            store_limit: limits.store_limit,
            network: BTreeMap::new(),
            sequence: 0,
        };
        for client in 0..CLIENTS {
            harness.reconnect(client);
        }
        harness
    }

    fn percent(&mut self, percent: u32) -> bool {
        self.rng.next_u32() % 100 < percent
    }

    /// Send with loss, duplication and a random latency (which reorders).
    fn send(&mut self, client: usize, message: Message) {
        if self.percent(self.faults.loss_percent) {
            return;
        }
        let copies = if self.percent(self.faults.duplicate_percent) {
            2
        } else {
            1
        };
        let mut message = Some(message);
        for copy in 0..copies {
            let latency_ms = 1 + self.rng.next_u64() % self.faults.latency_max_ms;
            let at = self.now + Duration::from_millis(latency_ms);
            self.sequence += 1;
            let message = if copy + 1 == copies {
                message.take().unwrap()
            } else {
                duplicate(message.as_ref().unwrap())
            };
            self.network.insert(
                (at, self.sequence),
                Delivery {
                    client,
                    epoch: self.epochs[client],
                    message,
                },
            );
        }
    }

    pub fn push(&mut self, secondary: bool, pts_count: u32, payload_bytes: u32) {
        let update = if secondary {
            self.log
                .push_secondary(self.now, UpdateKind::SecondaryBoxEvent, payload_bytes)
        } else {
            self.log
                .push(self.now, UpdateKind::NewMessage, payload_bytes, pts_count)
        }
        .unwrap();
        assert_eq!(update.seq as usize, self.history.len() + 1);
        self.history.push(update.clone());
        self.broadcast(UpdateBatch::single(update));
    }

    /// Append `count` common-box updates and push them as one combined container.
    pub fn push_combined(&mut self, count: u8, payload_bytes: u32) {
        let mut updates = Vec::new();
        for _ in 0..count.max(1) {
            let update = self
                .log
                .push(self.now, UpdateKind::NewMessage, payload_bytes, 1)
                .unwrap();
            self.history.push(update.clone());
            updates.push(update);
        }
        let batch = UpdateBatch {
            seq_start: updates[0].seq,
            seq: updates[updates.len() - 1].seq,
            updates,
        };
        self.broadcast(batch);
    }

    fn broadcast(&mut self, batch: UpdateBatch) {
        for client in 0..CLIENTS {
            if self.online[client] {
                self.send(client, Message::ToClient(Down::Push(batch.clone())));
            }
        }
    }

    pub fn disconnect(&mut self, client: usize) {
        self.online[client] = false;
        self.epochs[client] += 1;
        self.clients[client].on_disconnected();
    }

    pub fn reconnect(&mut self, client: usize) {
        if self.online[client] {
            return;
        }
        self.online[client] = true;
        self.epochs[client] += 1;
        self.clients[client].on_connected(self.now);
        self.pump(client);
    }

    /// Forward the client's requests to the network and record its applies.
    fn pump(&mut self, client: usize) {
        while let Some(action) = self.clients[client].poll_action() {
            self.send(client, Message::ToServer(action));
        }
        while let Some(event) = self.clients[client].poll_event() {
            self.totals.record(&event);
            if let SyncEvent::Applied { seq, .. } = event {
                assert!(
                    self.applied[client].insert(seq),
                    "client {client} applied seq {seq} twice"
                );
            }
        }
    }

    fn deliver(&mut self, delivery: Delivery) {
        let client = delivery.client;
        if !self.online[client] || delivery.epoch != self.epochs[client] {
            return; // the connection it belonged to is gone
        }
        match delivery.message {
            Message::ToServer(action) => {
                let answer = serve(&self.log, action);
                self.send(client, Message::ToClient(answer));
            }
            Message::ToClient(down) => {
                let now = self.now;
                let target = &mut self.clients[client];
                match down {
                    Down::Push(batch) => drop(target.on_batch(now, batch).unwrap()),
                    Down::Difference(id, difference) => target.on_difference(now, id, difference).unwrap(),
                    Down::State(id, state) => target.on_state(now, id, state),
                    Down::History(id, messages) => target.on_history(now, id, messages),
                }
                self.pump(client);
            }
        }
    }

    fn next_event(&self) -> Option<Instant> {
        let next_delivery = self.network.keys().next().map(|(at, _)| *at);
        let next_timer = self.clients.iter().filter_map(ClientSync::poll_timeout).min();
        [next_delivery, next_timer].into_iter().flatten().min()
    }

    pub fn run_until(&mut self, target: Instant) {
        for _ in 0..STEPS_MAX {
            match self.next_event() {
                Some(at) if at <= target => self.step(at),
                _ => {
                    self.now = target;
                    return;
                }
            }
        }
        panic!("livelock: more than {STEPS_MAX} events before {target:?}");
    }

    fn step(&mut self, at: Instant) {
        self.now = self.now.max(at);
        while let Some(entry) = self.network.first_entry() {
            if entry.key().0 > self.now {
                break;
            }
            let delivery = entry.remove();
            self.deliver(delivery);
        }
        for client in 0..CLIENTS {
            if self.clients[client]
                .poll_timeout()
                .is_some_and(|deadline| deadline <= self.now)
            {
                self.clients[client].handle_timeout(self.now);
                self.pump(client);
            }
        }
    }

    pub fn apply(&mut self, op: &Op) {
        match *op {
            Op::Push {
                secondary,
                pts_count,
                payload_bytes,
            } => self.push(secondary, pts_count, payload_bytes),
            Op::Advance { millis } => self.run_until(self.now + Duration::from_millis(millis)),
            Op::Disconnect { client } => self.disconnect(client),
            Op::Reconnect { client } => self.reconnect(client),
            Op::NewSession { client } => {
                self.clients[client].on_new_session_created(self.now);
                self.pump(client);
            }
            Op::Wipe { client } => {
                self.clients[client].wipe();
                self.pump(client);
            }
            Op::PushCombined { updates, payload_bytes } => self.push_combined(updates, payload_bytes),
        }
    }

    /// Safety, after every operation: a client holds only real updates, never
    /// runs ahead of the server and respects its bounds.
    pub fn check_safety(&self) {
        let server = self.log.state();
        for (index, client) in self.clients.iter().enumerate() {
            for update in client.updates() {
                let original = StoredUpdate::from(&self.history[update.seq as usize - 1]);
                assert_eq!(*update, original, "client {index} holds a corrupted update");
            }
            assert!(client.state().pts <= server.pts && client.state().qts <= server.qts);
            assert!(client.store_len() <= self.store_limit);
            if client.is_wiped() {
                assert_eq!(client.store_len(), 0);
            }
        }
    }

    /// Liveness, after the quiet period.
    pub fn check_converged(&self) {
        let retained: Vec<&Update> = self.log.updates().collect();
        for (index, client) in self.clients.iter().enumerate() {
            if client.is_wiped() {
                assert_eq!(client.store_len(), 0, "wiped client {index} holds updates");
                continue;
            }
            assert_eq!(client.state(), self.log.state(), "client {index} state");
            assert_eq!(client.pending_len(), 0);
            let stored: Vec<&StoredUpdate> = client.updates().collect();
            let suffix = &self.history[self.history.len() - stored.len()..];
            assert!(
                stored
                    .iter()
                    .copied()
                    .eq(suffix.iter().map(StoredUpdate::from).collect::<Vec<_>>().iter()),
                "client {index} store is not the newest updates in order"
            );
            // A history reload brings one page at most.
            let expected_len = retained.len().min(self.store_limit).min(HISTORY_PAGE_MAX as usize);
            assert!(
                stored.len() >= expected_len,
                "client {index} lost updates: {} < {expected_len}",
                stored.len()
            );
        }
    }
}

fn duplicate(message: &Message) -> Message {
    match message {
        Message::ToServer(action) => Message::ToServer(action.clone()),
        Message::ToClient(Down::Push(batch)) => Message::ToClient(Down::Push(batch.clone())),
        Message::ToClient(Down::Difference(id, difference)) => {
            Message::ToClient(Down::Difference(*id, difference.clone()))
        }
        Message::ToClient(Down::State(id, state)) => Message::ToClient(Down::State(*id, *state)),
        Message::ToClient(Down::History(id, messages)) => Message::ToClient(Down::History(*id, messages.clone())),
    }
}

/// The server's side of a request. A client never asks from the future.
fn serve(log: &UpdateLog, action: SyncAction) -> Down {
    match action {
        SyncAction::GetDifference { request_id, request } => {
            Down::Difference(request_id, log.difference(&request).expect("valid request"))
        }
        SyncAction::GetState { request_id } => Down::State(request_id, log.state()),
        SyncAction::GetHistory { request_id, limit } => Down::History(
            request_id,
            log.history(limit).into_iter().map(StoredUpdate::from).collect(),
        ),
    }
}

impl SyncModel {
    /// The virtual time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Every client's sync events so far, folded.
    pub fn totals(&self) -> &SyncTotals {
        &self.totals
    }
}

/// Run `ops` (with an optional wipe of the last client before op `wipe_at`),
/// checking safety after each, then a quiet period and convergence; returns
/// what the run exercised. Panics when the sync layer breaks an invariant.
pub fn run(seed: u64, faults: Faults, limits: &Limits, ops: &[Op], wipe_at: Option<usize>) -> SyncTotals {
    let mut harness = SyncModel::new(seed, faults, limits);
    for (index, op) in ops.iter().enumerate() {
        if wipe_at == Some(index) {
            harness.apply(&Op::Wipe { client: CLIENTS - 1 });
        }
        harness.apply(op);
        harness.check_safety();
    }
    // Quiet period: faults stop, every device comes back online.
    harness.faults = Faults {
        loss_percent: 0,
        duplicate_percent: 0,
        ..harness.faults.clone()
    };
    for client in 0..CLIENTS {
        harness.reconnect(client);
    }
    let end = harness.now + QUIET_PERIOD;
    harness.run_until(end);
    harness.check_safety();
    harness.check_converged();
    harness.totals
}

/// Operations steps a fuzz input runs at most.
pub const MAX_FUZZ_OPS: usize = 200;

/// A decoded `sync_sequence` input: (seed, faults, limits, ops, wipe-at).
pub type FuzzInput = (u64, Faults, Limits, Vec<Op>, Option<usize>);

/// What a `sync_sequence` fuzz input means: (seed, faults, limits, ops,
/// the op index before which the last client is wiped), with every value
/// folded into its range; `None` when the bytes run out.
pub fn decode_fuzz_input(data: &[u8]) -> Option<FuzzInput> {
    let mut input = Unstructured::new(data);
    let (Ok(seed), Ok(faults), Ok(limits), Ok(ops), Ok(wipe_at)) = (
        u64::arbitrary(&mut input),
        Faults::arbitrary(&mut input),
        Limits::arbitrary(&mut input),
        Vec::<Op>::arbitrary(&mut input),
        Option::<u16>::arbitrary(&mut input),
    ) else {
        return None;
    };
    let faults = Faults {
        loss_percent: faults.loss_percent % 60,
        duplicate_percent: faults.duplicate_percent % 30,
        latency_max_ms: 1 + faults.latency_max_ms % 15_000,
    };
    let limits = Limits {
        retained_limit: 5 + limits.retained_limit % 55,
        store_limit: 5 + limits.store_limit % 75,
        pts_limit: 1 + limits.pts_limit % 19,
        pts_total_limit: 5 + limits.pts_total_limit % 195,
    };
    let ops: Vec<Op> = ops
        .into_iter()
        .take(MAX_FUZZ_OPS)
        .map(|op| match op {
            Op::Push {
                secondary,
                pts_count,
                payload_bytes,
            } => {
                let pts_count = 1 + pts_count % 3;
                Op::Push {
                    secondary: secondary && pts_count == 1,
                    pts_count,
                    payload_bytes: payload_bytes % 500,
                }
            }
            Op::Advance { millis } => Op::Advance {
                millis: millis % 3_600_000,
            },
            Op::Disconnect { client } => Op::Disconnect {
                client: client % CLIENTS,
            },
            Op::Reconnect { client } => Op::Reconnect {
                client: client % CLIENTS,
            },
            Op::NewSession { client } => Op::NewSession {
                client: client % CLIENTS,
            },
            Op::Wipe { client } => Op::Wipe {
                client: client % CLIENTS,
            },
            Op::PushCombined { updates, payload_bytes } => Op::PushCombined {
                updates: 1 + updates % 4,
                payload_bytes: payload_bytes % 500,
            },
        })
        .collect();
    Some((seed, faults, limits, ops, wipe_at.map(usize::from)))
}

/// The `sync_sequence` fuzz target: arbitrary faults, limits and operations,
/// brought into the ranges the property test uses.
pub fn fuzz(data: &[u8]) {
    let Some((seed, faults, limits, ops, wipe_at)) = decode_fuzz_input(data) else {
        return;
    };
    run(seed, faults, &limits, &ops, wipe_at);
}
