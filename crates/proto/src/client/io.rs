//! The sans-IO surface: packets in (`handle_packet`), packets out
//! (`poll_transmit`), timers (`poll_timeout`, `handle_timeout`) and the link
//! going up and down (`on_connected`, `on_disconnected`).
//!
//! Offline, nothing is transmitted and no timer runs: messages wait in
//! their sessions and go out on reconnect.

use crate::id::DcId;
use rand_core::RngCore;

use super::config::{KEEP_ALIVE_INTERVAL, REQUEST_TIMEOUT};
use super::event::{ClientError, ClientEvent, RequestId};
use super::Client;
use crate::sync::{Direction, SyncEvent};
use crate::time::Instant;
use crate::transport::{Delivery, SyncTraffic};
use crate::wire::api::ApiCall;

/// Bytes of a transport error packet: one little-endian `int32`.
pub(super) const TRANSPORT_ERROR_BYTES: usize = 4;

impl Client {
    /// One packet from `dc`. A packet the transport rejects is an error and
    /// changes nothing; problems with single messages inside it are
    /// reported as [`ClientEvent::Ignored`] and the rest is processed.
    pub fn handle_packet(&mut self, now: Instant, from_dc: DcId, packet: &[u8]) -> Result<(), ClientError> {
        let link = self
            .links
            .get_mut(&from_dc)
            .ok_or(ClientError::UnknownDc { dc: from_dc })?;
        // A 4-byte packet is a transport error code (mtproto/mtproto-transports).
        if let Ok(code) = <[u8; TRANSPORT_ERROR_BYTES]>::try_from(packet) {
            self.on_transport_error(now, from_dc, i32::from_le_bytes(code));
            return Ok(());
        }
        let deliveries = link.receive(now, packet)?;
        for delivery in deliveries {
            match delivery {
                Delivery::RpcResult { req_msg_id, result } => self.on_rpc_result(now, from_dc, req_msg_id, &result),
                Delivery::Notification { body, .. } => self.on_notification(now, from_dc, &body),
                // `DcLink::receive` already follows re-issued msg_ids.
                Delivery::Reissued { .. } => {}
                Delivery::NewSessionCreated { .. } => {
                    if from_dc == self.config.home_dc && self.login.is_logged_in() {
                        if let Some(sync) = self.sync.as_mut() {
                            sync.on_new_session_created(now);
                        }
                    }
                }
            }
        }
        self.after_input(now);
        Ok(())
    }

    /// The next packet to send and the DC it is for; `None` when offline
    /// or idle. DCs take turns so that one busy DC cannot starve another.
    #[must_use]
    pub fn poll_transmit(&mut self, now: Instant, rng: &mut impl RngCore) -> Option<(DcId, Vec<u8>)> {
        if !self.online {
            return None;
        }
        // Round robin: the DCs after the last one that sent, then the rest,
        // by index into the sorted links (this runs once per packet: no
        // list is built for it).
        let count = self.links.len();
        let first = self
            .last_transmit_dc
            .map_or(0, |last| match self.links.find_index(&last) {
                Ok(index) => index + 1,
                Err(index) => index,
            });
        for turn in 0..count {
            let Some(dc) = self.links.get_indexed((first + turn) % count).map(|(dc, _)| *dc) else {
                continue;
            };
            let Some(link) = self.links.get_mut(&dc) else {
                continue;
            };
            if let Some(packet) = link.transmit(now, rng) {
                self.last_transmit_dc = Some(dc);
                self.settle_transport_events(now);
                return Some((dc, packet));
            }
        }
        self.settle_transport_events(now);
        None
    }

    /// When `handle_timeout` must next be called; `None` offline.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if !self.online {
            return None;
        }
        let sessions = self.links.values().filter_map(|link| link.session.poll_timeout()).min();
        let sync = self.sync.as_ref().and_then(|sync| sync.poll_timeout());
        let requests = self.requests.values().map(|outstanding| outstanding.deadline).min();
        [sessions, sync, requests, self.next_ping_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// Fire every timer due at `now`: transport resends and give-ups, sync
    /// timers, lost requests, the keep-alive ping.
    pub fn handle_timeout(&mut self, now: Instant) {
        if !self.online {
            return;
        }
        for link in self.links.iter_mut().map(|(_, link)| link) {
            link.session.handle_timeout(now);
        }
        if let Some(sync) = self.sync.as_mut() {
            sync.handle_timeout(now);
        }
        self.expire_requests(now);
        if self.next_ping_at.is_some_and(|at| at <= now) && self.login.is_logged_in() {
            let ping_id = self.next_ping_id;
            self.next_ping_id += 1;
            let forward_secrecy = self.forward_secrecy();
            if let Some(link) = self.links.get_mut(&self.config.home_dc) {
                // Never under the permanent key with forward secrecy on.
                if !forward_secrecy || link.temp_key_usable(now) {
                    link.ping(now, ping_id);
                }
            }
            self.next_ping_at = Some(now.saturating_add(KEEP_ALIVE_INTERVAL));
        }
        self.after_input(now);
    }

    /// The network is back: resume transmitting, restart the request
    /// clocks, fetch what was missed, keep the session alive.
    pub fn on_connected(&mut self, now: Instant) {
        self.online = true;
        for (_, outstanding) in self.requests.iter_mut() {
            outstanding.deadline = now.saturating_add(REQUEST_TIMEOUT);
        }
        if self.login.is_logged_in() {
            if let Some(sync) = self.sync.as_mut() {
                sync.on_connected(now);
            }
            self.next_ping_at = Some(now.saturating_add(KEEP_ALIVE_INTERVAL));
        }
        self.after_input(now);
    }

    /// The network is gone: nothing is transmitted until `on_connected`.
    pub fn on_disconnected(&mut self) {
        self.online = false;
        if let Some(sync) = self.sync.as_mut() {
            sync.on_disconnected();
        }
    }

    fn expire_requests(&mut self, now: Instant) {
        let expired: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, outstanding)| outstanding.deadline <= now)
            .map(|(request, _)| *request)
            .collect();
        for request in expired {
            self.retry_or_lose(now, request);
        }
    }

    /// `request` went unanswered: send it again as a new message while it
    /// has attempts left (not a sync fetch, whose machine retries itself),
    /// else report it lost.
    fn retry_or_lose(&mut self, now: Instant, request: RequestId) {
        let Some(outstanding) = self.requests.get(&request) else {
            return;
        };
        let retry = outstanding.sync_request.is_none() && outstanding.attempts < super::MAX_REQUEST_ATTEMPTS;
        let (dc, call, attempt) = (outstanding.dc, outstanding.call.clone(), outstanding.attempts + 1);
        let Some(link) = self.links.get_mut(&dc).filter(|_| retry) else {
            self.lose(request);
            return;
        };
        link.forget(request);
        if self.send_call(now, dc, request, &call).is_err() {
            self.lose(request);
            return;
        }
        if let Some(outstanding) = self.requests.get_mut(&request) {
            outstanding.attempts = attempt;
            outstanding.deadline = now.saturating_add(super::REQUEST_TIMEOUT);
        }
        self.emit(ClientEvent::RequestRetried {
            request,
            method: call.name(),
            attempt,
        });
    }

    /// `request` will never be answered.
    pub(super) fn lose(&mut self, request: RequestId) {
        let Some(outstanding) = self.requests.remove(&request) else {
            return;
        };
        if let Some(link) = self.links.get_mut(&outstanding.dc) {
            link.forget(request);
        }
        self.emit(ClientEvent::RequestLost {
            request,
            method: outstanding.call.name(),
        });
        // A binding that never got through: the next try is with a new key.
        if matches!(outstanding.call, ApiCall::BindTempAuthKey(_)) {
            self.on_temp_key_unbound(outstanding.dc, "binding lost".into(), true);
        }
    }

    /// After any input: send what sync asks for, report transport events.
    pub(super) fn after_input(&mut self, now: Instant) {
        self.drive_sync(now);
        self.settle_transport_events(now);
    }

    /// Report the transport events; retry (or lose) what the transport gave up on.
    fn settle_transport_events(&mut self, now: Instant) {
        for request in self.drain_transport_events() {
            self.retry_or_lose(now, request);
        }
    }

    /// Report the links' transport events and the sync share of the
    /// packets they sent and received (one `SyncEvent::Traffic` each way);
    /// returns the requests whose message the transport gave up on (the
    /// caller retries or loses them).
    #[must_use]
    pub(super) fn drain_transport_events(&mut self) -> Vec<RequestId> {
        let mut collected = Vec::new();
        let mut given_up = Vec::new();
        let mut traffic = SyncTraffic::default();
        for (dc, link) in self.links.iter_mut() {
            let link_traffic = link.session.take_sync_traffic();
            traffic.sent_bytes += link_traffic.sent_bytes;
            traffic.received_bytes += link_traffic.received_bytes;
            collected.extend(link.take_events().into_iter().map(|event| (*dc, event)));
            given_up.extend(link.take_given_up());
        }
        for (direction, bytes) in [
            (Direction::Up, traffic.sent_bytes),
            (Direction::Down, traffic.received_bytes),
        ] {
            if bytes > 0 {
                self.emit(ClientEvent::Sync(SyncEvent::Traffic { direction, bytes }));
            }
        }
        for (dc, event) in collected {
            self.emit(ClientEvent::Transport { dc, event });
        }
        given_up
    }
}
