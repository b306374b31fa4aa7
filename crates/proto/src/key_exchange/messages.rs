//! The key exchange's TL constructors (ids from the MTProto schema, as in
//! Telethon 1.45's `mtproto.tl`), and the unencrypted message around them:
//! `auth_key_id = 0 (8) ‖ message_id (8) ‖ message_data_length (4) ‖ message_data`.

use crate::wire::{DecodeError, Reader, Writer};

/// `nonce` and `server_nonce`: 128 random bits, as on the wire.
pub type Nonce = [u8; 16];
/// `new_nonce`: 256 random bits, as on the wire.
pub type NewNonce = [u8; 32];

/// `req_pq_multi#be7e8ef1 nonce:int128 = ResPQ`.
pub const REQ_PQ_MULTI_ID: u32 = 0xbe7e_8ef1;
/// `req_pq#60469778 nonce:int128 = ResPQ` (older clients).
pub const REQ_PQ_ID: u32 = 0x6046_9778;
/// `resPQ#05162463 nonce server_nonce pq:string server_public_key_fingerprints:Vector<long>`.
pub const RES_PQ_ID: u32 = 0x0516_2463;
/// `p_q_inner_data#83c95aec pq p q nonce server_nonce new_nonce` (what Telethon 1.45 sends).
pub const P_Q_INNER_DATA_ID: u32 = 0x83c9_5aec;
/// `p_q_inner_data_dc#a9f55f95 … dc:int`.
pub const P_Q_INNER_DATA_DC_ID: u32 = 0xa9f5_5f95;
/// `p_q_inner_data_temp_dc#56fddf88 … dc:int expires_in:int`.
pub const P_Q_INNER_DATA_TEMP_DC_ID: u32 = 0x56fd_df88;
/// `req_DH_params#d712e4be nonce server_nonce p q public_key_fingerprint:long encrypted_data:string`.
pub const REQ_DH_PARAMS_ID: u32 = 0xd712_e4be;
/// `server_DH_params_fail#79cb045d nonce server_nonce new_nonce_hash:int128`.
pub const SERVER_DH_PARAMS_FAIL_ID: u32 = 0x79cb_045d;
/// `server_DH_params_ok#d0e8075c nonce server_nonce encrypted_answer:string`.
pub const SERVER_DH_PARAMS_OK_ID: u32 = 0xd0e8_075c;
/// `server_DH_inner_data#b5890dba nonce server_nonce g:int dh_prime:string g_a:string server_time:int`.
pub const SERVER_DH_INNER_DATA_ID: u32 = 0xb589_0dba;
/// `client_DH_inner_data#6643b654 nonce server_nonce retry_id:long g_b:string`.
pub const CLIENT_DH_INNER_DATA_ID: u32 = 0x6643_b654;
/// `set_client_DH_params#f5045f1f nonce server_nonce encrypted_data:string`.
pub const SET_CLIENT_DH_PARAMS_ID: u32 = 0xf504_5f1f;
/// `dh_gen_ok#3bcbf734 nonce server_nonce new_nonce_hash1:int128`.
pub const DH_GEN_OK_ID: u32 = 0x3bcb_f734;
/// `dh_gen_retry#46dc1fb9 nonce server_nonce new_nonce_hash2:int128`.
pub const DH_GEN_RETRY_ID: u32 = 0x46dc_1fb9;
/// `dh_gen_fail#a69dae02 nonce server_nonce new_nonce_hash3:int128`.
pub const DH_GEN_FAIL_ID: u32 = 0xa69d_ae02;

/// The longest string field of the exchange (an encrypted answer with padding).
const MAX_STRING_BYTES: usize = 1024;
/// The most fingerprints a `resPQ` may list.
const MAX_FINGERPRINTS: usize = 64;

/// What a client sends, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientMessage {
    /// `req_pq_multi` (or the older `req_pq`).
    ReqPq {
        /// The client's nonce.
        nonce: Nonce,
    },
    /// `req_DH_params`.
    ReqDhParams {
        /// The client's nonce.
        nonce: Nonce,
        /// The server's nonce.
        server_nonce: Nonce,
        /// The smaller factor, big-endian.
        p: Vec<u8>,
        /// The larger factor, big-endian.
        q: Vec<u8>,
        /// Which server key `encrypted_data` is for.
        public_key_fingerprint: u64,
        /// The RSA-encrypted `p_q_inner_data`.
        encrypted_data: Vec<u8>,
    },
    /// `set_client_DH_params`.
    SetClientDhParams {
        /// The client's nonce.
        nonce: Nonce,
        /// The server's nonce.
        server_nonce: Nonce,
        /// The AES-IGE-encrypted `client_DH_inner_data` with its SHA1.
        encrypted_data: Vec<u8>,
    },
}

/// Which `dh_gen_*` answer: `new_nonce_hash1`, `2` or `3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhGenOutcome {
    /// `dh_gen_ok`: the key is made.
    Ok = 1,
    /// `dh_gen_retry`: try again with another `b`.
    Retry = 2,
    /// `dh_gen_fail`: start over.
    Fail = 3,
}

/// What a server answers, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerMessage {
    /// `resPQ`.
    ResPq {
        /// The client's nonce, echoed.
        nonce: Nonce,
        /// The server's nonce.
        server_nonce: Nonce,
        /// The product to factorise, big-endian.
        pq: Vec<u8>,
        /// The fingerprints of the server's RSA keys.
        fingerprints: Vec<u64>,
    },
    /// `server_DH_params_ok`.
    DhParamsOk {
        /// The client's nonce.
        nonce: Nonce,
        /// The server's nonce.
        server_nonce: Nonce,
        /// The AES-IGE-encrypted `server_DH_inner_data` with its SHA1.
        encrypted_answer: Vec<u8>,
    },
    /// `server_DH_params_fail`.
    DhParamsFail {
        /// The client's nonce.
        nonce: Nonce,
        /// The server's nonce.
        server_nonce: Nonce,
        /// `SHA1(new_nonce)[4..20]`.
        new_nonce_hash: [u8; 16],
    },
    /// `dh_gen_ok`, `dh_gen_retry` or `dh_gen_fail`.
    DhGen {
        /// Which of the three.
        outcome: DhGenOutcome,
        /// The client's nonce.
        nonce: Nonce,
        /// The server's nonce.
        server_nonce: Nonce,
        /// `new_nonce_hash1`, `2` or `3`.
        new_nonce_hash: [u8; 16],
    },
}

/// `p_q_inner_data` in one of its forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PqInnerData {
    /// The product, big-endian.
    pub pq: Vec<u8>,
    /// The smaller factor, big-endian.
    pub p: Vec<u8>,
    /// The larger factor, big-endian.
    pub q: Vec<u8>,
    /// The client's nonce.
    pub nonce: Nonce,
    /// The server's nonce.
    pub server_nonce: Nonce,
    /// The client's secret nonce.
    pub new_nonce: NewNonce,
    /// The datacenter (absent in plain `p_q_inner_data`).
    pub dc: Option<i32>,
    /// A temporary key's lifetime in seconds (`p_q_inner_data_temp_dc`).
    pub expires_in_seconds: Option<i32>,
}

/// `server_DH_inner_data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerDhInnerData {
    /// The client's nonce.
    pub nonce: Nonce,
    /// The server's nonce.
    pub server_nonce: Nonce,
    /// The generator.
    pub g: u32,
    /// The prime, big-endian.
    pub dh_prime: Vec<u8>,
    /// `g^a mod dh_prime`, big-endian.
    pub g_a: Vec<u8>,
    /// The server's clock, Unix seconds.
    pub server_time: i32,
}

/// `client_DH_inner_data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientDhInnerData {
    /// The client's nonce.
    pub nonce: Nonce,
    /// The server's nonce.
    pub server_nonce: Nonce,
    /// 0, or the `aux_hash` of the key a `dh_gen_retry` refused.
    pub retry_id: u64,
    /// `g^b mod dh_prime`, big-endian.
    pub g_b: Vec<u8>,
}

fn nonce<const N: usize>(reader: &mut Reader<'_>) -> Result<[u8; N], DecodeError> {
    let mut out = [0u8; N];
    out.copy_from_slice(reader.take(N)?);
    Ok(out)
}

fn string(reader: &mut Reader<'_>) -> Result<Vec<u8>, DecodeError> {
    reader.bytes(MAX_STRING_BYTES).map(<[u8]>::to_vec)
}

fn nonces(reader: &mut Reader<'_>) -> Result<(Nonce, Nonce), DecodeError> {
    Ok((nonce(reader)?, nonce(reader)?))
}

impl ClientMessage {
    /// The TL bytes (`message_data`).
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        match self {
            ClientMessage::ReqPq { nonce } => writer.u32(REQ_PQ_MULTI_ID).raw(nonce),
            ClientMessage::ReqDhParams {
                nonce,
                server_nonce,
                p,
                q,
                public_key_fingerprint,
                encrypted_data,
            } => writer
                .u32(REQ_DH_PARAMS_ID)
                .raw(nonce)
                .raw(server_nonce)
                .bytes(p)
                .bytes(q)
                .u64(*public_key_fingerprint)
                .bytes(encrypted_data),
            ClientMessage::SetClientDhParams {
                nonce,
                server_nonce,
                encrypted_data,
            } => writer
                .u32(SET_CLIENT_DH_PARAMS_ID)
                .raw(nonce)
                .raw(server_nonce)
                .bytes(encrypted_data),
        };
        writer.finish()
    }

    /// Parse one whole message.
    pub fn decode(bytes: &[u8]) -> Result<ClientMessage, DecodeError> {
        let mut reader = Reader::new(bytes);
        let message = match reader.u32()? {
            REQ_PQ_MULTI_ID | REQ_PQ_ID => ClientMessage::ReqPq {
                nonce: nonce(&mut reader)?,
            },
            REQ_DH_PARAMS_ID => {
                let (nonce, server_nonce) = nonces(&mut reader)?;
                ClientMessage::ReqDhParams {
                    nonce,
                    server_nonce,
                    p: string(&mut reader)?,
                    q: string(&mut reader)?,
                    public_key_fingerprint: reader.u64()?,
                    encrypted_data: string(&mut reader)?,
                }
            }
            SET_CLIENT_DH_PARAMS_ID => {
                let (nonce, server_nonce) = nonces(&mut reader)?;
                ClientMessage::SetClientDhParams {
                    nonce,
                    server_nonce,
                    encrypted_data: string(&mut reader)?,
                }
            }
            constructor => {
                return Err(DecodeError::UnknownConstructor {
                    constructor,
                    context: "a key exchange request",
                })
            }
        };
        reader.finish("a key exchange request")?;
        Ok(message)
    }
}

impl ServerMessage {
    /// The TL bytes (`message_data`).
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        match self {
            ServerMessage::ResPq {
                nonce,
                server_nonce,
                pq,
                fingerprints,
            } => writer
                .u32(RES_PQ_ID)
                .raw(nonce)
                .raw(server_nonce)
                .bytes(pq)
                .vector_u64(fingerprints),
            ServerMessage::DhParamsOk {
                nonce,
                server_nonce,
                encrypted_answer,
            } => writer
                .u32(SERVER_DH_PARAMS_OK_ID)
                .raw(nonce)
                .raw(server_nonce)
                .bytes(encrypted_answer),
            ServerMessage::DhParamsFail {
                nonce,
                server_nonce,
                new_nonce_hash,
            } => writer
                .u32(SERVER_DH_PARAMS_FAIL_ID)
                .raw(nonce)
                .raw(server_nonce)
                .raw(new_nonce_hash),
            ServerMessage::DhGen {
                outcome,
                nonce,
                server_nonce,
                new_nonce_hash,
            } => {
                let id = match outcome {
                    DhGenOutcome::Ok => DH_GEN_OK_ID,
                    DhGenOutcome::Retry => DH_GEN_RETRY_ID,
                    DhGenOutcome::Fail => DH_GEN_FAIL_ID,
                };
                writer.u32(id).raw(nonce).raw(server_nonce).raw(new_nonce_hash)
            }
        };
        writer.finish()
    }

    /// Parse one whole message.
    pub fn decode(bytes: &[u8]) -> Result<ServerMessage, DecodeError> {
        let mut reader = Reader::new(bytes);
        let constructor = reader.u32()?;
        let (nonce, server_nonce) = match constructor {
            RES_PQ_ID
            | SERVER_DH_PARAMS_OK_ID
            | SERVER_DH_PARAMS_FAIL_ID
            | DH_GEN_OK_ID
            | DH_GEN_RETRY_ID
            | DH_GEN_FAIL_ID => nonces(&mut reader)?,
            constructor => {
                return Err(DecodeError::UnknownConstructor {
                    constructor,
                    context: "a key exchange answer",
                })
            }
        };
        let message = match constructor {
            RES_PQ_ID => ServerMessage::ResPq {
                nonce,
                server_nonce,
                pq: string(&mut reader)?,
                fingerprints: reader.vector_u64(MAX_FINGERPRINTS)?,
            },
            SERVER_DH_PARAMS_OK_ID => ServerMessage::DhParamsOk {
                nonce,
                server_nonce,
                encrypted_answer: string(&mut reader)?,
            },
            SERVER_DH_PARAMS_FAIL_ID => ServerMessage::DhParamsFail {
                nonce,
                server_nonce,
                new_nonce_hash: self::nonce(&mut reader)?,
            },
            id => ServerMessage::DhGen {
                outcome: match id {
                    DH_GEN_OK_ID => DhGenOutcome::Ok,
                    DH_GEN_RETRY_ID => DhGenOutcome::Retry,
                    _ => DhGenOutcome::Fail,
                },
                nonce,
                server_nonce,
                new_nonce_hash: self::nonce(&mut reader)?,
            },
        };
        reader.finish("a key exchange answer")?;
        Ok(message)
    }
}

impl PqInnerData {
    /// The TL bytes, in the form its optional fields select.
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        let id = match (self.dc, self.expires_in_seconds) {
            (None, _) => P_Q_INNER_DATA_ID,
            (Some(_), None) => P_Q_INNER_DATA_DC_ID,
            (Some(_), Some(_)) => P_Q_INNER_DATA_TEMP_DC_ID,
        };
        writer
            .u32(id)
            .bytes(&self.pq)
            .bytes(&self.p)
            .bytes(&self.q)
            .raw(&self.nonce)
            .raw(&self.server_nonce)
            .raw(&self.new_nonce);
        if let Some(dc) = self.dc {
            writer.i32(dc);
            if let Some(expires_in) = self.expires_in_seconds {
                writer.i32(expires_in);
            }
        }
        writer.finish()
    }

    /// Parse from the front of `bytes` (padding may follow); returns the
    /// value and how many bytes it took.
    pub fn decode_prefix(bytes: &[u8]) -> Result<(PqInnerData, usize), DecodeError> {
        let mut reader = Reader::new(bytes);
        let constructor = reader.u32()?;
        if ![P_Q_INNER_DATA_ID, P_Q_INNER_DATA_DC_ID, P_Q_INNER_DATA_TEMP_DC_ID].contains(&constructor) {
            return Err(DecodeError::UnknownConstructor {
                constructor,
                context: "p_q_inner_data",
            });
        }
        let (pq, p, q) = (string(&mut reader)?, string(&mut reader)?, string(&mut reader)?);
        let (nonce, server_nonce) = nonces(&mut reader)?;
        let new_nonce = self::nonce(&mut reader)?;
        let dc = if constructor == P_Q_INNER_DATA_ID {
            None
        } else {
            Some(reader.i32()?)
        };
        let expires_in_seconds = if constructor == P_Q_INNER_DATA_TEMP_DC_ID {
            Some(reader.i32()?)
        } else {
            None
        };
        let value = PqInnerData {
            pq,
            p,
            q,
            nonce,
            server_nonce,
            new_nonce,
            dc,
            expires_in_seconds,
        };
        Ok((value, reader.offset()))
    }
}

impl ServerDhInnerData {
    /// The TL bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        writer
            .u32(SERVER_DH_INNER_DATA_ID)
            .raw(&self.nonce)
            .raw(&self.server_nonce)
            .u32(self.g)
            .bytes(&self.dh_prime)
            .bytes(&self.g_a)
            .i32(self.server_time);
        writer.finish()
    }

    /// Parse from the front of `bytes`; returns the value and its length.
    pub fn decode_prefix(bytes: &[u8]) -> Result<(ServerDhInnerData, usize), DecodeError> {
        let mut reader = Reader::new(bytes);
        reader.expect_constructor(SERVER_DH_INNER_DATA_ID, "server_DH_inner_data")?;
        let (nonce, server_nonce) = nonces(&mut reader)?;
        let value = ServerDhInnerData {
            nonce,
            server_nonce,
            g: reader.u32()?,
            dh_prime: string(&mut reader)?,
            g_a: string(&mut reader)?,
            server_time: reader.i32()?,
        };
        Ok((value, reader.offset()))
    }
}

impl ClientDhInnerData {
    /// The TL bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        writer
            .u32(CLIENT_DH_INNER_DATA_ID)
            .raw(&self.nonce)
            .raw(&self.server_nonce)
            .u64(self.retry_id)
            .bytes(&self.g_b);
        writer.finish()
    }

    /// Parse from the front of `bytes`; returns the value and its length.
    pub fn decode_prefix(bytes: &[u8]) -> Result<(ClientDhInnerData, usize), DecodeError> {
        let mut reader = Reader::new(bytes);
        reader.expect_constructor(CLIENT_DH_INNER_DATA_ID, "client_DH_inner_data")?;
        let (nonce, server_nonce) = nonces(&mut reader)?;
        let value = ClientDhInnerData {
            nonce,
            server_nonce,
            retry_id: reader.u64()?,
            g_b: string(&mut reader)?,
        };
        Ok((value, reader.offset()))
    }
}

/// Bytes before `message_data` in an unencrypted message.
pub const PLAIN_HEADER_BYTES: usize = 20;

/// Wrap `message_data` as an unencrypted message.
pub fn seal_plain_message(message_id: u64, message_data: &[u8]) -> Vec<u8> {
    let mut writer = Writer::with_capacity(PLAIN_HEADER_BYTES + message_data.len());
    writer
        .u64(0)
        .u64(message_id)
        .u32(message_data.len() as u32)
        .raw(message_data);
    writer.finish()
}

/// `(message_id, message_data)` of an unencrypted message, which must
/// have `auth_key_id = 0` and exactly `message_data_length` bytes of data.
pub fn open_plain_message(packet: &[u8]) -> Result<(u64, &[u8]), DecodeError> {
    let mut reader = Reader::new(packet);
    let auth_key_id = reader.u64()?;
    if auth_key_id != 0 {
        return Err(DecodeError::Invalid {
            field: "auth_key_id",
            detail: format!("{auth_key_id:#018x} in an unencrypted message"),
        });
    }
    let message_id = reader.u64()?;
    let length = reader.u32()? as usize;
    let data = reader.take(length)?;
    reader.finish("an unencrypted message")?;
    Ok((message_id, data))
}
