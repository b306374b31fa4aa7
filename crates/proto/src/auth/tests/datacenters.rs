//! Cross-DC rules: export/import, revocation under sync / async / lazy,
//! retries, late imports, and temp keys.

use crate::id::{AuthKeyId, AuthorizationHash};
use std::time::Duration;

use super::*;
use crate::auth::interdc::{InterDcBody, InterDcMessage};
use crate::auth::{AuthRejection, AuthorizationKind, ResetAnswer, RevocationPolicy, RpcError};

/// Export `home_key`'s authorization to `target` and import it under `key`.
pub(super) fn derive(
    world: &mut AuthFixture,
    home_key: AuthKeyId,
    target: DcId,
    key: AuthKeyId,
) -> Result<AuthorizationKind, RpcError> {
    let now = world.now;
    let exported = world
        .cluster
        .dc(HOME)
        .export_authorization(now, home_key, target, &mut world.rng)?;
    world
        .dc(target)
        .import_authorization(now, key, exported.id, &exported.bytes)
}

/// The owner's phone (key 1) and a stolen laptop (key 2) whose derived key
/// 41 lives on OTHER, under `revocation`.
fn stolen_laptop_on_other_dc(revocation: RevocationPolicy) -> AuthFixture {
    let mut world = AuthFixture::new(Policy {
        revocation,
        ..Policy::default()
    });
    world.owner_and_stolen_laptop();
    derive(&mut world, AuthKeyId::new(2), OTHER, AuthKeyId::new(41)).expect("derive");
    world
}

fn released(world: &mut AuthFixture) -> Vec<u64> {
    world
        .take_outside()
        .into_iter()
        .filter_map(|(_, effect)| match effect {
            Effect::ReleaseAnswer {
                answer_id,
                result: Ok(()),
                ..
            } => Some(answer_id),
            _ => None,
        })
        .collect()
}

#[test]
fn imported_authorizations_act_for_the_home_one() {
    let mut world = AuthFixture::new(Policy::default());
    let hash = world.login(AuthKeyId::new(1), "Pixel 8");
    assert_eq!(
        derive(&mut world, AuthKeyId::new(1), OTHER, AuthKeyId::new(41)),
        Ok(AuthorizationKind::Derived { home_dc: HOME })
    );
    let now = world.now;
    let handle = world
        .dc(OTHER)
        .authenticate(now, AuthKeyId::new(41))
        .expect("derived accepted");
    assert_eq!(
        (handle.user_id, handle.hash, handle.kind),
        (
            USER,
            AuthorizationHash(hash.get()),
            AuthorizationKind::Derived { home_dc: HOME }
        )
    );
    // Session management belongs to the home DC.
    assert_eq!(
        world.dc(OTHER).get_authorizations(now, AuthKeyId::new(41)),
        Err(RpcError::UserMigrate(HOME))
    );
}

#[test]
fn export_and_import_refuse_bad_requests() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    assert_eq!(
        world
            .cluster
            .dc(HOME)
            .export_authorization(now, AuthKeyId::new(1), HOME, &mut world.rng),
        Err(RpcError::DcIdInvalid)
    );
    let exported = world
        .cluster
        .dc(HOME)
        .export_authorization(now, AuthKeyId::new(1), OTHER, &mut world.rng)
        .expect("export");
    let mut tampered = exported.bytes.clone();
    tampered[9] ^= 1;
    assert_eq!(
        world
            .dc(OTHER)
            .import_authorization(now, AuthKeyId::new(41), USER, &tampered),
        Err(RpcError::AuthBytesInvalid)
    );
    assert_eq!(
        world
            .dc(THIRD)
            .import_authorization(now, AuthKeyId::new(41), USER, &exported.bytes),
        Err(RpcError::AuthBytesInvalid)
    );
    assert_eq!(
        world
            .dc(OTHER)
            .import_authorization(now, AuthKeyId::new(41), UserId(USER.0 + 1), &exported.bytes),
        Err(RpcError::AuthBytesInvalid)
    );
    let late = now + Duration::from_secs(301);
    assert_eq!(
        world
            .dc(OTHER)
            .import_authorization(late, AuthKeyId::new(41), USER, &exported.bytes),
        Err(RpcError::AuthBytesInvalid)
    );
    world
        .dc(OTHER)
        .import_authorization(now, AuthKeyId::new(41), USER, &exported.bytes)
        .expect("import");
    assert_eq!(
        world
            .dc(OTHER)
            .import_authorization(now, AuthKeyId::new(42), USER, &exported.bytes),
        Err(RpcError::AuthBytesInvalid)
    );
}

#[test]
fn sync_holds_the_answer_until_every_dc_acknowledged() {
    let mut world = stolen_laptop_on_other_dc(RevocationPolicy::Sync);
    derive(&mut world, AuthKeyId::new(2), THIRD, AuthKeyId::new(51)).expect("derive");
    world.take_outside();
    let now = world.now;
    let answer = world
        .home()
        .reset_authorizations(now, AuthKeyId::new(1))
        .expect("reset");
    let ResetAnswer::Held { answer_id } = answer else {
        panic!("sync must hold: {answer:?}")
    };
    // Before delivery the other DCs still accept the derived keys.
    assert!(world.auth(OTHER, AuthKeyId::new(41)).is_ok());
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::SessionRevoked));
    world.pump();
    assert_eq!(world.auth(OTHER, AuthKeyId::new(41)), Err(RpcError::SessionRevoked));
    assert_eq!(world.auth(THIRD, AuthKeyId::new(51)), Err(RpcError::SessionRevoked));
    assert_eq!(released(&mut world), vec![answer_id]);
    assert_eq!(world.home().pending_revocations(), 0);
}

#[test]
fn lost_revocations_are_retried_until_acknowledged() {
    let mut world = stolen_laptop_on_other_dc(RevocationPolicy::Sync);
    let now = world.now;
    let ResetAnswer::Held { answer_id } = world
        .home()
        .reset_authorizations(now, AuthKeyId::new(1))
        .expect("reset")
    else {
        panic!("held")
    };
    world.cluster.pump_filtered(now, |_| false);
    assert!(world.auth(OTHER, AuthKeyId::new(41)).is_ok(), "the revocation was lost");
    assert!(released(&mut world).is_empty());
    world.advance(Duration::from_secs(1));
    assert_eq!(world.auth(OTHER, AuthKeyId::new(41)), Err(RpcError::SessionRevoked));
    assert_eq!(released(&mut world), vec![answer_id]);
    // Nothing left to retry.
    world.advance(Duration::from_secs(120));
    let resent = world
        .take_outside()
        .iter()
        .any(|(_, e)| matches!(e, Effect::InterDc(_)));
    assert!(!resent);
}

#[test]
fn async_answers_at_once_and_revokes_after_the_delay() {
    let delay = Duration::from_secs(2);
    let mut world = stolen_laptop_on_other_dc(RevocationPolicy::Async { delay });
    let now = world.now;
    assert_eq!(
        world.home().reset_authorizations(now, AuthKeyId::new(1)),
        Ok(ResetAnswer::Done)
    );
    world.pump();
    world.advance(Duration::from_millis(1999));
    assert!(
        world.auth(OTHER, AuthKeyId::new(41)).is_ok(),
        "still accepted within the delay"
    );
    world.advance(Duration::from_millis(1));
    assert_eq!(world.auth(OTHER, AuthKeyId::new(41)), Err(RpcError::SessionRevoked));
}

#[test]
fn lazy_revalidates_after_the_cache_ttl() {
    let cache_ttl = Duration::from_secs(300);
    let mut world = stolen_laptop_on_other_dc(RevocationPolicy::Lazy { cache_ttl });
    let exported_at = world.now;
    world.advance(Duration::from_secs(299));
    assert!(world.auth(OTHER, AuthKeyId::new(41)).is_ok());
    world.advance(Duration::from_secs(1));
    // Stale: asks home, rejects for now; the reply refreshes the cache.
    let now = world.now;
    assert_eq!(
        world.dc(OTHER).authenticate(now, AuthKeyId::new(41)),
        Err(AuthRejection::Revalidating)
    );
    let asked = world.cluster.take_effects(OTHER);
    assert!(matches!(
        asked.as_slice(),
        [Effect::InterDc(InterDcMessage {
            body: InterDcBody::Validate { .. },
            ..
        })]
    ));
    for effect in asked {
        if let Effect::InterDc(message) = effect {
            world.dc(HOME).handle_inter_dc(now, message).expect("to home");
        }
    }
    world.pump();
    assert!(world.auth(OTHER, AuthKeyId::new(41)).is_ok());
    // Revoked at home: no message goes out, but the cache runs dry.
    let now = world.now;
    assert_eq!(
        world.home().reset_authorizations(now, AuthKeyId::new(1)),
        Ok(ResetAnswer::Done)
    );
    assert!(world
        .take_outside()
        .iter()
        .all(|(_, e)| !matches!(e, Effect::InterDc(_))));
    world.advance(Duration::from_secs(299));
    assert!(world.auth(OTHER, AuthKeyId::new(41)).is_ok(), "within the cache TTL");
    world.advance(Duration::from_secs(1));
    assert_eq!(world.auth(OTHER, AuthKeyId::new(41)), Err(RpcError::Timeout));
    world.pump();
    assert_eq!(world.auth(OTHER, AuthKeyId::new(41)), Err(RpcError::SessionRevoked));
    assert!(world.now > exported_at);
}

#[test]
fn a_token_exported_before_a_revocation_cannot_be_imported_after_it() {
    let mut world = AuthFixture::new(Policy::default());
    world.owner_and_stolen_laptop();
    let now = world.now;
    let stolen = world
        .cluster
        .dc(HOME)
        .export_authorization(now, AuthKeyId::new(2), OTHER, &mut world.rng)
        .expect("export");
    world
        .home()
        .reset_authorizations(now, AuthKeyId::new(1))
        .expect("reset");
    world.pump();
    let result = world
        .dc(OTHER)
        .import_authorization(now, AuthKeyId::new(41), USER, &stolen.bytes);
    assert_eq!(result, Err(RpcError::SessionRevoked));
}

#[test]
fn temp_keys_act_as_their_permanent_key_until_expiry() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    let asked = now + 2 * DAY;
    let granted = world
        .home()
        .register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(100), asked)
        .expect("bind");
    assert_eq!(granted, now + DAY, "capped at temp_key_lifetime");
    let handle = world
        .home()
        .authenticate(now, AuthKeyId::new(100))
        .expect("temp accepted");
    assert!(handle.via_temp && handle.perm_key_id == AuthKeyId::new(1));
    assert_eq!(
        world
            .home()
            .register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(100), asked),
        Ok(granted),
        "rebinding to the same key is fine"
    );
    assert_eq!(
        world
            .home()
            .register_and_bind_temp(now, AuthKeyId::new(2), AuthKeyId::new(100), asked),
        Err(RpcError::TempAuthKeyAlreadyBound)
    );
    assert_eq!(
        world
            .home()
            .register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(101), now),
        Err(RpcError::ExpireDateInvalid)
    );
    world.advance(DAY);
    assert_eq!(
        world.auth(HOME, AuthKeyId::new(100)),
        Err(RpcError::AuthKeyUnregistered)
    );
}

#[test]
fn revoking_an_authorization_kills_its_temp_keys_everywhere() {
    let mut world = stolen_laptop_on_other_dc(RevocationPolicy::Sync);
    let now = world.now;
    world
        .home()
        .register_and_bind_temp(now, AuthKeyId::new(2), AuthKeyId::new(200), now + DAY)
        .expect("bind home temp");
    world
        .dc(OTHER)
        .register_and_bind_temp(now, AuthKeyId::new(41), AuthKeyId::new(400), now + DAY)
        .expect("bind other temp");
    assert!(world.auth(OTHER, AuthKeyId::new(400)).is_ok());
    world
        .home()
        .reset_authorizations(now, AuthKeyId::new(1))
        .expect("reset");
    world.pump();
    assert_eq!(world.auth(HOME, AuthKeyId::new(200)), Err(RpcError::SessionRevoked));
    assert_eq!(world.auth(OTHER, AuthKeyId::new(400)), Err(RpcError::SessionRevoked));
}

#[test]
fn temp_keys_can_be_disabled() {
    let mut world = AuthFixture::new(Policy {
        temp_key_lifetime: Duration::ZERO,
        ..Policy::default()
    });
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    assert_eq!(
        world
            .home()
            .register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(100), now + DAY),
        Err(RpcError::TempKeysDisabled)
    );
}

#[test]
fn messages_for_another_dc_are_refused() {
    let mut world = AuthFixture::new(Policy::default());
    let now = world.now;
    let stray = InterDcMessage {
        from: OTHER,
        to: THIRD,
        body: InterDcBody::RevokeAck { revocation_id: 1 },
    };
    assert!(world.home().handle_inter_dc(now, stray).is_err());
}

#[test]
fn a_late_validation_reply_counts_from_when_the_home_dc_vouched() {
    let cache_ttl = Duration::from_secs(300);
    let mut world = stolen_laptop_on_other_dc(RevocationPolicy::Lazy { cache_ttl });
    world.now = world.now + cache_ttl;
    let vouched_at = world.now;
    assert_eq!(
        world.dc(OTHER).authenticate(vouched_at, AuthKeyId::new(41)),
        Err(AuthRejection::Revalidating)
    );
    let Some(Effect::InterDc(ask)) = world.cluster.take_effects(OTHER).pop() else {
        panic!("a validation request")
    };
    world.dc(HOME).handle_inter_dc(vouched_at, ask).expect("home");
    let Some(Effect::InterDc(reply)) = world.cluster.take_effects(HOME).pop() else {
        panic!("a reply")
    };
    // The reply arrives 200 s late: the cache still ends 300 s after vouching.
    let arrival = vouched_at + Duration::from_secs(200);
    world.dc(OTHER).handle_inter_dc(arrival, reply).expect("other");
    assert!(world.dc(OTHER).peek(arrival, AuthKeyId::new(41)).is_ok());
    let just_before = (vouched_at + cache_ttl).saturating_sub(Duration::from_micros(1));
    assert!(world.dc(OTHER).peek(just_before, AuthKeyId::new(41)).is_ok());
    assert_eq!(
        world
            .dc(OTHER)
            .peek(vouched_at + cache_ttl, AuthKeyId::new(41))
            .map(|_| ()),
        Err(AuthRejection::Revalidating)
    );
}
