//! What happens to devices, end to end with exact metrics of fixed seeds: a
//! lost phone terminated from the desktop, a stolen unlocked phone, an app
//! restored from a stale backup.

use crate::support::sim::{metric, resolved, show};
use sessionlab::world::{run, RunOptions};

const BASE: &str = r#"
[scenario]
name = "tiny-devices"
duration = "4d"
quiet_period = "1h"

[datacenters]
count = 2

[network]
latency = "40ms"

[population]
accounts = 3
devices = [{ kind = "phone", probability = 1.0 }, { kind = "desktop", probability = 1.0 }]
online = { mean_session = "30m", mean_gap = "2h" }
updates_per_day = 40
update_bytes = 200
audit = { every = "30d", probability = 0.0, action = "none" }
"#;

#[test]
fn a_lost_phone_is_terminated_from_the_desktop() {
    let text = format!(
        "{BASE}\n[[device_event]]\nkind = \"lost\"\ndevice = \"phone\"\nat = \"1d\"\n\n\
         [[owner_action]]\naction = \"terminate_device\"\ndevice = \"phone\"\nfrom = \"desktop\"\nat = \"2d\"\n"
    );
    let outcome = run(&resolved(&text), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 0, exactly: two owners end the lost phone's session from the
    // desktop. The third cannot: its desktop logged in after the phone and
    // was never confirmed (the phone was offline when the notification
    // came, and is gone now), and an unconfirmed session may not terminate
    // others (UNCONFIRMED_SESSION_FORBIDDEN) until it autoconfirms after 7d.
    assert_eq!(metric(&outcome, "authorizations_revoked"), 2.0);
    // The lost phones never make contact again, so none wipes.
    assert_eq!(metric(&outcome, "devices_wiped"), 0.0);
    assert_eq!(metric(&outcome, "sync_converged"), 1.0);
}

#[test]
fn a_stolen_phone_is_the_thiefs_until_the_owner_terminates_it() {
    let text = format!(
        "{BASE}\n[[attacker]]\nname = \"pickpocket\"\ntargets = \"100%\"\n\
         acquire = {{ kind = \"stolen_device\", device = \"phone\", at = \"1d\" }}\nbehavior = [\"exfiltrate\"]\n\n\
         [[owner_action]]\naction = \"terminate_device\"\ndevice = \"phone\"\nfrom = \"desktop\"\nat = \"2d\"\n"
    );
    let outcome = run(&resolved(&text), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 0, exactly: the same two owners end the stolen phone's session
    // (the thief's app wipes); the third owner's unconfirmed desktop cannot,
    // so that thief keeps the phone's home and media-DC keys: two footholds.
    assert_eq!(metric(&outcome, "authorizations_revoked"), 2.0);
    assert_eq!(metric(&outcome, "devices_wiped"), 2.0);
    assert_eq!(metric(&outcome, "surviving_footholds"), 2.0);
    assert_eq!(metric(&outcome, "logout_bypasses"), 0.0);
}

#[test]
fn an_app_restored_from_a_stale_backup_recovers_and_converges() {
    let text = format!(
        "{BASE}\n[[device_event]]\nkind = \"restored_from_backup\"\ndevice = \"desktop\"\nat = \"3d\"\nbackup_age = \"2d\"\n"
    );
    let outcome = run(&resolved(&text), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    let baseline = run(&resolved(BASE), 0, RunOptions::default()).expect("runs");
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 0, exactly. The three desktops go back two days: old sessions,
    // seqnos and sync position. Each DC refuses the first request of each
    // (code 32), the seqno catches up, and a getDifference brings the app
    // to the server's state: 11 more bad-message answers than without the
    // restore, 40 more difference calls, and sync converges.
    assert_eq!(metric(&baseline, "bad_msg_notifications"), 479.0);
    assert_eq!(metric(&outcome, "bad_msg_notifications"), 490.0);
    assert_eq!(metric(&baseline, "difference_calls"), 566.0);
    assert_eq!(metric(&outcome, "difference_calls"), 606.0);
    assert_eq!(metric(&outcome, "sync_converged"), 1.0);
    assert_eq!(metric(&outcome, "updates_lost"), 0.0);
    assert_eq!(metric(&outcome, "updates_duplicated"), 0.0);
}
