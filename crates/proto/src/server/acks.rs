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
///
/// An answer that stands in for an ack also takes the ack's place, ahead
/// of what followed it: the transport puts acks before refusals so that a
/// client reading a refused container already knows which of its
/// messages were processed. Left behind the refusal, an answer to a query
/// resent in that container came too late: the client had re-issued the
/// query under a new id, and the server ran it a second time.
pub(super) fn answers_before_acks(bodies: Vec<Body>) -> Vec<Body> {
    // On the stack for the usual handful of answers (a pong, a result):
    // this runs for every packet a DC receives.
    let answered: SmallVec<[u64; ANSWERS_INLINE]> = bodies.iter().filter_map(answered_id).collect();
    if answered.is_empty() {
        return bodies;
    }
    let mut slots: SmallVec<[Option<Body>; BODIES_INLINE]> = bodies.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for index in 0..slots.len() {
        let Some(mut body) = slots[index].take() else {
            continue; // an answer already moved up to its ack's place
        };
        let Body::Ack(msg_ids) = &mut body else {
            out.push(body);
            continue;
        };
        let mut replaced: SmallVec<[u64; ANSWERS_INLINE]> = SmallVec::new();
        msg_ids.retain(|msg_id| {
            let is_answered = answered.contains(msg_id);
            if is_answered {
                replaced.push(*msg_id);
            }
            !is_answered
        });
        if !msg_ids.is_empty() {
            out.push(body);
        }
        if replaced.is_empty() {
            continue;
        }
        for later in slots[index + 1..].iter_mut() {
            if later
                .as_ref()
                .and_then(answered_id)
                .is_some_and(|msg_id| replaced.contains(&msg_id))
            {
                out.extend(later.take());
            }
        }
    }
    out
}

/// Bodies of one packet's replies kept on the stack while they are
/// reordered: an ack, a few answers, perhaps a refusal.
const BODIES_INLINE: usize = 8;

/// The client msg_id `body` answers, if it is an answer.
fn answered_id(body: &Body) -> Option<u64> {
    match body {
        Body::RpcResult { req_msg_id, .. } | Body::FutureSalts { req_msg_id, .. } => Some(*req_msg_id),
        Body::Pong { msg_id, .. } => Some(*msg_id),
        _ => None,
    }
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

    fn refusal(bad_msg_id: u64) -> Body {
        Body::BadServerSalt {
            bad_msg_id,
            bad_msg_seqno: 4,
            error_code: 48,
            new_server_salt: 7,
        }
    }

    #[test]
    fn an_answer_that_stands_in_for_an_ack_goes_before_a_refusal() {
        // A container (20) holding a resent query (4) and another
        // message (8) is refused; the kept answer to 4 went after the
        // refusal. It moves up to where its ack was.
        let bodies = vec![Body::Ack(vec![4, 8]), refusal(20), result(4)];
        assert_eq!(
            answers_before_acks(bodies),
            vec![Body::Ack(vec![8]), result(4), refusal(20)]
        );
        let only_answered = vec![Body::Ack(vec![4]), refusal(20), result(12), result(4)];
        assert_eq!(
            answers_before_acks(only_answered),
            vec![result(4), refusal(20), result(12)]
        );
    }

    #[test]
    fn an_answer_already_before_its_ack_stays_where_it_is() {
        let bodies = vec![result(4), refusal(20), Body::Ack(vec![4, 8])];
        assert_eq!(
            answers_before_acks(bodies),
            vec![result(4), refusal(20), Body::Ack(vec![8])]
        );
    }

    #[test]
    fn without_an_answer_the_acks_stay_as_they_are() {
        let bodies = vec![Body::Ack(vec![8]), result(12)];
        assert_eq!(answers_before_acks(bodies.clone()), bodies);
        let alone = vec![Body::Ack(vec![8, 4])];
        assert_eq!(answers_before_acks(alone.clone()), alone);
    }

    /// Random replies of a packet: acks of small ids, answers, refusals.
    fn any_replies(u: &mut arbtest::arbitrary::Unstructured<'_>) -> arbtest::arbitrary::Result<Vec<Body>> {
        let mut bodies = Vec::new();
        for _ in 0..u.int_in_range(0..=8)? {
            let msg_id = 4 * u64::from(u.int_in_range(1u8..=6)?);
            bodies.push(match u.int_in_range(0..=3)? {
                0 => Body::Ack((0..u.int_in_range(1..=3)?).map(|step| msg_id + 4 * step).collect()),
                1 => result(msg_id),
                2 => Body::Pong { msg_id, ping_id: 1 },
                _ => refusal(msg_id + 100),
            });
        }
        Ok(bodies)
    }

    #[test]
    fn answers_are_kept_acks_lose_only_answered_ids_and_replaced_acks_answers_come_first() {
        arbtest::arbtest(|u| {
            let bodies = any_replies(u)?;
            let out = answers_before_acks(bodies.clone());
            let answered: Vec<u64> = bodies.iter().filter_map(answered_id).collect();
            // Every body but an ack is kept, each once.
            let not_acks = |list: &[Body]| {
                let mut kept: Vec<String> = list
                    .iter()
                    .filter(|body| !matches!(body, Body::Ack(_)))
                    .map(|body| format!("{body:?}"))
                    .collect();
                kept.sort();
                kept
            };
            assert_eq!(not_acks(&out), not_acks(&bodies));
            // Acks keep exactly their unanswered ids, in order.
            let acked = |list: &[Body], keep: &dyn Fn(&u64) -> bool| -> Vec<u64> {
                list.iter()
                    .filter_map(|body| match body {
                        Body::Ack(ids) => Some(ids.iter().copied().filter(|id| keep(id)).collect::<Vec<_>>()),
                        _ => None,
                    })
                    .flatten()
                    .collect()
            };
            assert_eq!(acked(&out, &|_| true), acked(&bodies, &|id| !answered.contains(id)));
            assert!(out.iter().all(|body| !matches!(body, Body::Ack(ids) if ids.is_empty())));
            // An answer that stood in for an ack comes before every
            // refusal that followed the ack.
            for (ack_at, body) in bodies.iter().enumerate() {
                let Body::Ack(ids) = body else { continue };
                for answer in bodies[ack_at + 1..]
                    .iter()
                    .filter(|later| answered_id(later).is_some_and(|id| ids.contains(&id)))
                {
                    let answer_out = out.iter().position(|body| body == answer).expect("kept");
                    for refused in bodies[ack_at + 1..]
                        .iter()
                        .filter(|later| matches!(later, Body::BadServerSalt { .. }))
                    {
                        let refused_out = out.iter().rposition(|body| body == refused).expect("kept");
                        assert!(answer_out < refused_out, "{bodies:?} -> {out:?}");
                    }
                }
            }
            Ok(())
        });
    }
}
