//! Unit tests of the service-message codecs: every body round-trips, the
//! documented codes, content-relatedness, and bounded decoding.

use super::*;

pub(crate) fn samples() -> Vec<Body> {
    vec![
        Body::Ack(vec![4, 8, 12]),
        Body::BadMsgNotification {
            bad_msg_id: 4,
            bad_msg_seqno: 1,
            error_code: 16,
        },
        Body::BadServerSalt {
            bad_msg_id: 4,
            bad_msg_seqno: 1,
            error_code: 48,
            new_server_salt: 99,
        },
        Body::NewSessionCreated {
            first_msg_id: 4,
            unique_id: 5,
            server_salt: 6,
        },
        Body::RpcResult {
            req_msg_id: 4,
            result: Body::Pong { msg_id: 4, ping_id: 1 }.encode(),
        },
        Body::RpcError {
            error_code: 401,
            error_message: "AUTH_KEY_UNREGISTERED".into(),
        },
        Body::Ping { ping_id: 7 },
        Body::PingDelayDisconnect {
            ping_id: 8,
            disconnect_delay: 75,
        },
        Body::Pong { msg_id: 8, ping_id: 7 },
        Body::GetFutureSalts { num: 64 },
        Body::MsgsStateReq { msg_ids: vec![4, 8] },
        Body::MsgsStateInfo {
            req_msg_id: 12,
            info: vec![MSG_STATE_RECEIVED, MSG_STATE_NOT_RECEIVED],
        },
        Body::MsgsAllInfo {
            msg_ids: vec![4],
            info: vec![MSG_STATE_UNKNOWN],
        },
        Body::MsgResendReq { msg_ids: vec![5, 9] },
        Body::MsgDetailedInfo {
            msg_id: 4,
            answer_msg_id: 5,
            bytes: 120,
            status: 0,
        },
        Body::MsgNewDetailedInfo {
            answer_msg_id: 7,
            bytes: 64,
            status: 0,
        },
        Body::FutureSalts {
            req_msg_id: 12,
            now: 1_767_225_600,
            salts: vec![
                FutureSalt {
                    valid_since: 1_767_225_600,
                    valid_until: 1_767_229_200,
                    salt: 0x0102_0304_0506_0708,
                },
                FutureSalt {
                    valid_since: 1_767_227_400,
                    valid_until: 1_767_231_000,
                    salt: 9,
                },
            ],
        },
        Body::Container(vec![
            Message {
                msg_id: 4,
                seq_no: 1,
                body: Body::Ping { ping_id: 1 }.encode(),
            },
            Message {
                msg_id: 8,
                seq_no: 2,
                body: Body::Ack(vec![1]).encode(),
            },
        ]),
        Body::Application {
            constructor: 0x1234_5678,
            bytes: vec![0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0],
        },
    ]
}

#[test]
fn every_body_round_trips() {
    for body in samples() {
        assert_eq!(Body::decode(&body.encode()).as_ref(), Ok(&body), "{body:?}");
    }
}

#[test]
fn codes_round_trip_and_match_the_documentation() {
    let numbers: Vec<i32> = BadMsgCode::ALL.iter().map(|code| code.code()).collect();
    assert_eq!(numbers, [16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64]);
    for code in BadMsgCode::ALL {
        assert_eq!(BadMsgCode::from_code(code.code()), Some(code));
    }
    assert_eq!(BadMsgCode::from_code(21), None);
}

#[test]
fn content_relatedness() {
    assert!(!Body::Ack(vec![]).is_content_related());
    assert!(!Body::Container(vec![]).is_content_related());
    assert!(Body::Ping { ping_id: 0 }.is_content_related());
    assert!(!Body::Pong { msg_id: 4, ping_id: 0 }.is_content_related());
    let notice = Body::BadMsgNotification {
        bad_msg_id: 4,
        bad_msg_seqno: 1,
        error_code: 16,
    };
    assert!(!notice.is_content_related(), "an ignored-message notice needs no ack");
    let salt = Body::BadServerSalt {
        bad_msg_id: 4,
        bad_msg_seqno: 1,
        error_code: 48,
        new_server_salt: 1,
    };
    assert!(!salt.is_content_related());
    for constructor in [
        ids::MSG_COPY,
        ids::GZIP_PACKED,
        ids::MSGS_STATE_INFO,
        ids::MSGS_ALL_INFO,
        ids::MSG_DETAILED_INFO,
        ids::MSG_NEW_DETAILED_INFO,
        ids::HTTP_WAIT,
    ] {
        assert!(!ids::is_content_related(constructor), "{constructor:#x}");
    }
    for constructor in [
        ids::MSGS_STATE_REQ,
        ids::MSG_RESEND_REQ,
        ids::NEW_SESSION_CREATED,
        ids::RPC_RESULT,
    ] {
        assert!(ids::is_content_related(constructor), "{constructor:#x}");
    }
    assert!(Body::GetFutureSalts { num: 64 }.is_content_related());
    assert!(Body::FutureSalts {
        req_msg_id: 4,
        now: 0,
        salts: vec![]
    }
    .is_content_related());
    assert!(Body::RpcError {
        error_code: 1,
        error_message: String::new()
    }
    .is_content_related());
}

#[test]
fn limits_and_garbage_are_errors() {
    let mut too_many = Writer::new();
    too_many.u32(ids::MSG_CONTAINER).u32(1025);
    assert!(matches!(
        Body::decode(&too_many.finish()),
        Err(DecodeError::TooLong { .. })
    ));
    let mut acks = Writer::new();
    acks.u32(ids::MSGS_ACK).vector_u64(&vec![1; MAX_ACK_IDS + 1]);
    assert!(matches!(Body::decode(&acks.finish()), Err(DecodeError::TooLong { .. })));
    let mut trailing = Body::Ping { ping_id: 1 }.encode();
    trailing.extend_from_slice(&[0; 4]);
    assert!(matches!(
        Body::decode(&trailing),
        Err(DecodeError::TrailingBytes { .. })
    ));
    assert!(matches!(
        Body::decode(&ids::GZIP_PACKED.to_le_bytes()),
        Err(DecodeError::UnknownConstructor { .. })
    ));
    assert!(Body::decode(&[1, 2]).is_err());
    let mut salts = Writer::new();
    salts.u32(ids::FUTURE_SALTS).u64(4).u32(0).u32(65);
    assert!(matches!(
        Body::decode(&salts.finish()),
        Err(DecodeError::TooLong { .. })
    ));
    let mut short = Writer::new();
    short.u32(ids::FUTURE_SALTS).u64(4).u32(0).u32(2).u64(1);
    assert!(matches!(
        Body::decode(&short.finish()),
        Err(DecodeError::UnexpectedEnd { .. })
    ));
}
