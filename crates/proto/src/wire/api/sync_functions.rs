//! The `updates.*` functions of incremental sync.
//!
//! ```text
//! updates.getState#edd4882a = updates.State;
//! updates.getDifference#19c2f763 flags:# pts:int pts_limit:flags.1?int
//!   pts_total_limit:flags.0?int date:int qts:int qts_limit:flags.2?int = updates.Difference;
//! ```

use super::auth_functions::parameterless;
use super::object::{bit, has, read_flags, Bare};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

parameterless!(
    GetState,
    ids::UPDATES_GET_STATE,
    "updates.getState",
    "`updates.getState`: the account's current `updates.state`."
);

/// `updates.getDifference`: what happened since (`pts`, `date`, `qts`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct GetDifference {
    /// The client's pts: events of the common box it has applied.
    pub pts: i32,
    /// flags.1: at most this many pts events in one answer (else a slice).
    pub pts_limit: Option<i32>,
    /// flags.0: a gap above this answers `updates.differenceTooLong`.
    pub pts_total_limit: Option<i32>,
    /// The client's date (Unix seconds).
    pub date: i32,
    /// The client's qts: events of the secondary box it has applied.
    pub qts: i32,
    /// flags.2
    pub qts_limit: Option<i32>,
}

impl Bare for GetDifference {
    const ID: u32 = ids::UPDATES_GET_DIFFERENCE;
    const NAME: &'static str = "updates.getDifference";
    const MIN_BODY_BYTES: usize = 4 * 4;

    fn write_body(&self, writer: &mut Writer) {
        let flags = bit(self.pts_total_limit.is_some(), 0)
            | bit(self.pts_limit.is_some(), 1)
            | bit(self.qts_limit.is_some(), 2);
        // Schema order: pts, pts_limit, pts_total_limit, date, qts, qts_limit.
        writer.u32(flags).i32(self.pts);
        for value in [self.pts_limit, self.pts_total_limit].into_iter().flatten() {
            writer.i32(value);
        }
        writer.i32(self.date).i32(self.qts);
        if let Some(limit) = self.qts_limit {
            writer.i32(limit);
        }
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = read_flags(reader, 0b111, "updates.getDifference.flags")?;
        Ok(GetDifference {
            pts: reader.i32()?,
            pts_limit: has(flags, 1).then(|| reader.i32()).transpose()?,
            pts_total_limit: has(flags, 0).then(|| reader.i32()).transpose()?,
            date: reader.i32()?,
            qts: reader.i32()?,
            qts_limit: has(flags, 2).then(|| reader.i32()).transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::object::TlObject;
    use super::*;

    #[test]
    fn get_state_is_its_id() {
        assert_eq!(hex::encode(GetState.encode()), "2a88d4ed");
        assert_eq!(GetState::decode(&GetState.encode()), Ok(GetState));
    }

    #[test]
    fn get_difference_field_order_follows_the_schema() {
        let plain = GetDifference {
            pts: 1,
            date: 2,
            qts: 3,
            ..GetDifference::default()
        };
        assert_eq!(hex::encode(plain.encode()), "63f7c21900000000010000000200000003000000");
        let limited = GetDifference {
            pts: 1,
            pts_limit: Some(10),
            pts_total_limit: Some(20),
            date: 2,
            qts: 3,
            qts_limit: Some(30),
        };
        assert_eq!(
            hex::encode(limited.encode()),
            "63f7c21907000000010000000a0000001400000002000000030000001e000000"
        );
        for call in [plain, limited] {
            assert_eq!(GetDifference::decode(&call.encode()), Ok(call));
        }
    }

    #[test]
    fn only_pts_total_limit_set() {
        let call = GetDifference {
            pts_total_limit: Some(1000),
            ..GetDifference::default()
        };
        let encoded = call.encode();
        assert_eq!(hex::encode(&encoded[4..16]), "0100000000000000e8030000");
        assert_eq!(GetDifference::decode(&encoded), Ok(call));
    }
}
