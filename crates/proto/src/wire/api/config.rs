//! `help.getConfig` and its `config`: what a stock client asks first (inside
//! `invokeWithLayer(initConnection(…))`) to learn the datacenters' addresses
//! and the server's limits. It needs no authorization.
//!
//! ```text
//! help.getConfig#c4f9186b = Config;
//! dcOption#18b7a10d flags:# ipv6:flags.0?true media_only:flags.1?true tcpo_only:flags.2?true
//!   cdn:flags.3?true static:flags.4?true this_port_only:flags.5?true id:int
//!   ip_address:string port:int secret:flags.10?bytes = DcOption;
//! config#cc1a241e flags:# … date:int expires:int test_mode:Bool this_dc:int
//!   dc_options:Vector<DcOption> dc_txt_domain_name:string chat_size_max:int … = Config;
//! ```
//!
//! The whole definitions are in [`super::schema::PUBLIC_DEFINITIONS`]. The
//! project writes `config.flags` with only `tmp_sessions` (flags.0) when it
//! has one, and `dcOption` with only `ipv6` and `media_only`; decoding
//! refuses any other bit, so encode∘decode is the identity. The unconditional
//! integers travel as they are, in schema order, in [`Config::limits`] and
//! [`Config::call_timeouts_ms`].

use super::auth_functions::parameterless;
use super::limits::MAX_SHORT_STRING_BYTES;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_vector, write_vector, Bare, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

parameterless!(
    GetConfig,
    ids::HELP_GET_CONFIG,
    "help.getConfig",
    "`help.getConfig`: the datacenters' addresses and the server's limits."
);

/// Datacenter addresses one `config` lists at most (Telegram lists a few
/// dozen: five DCs, IPv4 and IPv6, media-only ones).
pub const MAX_DC_OPTIONS: usize = 64;

/// `dcOption.flags` bit 0: an IPv6 address.
const IPV6_FLAG: u32 = 0;
/// `dcOption.flags` bit 1: for media downloads only.
const MEDIA_ONLY_FLAG: u32 = 1;
/// `config.flags` bit 0: `tmp_sessions` is present.
const TMP_SESSIONS_FLAG: u32 = 0;

/// One address of one datacenter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct DcOption {
    /// flags.0
    pub ipv6: bool,
    /// flags.1
    pub media_only: bool,
    /// The datacenter's id.
    pub id: i32,
    /// Dotted IPv4 (or IPv6 text).
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub ip_address: String,
    /// The TCP port.
    pub port: i32,
}

impl TlObject for DcOption {
    const NAME: &'static str = "DcOption";
    // id, flags, id, empty string, port.
    const MIN_BYTES: usize = 4 + 4 + 4 + 4 + 4;

    fn write(&self, writer: &mut Writer) {
        let flags = bit(self.ipv6, IPV6_FLAG) | bit(self.media_only, MEDIA_ONLY_FLAG);
        writer
            .u32(ids::DC_OPTION)
            .u32(flags)
            .i32(self.id)
            .string(&self.ip_address)
            .i32(self.port);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::DC_OPTION, Self::NAME)?;
        let flags = super::object::read_flags(reader, (1 << IPV6_FLAG) | (1 << MEDIA_ONLY_FLAG), "dcOption.flags")?;
        Ok(DcOption {
            ipv6: has(flags, IPV6_FLAG),
            media_only: has(flags, MEDIA_ONLY_FLAG),
            id: reader.i32()?,
            ip_address: reader.string(MAX_SHORT_STRING_BYTES)?,
            port: reader.i32()?,
        })
    }
}

/// The names of [`Config::limits`], in schema order (after `dc_txt_domain_name`).
pub const CONFIG_LIMIT_NAMES: [&str; 19] = [
    "chat_size_max",
    "megagroup_size_max",
    "forwarded_count_max",
    "online_update_period_ms",
    "offline_blur_timeout_ms",
    "offline_idle_timeout_ms",
    "online_cloud_timeout_ms",
    "notify_cloud_delay_ms",
    "notify_default_delay_ms",
    "push_chat_period_ms",
    "push_chat_limit",
    "edit_time_limit",
    "revoke_time_limit",
    "revoke_pm_time_limit",
    "rating_e_decay",
    "stickers_recent_limit",
    "channels_read_media_period",
    // (tmp_sessions, flags.0, comes here)
    "call_receive_timeout_ms",
    "call_ring_timeout_ms",
];

/// Telegram's values of [`CONFIG_LIMIT_NAMES`] as its servers answered in
/// 2024–2026 (the last two are the first of the call timeouts).
pub const DEFAULT_CONFIG_LIMITS: [i32; 19] = [
    200,
    200_000,
    100,
    210_000,
    5_000,
    30_000,
    300_000,
    30_000,
    1_500,
    60_000,
    2,
    172_800,
    2_147_483_647,
    2_147_483_647,
    2_419_200,
    200,
    86_400,
    20_000,
    90_000,
];

/// `config`, with the unmodelled optional fields absent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Config {
    /// When the config was made (Unix seconds).
    pub date: i32,
    /// When a client should ask again (Unix seconds).
    pub expires: i32,
    /// Whether these are the test datacenters.
    pub test_mode: bool,
    /// The datacenter that answered.
    pub this_dc: i32,
    /// Every datacenter's addresses.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<DcOption, MAX_DC_OPTIONS>))]
    pub dc_options: Vec<DcOption>,
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    /// The domain of the DNS TXT fallback list.
    pub dc_txt_domain_name: String,
    /// The integers named by [`CONFIG_LIMIT_NAMES`]; `tmp_sessions` is
    /// written between the 17th and the 18th.
    pub limits: [i32; 19],
    /// flags.0: temporary sessions a client may keep.
    pub tmp_sessions: Option<i32>,
    /// `call_connect_timeout_ms`, `call_packet_timeout_ms`.
    pub call_timeouts_ms: [i32; 2],
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    /// The prefix of user links (`https://t.me/`).
    pub me_url_prefix: String,
    /// The longest media caption, in characters.
    pub caption_length_max: i32,
    /// The longest message, in characters.
    pub message_length_max: i32,
    /// The datacenter serving web files.
    pub webfile_dc_id: i32,
}

impl Config {
    /// A config from datacenter `this_dc` listing `dc_options`, with
    /// Telegram's usual limits, valid for an hour from `date`.
    pub fn new(date: i32, this_dc: i32, dc_options: Vec<DcOption>) -> Config {
        Config {
            date,
            expires: date.saturating_add(3_600),
            test_mode: false,
            this_dc,
            dc_options,
            dc_txt_domain_name: "apv3.stel.com".to_string(),
            limits: DEFAULT_CONFIG_LIMITS,
            tmp_sessions: None,
            call_timeouts_ms: [30_000, 10_000],
            me_url_prefix: "https://t.me/".to_string(),
            caption_length_max: 1_024,
            message_length_max: 4_096,
            webfile_dc_id: 4,
        }
    }
}

/// Where `tmp_sessions` goes among [`Config::limits`].
const TMP_SESSIONS_AFTER: usize = 17;

impl TlObject for Config {
    const NAME: &'static str = "Config";
    // id, flags, date, expires, Bool, this_dc, empty vector (8), empty
    // string, 19 + 2 ints, empty string, 3 ints.
    const MIN_BYTES: usize = 4 * 6 + 8 + 4 + 4 * 21 + 4 + 4 * 3;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::CONFIG)
            .u32(bit(self.tmp_sessions.is_some(), TMP_SESSIONS_FLAG))
            .i32(self.date)
            .i32(self.expires)
            .bool(self.test_mode)
            .i32(self.this_dc);
        write_vector(writer, &self.dc_options);
        writer.string(&self.dc_txt_domain_name);
        for (index, value) in self.limits.iter().enumerate() {
            if index == TMP_SESSIONS_AFTER {
                if let Some(sessions) = self.tmp_sessions {
                    writer.i32(sessions);
                }
            }
            writer.i32(*value);
        }
        for value in self.call_timeouts_ms {
            writer.i32(value);
        }
        writer
            .string(&self.me_url_prefix)
            .i32(self.caption_length_max)
            .i32(self.message_length_max)
            .i32(self.webfile_dc_id);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::CONFIG, Self::NAME)?;
        let flags = super::object::read_flags(reader, 1 << TMP_SESSIONS_FLAG, "config.flags")?;
        let (date, expires, test_mode, this_dc) = (reader.i32()?, reader.i32()?, reader.bool()?, reader.i32()?);
        let dc_options = read_vector(reader, MAX_DC_OPTIONS)?;
        let dc_txt_domain_name = reader.string(MAX_SHORT_STRING_BYTES)?;
        let mut limits = [0; 19];
        let mut tmp_sessions = None;
        for (index, value) in limits.iter_mut().enumerate() {
            if index == TMP_SESSIONS_AFTER && has(flags, TMP_SESSIONS_FLAG) {
                tmp_sessions = Some(reader.i32()?);
            }
            *value = reader.i32()?;
        }
        let call_timeouts_ms = [reader.i32()?, reader.i32()?];
        Ok(Config {
            date,
            expires,
            test_mode,
            this_dc,
            dc_options,
            dc_txt_domain_name,
            limits,
            tmp_sessions,
            call_timeouts_ms,
            me_url_prefix: reader.string(MAX_SHORT_STRING_BYTES)?,
            caption_length_max: reader.i32()?,
            message_length_max: reader.i32()?,
            webfile_dc_id: reader.i32()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option() -> DcOption {
        DcOption {
            ipv6: false,
            media_only: false,
            id: 2,
            ip_address: "127.0.0.1".into(),
            port: 4431,
        }
    }

    #[test]
    fn dc_option_layout_is_byte_exact() {
        assert_eq!(
            hex::encode(option().encode()),
            concat!(
                "0da1b718",                 // dcOption#18b7a10d
                "00000000",                 // flags
                "02000000",                 // id
                "093132372e302e302e310000", // "127.0.0.1", padded to 4
                "4f110000",                 // port 4431
            )
        );
        let mut bytes = option().encode();
        bytes[4] = 0b100; // tcpo_only: not modelled
        assert!(matches!(
            DcOption::decode(&bytes),
            Err(DecodeError::Invalid {
                field: "dcOption.flags",
                ..
            })
        ));
    }

    #[test]
    fn config_puts_tmp_sessions_where_the_schema_does_and_round_trips() {
        let mut config = Config::new(1_767_225_600, 2, vec![option()]);
        let without = config.encode();
        assert_eq!(Config::decode(&without), Ok(config.clone()));
        assert_eq!(&without[..8], &hex::decode("1e241acc00000000").expect("hex")[..]);
        config.tmp_sessions = Some(7);
        let with = config.encode();
        assert_eq!(with.len(), without.len() + 4);
        // Everything up to the 17th limit is the same; then comes tmp_sessions.
        let header = 4 * 6 + option().encode().len() + 8 + 16;
        let at = header + 4 * TMP_SESSIONS_AFTER;
        assert_eq!(with[4], 1, "flags.0");
        assert_eq!(&with[at..at + 4], &7i32.to_le_bytes());
        assert_eq!(&with[at + 4..at + 8], &DEFAULT_CONFIG_LIMITS[17].to_le_bytes());
        assert_eq!(Config::decode(&with), Ok(config));
        for end in 0..with.len() {
            assert!(Config::decode(&with[..end]).is_err(), "cut at {end}");
        }
    }
}
