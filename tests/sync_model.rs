//! Model-based test of the sync layer: one `UpdateLog` and several
//! `ClientSync`s connected by a tiny in-test network with virtual time that
//! loses, duplicates and reorders messages, while clients disconnect, go
//! offline, get `new_session_created` and are wiped. After every operation
//! each client is compared with the model (the full history of pushed
//! updates); after a quiet period every live client must hold exactly the
//! server's updates, in order, none lost, none twice, and a wiped one none.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use proptest::prelude::*;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sessionlab::proto::sync::{
    Bootstrap, ClientConfig, ClientSync, Difference, FullResync, SyncAction, SyncEvent, SyncState, Update, UpdateKind,
    UpdateLog,
};
use sessionlab::proto::time::Instant;

const CLIENTS: usize = 3;
/// Long enough for the idle timer (15 min) to catch a lost last update.
const QUIET_PERIOD: Duration = Duration::from_secs(30 * 60);
/// Events one `run_until` may process before the harness calls it a livelock.
const STEPS_MAX: usize = 1_000_000;

#[derive(Clone, Debug)]
enum Op {
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
}

#[derive(Clone, Debug)]
struct Faults {
    loss_percent: u32,
    duplicate_percent: u32,
    latency_max_ms: u64,
}

#[derive(Clone, Debug)]
struct Limits {
    retained_limit: usize,
    store_limit: usize,
    pts_limit: u32,
    pts_total_limit: u32,
}

enum Down {
    Push(Update),
    Difference(u64, Difference),
    State(u64, SyncState),
    Resync(u64, FullResync),
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

struct Harness {
    now: Instant,
    rng: ChaCha8Rng,
    faults: Faults,
    log: UpdateLog,
    history: Vec<Update>,
    clients: Vec<ClientSync>,
    online: Vec<bool>,
    epochs: Vec<u64>,
    applied: Vec<BTreeSet<u32>>,
    store_limit: usize,
    network: BTreeMap<(Instant, u64), Delivery>,
    sequence: u64,
}

impl Harness {
    fn new(seed: u64, faults: Faults, limits: &Limits) -> Harness {
        let config = ClientConfig {
            store_limit: limits.store_limit,
            pts_limit: limits.pts_limit,
            pts_total_limit: limits.pts_total_limit,
        };
        let mut harness = Harness {
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

    fn push(&mut self, secondary: bool, pts_count: u32, payload_bytes: u32) {
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
        for client in 0..CLIENTS {
            if self.online[client] {
                self.send(client, Message::ToClient(Down::Push(update.clone())));
            }
        }
    }

    fn disconnect(&mut self, client: usize) {
        self.online[client] = false;
        self.epochs[client] += 1;
        self.clients[client].on_disconnected();
    }

    fn reconnect(&mut self, client: usize) {
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
                    Down::Push(update) => drop(target.on_update(now, update).unwrap()),
                    Down::Difference(id, difference) => target.on_difference(now, id, difference).unwrap(),
                    Down::State(id, state) => target.on_state(now, id, state),
                    Down::Resync(id, resync) => target.on_full_resync(now, id, resync).unwrap(),
                }
                self.pump(client);
            }
        }
    }

    fn next_event(&self) -> Option<Instant> {
        let next_delivery = self.network.keys().next().map(|(at, _)| *at);
        let next_timer = self.clients.iter().filter_map(ClientSync::next_timeout).min();
        [next_delivery, next_timer].into_iter().flatten().min()
    }

    fn run_until(&mut self, target: Instant) {
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
                .next_timeout()
                .is_some_and(|deadline| deadline <= self.now)
            {
                self.clients[client].on_timeout(self.now);
                self.pump(client);
            }
        }
    }

    fn apply(&mut self, op: &Op) {
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
        }
    }

    /// Safety, after every operation: a client holds only real updates, never
    /// runs ahead of the server and respects its bounds.
    fn check_safety(&self) {
        let server = self.log.state();
        for (index, client) in self.clients.iter().enumerate() {
            for update in client.updates() {
                let original = &self.history[update.seq as usize - 1];
                assert_eq!(update, original, "client {index} holds a corrupted update");
            }
            assert!(client.state().pts <= server.pts && client.state().qts <= server.qts);
            assert!(client.store_len() <= self.store_limit);
            if client.is_wiped() {
                assert_eq!(client.store_len(), 0);
            }
        }
    }

    /// Liveness, after the quiet period.
    fn check_converged(&self) {
        let retained: Vec<&Update> = self.log.updates().collect();
        for (index, client) in self.clients.iter().enumerate() {
            if client.is_wiped() {
                assert_eq!(client.store_len(), 0, "wiped client {index} holds updates");
                continue;
            }
            assert_eq!(client.state(), self.log.state(), "client {index} state");
            assert_eq!(client.pending_len(), 0);
            let stored: Vec<&Update> = client.updates().collect();
            let suffix = &self.history[self.history.len() - stored.len()..];
            assert!(
                stored.iter().copied().eq(suffix.iter()),
                "client {index} store is not the newest updates in order"
            );
            let expected_len = retained.len().min(self.store_limit);
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
        Message::ToClient(Down::Push(update)) => Message::ToClient(Down::Push(update.clone())),
        Message::ToClient(Down::Difference(id, difference)) => {
            Message::ToClient(Down::Difference(*id, difference.clone()))
        }
        Message::ToClient(Down::State(id, state)) => Message::ToClient(Down::State(*id, *state)),
        Message::ToClient(Down::Resync(id, resync)) => Message::ToClient(Down::Resync(*id, resync.clone())),
    }
}

/// The server's side of a request. A client never asks from the future.
fn serve(log: &UpdateLog, action: SyncAction) -> Down {
    match action {
        SyncAction::GetDifference { request_id, request } => {
            Down::Difference(request_id, log.difference(&request).expect("valid request"))
        }
        SyncAction::GetState { request_id } => Down::State(request_id, log.state()),
        SyncAction::FullResync { request_id } => Down::Resync(request_id, log.full_resync()),
    }
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let client = 0..CLIENTS;
    prop_oneof![
        8 => (any::<bool>(), 1u32..4, 0u32..500).prop_map(|(secondary, pts_count, payload_bytes)| Op::Push {
            secondary: secondary && pts_count == 1,
            pts_count,
            payload_bytes
        }),
        6 => (1u64..3_000).prop_map(|millis| Op::Advance { millis }),
        1 => (60_000u64..3_600_000).prop_map(|millis| Op::Advance { millis }),
        2 => client.clone().prop_map(|client| Op::Disconnect { client }),
        2 => client.clone().prop_map(|client| Op::Reconnect { client }),
        1 => client.clone().prop_map(|client| Op::NewSession { client }),
    ]
}

fn faults_strategy() -> impl Strategy<Value = Faults> {
    (0u32..60, 0u32..30, 1u64..15_000).prop_map(|(loss_percent, duplicate_percent, latency_max_ms)| Faults {
        loss_percent,
        duplicate_percent,
        latency_max_ms,
    })
}

fn limits_strategy() -> impl Strategy<Value = Limits> {
    (5usize..60, 5usize..80, 1u32..20, 5u32..200).prop_map(
        |(retained_limit, store_limit, pts_limit, pts_total_limit)| Limits {
            retained_limit,
            store_limit,
            pts_limit,
            pts_total_limit,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn clients_converge_to_the_server_log(
        seed in any::<u64>(),
        faults in faults_strategy(),
        limits in limits_strategy(),
        ops in prop::collection::vec(op_strategy(), 1..200),
        wipe_at in prop::option::of(0usize..400),
    ) {
        let mut harness = Harness::new(seed, faults, &limits);
        for (index, op) in ops.iter().enumerate() {
            if wipe_at == Some(index) {
                harness.apply(&Op::Wipe { client: CLIENTS - 1 });
            }
            harness.apply(op);
            harness.check_safety();
        }
        // Quiet period: faults stop, every device comes back online.
        harness.faults = Faults { loss_percent: 0, duplicate_percent: 0, ..harness.faults.clone() };
        for client in 0..CLIENTS {
            harness.reconnect(client);
        }
        let end = harness.now + QUIET_PERIOD;
        harness.run_until(end);
        harness.check_safety();
        harness.check_converged();
    }
}

/// The harness itself is not vacuous: a client that misses updates and never
/// hears from the server again is caught by the convergence check.
#[test]
#[should_panic(expected = "state")]
fn convergence_check_catches_a_stale_client() {
    let limits = Limits {
        retained_limit: 10,
        store_limit: 10,
        pts_limit: 10,
        pts_total_limit: 100,
    };
    let faults = Faults {
        loss_percent: 0,
        duplicate_percent: 0,
        latency_max_ms: 10,
    };
    let mut harness = Harness::new(1, faults, &limits);
    harness.run_until(harness.now + Duration::from_secs(1));
    harness.disconnect(0);
    harness.push(false, 1, 10);
    harness.run_until(harness.now + Duration::from_secs(1));
    harness.check_converged();
}
