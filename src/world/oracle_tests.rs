//! The end-of-run oracles can fail: worlds tampered with after a run (a
//! revocation the device never heard of) are judged violated.

use crate::scenario::parse_scenario;
use sessionlab_proto::auth::{AuthEvent, AuthEventKind, RevocationCause};

use super::config::WorldConfig;
use super::{build, Holder, RunOptions, World};

const TINY: &str = "[scenario]\nname = \"t\"\nduration = \"3h\"\nquiet_period = \"1h\"\n\
[datacenters]\ncount = 1\n[network]\nlatency = \"20ms\"\n\
[population]\naccounts = 1\ndevices = [{ kind = \"phone\", probability = 1.0 }]\n\
online = { mean_session = \"10h\", mean_gap = \"1m\" }\nupdates_per_day = 24\n";

fn tiny_world_after_run() -> World {
    let scenario = parse_scenario(TINY, "t.toml").expect("valid").resolve(0);
    let mut world = build::world(WorldConfig::from_scenario(&scenario), 0, RunOptions::default()).expect("builds");
    world.run_loop().expect("runs");
    world
}

#[test]
fn an_untampered_run_has_no_violation() {
    let outcome = tiny_world_after_run().finish();
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
}

#[test]
fn a_terminated_device_that_did_not_wipe_is_a_violation() {
    let mut world = tiny_world_after_run();
    let phone = world
        .apps
        .iter()
        .position(|app| matches!(app.holder, Holder::Owner { .. }))
        .expect("a phone");
    let home_dc = world.accounts[0].home_dc;
    let key_id = world.apps[phone].client.auth_key_id(home_dc).expect("logged in");
    let (user_id, hash) = world.bypasses.acts_for(home_dc, key_id).expect("authorized");
    // The revocation the device never learnt of: an hour into the run.
    let at = world.config.epoch.saturating_add(std::time::Duration::from_secs(3600));
    let revoked = AuthEvent {
        at,
        dc: home_dc,
        kind: AuthEventKind::AuthorizationRevoked {
            user_id,
            hash,
            key_id,
            cause: RevocationCause::ResetOne,
        },
    };
    world.bypasses.observe(&revoked, false);
    let outcome = world.finish();
    assert_eq!(
        outcome.violations,
        vec![format!(
            "wipe: device {phone} (account 0) was terminated at 3600 s and did not wipe its data"
        )]
    );
}

#[test]
fn a_lost_device_is_exempt_from_the_wipe_oracle() {
    let mut world = tiny_world_after_run();
    let phone = 0;
    let home_dc = world.accounts[0].home_dc;
    let key_id = world.apps[phone].client.auth_key_id(home_dc).expect("logged in");
    let (user_id, hash) = world.bypasses.acts_for(home_dc, key_id).expect("authorized");
    let at = world.config.epoch.saturating_add(std::time::Duration::from_secs(3600));
    let kind = AuthEventKind::AuthorizationRevoked {
        user_id,
        hash,
        key_id,
        cause: RevocationCause::ResetOne,
    };
    world.bypasses.observe(&AuthEvent { at, dc: home_dc, kind }, false);
    world.apps[phone].lost = true;
    assert!(world.finish().violations.is_empty());
}
