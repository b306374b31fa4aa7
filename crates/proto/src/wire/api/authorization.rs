//! The session list: `authorization`, `account.authorizations`, and the
//! project-private anomaly signals that travel alongside it.
//!
//! ```text
//! authorization#ad01d61d flags:# current:flags.0?true official_app:flags.1?true
//!   password_pending:flags.2?true encrypted_requests_disabled:flags.3?true
//!   call_requests_disabled:flags.4?true unconfirmed:flags.5?true hash:long
//!   device_model:string platform:string system_version:string api_id:int
//!   app_name:string app_version:string date_created:int date_active:int
//!   ip:string country:string region:string = Authorization;
//! account.authorizations#4bff8ea0 authorization_ttl_days:int
//!   authorizations:Vector<Authorization> = account.Authorizations;
//! ```
//!
//! Telegram has no field for anomaly signals (seed 003's unseen device
//! model, outdated app version, impossible travel, unusual hours), and the
//! real `authorization` layout stays intact. The signals therefore travel in
//! project-private objects (ids in [`ids::PRIVATE_ID_FIRST`]`..=`[`ids::PRIVATE_ID_LAST`]):
//!
//! ```text
//! sessionlab.authorizationSignals#5e551ab3 flags:# unseen_device_model:flags.0?true
//!   outdated_app_version:flags.1?true impossible_travel:flags.2?true
//!   unusual_hours:flags.3?true hash:long = sessionlab.AuthorizationSignals;
//! sessionlab.authorizationsWithSignals#5e551ab4 authorizations:account.Authorizations
//!   signals:Vector<sessionlab.AuthorizationSignals> = sessionlab.AuthorizationsWithSignals;
//! ```
//!
//! The wrapper embeds a complete, boxed `account.authorizations`, so the
//! bytes after its constructor id are exactly what a real server sends; each
//! signal entry names its authorization by `hash`.

use super::limits::{MAX_AUTHORIZATIONS, MAX_SHORT_STRING_BYTES};
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_flags, read_vector, write_vector, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// One logged-in session as the session list shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Authorization {
    /// flags.0: the session the list was requested from.
    pub current: bool,
    /// flags.1: the session belongs to an official app.
    pub official_app: bool,
    /// flags.2: the session still waits for its 2FA password.
    pub password_pending: bool,
    /// flags.3: the session refuses secret chats.
    pub encrypted_requests_disabled: bool,
    /// flags.4: the session refuses calls.
    pub call_requests_disabled: bool,
    /// flags.5: the new login has not been confirmed yet.
    pub unconfirmed: bool,
    /// The public handle of the authorization (random).
    pub hash: i64,
    /// The device model from `initConnection`, e.g. `Pixel 8`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub device_model: String,
    /// The platform, e.g. `android` or `ios`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub platform: String,
    /// The OS version from `initConnection`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub system_version: String,
    /// The app's id from my.telegram.org.
    pub api_id: i32,
    /// The app's name.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub app_name: String,
    /// The app's version from `initConnection`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub app_version: String,
    /// Unix seconds.
    pub date_created: i32,
    /// Unix seconds of the last activity.
    pub date_active: i32,
    /// The IP the session was last active from.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub ip: String,
    /// The country derived from `ip`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub country: String,
    /// The region derived from `ip`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub region: String,
}

const AUTHORIZATION_FLAGS: u32 = 0b11_1111;

impl Authorization {
    fn flags(&self) -> u32 {
        bit(self.current, 0)
            | bit(self.official_app, 1)
            | bit(self.password_pending, 2)
            | bit(self.encrypted_requests_disabled, 3)
            | bit(self.call_requests_disabled, 4)
            | bit(self.unconfirmed, 5)
    }
}

impl TlObject for Authorization {
    const NAME: &'static str = "Authorization";
    // id, flags, hash, api_id, two dates, eight empty strings.
    const MIN_BYTES: usize = 4 + 4 + 8 + 4 + 8 + 8 * 4;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::AUTHORIZATION)
            .u32(self.flags())
            .i64(self.hash)
            .string(&self.device_model)
            .string(&self.platform)
            .string(&self.system_version)
            .i32(self.api_id)
            .string(&self.app_name)
            .string(&self.app_version)
            .i32(self.date_created)
            .i32(self.date_active)
            .string(&self.ip)
            .string(&self.country)
            .string(&self.region);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::AUTHORIZATION, Self::NAME)?;
        let flags = read_flags(reader, AUTHORIZATION_FLAGS, "authorization.flags")?;
        let limit = MAX_SHORT_STRING_BYTES;
        Ok(Authorization {
            current: has(flags, 0),
            official_app: has(flags, 1),
            password_pending: has(flags, 2),
            encrypted_requests_disabled: has(flags, 3),
            call_requests_disabled: has(flags, 4),
            unconfirmed: has(flags, 5),
            hash: reader.i64()?,
            device_model: reader.string(limit)?,
            platform: reader.string(limit)?,
            system_version: reader.string(limit)?,
            api_id: reader.i32()?,
            app_name: reader.string(limit)?,
            app_version: reader.string(limit)?,
            date_created: reader.i32()?,
            date_active: reader.i32()?,
            ip: reader.string(limit)?,
            country: reader.string(limit)?,
            region: reader.string(limit)?,
        })
    }
}

/// `account.authorizations`: the answer to `account.getAuthorizations`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct AccountAuthorizations {
    /// Sessions inactive this many days are terminated.
    pub authorization_ttl_days: i32,
    /// The account's sessions, the current one included.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<Authorization, MAX_AUTHORIZATIONS>))]
    pub authorizations: Vec<Authorization>,
}

impl TlObject for AccountAuthorizations {
    const NAME: &'static str = "account.Authorizations";
    const MIN_BYTES: usize = 4 + 4 + 8;

    fn write(&self, writer: &mut Writer) {
        writer.u32(ids::ACCOUNT_AUTHORIZATIONS).i32(self.authorization_ttl_days);
        write_vector(writer, &self.authorizations);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::ACCOUNT_AUTHORIZATIONS, Self::NAME)?;
        Ok(AccountAuthorizations {
            authorization_ttl_days: reader.i32()?,
            authorizations: read_vector(reader, MAX_AUTHORIZATIONS)?,
        })
    }
}

/// Project-private: the anomaly signals the server computed for one
/// authorization (seed 003). All false means nothing looked unusual.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct AuthorizationSignals {
    /// flags.0: a device model the owner never used before.
    pub unseen_device_model: bool,
    /// flags.1: an app version far older than the current one.
    pub outdated_app_version: bool,
    /// flags.2: a location impossible given the owner's other sessions.
    pub impossible_travel: bool,
    /// flags.3: activity at hours the owner is usually asleep.
    pub unusual_hours: bool,
    /// The `authorization.hash` these signals belong to.
    pub hash: i64,
}

const SIGNAL_FLAGS: u32 = 0b1111;

impl AuthorizationSignals {
    fn flags(&self) -> u32 {
        bit(self.unseen_device_model, 0)
            | bit(self.outdated_app_version, 1)
            | bit(self.impossible_travel, 2)
            | bit(self.unusual_hours, 3)
    }

    /// Whether any signal is raised.
    pub fn any(&self) -> bool {
        self.flags() != 0
    }
}

impl TlObject for AuthorizationSignals {
    const NAME: &'static str = "sessionlab.AuthorizationSignals";
    const MIN_BYTES: usize = 4 + 4 + 8;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::SESSIONLAB_AUTHORIZATION_SIGNALS)
            .u32(self.flags())
            .i64(self.hash);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::SESSIONLAB_AUTHORIZATION_SIGNALS, Self::NAME)?;
        let flags = read_flags(reader, SIGNAL_FLAGS, "sessionlab.authorizationSignals.flags")?;
        Ok(AuthorizationSignals {
            unseen_device_model: has(flags, 0),
            outdated_app_version: has(flags, 1),
            impossible_travel: has(flags, 2),
            unusual_hours: has(flags, 3),
            hash: reader.i64()?,
        })
    }
}

/// Project-private: the session list with the signals alongside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct AuthorizationsWithSignals {
    /// The real `account.authorizations`, untouched.
    pub authorizations: AccountAuthorizations,
    /// One entry per authorization the server has signals for.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<AuthorizationSignals, MAX_AUTHORIZATIONS>))]
    pub signals: Vec<AuthorizationSignals>,
}

impl AuthorizationsWithSignals {
    /// The signals of the authorization with this `hash`, if listed.
    pub fn signals_of(&self, hash: i64) -> Option<&AuthorizationSignals> {
        self.signals.iter().find(|signals| signals.hash == hash)
    }
}

impl TlObject for AuthorizationsWithSignals {
    const NAME: &'static str = "sessionlab.AuthorizationsWithSignals";
    const MIN_BYTES: usize = 4 + AccountAuthorizations::MIN_BYTES + 8;

    fn write(&self, writer: &mut Writer) {
        writer.u32(ids::SESSIONLAB_AUTHORIZATIONS_WITH_SIGNALS);
        self.authorizations.write(writer);
        write_vector(writer, &self.signals);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::SESSIONLAB_AUTHORIZATIONS_WITH_SIGNALS, Self::NAME)?;
        Ok(AuthorizationsWithSignals {
            authorizations: AccountAuthorizations::read(reader)?,
            signals: read_vector(reader, MAX_AUTHORIZATIONS)?,
        })
    }
}

/// Example values shared by the unit tests of this directory.
#[cfg(test)]
pub(crate) fn sample_authorization(hash: i64) -> Authorization {
    Authorization {
        current: hash == 1,
        official_app: true,
        unconfirmed: hash % 2 == 0,
        hash,
        device_model: "Pixel 8".into(),
        platform: "android".into(),
        system_version: "Android 14".into(),
        api_id: 6,
        app_name: "Telegram Android".into(),
        app_version: "11.2.0".into(),
        date_created: 1_767_225_600,
        date_active: 1_767_229_200,
        ip: "203.0.113.7".into(),
        country: "Portugal".into(),
        region: "Lisbon".into(),
        ..Authorization::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_layout_is_byte_exact() {
        let authorization = Authorization {
            current: true,
            unconfirmed: true,
            hash: 0x0102_0304_0506_0708,
            device_model: "PC".into(),
            api_id: 7,
            ..Authorization::default()
        };
        let encoded = authorization.encode();
        // Constructor id and flags (bits 0 and 5 = 0x21), little-endian.
        assert_eq!(hex::encode(&encoded[..8]), "1dd601ad21000000");
        assert_eq!(hex::encode(&encoded[8..16]), "0807060504030201", "hash");
        assert_eq!(hex::encode(&encoded[16..20]), "02504300", "device_model \"PC\" padded");
        assert_eq!(
            hex::encode(&encoded[20..28]),
            "0000000000000000",
            "empty platform, system_version"
        );
        assert_eq!(hex::encode(&encoded[28..32]), "07000000", "api_id");
        assert_eq!(
            encoded.len(),
            Authorization::MIN_BYTES,
            "\"PC\" takes 4 bytes, like \"\""
        );
        assert_eq!(Authorization::decode(&encoded), Ok(authorization));
    }

    #[test]
    fn every_flag_round_trips_alone() {
        for index in 0..6 {
            let mut flags = [false; 6];
            flags[index] = true;
            let authorization = Authorization {
                current: flags[0],
                official_app: flags[1],
                password_pending: flags[2],
                encrypted_requests_disabled: flags[3],
                call_requests_disabled: flags[4],
                unconfirmed: flags[5],
                ..sample_authorization(3)
            };
            let encoded = authorization.encode();
            assert_eq!(encoded[4..8], (1u32 << index).to_le_bytes());
            assert_eq!(Authorization::decode(&encoded), Ok(authorization));
        }
    }

    #[test]
    fn unknown_authorization_flag_is_an_error() {
        let mut encoded = sample_authorization(1).encode();
        encoded[4..8].copy_from_slice(&(1u32 << 6).to_le_bytes());
        assert!(matches!(
            Authorization::decode(&encoded),
            Err(DecodeError::Invalid { .. })
        ));
    }

    #[test]
    fn account_authorizations_layout_and_round_trip() {
        let list = AccountAuthorizations {
            authorization_ttl_days: 183,
            authorizations: vec![sample_authorization(1), sample_authorization(2)],
        };
        let encoded = list.encode();
        assert_eq!(hex::encode(&encoded[..16]), "a08eff4bb700000015c4b51c02000000");
        assert_eq!(encoded[16..20], ids::AUTHORIZATION.to_le_bytes());
        assert_eq!(AccountAuthorizations::decode(&encoded), Ok(list));
    }

    #[test]
    fn signals_layout_and_lookup() {
        let signals = AuthorizationSignals {
            impossible_travel: true,
            unusual_hours: true,
            hash: -1,
            ..AuthorizationSignals::default()
        };
        assert_eq!(hex::encode(signals.encode()), "b31a555e0c000000ffffffffffffffff");
        assert!(signals.any() && !AuthorizationSignals::default().any());
        let list = AccountAuthorizations {
            authorization_ttl_days: 7,
            authorizations: vec![sample_authorization(-1)],
        };
        let wrapped = AuthorizationsWithSignals {
            authorizations: list.clone(),
            signals: vec![signals],
        };
        let encoded = wrapped.encode();
        // The real object follows the private constructor id, byte for byte.
        assert_eq!(encoded[4..4 + list.encode().len()], list.encode()[..]);
        assert_eq!(wrapped.signals_of(-1), Some(&signals));
        assert_eq!(wrapped.signals_of(5), None);
        assert_eq!(AuthorizationsWithSignals::decode(&encoded), Ok(wrapped));
    }

    #[test]
    fn huge_vector_count_is_refused_before_allocating() {
        let mut writer = Writer::new();
        writer
            .u32(ids::ACCOUNT_AUTHORIZATIONS)
            .i32(1)
            .u32(crate::wire::codec::VECTOR_ID)
            .u32(MAX_AUTHORIZATIONS as u32);
        assert!(matches!(
            AccountAuthorizations::decode(&writer.finish()),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
    }
}
