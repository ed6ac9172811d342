//! The model of kind `negotiate-transcript` (design `docs/design/negotiation.md` §6.1):
//! named machine configurations, and transcripts that drive one machine under test with a
//! scripted peer. `vectors/README.md` ("Negotiation transcripts") describes the same format
//! for people.
use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::scalar::Hex;

/// A 28-bit node id or nonce, written as exactly 8 lower-case hex digits (`"0fffffff"`
/// is broadcast). Values above `0x0FFFFFFF` do not load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id28(pub u32);

impl Id28 {
    /// The broadcast destination (spec MOX-SYX-051).
    pub const BROADCAST: Id28 = Id28(0x0FFF_FFFF);
}

impl fmt::Display for Id28 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

impl Serialize for Id28 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Id28 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let digits_ok = text.len() == 8
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let value = if digits_ok {
            u32::from_str_radix(&text, 16).ok()
        } else {
            None
        };
        match value {
            Some(v) if v <= 0x0FFF_FFFF => Ok(Id28(v)),
            _ => Err(D::Error::custom(format!(
                "{text:?} is not a 28-bit id as 8 lower-case hex digits (00000000 to 0fffffff)"
            ))),
        }
    }
}

impl JsonSchema for Id28 {
    fn schema_name() -> Cow<'static, str> {
        "Id28".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A 28-bit node id or nonce as 8 lower-case hex digits.",
            "type": "string",
            "pattern": "^0[0-9a-f]{7}$"
        })
    }
}

/// A machine configuration (design §5 `Config`), named in a file's `configs` map. The
/// binding (and with it the size floor, 128 on SysEx and 512 on OSC, MOX-NEG-060) is not
/// part of it: the runner sets it for each binding the case runs on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NegotiateConfig {
    /// The extensions this node supports, in its preference order: what its hello offers.
    pub offers: Vec<OfferConfig>,
    /// Its 14-bit feature ids, in preference order (never GREASE).
    pub features: Vec<u16>,
    /// What it declares in its hello and reply (its own receive limits).
    pub limits: LimitsConfig,
    /// Timers and counts (design §3.3).
    pub timers: TimersConfig,
    /// GREASE (spec §10.6, design §B.2).
    pub grease: GreaseSettings,
    /// `K=1` on everything the machine sends.
    pub check: bool,
    /// `false`: the node never probes and only answers (design §5).
    pub initiate: bool,
}

/// One supported extension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferConfig {
    /// The extension id as on the wire: owner (1 or 3 bytes) and number varint (`"7e01"`).
    pub ext: Hex,
    /// `[major, minor]` pairs in preference order: the majors it supports, each with its own
    /// minor.
    pub majors: Vec<(u8, u8)>,
    /// Majors of `majors` that this node marks deprecated (design §4).
    pub deprecated: Vec<u8>,
    /// Majors it refuses as sunset (never offered, never selected, `refused 0E`).
    pub sunset: Vec<u8>,
}

/// Receive limits as a hello or reply declares them (design §1.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest message it accepts on the link, framed as the binding carries it.
    pub max_size: u32,
    /// Field-section bytes per chunked transfer it reassembles; 0 = none.
    pub reassembly: u32,
    /// Transfers in flight it accepts.
    pub transfers: u8,
}

/// Timers (ms) and counts of design §3.3, all explicit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimersConfig {
    /// First retransmission timeout of hello and reply.
    pub rto_initial: u32,
    /// Cap of the doubling.
    pub rto_max: u32,
    /// Hello sends per handshake.
    pub max_hello: u8,
    /// Reply sends without a confirm.
    pub max_reply: u8,
    /// First re-probe delay after a fallback; 0 = never re-probe (listen only).
    pub reprobe_initial: u32,
    /// Cap of the re-probe doubling.
    pub reprobe_max: u32,
    /// Jitter `j` in percent: `delay · (100 − j + r mod (2j+1)) / 100`.
    pub reprobe_jitter_pct: u8,
    /// Floor of `retry after` for error replies of the retry class.
    pub min_retry_after: u32,
}

/// GREASE settings (the codec's `GreaseConfig` members that matter to a machine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GreaseSettings {
    /// GREASE in hellos and replies; `false` draws no randomness for GREASE.
    pub enabled: bool,
    /// 1 to this many GREASE fields per hello or reply.
    pub max_fields: u8,
    /// GREASE never takes a message above this many fields.
    pub field_limit: u16,
}

/// Where a transcript was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// By hand, from the spec's state table; never regenerated from an implementation.
    Hand,
}

/// A wire binding a transcript runs on.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    /// SysEx `F0 7D 4D 4F 58 … F7` (carrier `7D`); floor 128 bytes.
    Sysex,
    /// OSC `/mox ,b <body>`; floor 512 bytes.
    Osc,
}

case_header! {
    /// Kind `negotiate-transcript`: one machine under test, driven step by step; the peer is
    /// scripted as message bodies.
    pub struct NegotiateTranscriptCase {
        /// The requirement ids the case tests (the same ids `source` lists).
        pub requirements: Vec<String>,
        /// Always `hand`.
        pub provenance: Provenance,
        /// The machine's configuration: a name in the file's `configs`.
        pub config: String,
        /// The bindings to run it on (at least one).
        pub bindings: Vec<Binding>,
        /// Every `next_u32` value the machine draws, in order (design §B.2); all of them must
        /// be consumed by the end.
        pub rng: Vec<u32>,
        /// The steps, in order.
        pub steps: Vec<Step>,
    }
}

/// One step: at time `t`, one input; then everything the machine sends, the events it
/// raises, optionally its agreement, and its deadline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Milliseconds on the caller's clock (it may go backwards: the machine clamps).
    pub t: u64,
    /// What the runner does.
    pub input: Input,
    /// The bodies the machine sends, in order (`poll_transmit` until empty).
    pub output: Vec<Transmit>,
    /// The events, in order (`poll_event` until empty).
    pub events: Vec<Event>,
    /// When present, `agreement()` must equal it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
    /// `poll_timeout()`: the deadline in ms, or `null` for none. Required.
    #[serde(deserialize_with = "required_option")]
    #[schemars(required)]
    pub deadline: Option<u64>,
    /// For people: why the step expects what it does (a state-table row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn required_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Option::<u64>::deserialize(d)
}

/// The input of a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Input {
    /// `start(t)`.
    Start {},
    /// One unit from the peer: the runner frames `body` for the binding and feeds it through
    /// the codec's receiver pipeline; a delivered `mox.core` body goes to `handle_body`.
    Receive(Receive),
    /// `handle_timeout(t)`.
    Timeout {},
    /// `reconfigure(t, …)` with the offers and features of another named config.
    Reconfigure {
        /// A name in the file's `configs`.
        config: String,
    },
    /// `close(t)`.
    Close {},
    /// No call: the runner only polls.
    Tick {},
}

/// A received unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receive {
    /// The body, header byte through CRC, without SysEx or OSC framing.
    pub body: Hex,
    /// The unit length to pass instead of the framed length (size cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_len: Option<u32>,
}

/// One body the machine sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transmit {
    /// The destination node id.
    pub dst: Id28,
    /// The body, header byte through CRC.
    pub body: Hex,
}

/// An event (design §3.6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A session is established (or replaced).
    Established {
        /// The peer's node id.
        peer: Id28,
        /// The machine's role in this handshake.
        role: Role,
        /// `[initiator nonce, responder nonce]`.
        session: [Id28; 2],
    },
    /// The machine is in fallback mode.
    FellBack(FellBack),
    /// The peer came back with a new id (just before its `established`).
    PeerRebooted {
        /// The old peer id.
        old: Id28,
        /// The new one.
        new: Id28,
    },
    /// The machine changed its own node id after a collision.
    IdChanged {
        /// The old id.
        old: Id28,
        /// The new one.
        new: Id28,
    },
}

/// The machine's role in a handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// It sent the hello.
    Initiator,
    /// It answered.
    Responder,
}

/// `fell_back`: the reason, with `code` exactly for `refused` and `goodbye` exactly for
/// `peer-left`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FellBack {
    /// Why.
    pub reason: FallbackReason,
    /// The error code of a `refused` fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u8>,
    /// The goodbye reason of a `peer-left` fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goodbye: Option<GoodbyeReason>,
}

/// Design §3.6 `FallbackReason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FallbackReason {
    /// No answer after `max_hello` hellos.
    Silent,
    /// Only invalid replies.
    Garbage,
    /// A digest did not match.
    DigestMismatch,
    /// No confirm after `max_reply` replies.
    NoConfirm,
    /// The handshake completed with an empty agreed list.
    NoCommonVersion,
    /// A do-not-retry error about the hello or reply (`code`).
    Refused,
    /// A goodbye from the peer (`goodbye`).
    PeerLeft,
    /// The peer reported an error showing it lost the session.
    PeerLostSession,
    /// Own node id collision.
    IdCollision,
    /// `reconfigure` dropped an agreed major.
    Reconfigured,
    /// `close`.
    Closed,
}

/// Design §1.4 goodbye reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GoodbyeReason {
    /// `00`.
    Shutdown,
    /// `01`.
    IdCollision,
    /// `02`.
    DigestMismatch,
    /// `03`.
    NoConfirm,
    /// `04`.
    ProtocolError,
    /// `05`.
    Reconfigured,
}

/// What `agreement()` (and `peer_limits()`, `refused()`) must return after a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// `[extension id hex, major, the peer's minor]`, in the hello's offer order.
    pub extensions: Vec<(Hex, u8, u8)>,
    /// Features in effect.
    pub features: Vec<u16>,
    /// The peer's limits as the machine reads them (floors applied), when compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_limits: Option<LimitsConfig>,
    /// `[extension id hex, code]` refused in this handshake, when compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<Vec<(Hex, u8)>>,
}
