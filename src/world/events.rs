//! The simulator's events: everything that happens at an instant, in the
//! engine's total (time, insertion) order. Each is encoded into the trace
//! hash, so two runs agree exactly when they did the same things.

use crate::engine::trace::TraceEncode;
use sessionlab_proto::auth::InterDcMessage;
use sessionlab_proto::id::DcId;

/// Index of an app instance (an owner's device or an attacker's).
pub type AppId = usize;
/// Index of an account.
pub type AccountIndex = usize;

#[derive(Clone, Debug)]
pub enum Event {
    /// A packet arrives at datacenter `dc` from `app`.
    ToDc { dc: DcId, app: AppId, bytes: Vec<u8> },
    /// A packet arrives at `app` from datacenter `dc`.
    ToApp { app: AppId, dc: DcId, bytes: Vec<u8> },
    /// A message between datacenters arrives.
    InterDc { message: InterDcMessage },
    /// `app`'s client has timer work (generation guards stale timers).
    AppTimer { app: AppId, generation: u64 },
    /// Datacenter `dc` has timer work.
    ServerTimer { dc: DcId, generation: u64 },
    /// An owner's device starts logging in.
    Login { app: AppId },
    /// The owner asks again for what the app gave up on (try number `tries`).
    OwnerRetry {
        app: AppId,
        command: sessionlab_proto::client::Command,
        tries: u32,
    },
    /// An owner's device goes online or offline.
    Online { app: AppId, online: bool },
    /// Something happens on the account: an update is logged and pushed.
    NewUpdate { account: AccountIndex },
    /// The owner audits the session list.
    Audit { account: AccountIndex },
    /// An audit the owner slept through, taken when they wake.
    DeferredAudit { account: AccountIndex },
    /// An attacker acquires access to its target.
    Acquire { attacker: usize },
    /// An attacker's periodic activity (heartbeat, re-login).
    AttackerTick { attacker: usize },
    /// An exfiltrating attacker fetches files from media datacenters.
    AttackerFetch { attacker: usize },
    /// A replaying attacker re-injects the packets it captured.
    AttackerReplay { attacker: usize },
    /// A replayed packet arrives at datacenter `dc` from an attacker's host.
    ReplayToDc { dc: DcId, attacker: usize, bytes: Vec<u8> },
    /// Owners of `account` carry out `[[owner_action]]` number `action`.
    OwnerAction { account: AccountIndex, action: usize },
    /// `app`'s storage is backed up for `[[device_event]]` number `event`.
    Backup { app: AppId, event: usize },
    /// `[[device_event]]` number `event` happens to `app`.
    DeviceFate { app: AppId, event: usize },
    /// The operator moves `account`'s deletion to its next phase.
    AdvanceDeletion { account: AccountIndex },
    /// A SIM-swap attacker asks for its in-app code again, by SMS.
    AttackerResendCode { attacker: usize },
    /// An owner gives up waiting for the code of login attempt `attempt`.
    OwnerLoginPatience { app: AppId, attempt: u32 },
    /// An owner whose in-app code did not reach them asks for it by SMS.
    OwnerResendCode { app: AppId },
    /// Faults stop; every owner device comes online.
    QuietPeriod,
    /// The end of the run.
    End,
}

impl TraceEncode for Event {
    fn encode_trace(&self, out: &mut Vec<u8>) {
        fn put(out: &mut Vec<u8>, tag: u8, words: &[u64]) {
            out.push(tag);
            for word in words {
                out.extend_from_slice(&word.to_le_bytes());
            }
        }
        fn bytes(out: &mut Vec<u8>, data: &[u8]) {
            out.extend_from_slice(&(data.len() as u64).to_le_bytes());
            out.extend_from_slice(data);
        }
        // A packet's first 24 bytes are auth_key_id and msg_key, and msg_key
        // is a SHA-256 of the whole plaintext: hashing them (and the length)
        // pins the packet as well as hashing all of it, at a fraction of the cost.
        fn packet(out: &mut Vec<u8>, data: &[u8]) {
            out.extend_from_slice(&(data.len() as u64).to_le_bytes());
            out.extend_from_slice(&data[..data.len().min(24)]);
        }
        match self {
            Event::ToDc { dc, app, bytes: data } => {
                put(out, 1, &[u64::from(dc.get()), *app as u64]);
                packet(out, data);
            }
            Event::ToApp { app, dc, bytes: data } => {
                put(out, 2, &[*app as u64, u64::from(dc.get())]);
                packet(out, data);
            }
            Event::InterDc { message } => {
                put(out, 3, &[u64::from(message.from.get()), u64::from(message.to.get())]);
                bytes(out, format!("{:?}", message.body).as_bytes());
            }
            Event::AppTimer { app, generation } => put(out, 4, &[*app as u64, *generation]),
            Event::ServerTimer { dc, generation } => put(out, 5, &[u64::from(dc.get()), *generation]),
            Event::Login { app } => put(out, 6, &[*app as u64]),
            Event::Online { app, online } => put(out, 7, &[*app as u64, u64::from(*online)]),
            Event::NewUpdate { account } => put(out, 8, &[*account as u64]),
            Event::Audit { account } => put(out, 9, &[*account as u64]),
            Event::DeferredAudit { account } => put(out, 23, &[*account as u64]),
            Event::Acquire { attacker } => put(out, 10, &[*attacker as u64]),
            Event::AttackerTick { attacker } => put(out, 11, &[*attacker as u64]),
            Event::AttackerFetch { attacker } => put(out, 14, &[*attacker as u64]),
            Event::AttackerReplay { attacker } => put(out, 15, &[*attacker as u64]),
            Event::ReplayToDc {
                dc,
                attacker,
                bytes: data,
            } => {
                put(out, 16, &[u64::from(dc.get()), *attacker as u64]);
                packet(out, data);
            }
            Event::OwnerAction { account, action } => put(out, 17, &[*account as u64, *action as u64]),
            Event::Backup { app, event } => put(out, 18, &[*app as u64, *event as u64]),
            Event::DeviceFate { app, event } => put(out, 19, &[*app as u64, *event as u64]),
            Event::AdvanceDeletion { account } => put(out, 20, &[*account as u64]),
            Event::AttackerResendCode { attacker } => put(out, 21, &[*attacker as u64]),
            Event::OwnerResendCode { app } => put(out, 24, &[*app as u64]),
            Event::OwnerLoginPatience { app, attempt } => put(out, 25, &[*app as u64, u64::from(*attempt)]),
            Event::OwnerRetry { app, command, tries } => {
                put(out, 22, &[*app as u64, u64::from(*tries)]);
                bytes(out, format!("{command:?}").as_bytes());
            }
            Event::QuietPeriod => put(out, 12, &[]),
            Event::End => put(out, 13, &[]),
        }
    }
}
