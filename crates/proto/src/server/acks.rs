//! Which acknowledgements go with the answers to one packet.

use smallvec::SmallVec;

use crate::wire::Body;

/// Answered ids kept without a heap allocation.
const ANSWERS_INLINE: usize = 8;

/// The replies to one packet with every acknowledged id that is answered
/// in the same packet (`rpc_result`, `pong`, `future_salts`) left out of
/// `msgs_ack`: an answer is its request's acknowledgement, and a client must never take the ack for the
/// answer (Telethon resolves `auth.logOut` on its ack and loses
/// `future_auth_token`). An ack left empty is dropped; the acks of
/// requests answered later stay, and stay first.
pub(super) fn answers_before_acks(mut bodies: Vec<Body>) -> Vec<Body> {
    // On the stack for the usual handful of answers (a pong, a result):
    // this runs for every packet a DC receives.
    let answered: SmallVec<[u64; ANSWERS_INLINE]> = bodies
        .iter()
        .filter_map(|body| match body {
            Body::RpcResult { req_msg_id, .. } | Body::FutureSalts { req_msg_id, .. } => Some(*req_msg_id),
            Body::Pong { msg_id, .. } => Some(*msg_id),
            _ => None,
        })
        .collect();
    if answered.is_empty() {
        return bodies;
    }
    for body in &mut bodies {
        if let Body::Ack(msg_ids) = body {
            msg_ids.retain(|msg_id| !answered.contains(msg_id));
        }
    }
    bodies.retain(|body| !matches!(body, Body::Ack(msg_ids) if msg_ids.is_empty()));
    bodies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(req_msg_id: u64) -> Body {
        Body::RpcResult {
            req_msg_id,
            result: vec![1, 2, 3, 4],
        }
    }

    #[test]
    fn an_answered_request_is_not_also_acknowledged() {
        let bodies = vec![Body::Ack(vec![4, 8, 12]), result(8)];
        assert_eq!(answers_before_acks(bodies), vec![Body::Ack(vec![4, 12]), result(8)]);
    }

    #[test]
    fn an_ack_of_only_answered_requests_is_dropped() {
        let bodies = vec![Body::Ack(vec![8]), result(8), result(12)];
        assert_eq!(answers_before_acks(bodies), vec![result(8), result(12)]);
    }

    #[test]
    fn a_pong_answers_its_ping() {
        let pong = Body::Pong { msg_id: 8, ping_id: 1 };
        assert_eq!(
            answers_before_acks(vec![Body::Ack(vec![4, 8]), pong.clone()]),
            vec![Body::Ack(vec![4]), pong]
        );
    }

    #[test]
    fn without_an_answer_the_acks_stay_as_they_are() {
        let bodies = vec![Body::Ack(vec![8]), result(12)];
        assert_eq!(answers_before_acks(bodies.clone()), bodies);
        let alone = vec![Body::Ack(vec![8, 4])];
        assert_eq!(answers_before_acks(alone.clone()), alone);
    }
}
