//! Packets between app instances, the network and the datacenters, and
//! the timers of both. Every server event is attributed to the app whose
//! packet caused it, which is how the oracles know an attacker's request
//! from an owner's.

use crate::engine::network::{Delivery, Node};
use sessionlab_proto::auth::InterDcMessage;
use sessionlab_proto::auth::{AuthEvent, AuthEventKind, CodeDelivery};
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::id::{AuthKeyId, DcId, UserId};
use sessionlab_proto::server::{ServerEvent, ServerOutput};
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::TransportEvent;
use sessionlab_proto::wire::api::{CodeType, SentCodeType};
use std::time::Duration;

use super::trace::notes::{AttackerRequest, PacketRequests};
use super::trace::TraceEvent;
use super::{AccountIndex, AppId, Event, Holder, World};

/// A login code is typed in once both it and the server's `sentCode`
/// answer (with the phone_code_hash) have arrived, in either order.
pub(super) fn ready_code(
    pending: Option<AppId>,
    requested: &mut bool,
    code: &mut Option<String>,
) -> Option<(AppId, String)> {
    let app = pending?;
    if !*requested {
        return None;
    }
    let code = code.take()?;
    *requested = false;
    Some((app, code))
}

/// When the code of a `CodeSent { kind, next_type, timeout_s }` may be
/// asked for again by SMS (`auth.resendCode`), if it went in-app and the
/// next type is SMS: a second after the timeout the answer names.
pub(super) fn sms_resend_at(
    now: Instant,
    kind: &SentCodeType,
    next_type: Option<CodeType>,
    timeout_s: Option<i32>,
) -> Option<Instant> {
    let in_app = matches!(kind, SentCodeType::App { .. });
    if !in_app || next_type != Some(CodeType::Sms) {
        return None;
    }
    let wait_s = u64::try_from(timeout_s.unwrap_or(0)).unwrap_or(0);
    Some(now.saturating_add(Duration::from_secs(wait_s + 1)))
}

impl World {
    /// Give `app` a command (as its user would), then send what follows.
    pub(super) fn command(&mut self, now: Instant, app: AppId, command: sessionlab_proto::client::Command) {
        let local = self.local_now(app, now);
        if self.apps[app].client.command(local, command).is_err() {
            self.counters.commands_refused += 1;
        }
        self.pump_app(now, app);
    }

    /// The app's own clock: the true time shifted by its skew.
    /// `app`'s key for `dc`, as if the key exchange had just completed:
    /// the client draws it (or keeps the one it has), the DC registers it
    /// and issues the salt the client's first messages carry.
    pub(super) fn exchange_key(&mut self, now: Instant, app: AppId, dc: DcId) -> AuthKey {
        let key = {
            let entry = &mut self.apps[app];
            entry.client.auth_key_for(dc, &mut entry.rng)
        };
        if let Some(server) = self.servers.get_mut(&dc) {
            let salt = server.register_key(now, key.clone(), &mut self.server_rng);
            self.apps[app].client.handle_issued_salt(dc, salt);
        }
        key
    }

    /// The temp key exchange (api/pfs) for `app` on `dc`, when its requests
    /// wait for one: instantaneous, like the permanent key's.
    pub(super) fn exchange_temp_key(&mut self, now: Instant, app: AppId, dc: DcId) {
        let local = self.local_now(app, now);
        let fresh = {
            let entry = &mut self.apps[app];
            entry.client.new_temp_key(dc, &mut entry.rng)
        };
        let Some((key, expires_in)) = fresh else {
            return;
        };
        let issued = match self.servers.get_mut(&dc) {
            Some(server) => server
                .register_temp_key(now, key, expires_in, &mut self.server_rng)
                .ok(),
            None => None,
        };
        let client = &mut self.apps[app].client;
        match issued {
            Some((salt, expires_at)) => client.handle_issued_temp_key(local, dc, salt, expires_at),
            None => client.temp_key_refused(dc),
        }
    }

    pub(super) fn local_now(&self, app: AppId, now: Instant) -> Instant {
        now.offset_by_micros(self.apps[app].skew_micros)
    }

    pub(super) fn is_attacker(&self, app: AppId) -> bool {
        matches!(self.apps[app].holder, Holder::Attacker { .. })
    }

    /// The attacker running `app`, if an attacker does.
    pub(super) fn attacker_of(&self, app: AppId) -> Option<usize> {
        match self.apps.get(app)?.holder {
            Holder::Attacker { attacker } => Some(attacker),
            Holder::Owner { .. } => None,
        }
    }

    /// Send whatever the app has to send, re-arm its timer, handle its events.
    pub(super) fn pump_app(&mut self, now: Instant, app: AppId) {
        let local = self.local_now(app, now);
        // Each exchange hands the DC a key and clears its want: bounded by the DCs.
        while let Some(dc) = self.apps[app].client.temp_key_wanted() {
            self.exchange_temp_key(now, app, dc);
        }
        loop {
            let entry = &mut self.apps[app];
            let Some((dc, bytes)) = entry.client.poll_transmit(local, &mut entry.rng) else {
                break;
            };
            if !entry.online {
                self.counters.packets_unsent_offline += 1;
                continue;
            }
            let from = entry.node;
            self.capture(app, dc, &bytes);
            let outcome = self.network.send(
                now,
                from,
                Node::Datacenter(dc.get()),
                bytes.len() as u64,
                &mut self.network_rng,
            );
            if let Ok(outcome) = outcome {
                let deliveries = outcome.deliveries.as_slice();
                self.schedule_deliveries(deliveries, bytes, |bytes| Event::ToDc { dc, app, bytes });
            }
        }
        self.arm_app_timer(now, app);
        self.drain_app_events(now, app);
    }

    fn arm_app_timer(&mut self, now: Instant, app: AppId) {
        let skew = self.apps[app].skew_micros;
        let Some(local_deadline) = self.apps[app].client.poll_timeout() else {
            self.apps[app].timer_at = None;
            return;
        };
        let deadline = local_deadline.offset_by_micros(skew.saturating_neg()).max(now);
        if self.apps[app].timer_at == Some(deadline) {
            return;
        }
        let entry = &mut self.apps[app];
        entry.timer_generation += 1;
        entry.timer_at = Some(deadline);
        let generation = entry.timer_generation;
        self.schedule(deadline, Event::AppTimer { app, generation });
    }

    pub(super) fn app_timer(&mut self, now: Instant, app: AppId, generation: u64) {
        if self.apps[app].timer_generation != generation {
            return;
        }
        self.apps[app].timer_at = None;
        let local = self.local_now(app, now);
        self.apps[app].client.handle_timeout(local);
        self.pump_app(now, app);
    }

    pub(super) fn deliver_to_app(&mut self, now: Instant, app: AppId, dc: DcId, bytes: &[u8]) {
        if !self.apps[app].online {
            self.counters.packets_lost_offline += 1;
            return;
        }
        let local = self.local_now(app, now);
        if self.apps[app].client.handle_packet(local, dc, bytes).is_err() {
            self.counters.packets_refused_by_apps += 1;
        }
        self.pump_app(now, app);
    }

    pub(super) fn deliver_to_dc(&mut self, now: Instant, dc: DcId, app: AppId, bytes: &[u8]) {
        let calls = self.deliver_packet_to_dc(now, dc, app, bytes);
        if self.taps.contains_key(&app) {
            self.observe_watched_delivery(bytes, calls, false);
        }
    }

    /// Hand a packet from `sender`'s host to datacenter `dc`; returns how
    /// many API calls it made the datacenter run.
    pub(super) fn deliver_packet_to_dc(&mut self, now: Instant, dc: DcId, sender: AppId, bytes: &[u8]) -> usize {
        let origin = &self.apps[sender].origin;
        let Some(server) = self.servers.get_mut(&dc) else {
            return 0;
        };
        server.handle_packet(now, bytes, origin, &mut self.server_rng);
        self.drain_server(now, dc, Some(sender))
    }

    pub(super) fn deliver_inter_dc(&mut self, now: Instant, message: InterDcMessage) {
        let to = message.to;
        if !self.servers.contains_key(&to) {
            return;
        }
        self.note_inter_dc(now, &message, None);
        let Some(server) = self.servers.get_mut(&to) else {
            return;
        };
        server.handle_inter_dc(now, message, &mut self.server_rng);
        self.drain_server(now, to, None);
    }

    pub(super) fn server_timer(&mut self, now: Instant, dc: DcId, generation: u64) {
        if self.server_timers.get(&dc).map(|(current, _)| *current) != Some(generation) {
            return;
        }
        self.server_timers.insert(dc, (generation, None));
        if let Some(server) = self.servers.get_mut(&dc) {
            server.handle_timeout(now, &mut self.server_rng);
        }
        self.drain_server(now, dc, None);
    }

    /// Carry out a server's outputs, observe its events (attributed to
    /// `sender`), re-arm its timer. Returns how many API calls it ran.
    pub(super) fn drain_server(&mut self, now: Instant, dc: DcId, sender: Option<AppId>) -> usize {
        let Some(server) = self.servers.get_mut(&dc) else {
            return 0;
        };
        // Buffers kept from the last packet (a nested drain finds them
        // taken and uses fresh ones).
        let mut outputs = std::mem::take(&mut self.server_outputs);
        let mut events = std::mem::take(&mut self.server_events);
        outputs.extend(std::iter::from_fn(|| server.poll_output()));
        events.extend(std::iter::from_fn(|| server.poll_event()));
        let deadline = server.poll_timeout();
        let by_attacker = sender.is_some_and(|app| self.is_attacker(app));
        let calls = events
            .iter()
            .filter(|event| matches!(event, ServerEvent::Rpc { .. }))
            .count();
        // The attacker's calls of this packet and its acceptance, traced
        // together once both are known (the core reports a packet's calls
        // before its authentication events).
        let mut requests = PacketRequests::default();
        for event in events.drain(..) {
            self.observe_server_event(now, dc, &event, sender, by_attacker, &mut requests);
        }
        self.note_attacker_requests(now, requests);
        for output in outputs.drain(..) {
            self.carry_out(now, dc, output, sender);
        }
        (self.server_outputs, self.server_events) = (outputs, events);
        let (generation, armed) = self.server_timers.get(&dc).copied().unwrap_or((0, None));
        if let Some(deadline) = deadline {
            if armed != Some(deadline) {
                let generation = generation + 1;
                self.server_timers.insert(dc, (generation, Some(deadline)));
                self.schedule(deadline.max(now), Event::ServerTimer { dc, generation });
            }
        }
        calls
    }

    /// Put `bytes` from `dc` on the network towards `app`.
    fn send_to_app(&mut self, now: Instant, dc: DcId, app: AppId, bytes: Vec<u8>) {
        let (from, to) = (Node::Datacenter(dc.get()), self.apps[app].node);
        if let Ok(outcome) = self
            .network
            .send(now, from, to, bytes.len() as u64, &mut self.network_rng)
        {
            let deliveries = outcome.deliveries.as_slice();
            self.schedule_deliveries(deliveries, bytes, |bytes| Event::ToApp { app, dc, bytes });
        }
    }

    /// One event per copy of a packet the network delivers, in delivery
    /// order. The packet is copied only for the network's duplicates: the
    /// last delivery takes it (a copy per packet was a hot allocation).
    fn schedule_deliveries(&mut self, deliveries: &[Delivery], bytes: Vec<u8>, event: impl Fn(Vec<u8>) -> Event) {
        let Some((last, duplicates)) = deliveries.split_last() else {
            return;
        };
        for delivery in duplicates {
            self.schedule(delivery.at, event(bytes.clone()));
        }
        self.schedule(last.at, event(bytes));
    }

    fn carry_out(&mut self, now: Instant, dc: DcId, output: ServerOutput, sender: Option<AppId>) {
        match output {
            ServerOutput::Packet {
                auth_key_id,
                session_id,
                bytes,
            } => {
                let route = (dc, auth_key_id, session_id);
                let app = match (self.routes.get(&route), sender) {
                    (Some(app), _) => *app,
                    (None, Some(sender)) => {
                        self.routes.insert(route, sender);
                        sender
                    }
                    (None, None) => return,
                };
                self.send_to_app(now, dc, app, bytes);
            }
            ServerOutput::TransportError { code, .. } => {
                self.counters.transport_errors += 1;
                // The 4-byte error goes back over the connection the packet came on.
                if let Some(app) = sender {
                    self.send_to_app(now, dc, app, code.to_le_bytes().to_vec());
                }
            }
            ServerOutput::InterDc(message) => {
                let from = Node::Datacenter(message.from.get());
                let to = Node::Datacenter(message.to.get());
                if let Ok(outcome) = self.network.send(now, from, to, 64, &mut self.network_rng) {
                    self.note_inter_dc(now, &message, Some(outcome.deliveries.as_slice().len()));
                    for delivery in outcome.deliveries.as_slice() {
                        self.schedule(
                            delivery.at,
                            Event::InterDc {
                                message: message.clone(),
                            },
                        );
                    }
                }
            }
            ServerOutput::DeliverCode {
                user_id,
                code,
                delivery,
                ..
            } => self.deliver_code(now, user_id, &code, &delivery, sender),
        }
    }

    fn observe_server_event(
        &mut self,
        now: Instant,
        dc: DcId,
        event: &ServerEvent,
        sender: Option<AppId>,
        by_attacker: bool,
        requests: &mut PacketRequests,
    ) {
        match event {
            ServerEvent::Auth(auth) => {
                let bypass = self.bypasses.observe(auth, by_attacker);
                if let AuthEventKind::RequestAccepted { handle } = &auth.kind {
                    requests.accepted(handle.perm_key_id, bypass);
                }
                self.credentials.observe(auth);
                self.temp_keys.observe(auth);
                self.observe_auth(now, auth, sender, by_attacker);
            }
            ServerEvent::Transport {
                event: TransportEvent::BadMessage { .. },
                ..
            } => {
                self.counters.bad_msg_notifications += 1;
            }
            ServerEvent::Rpc {
                method,
                auth_key_id,
                error,
                ..
            } if by_attacker => {
                self.counters.attacker_requests += 1;
                if let (Some(app), true) = (sender, self.trace.is_some()) {
                    requests.calls.push(AttackerRequest {
                        app,
                        dc,
                        key_id: *auth_key_id,
                        method,
                        error: error.clone(),
                    });
                }
            }
            _ => {}
        }
    }

    fn observe_auth(&mut self, now: Instant, event: &AuthEvent, sender: Option<AppId>, by_attacker: bool) {
        match &event.kind {
            AuthEventKind::AuthorizationCreated { user_id, hash, via, .. } => {
                self.counters.authorizations_created += 1;
                if let Some(app) = sender {
                    self.holders.entry((*user_id, *hash)).or_insert(app);
                    let minted = !matches!(via, sessionlab_proto::auth::CreatedVia::Import { .. });
                    if let (Some(attacker), true) = (self.attacker_of(app), minted) {
                        self.counters.footholds_minted += 1;
                        self.attackers[attacker].ledger.footholds_minted += 1;
                        self.attacker_holds(attacker, (*user_id, *hash));
                    }
                }
                self.note_auth(now, event, sender, by_attacker);
            }
            AuthEventKind::AuthorizationRevoked {
                user_id, hash, cause, ..
            } => {
                self.counters.authorizations_revoked += 1;
                self.revocations.record((*user_id, *hash), event.at, *cause);
                self.note_auth(now, event, sender, by_attacker);
            }
            AuthEventKind::DerivedRevoked { .. } => self.note_auth(now, event, sender, by_attacker),
            AuthEventKind::RequestAccepted { handle } if by_attacker => {
                self.counters.attacker_requests_accepted += 1;
                if let Some(attacker) = sender.and_then(|app| self.attacker_of(app)) {
                    let record = &mut self.attackers[attacker];
                    if self.accounts[record.account].user_id == handle.user_id {
                        record.ledger.accepted(event.at);
                    }
                }
            }
            AuthEventKind::DeletionAdvanced { user_id, phase, .. } => self.deletion_advanced(now, *user_id, *phase),
            _ => {}
        }
    }

    /// A login code reaches whoever it is delivered to: an SMS whoever
    /// holds the SIM, an in-app code whoever holds one of the logged-in
    /// sessions it went to (the owner only through a device of theirs, a
    /// thief through a session it holds), and a phished owner hands the
    /// code they see to the phisher. `requester` is the app whose
    /// `auth.sendCode` / `auth.resendCode` made the code: a code is only
    /// of use to the one who asked (it is bound to its phone_code_hash).
    fn deliver_code(
        &mut self,
        now: Instant,
        user_id: UserId,
        code: &str,
        delivery: &CodeDelivery,
        requester: Option<AppId>,
    ) {
        let Some(account) = self.account_of(user_id) else {
            return;
        };
        let Some(requester) = requester else {
            return;
        };
        let owner_sees = match delivery {
            CodeDelivery::Sms => self.accounts[account].sim_holder.is_none(),
            CodeDelivery::App { key_ids } => self.holds_a_session(account, &self.accounts[account].devices, key_ids),
        };
        let counted = match self.apps[requester].holder {
            Holder::Attacker { attacker } => {
                let phished = owner_sees && self.accounts[account].phished_by == Some(attacker);
                let own = match delivery {
                    CodeDelivery::Sms => self.accounts[account].sim_holder == Some(attacker),
                    CodeDelivery::App { key_ids } => {
                        self.holds_a_session(account, &self.attackers[attacker].apps, key_ids)
                    }
                };
                if phished {
                    // One code only: the phished owner hands this one over.
                    self.accounts[account].phished_by = None;
                }
                if phished || own {
                    self.attacker_got_code(now, attacker, code);
                }
                phished || own
            }
            Holder::Owner { .. } => {
                if owner_sees {
                    self.owner_got_code(now, account, requester, code);
                }
                owner_sees
            }
        };
        self.note(now, |_| TraceEvent::CodeDelivered {
            user_id: user_id.get(),
            by: match delivery {
                CodeDelivery::Sms => "sms",
                CodeDelivery::App { .. } => "app",
            },
            requester,
            requester_got_it: counted,
            owner_saw_it: owner_sees,
        });
    }

    /// Whether one of `apps`, not lost, is logged in to `account`'s home DC
    /// under one of `key_ids` (where an in-app code went).
    fn holds_a_session(&self, account: AccountIndex, apps: &[AppId], key_ids: &[AuthKeyId]) -> bool {
        let home_dc = self.accounts[account].home_dc;
        apps.iter().any(|&app| {
            let app = &self.apps[app];
            !app.lost
                && app.client.is_logged_in()
                && app
                    .client
                    .auth_key_id(home_dc)
                    .is_some_and(|key| key_ids.contains(&key))
        })
    }

    /// Handle what the app's client reported.
    pub(super) fn drain_app_events(&mut self, now: Instant, app: AppId) {
        while let Some(event) = self.apps[app].client.poll_event() {
            let connected_at = self.apps[app].connected_at;
            self.counters
                .observe_client_event(now, &event, self.is_attacker(app), connected_at);
            match self.apps[app].holder {
                Holder::Owner { account, .. } => self.owner_event(now, account, app, event),
                Holder::Attacker { attacker } => self.attacker_event(now, attacker, app, event),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sms_may_be_asked_for_a_second_after_an_in_app_code_s_timeout() {
        let now = Instant::from_unix_micros(1_000_000);
        let in_app = SentCodeType::App { length: 5 };
        let later = |seconds| Some(now.saturating_add(Duration::from_secs(seconds)));
        assert_eq!(sms_resend_at(now, &in_app, Some(CodeType::Sms), Some(60)), later(61));
        // No timeout named, or a nonsensical negative one: at once, plus the second.
        assert_eq!(sms_resend_at(now, &in_app, Some(CodeType::Sms), None), later(1));
        assert_eq!(sms_resend_at(now, &in_app, Some(CodeType::Sms), Some(-5)), later(1));
        // Nothing to ask for: no next type, or the code already went by SMS.
        assert_eq!(sms_resend_at(now, &in_app, None, Some(60)), None);
        let by_sms = SentCodeType::Sms { length: 5 };
        assert_eq!(sms_resend_at(now, &by_sms, Some(CodeType::Sms), Some(60)), None);
    }
}
