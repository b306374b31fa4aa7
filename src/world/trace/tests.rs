//! The exact JSON of every trace event kind (the schema of
//! `scenarios/README.md` § Trace schema, pinned), the id form, the time
//! unit, fault boundaries and the `--account` filter.

use sessionlab_proto::auth::{AuthRejection, InterDcBody, InterDcMessage};
use sessionlab_proto::id::{AuthorizationHash, DcId, UserId};
use sessionlab_proto::time::Instant;

use super::*;

/// 2026-01-01T00:00:01.234567Z.
fn at() -> Instant {
    Instant::SCENARIO_EPOCH.offset_by_micros(1_234_567)
}

fn json(event: TraceEvent) -> String {
    let record = TraceRecord {
        at_ms: millis(at()),
        event,
    };
    serde_json::to_string(&record).expect("serialises")
}

const AT: &str = r#"{"at_ms":1767225601234.567,"#;

fn owner_app(app: usize) -> AppEntry {
    AppEntry {
        app,
        user_id: 1000,
        device: "phone",
        holder: HolderKind::Owner,
        attacker: None,
    }
}

fn outage() -> FaultEntry {
    FaultEntry {
        fault: 0,
        kind: "dc_outage",
        dc: Some(2),
        apps: Vec::new(),
        direction: None,
        user_id: None,
    }
}

fn revoke_entry() -> InterDcEntry {
    InterDcEntry {
        from_dc: 1,
        to_dc: 2,
        message: "revoke",
        user_id: Some(1000),
        revocation_id: Some(7),
        home_hashes: vec![Hex16(0xab)],
    }
}

#[test]
fn ids_are_sixteen_hex_digits_and_negative_hashes_their_bits() {
    assert_eq!(
        serde_json::to_string(&Hex16(0xab)).expect("ok"),
        r#""00000000000000ab""#
    );
    assert_eq!(
        serde_json::to_string(&Hex16::from(AuthorizationHash(-2))).expect("ok"),
        r#""fffffffffffffffe""#
    );
}

#[test]
fn header_and_apps() {
    let header = TraceEvent::Header {
        schema: SCHEMA_VERSION,
        scenario: "t".into(),
        seed: 3,
        account_filter: None,
        accounts: vec![AccountEntry {
            user_id: 1000,
            home_dc: 1,
        }],
        apps: vec![owner_app(0)],
    };
    assert_eq!(
        json(header),
        format!(
            r#"{AT}"event":"header","schema":1,"scenario":"t","seed":3,"account_filter":null,"accounts":[{{"user_id":1000,"home_dc":1}}],"apps":[{{"app":0,"user_id":1000,"device":"phone","holder":"owner","attacker":null}}]}}"#
        )
    );
    let thief = AppEntry {
        app: 2,
        user_id: 1000,
        device: "desktop",
        holder: HolderKind::Attacker,
        attacker: Some("thief".into()),
    };
    assert_eq!(
        json(TraceEvent::AppCreated(thief)),
        format!(
            r#"{AT}"event":"app_created","app":2,"user_id":1000,"device":"desktop","holder":"attacker","attacker":"thief"}}"#
        )
    );
}

#[test]
fn attacker_events() {
    let acquisition = TraceEvent::Acquisition {
        attacker: "thief".into(),
        user_id: 1000,
        kind: "stolen_key",
        device: Some("desktop"),
        app: 2,
    };
    assert_eq!(
        json(acquisition),
        format!(
            r#"{AT}"event":"acquisition","attacker":"thief","user_id":1000,"kind":"stolen_key","device":"desktop","app":2}}"#
        )
    );
    let not_started = TraceEvent::AttackNotStarted {
        attacker: "thief".into(),
        user_id: 1000,
        kind: "session_file",
        device: Some("tablet"),
    };
    assert_eq!(
        json(not_started),
        format!(
            r#"{AT}"event":"attack_not_started","attacker":"thief","user_id":1000,"kind":"session_file","device":"tablet"}}"#
        )
    );
    let request = TraceEvent::AttackerRequest {
        attacker: "thief".into(),
        user_id: 1000,
        app: 2,
        dc: 2,
        key_id: Hex16(0x1f),
        perm_key_id: None,
        method: "upload.getFile",
        result: RequestResult::Refused,
        error: Some("401 SESSION_REVOKED".into()),
        bypass: false,
        violation: false,
    };
    assert_eq!(
        json(request),
        format!(
            r#"{AT}"event":"attacker_request","attacker":"thief","user_id":1000,"app":2,"dc":2,"key_id":"000000000000001f","perm_key_id":null,"method":"upload.getFile","result":"refused","error":"401 SESSION_REVOKED","bypass":false,"violation":false}}"#
        )
    );
}

#[test]
fn authorization_events() {
    let created = TraceEvent::AuthorizationCreated {
        user_id: 1000,
        hash: Hex16(0xa),
        dc: 2,
        key_id: Hex16(0xb),
        via: "import",
        from_hash: Some(Hex16(0xc)),
        app: Some(2),
        by_attacker: true,
    };
    assert_eq!(
        json(created),
        format!(
            r#"{AT}"event":"authorization_created","user_id":1000,"hash":"000000000000000a","dc":2,"key_id":"000000000000000b","via":"import","from_hash":"000000000000000c","app":2,"by_attacker":true}}"#
        )
    );
    let revoked = TraceEvent::AuthorizationRevoked {
        user_id: 1000,
        hash: Hex16(0xa),
        dc: 1,
        key_id: Hex16(0xb),
        cause: "terminate_all_others",
    };
    assert_eq!(
        json(revoked),
        format!(
            r#"{AT}"event":"authorization_revoked","user_id":1000,"hash":"000000000000000a","dc":1,"key_id":"000000000000000b","cause":"terminate_all_others"}}"#
        )
    );
    let derived = TraceEvent::DerivedRevoked {
        user_id: 1000,
        home_hash: Hex16(0xa),
        dc: 2,
        key_id: Hex16(0xd),
        reason: names::rejection_name(AuthRejection::SessionRevoked),
    };
    assert_eq!(
        json(derived),
        format!(
            r#"{AT}"event":"derived_revoked","user_id":1000,"home_hash":"000000000000000a","dc":2,"key_id":"000000000000000d","reason":"session_revoked"}}"#
        )
    );
}

#[test]
fn inter_dc_and_fault_events() {
    let revoke = r#""from_dc":1,"to_dc":2,"message":"revoke","user_id":1000,"revocation_id":7,"home_hashes":["00000000000000ab"]"#;
    let sent = TraceEvent::InterDcSent {
        message: revoke_entry(),
        copies: 1,
    };
    assert_eq!(
        json(sent),
        format!(r#"{AT}"event":"inter_dc_sent",{revoke},"copies":1}}"#)
    );
    assert_eq!(
        json(TraceEvent::InterDcDelivered(revoke_entry())),
        format!(r#"{AT}"event":"inter_dc_delivered",{revoke}}}"#)
    );
    let fault = r#""fault":0,"kind":"dc_outage","dc":2,"apps":[],"direction":null,"user_id":null"#;
    assert_eq!(
        json(TraceEvent::FaultStarted(outage())),
        format!(r#"{AT}"event":"fault_started",{fault}}}"#)
    );
    assert_eq!(
        json(TraceEvent::FaultEnded(outage())),
        format!(r#"{AT}"event":"fault_ended",{fault}}}"#)
    );
}

#[test]
fn code_owner_and_device_events() {
    let cases = [
        (
            TraceEvent::CodeDelivered {
                user_id: 1000,
                by: "app",
                requester: 1,
                requester_got_it: false,
                owner_saw_it: true,
            },
            r#""event":"code_delivered","user_id":1000,"by":"app","requester":1,"requester_got_it":false,"owner_saw_it":true}"#,
        ),
        (
            TraceEvent::OwnerAction {
                user_id: 1000,
                app: 0,
                action: "terminate_device",
                target_device: Some("desktop"),
                ttl_days: None,
            },
            r#""event":"owner_action","user_id":1000,"app":0,"action":"terminate_device","target_device":"desktop","ttl_days":null}"#,
        ),
        (
            TraceEvent::OwnerRequestDone {
                user_id: 1000,
                app: 0,
                method: "auth.resetAuthorizations",
            },
            r#""event":"owner_request_done","user_id":1000,"app":0,"method":"auth.resetAuthorizations"}"#,
        ),
        (
            TraceEvent::OwnerRequestFailed {
                user_id: 1000,
                app: 0,
                method: "auth.signIn",
                error: "400 PHONE_CODE_EXPIRED".into(),
            },
            r#""event":"owner_request_failed","user_id":1000,"app":0,"method":"auth.signIn","error":"400 PHONE_CODE_EXPIRED"}"#,
        ),
        (
            TraceEvent::OwnerRequestLost {
                user_id: 1000,
                app: 0,
                method: "auth.logOut",
            },
            r#""event":"owner_request_lost","user_id":1000,"app":0,"method":"auth.logOut"}"#,
        ),
        (
            TraceEvent::OwnerRequestRetriedLater {
                user_id: 1000,
                app: 0,
                method: "auth.logOut",
                attempt: 2,
            },
            r#""event":"owner_request_retried_later","user_id":1000,"app":0,"method":"auth.logOut","attempt":2}"#,
        ),
        (
            TraceEvent::OwnerRequestAbandoned {
                user_id: 1000,
                app: 0,
                method: "auth.logOut",
            },
            r#""event":"owner_request_abandoned","user_id":1000,"app":0,"method":"auth.logOut"}"#,
        ),
        (
            TraceEvent::OwnerAppIgnored {
                user_id: 1000,
                app: 0,
                dc: 3,
                error: "no session with DC 3".into(),
            },
            r#""event":"owner_app_ignored","user_id":1000,"app":0,"dc":3,"error":"no session with DC 3"}"#,
        ),
        (
            TraceEvent::DeviceLost { user_id: 1000, app: 0 },
            r#""event":"device_lost","user_id":1000,"app":0}"#,
        ),
        (
            TraceEvent::DeviceRestored { user_id: 1000, app: 0 },
            r#""event":"device_restored","user_id":1000,"app":0}"#,
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(json(event), format!("{AT}{expected}"));
    }
}

fn header(user_ids: &[u64]) -> TraceEvent {
    TraceEvent::Header {
        schema: SCHEMA_VERSION,
        scenario: "t".into(),
        seed: 0,
        account_filter: None,
        accounts: user_ids
            .iter()
            .map(|user_id| AccountEntry {
                user_id: *user_id,
                home_dc: 1,
            })
            .collect(),
        apps: Vec::new(),
    }
}

#[test]
fn faults_are_written_in_time_order_and_acks_carry_their_account() {
    let start = Instant::SCENARIO_EPOCH;
    let faults = fault_boundaries(
        &[crate::engine::network::Fault::DcOutage {
            at: start.offset_by_micros(10_000),
            duration_micros: 5_000,
            dc: 2,
        }],
        |_| None,
    );
    let mut trace = Trace::new(start, header(&[1000, 1001]), faults);
    trace.push(
        start.offset_by_micros(12_000),
        TraceEvent::DeviceLost { user_id: 1000, app: 0 },
    );
    let revoke = InterDcMessage {
        from: DcId(1),
        to: DcId(2),
        body: InterDcBody::Revoke {
            revocation_id: 7,
            user_id: UserId(1001),
            home_hashes: Vec::new(),
            reason: AuthRejection::SessionRevoked,
        },
    };
    let entry = trace.inter_dc(&revoke);
    trace.push(start.offset_by_micros(13_000), TraceEvent::InterDcDelivered(entry));
    let ack = InterDcMessage {
        from: DcId(2),
        to: DcId(1),
        body: InterDcBody::RevokeAck { revocation_id: 7 },
    };
    let entry = trace.inter_dc(&ack);
    assert_eq!((entry.user_id, entry.message), (Some(1001), "revoke_ack"));
    trace.flush_until(start.offset_by_micros(20_000));
    let kinds = |account: Option<u64>| -> Vec<(f64, String)> {
        trace
            .filtered(account)
            .map(|record| {
                let line = serde_json::to_value(&record).expect("serialises");
                (record.at_ms, line["event"].as_str().unwrap_or("?").to_string())
            })
            .collect()
    };
    let epoch_ms = millis(start);
    let all: Vec<(f64, String)> = [
        (0.0, "header"),
        (10.0, "fault_started"),
        (12.0, "device_lost"),
        (13.0, "inter_dc_delivered"),
        (15.0, "fault_ended"),
    ]
    .iter()
    .map(|(offset, kind)| (epoch_ms + offset, kind.to_string()))
    .collect();
    assert_eq!(kinds(None), all);
    let kept: Vec<String> = kinds(Some(1001)).into_iter().map(|(_, kind)| kind).collect();
    // The other account's device is left out; the run-wide outage is kept.
    assert_eq!(kept, ["header", "fault_started", "inter_dc_delivered", "fault_ended"]);
    assert!(trace.has_account(1001) && !trace.has_account(5));
    let filtered_header = trace.filtered(Some(1001)).next().expect("a header");
    assert!(matches!(
        filtered_header.event,
        TraceEvent::Header {
            account_filter: Some(1001),
            ..
        }
    ));
}

#[test]
fn device_names_are_the_scenario_file_s() {
    // One spelling for a device kind: what `[population] devices` parses.
    for (name, kind) in crate::scenario::DEVICE_KINDS {
        assert_eq!(names::device_name(*kind), *name);
    }
}
