//! The world's side of the trace: the header it starts with, the entry of
//! each app, and the records of the core's typed events (authorizations
//! created and revoked, derived ones ended), built from what the world
//! knows about who holds each app.

use sessionlab_proto::auth::{AuthEvent, AuthEventKind, CreatedVia, InterDcMessage, RpcError};
use sessionlab_proto::id::{AuthKeyId, DcId};
use sessionlab_proto::time::Instant;

use super::names::{device_name, via_name};
use super::{AccountEntry, AppEntry, Hex16, HolderKind, RequestResult, Trace, TraceEvent, SCHEMA_VERSION};
use crate::engine::network::Fault;
use crate::scenario::model::DeviceKind;
use crate::world::attacker_outcome::cause_name;
use crate::world::oracle::bypass::Bypass;
use crate::world::{AppId, Holder, World};

/// An API call a DC ran for an attacker's app.
pub(in crate::world) struct AttackerRequest {
    pub app: AppId,
    pub dc: DcId,
    pub key_id: AuthKeyId,
    pub method: &'static str,
    pub error: Option<RpcError>,
}

/// The attacker's calls one packet made a DC run, and the packet's
/// acceptance: every call of a packet comes under its one key at one
/// instant, so one acceptance after the revocation makes each accepted
/// call a bypass.
#[derive(Default)]
pub(in crate::world) struct PacketRequests {
    pub calls: Vec<AttackerRequest>,
    /// The permanent key the packet's key acted for, once accepted.
    perm_key_id: Option<AuthKeyId>,
    bypass: Option<Bypass>,
}

impl PacketRequests {
    /// The DC accepted a call under the packet's key (acting for `perm_key_id`).
    pub fn accepted(&mut self, perm_key_id: AuthKeyId, bypass: Option<Bypass>) {
        self.perm_key_id.get_or_insert(perm_key_id);
        if self.bypass.is_none() {
            self.bypass = bypass;
        }
    }
}

impl World {
    /// Start the trace: the header (every account, every app so far) and
    /// the starts and ends of the run's `faults`.
    pub(in crate::world) fn start_trace(&mut self, faults: &[Fault]) {
        let accounts = self
            .accounts
            .iter()
            .map(|account| AccountEntry {
                user_id: account.user_id.get(),
                home_dc: account.home_dc.get(),
            })
            .collect();
        let apps = (0..self.apps.len())
            .map(|app| self.app_entry(app, DeviceKind::Desktop))
            .collect();
        let header = TraceEvent::Header {
            schema: SCHEMA_VERSION,
            scenario: self.config.name.clone(),
            seed: self.seed,
            account_filter: None,
            accounts,
            apps,
        };
        let boundaries = super::fault_boundaries(faults, |app| {
            matches!(self.apps.get(app).map(|entry| entry.holder), Some(Holder::Owner { .. }))
                .then(|| self.user_of(app))
        });
        self.trace = Some(Trace::new(self.config.epoch, header, boundaries));
    }

    /// `app` as the header lists it; `device` is what an attacker's app
    /// presents (an owner's device is its own kind).
    pub(in crate::world) fn app_entry(&self, app: AppId, device: DeviceKind) -> AppEntry {
        let (device, holder, attacker) = match self.apps.get(app).map(|entry| entry.holder) {
            Some(Holder::Owner { kind, .. }) => (kind, HolderKind::Owner, None),
            Some(Holder::Attacker { attacker }) => (
                device,
                HolderKind::Attacker,
                self.attackers.get(attacker).map(|record| record.name.clone()),
            ),
            None => (device, HolderKind::Owner, None),
        };
        AppEntry {
            app,
            user_id: self.user_of(app),
            device: device_name(device),
            holder,
            attacker,
        }
    }

    /// An attacker's app joined the run.
    pub(in crate::world) fn note_app_created(&mut self, now: Instant, app: AppId, device: DeviceKind) {
        self.note(now, |world| TraceEvent::AppCreated(world.app_entry(app, device)));
    }

    /// An attacker's requests of one packet and what became of them.
    pub(in crate::world) fn note_attacker_requests(&mut self, now: Instant, requests: PacketRequests) {
        for request in requests.calls {
            let accepted = request.error.is_none();
            let perm_key_id = requests.perm_key_id.filter(|_| accepted);
            let bypass = requests.bypass.as_ref().filter(|_| accepted);
            self.note_attacker_request(now, request, perm_key_id, bypass);
        }
    }

    fn note_attacker_request(
        &mut self,
        now: Instant,
        request: AttackerRequest,
        perm_key_id: Option<AuthKeyId>,
        bypass: Option<&Bypass>,
    ) {
        self.note(now, |world| {
            let (attacker, user_id) = match world.apps[request.app].holder {
                Holder::Attacker { attacker } => {
                    let record = &world.attackers[attacker];
                    (record.name.clone(), world.accounts[record.account].user_id.get())
                }
                Holder::Owner { .. } => (String::new(), world.user_of(request.app)),
            };
            TraceEvent::AttackerRequest {
                attacker,
                user_id,
                app: request.app,
                dc: request.dc.get(),
                key_id: request.key_id.into(),
                perm_key_id: perm_key_id.map(Hex16::from),
                method: request.method,
                result: match request.error {
                    None => RequestResult::Accepted,
                    Some(_) => RequestResult::Refused,
                },
                error: request.error.as_ref().map(ToString::to_string),
                bypass: bypass.is_some(),
                violation: bypass.is_some_and(|bypass| bypass.violation),
            }
        });
    }

    /// A message between DCs sent (`copies`: how many the network
    /// delivers) or, with `None`, delivered.
    pub(in crate::world) fn note_inter_dc(&mut self, now: Instant, message: &InterDcMessage, copies: Option<usize>) {
        if let Some(trace) = self.trace.as_mut() {
            let entry = trace.inter_dc(message);
            let event = match copies {
                Some(copies) => TraceEvent::InterDcSent { message: entry, copies },
                None => TraceEvent::InterDcDelivered(entry),
            };
            trace.push(now, event);
        }
    }

    /// Record a core event the trace follows (authorizations created,
    /// revoked, ended on another DC).
    pub(in crate::world) fn note_auth(
        &mut self,
        now: Instant,
        event: &AuthEvent,
        sender: Option<AppId>,
        by_attacker: bool,
    ) {
        if self.trace.is_none() {
            return;
        }
        if let Some(record) = auth_record(event, sender, by_attacker) {
            self.note(now, |_| record);
        }
    }
}

/// The trace's record of `event`, if the trace follows its kind.
fn auth_record(event: &AuthEvent, sender: Option<AppId>, by_attacker: bool) -> Option<TraceEvent> {
    let dc = event.dc.get();
    let record = match &event.kind {
        AuthEventKind::AuthorizationCreated {
            user_id,
            hash,
            key_id,
            via,
            ..
        } => TraceEvent::AuthorizationCreated {
            user_id: user_id.get(),
            hash: (*hash).into(),
            dc,
            key_id: (*key_id).into(),
            via: via_name(via),
            from_hash: match via {
                CreatedVia::QrLogin { accepted_by_hash } => Some(Hex16::from(*accepted_by_hash)),
                CreatedVia::Import { home_hash, .. } => Some(Hex16::from(*home_hash)),
                CreatedVia::Code | CreatedVia::FutureToken => None,
            },
            app: sender,
            by_attacker,
        },
        AuthEventKind::AuthorizationRevoked {
            user_id,
            hash,
            key_id,
            cause,
        } => TraceEvent::AuthorizationRevoked {
            user_id: user_id.get(),
            hash: (*hash).into(),
            dc,
            key_id: (*key_id).into(),
            cause: cause_name(*cause),
        },
        AuthEventKind::DerivedRevoked {
            user_id,
            home_hash,
            key_id,
            reason,
        } => TraceEvent::DerivedRevoked {
            user_id: user_id.get(),
            home_hash: (*home_hash).into(),
            dc,
            key_id: (*key_id).into(),
            reason: super::names::rejection_name(*reason),
        },
        _ => return None,
    };
    Some(record)
}
