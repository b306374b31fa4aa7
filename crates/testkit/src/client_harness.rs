//! A client wired to scripted datacenters, for unit tests, integration
//! tests and benches: fixed DCs and keys, a clock the test moves, helpers
//! that pump packets, answer requests and push updates, and the fixtures
//! (a phone, a user, code and login answers) most scripts need.
//!
//! Helpers panic when the script and the client disagree (no request where
//! one was expected, a packet refused): that is a failed test, not a
//! runtime condition.

use sessionlab_proto::id::{DcId, UserId};
use std::collections::BTreeMap;
use std::time::Duration;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::scripted_dc::{pump, Inbound, ScriptedDc};
use sessionlab_proto::client::{Client, ClientConfig, ClientEvent, Command, RequestId};
use sessionlab_proto::sync::{update_to_wire, ApplyPath, Position, SyncBox, UpdateKind};
use sessionlab_proto::sync::{SyncEvent, SyncState, Update};
use sessionlab_proto::time::Instant;
use sessionlab_proto::wire::api::{
    ApiResponse, AuthAuthorization, LoggedOut, SentCode, SentCodeType, Update as WireUpdate, Updates, UpdatesState,
    User,
};

/// The scripted home DC.
pub const HOME: DcId = DcId(2);
/// The scripted media DC (for `ConnectDc` and `FetchFile`).
pub const MEDIA: DcId = DcId(4);
/// The user id the fixtures log in as.
pub const USER_ID: i64 = 7001;

/// A client, its two scripted DCs (keys registered), a clock and an rng.
/// Every field is public: tests reach in wherever a step is not a helper.
pub struct ClientHarness {
    /// The client under test (home DC [`HOME`]).
    pub client: Client,
    /// The scripted DCs [`HOME`] and [`MEDIA`], by id.
    pub dcs: BTreeMap<DcId, ScriptedDc>,
    /// The randomness the client and the helpers draw from (seeded: runs repeat).
    pub rng: ChaCha8Rng,
    /// The clock: the `now` every call gets; move it with [`ClientHarness::advance`].
    pub now: Instant,
}

impl Default for ClientHarness {
    fn default() -> ClientHarness {
        ClientHarness::new()
    }
}

impl ClientHarness {
    /// Online, logged out, keys for HOME and MEDIA registered.
    pub fn new() -> ClientHarness {
        ClientHarness::with_config(ClientConfig::default())
    }

    /// [`ClientHarness::new`] for a client built from `config` (its home DC
    /// set to [`HOME`]).
    pub fn with_config(config: ClientConfig) -> ClientHarness {
        let config = ClientConfig {
            home_dc: HOME,
            ..config
        };
        let mut world = ClientHarness {
            client: Client::new(config).expect("valid config"),
            dcs: [HOME, MEDIA]
                .into_iter()
                .map(|dc| (dc, ScriptedDc::new(dc, u64::from(dc.get()))))
                .collect(),
            rng: ChaCha8Rng::seed_from_u64(11),
            now: Instant::SCENARIO_EPOCH,
        };
        world.ensure_keys();
        world.client.on_connected(world.now);
        world
    }

    /// Give the client a key on HOME and MEDIA where it has none (at the
    /// start, and after a log-out or a wipe dropped them), registered at
    /// the scripted DC as the key exchange would.
    pub fn ensure_keys(&mut self) {
        for dc in [HOME, MEDIA] {
            if self.client.auth_key_id(dc).is_none() {
                let key = self.client.auth_key_for(dc, &mut self.rng);
                self.dc(dc).add_key(key);
            }
        }
    }

    /// Run the temp key exchange the client asks for, if any (api/pfs):
    /// the key is registered at the scripted DC, which issues its current
    /// salt, and lives `lifetime`. Returns the DC.
    pub fn exchange_temp_key(&mut self, lifetime: Duration) -> Option<DcId> {
        let dc = self.client.temp_key_wanted()?;
        let (key, _) = self.client.new_temp_key(dc, &mut self.rng)?;
        let key_id = key.id();
        let now = self.now;
        self.dc(dc).add_key(key);
        let salt = self.dc(dc).transport().current_salt(key_id, now).unwrap_or(0);
        self.client
            .handle_issued_temp_key(now, dc, salt, now.saturating_add(lifetime));
        Some(dc)
    }

    /// Move packets between the client and the scripted DCs until the client is quiet; returns the API requests the
    /// DCs received, in order.
    pub fn pump(&mut self) -> Vec<Inbound> {
        pump(&mut self.client, &mut self.dcs, self.now, &mut self.rng)
    }

    /// Pump and expect exactly one request, of `method`.
    pub fn expect_one(&mut self, method: &str) -> Inbound {
        let inbound = self.pump();
        let methods: Vec<&str> = inbound.iter().map(Inbound::method).collect();
        assert_eq!(methods, [method]);
        inbound.into_iter().next().expect("one request")
    }

    /// Issue `command` at `now`; panics if the client refuses it.
    pub fn command(&mut self, command: Command) -> RequestId {
        self.client.command(self.now, command).expect("command accepted")
    }

    /// Answer `to` with `response` (an `rpc_result`) and deliver it.
    pub fn answer(&mut self, to: &Inbound, response: ApiResponse) {
        let now = self.now;
        let packet = self.dc(to.dc).answer(now, to, &response);
        self.client
            .handle_packet(self.now, to.dc, &packet)
            .expect("packet accepted");
    }

    /// Answer `to` with `rpc_error(code, message)` and deliver it.
    pub fn fail(&mut self, to: &Inbound, code: i32, message: &str) {
        let now = self.now;
        let packet = self.dc(to.dc).answer_error(now, to, code, message);
        self.client
            .handle_packet(self.now, to.dc, &packet)
            .expect("packet accepted");
    }

    /// Push `updates` to the session `like` came from and deliver them.
    pub fn push(&mut self, like: &Inbound, updates: Updates) {
        let packet = self.push_packet(like, updates);
        self.client
            .handle_packet(self.now, like.dc, &packet)
            .expect("packet accepted");
    }

    /// The packet [`ClientHarness::push`] would deliver, without delivering it.
    pub fn push_packet(&mut self, like: &Inbound, updates: Updates) -> Vec<u8> {
        let now = self.now;
        self.dc(like.dc).push(now, like, &updates)
    }

    /// The scripted DC `dc`.
    pub fn dc(&mut self, dc: DcId) -> &mut ScriptedDc {
        self.dcs.get_mut(&dc).expect("scripted dc")
    }

    /// Move the clock forward by `duration` (no timer fires: see [`ClientHarness::tick`]).
    pub fn advance(&mut self, duration: Duration) {
        self.now = self.now.saturating_add(duration);
    }

    /// Fire the timers due now (what they queue goes out at the next pump).
    pub fn tick(&mut self) {
        if self.client.poll_timeout().is_some_and(|at| at <= self.now) {
            self.client.handle_timeout(self.now);
        }
    }

    /// `auth.logOut`, answered with `token` as the future auth token.
    pub fn log_out(&mut self, token: Vec<u8>) {
        self.command(Command::LogOut);
        let log_out = self.expect_one("auth.logOut");
        let logged_out = LoggedOut {
            future_auth_token: Some(token),
        };
        self.answer(&log_out, ApiResponse::LoggedOut(logged_out));
    }

    /// Application events since the last call (transport and sync accounting left out).
    pub fn events(&mut self) -> Vec<ClientEvent> {
        self.all_events()
            .into_iter()
            .filter(|event| !matches!(event, ClientEvent::Transport { .. } | ClientEvent::Sync(_)))
            .collect()
    }

    /// Every event since the last call, transport and sync accounting included.
    pub fn all_events(&mut self) -> Vec<ClientEvent> {
        std::iter::from_fn(|| self.client.poll_event()).collect()
    }

    /// Sync events since the last call (others dropped).
    pub fn sync_events(&mut self) -> Vec<SyncEvent> {
        self.all_events()
            .into_iter()
            .filter_map(|event| match event {
                ClientEvent::Sync(event) => Some(event),
                _ => None,
            })
            .collect()
    }

    /// `auth.sendCode` answered with [`sent_code`], then `auth.signIn`
    /// sent: returns the sign-in request, unanswered.
    pub fn request_code_and_sign_in(&mut self) -> Inbound {
        self.ensure_keys();
        self.command(Command::SendCode { phone: PHONE.into() });
        let send_code = self.expect_one("auth.sendCode");
        self.answer(&send_code, sent_code());
        self.command(Command::SignIn { code: "12345".into() });
        self.expect_one("auth.signIn")
    }

    /// Code login, then the first `updates.getState` answered with `state`.
    pub fn log_in(&mut self, state: SyncState) -> Inbound {
        let sign_in = self.request_code_and_sign_in();
        self.answer(&sign_in, authorization(None));
        let get_state = self.expect_one("updates.getState");
        self.answer(&get_state, ApiResponse::State(wire_state(state)));
        self.events();
        get_state
    }

    /// Sync `Applied` events since the last call, as (seq, path); others dropped.
    pub fn applied(&mut self) -> Vec<(u32, ApplyPath)> {
        self.sync_events()
            .into_iter()
            .filter_map(|event| match event {
                SyncEvent::Applied { seq, path, .. } => Some((seq, path)),
                _ => None,
            })
            .collect()
    }
}

/// The phone number the fixtures log in with.
pub const PHONE: &str = "+351912345678";

/// `auth.sentCode`: a 5-digit code by SMS under the hash `hash-1`, no `next_type`.
pub fn sent_code() -> ApiResponse {
    ApiResponse::SentCode(SentCode::Sent {
        kind: SentCodeType::Sms { length: 5 },
        phone_code_hash: "hash-1".into(),
        next_type: None,
        timeout_s: None,
    })
}

/// `auth.authorization` for [`USER_ID`], with `future_auth_token` if given.
pub fn auth_authorization(future_auth_token: Option<Vec<u8>>) -> AuthAuthorization {
    AuthAuthorization {
        future_auth_token,
        user: User {
            is_self: true,
            id: USER_ID,
            phone: Some(PHONE.into()),
        },
        ..AuthAuthorization::default()
    }
}

/// [`auth_authorization`] as an API answer.
pub fn authorization(future_auth_token: Option<Vec<u8>>) -> ApiResponse {
    ApiResponse::AuthAuthorization(auth_authorization(future_auth_token))
}

/// `state` as `updates.state`.
pub fn wire_state(state: SyncState) -> UpdatesState {
    sessionlab_proto::sync::state_to_wire(state)
}

/// A state at `pts` (seq = pts, qts 0, a fixed date).
pub fn state(pts: u32) -> SyncState {
    SyncState {
        pts,
        qts: 0,
        seq: pts,
        date: 1_767_225_600,
    }
}

/// A one-event common-box update at `pts` (seq = pts, 10 payload bytes).
pub fn sync_update(pts: u32) -> Update {
    Update {
        position: Position {
            sync_box: SyncBox::Common,
            end: pts,
            count: 1,
        },
        seq: pts,
        date: 1_767_225_600,
        created_at: Instant::SCENARIO_EPOCH,
        kind: UpdateKind::NewMessage,
        payload_bytes: 10,
    }
}

/// [`sync_update`] as the server pushes it to [`USER_ID`].
pub fn wire_update(pts: u32) -> WireUpdate {
    update_to_wire(&sync_update(pts), UserId::from_wire(USER_ID)).expect("a common-box update has a wire form")
}
