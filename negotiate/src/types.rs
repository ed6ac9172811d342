//! The small public types: time, events, reasons, results of the API calls.
use core::fmt;

use heapless::Vec;
use mox_codec::envelope::ExtensionId;

/// A node id: 28 bits, drawn per power-up (MOX-NEG-102).
pub type NodeId = u32;
/// A handshake nonce: 28 bits, nonzero (MOX-NEG-011).
pub type Nonce = u32;

/// The caller's monotonic clock in milliseconds. A value below the last one seen is read
/// as the last one (MOX-NEG-096).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub u64);

/// Which side of a handshake this node was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// It sent the hello.
    Initiator,
    /// It answered the hello.
    Responder,
}

/// Why a goodbye was sent (design §1.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GoodbyeReason {
    /// `00` shutdown.
    Shutdown,
    /// `01` id-collision.
    IdCollision,
    /// `02` digest-mismatch.
    DigestMismatch,
    /// `03` no-confirm.
    NoConfirm,
    /// `04` protocol-error.
    ProtocolError,
    /// `05` reconfigured.
    Reconfigured,
}

impl GoodbyeReason {
    /// The wire value.
    pub const fn value(self) -> u8 {
        match self {
            Self::Shutdown => 0,
            Self::IdCollision => 1,
            Self::DigestMismatch => 2,
            Self::NoConfirm => 3,
            Self::ProtocolError => 4,
            Self::Reconfigured => 5,
        }
    }

    /// From the wire value.
    pub const fn from_value(value: u8) -> Self {
        match value {
            0 => Self::Shutdown,
            1 => Self::IdCollision,
            2 => Self::DigestMismatch,
            3 => Self::NoConfirm,
            4 => Self::ProtocolError,
            5 => Self::Reconfigured,
            // MOX-NEG-030: an unknown reason (a later core minor's) reads as shutdown.
            _ => Self::Shutdown,
        }
    }
}

impl fmt::Display for GoodbyeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shutdown => f.write_str("shutdown"),
            Self::IdCollision => f.write_str("id-collision"),
            Self::DigestMismatch => f.write_str("digest-mismatch"),
            Self::NoConfirm => f.write_str("no-confirm"),
            Self::ProtocolError => f.write_str("protocol-error"),
            Self::Reconfigured => f.write_str("reconfigured"),
        }
    }
}

/// Why the node is in fallback mode (design §3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FallbackReason {
    /// No reply to `max_hello` hellos.
    Silent,
    /// Only invalid replies (`R-inv`).
    Garbage,
    /// A digest did not match (`R-dig` or `F-dig`).
    DigestMismatch,
    /// The responder got no confirm.
    NoConfirm,
    /// The handshake completed with nothing agreed.
    NoCommonVersion,
    /// The peer answered the hello or reply with a do-not-retry error.
    Refused {
        /// The error code.
        code: u8,
    },
    /// The peer said goodbye.
    PeerLeft {
        /// Its reason.
        reason: GoodbyeReason,
    },
    /// The peer answered an agreed message with `0A`, `02` or `05`.
    PeerLostSession,
    /// This node's id collided.
    IdCollision,
    /// `reconfigure` dropped an agreed major.
    Reconfigured,
    /// `close`.
    Closed,
}

impl fmt::Display for FallbackReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Silent => f.write_str("silent"),
            Self::Garbage => f.write_str("garbage"),
            Self::DigestMismatch => f.write_str("digest-mismatch"),
            Self::NoConfirm => f.write_str("no-confirm"),
            Self::NoCommonVersion => f.write_str("no-common-version"),
            Self::Refused { code } => write!(f, "refused ({code:#04x})"),
            Self::PeerLeft { reason } => write!(f, "peer-left ({reason})"),
            Self::PeerLostSession => f.write_str("peer-lost-session"),
            Self::IdCollision => f.write_str("id-collision"),
            Self::Reconfigured => f.write_str("reconfigured"),
            Self::Closed => f.write_str("closed"),
        }
    }
}

/// What the application learns (design §3.6). It is in fallback mode whenever the last
/// event was not `Established`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A handshake completed; [`Machine::agreement`](crate::Machine::agreement) has the result.
    Established {
        /// The peer.
        peer: NodeId,
        /// This node's role.
        role: Role,
        /// (initiator nonce, responder nonce).
        session: (Nonce, Nonce),
    },
    /// The node is in fallback mode.
    FellBack {
        /// Why.
        reason: FallbackReason,
    },
    /// The peer came back with a new id (just before its `Established`).
    PeerRebooted {
        /// The id of the previous session.
        old: NodeId,
        /// The new id.
        new: NodeId,
    },
    /// This node drew a new id after a collision.
    IdChanged {
        /// The old id.
        old: NodeId,
        /// The new id.
        new: NodeId,
    },
}

/// One agreed extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Agreed {
    /// The extension.
    pub ext: ExtensionId,
    /// The agreed major.
    pub major: u8,
    /// The peer's minor of that major (informational).
    pub peer_minor: u8,
    /// This node's minor of that major.
    pub own_minor: u8,
}

/// The result of a completed handshake.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Agreement<const E: usize, const F: usize> {
    /// Agreed extensions, in the initiator's offer order.
    pub extensions: Vec<Agreed, E>,
    /// Features in effect, in the initiator's order.
    pub features: Vec<u16, F>,
}

impl<const E: usize, const F: usize> Agreement<E, F> {
    /// The agreed major of `ext`, if any.
    pub fn major(&self, ext: &ExtensionId) -> Option<u8> {
        self.extensions
            .iter()
            .find(|a| a.ext == *ext)
            .map(|a| a.major)
    }
}

/// What [`Machine::gate`](crate::Machine::gate) says about an incoming message
/// (MOX-NEG-080, -081).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gate {
    /// Process it.
    Accept,
    /// Answer `45 not-ready` with this `retry after` (ms to the current deadline).
    NotReady {
        /// Milliseconds.
        retry_after: u32,
    },
    /// Answer `0A not-negotiated`.
    NotNegotiated,
}

/// One body to send, written by [`Machine::poll_transmit`](crate::Machine::poll_transmit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Transmit {
    /// Bytes written at the start of the buffer.
    pub len: usize,
    /// Destination node id (or broadcast `0FFFFFFF`), as in the body's header.
    pub dst: NodeId,
}

/// The input class a received body was acted on as (design §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handled {
    /// `H-new`: answered (or, when probing with the higher id, ignored by the tie-break:
    /// see [`Ignored::TieBreak`]).
    HelloNew,
    /// `H-dup`: the reply was resent.
    HelloDup,
    /// `R-ok`.
    ReplyOk,
    /// `R-dup`: the confirm was resent.
    ReplyDup,
    /// `R-dig`: counted.
    ReplyDigestMismatch,
    /// `R-inv`: counted (and error `08` queued when eligible).
    ReplyInvalid,
    /// `F-ok`.
    ConfirmOk,
    /// `F-dig`: counted.
    ConfirmDigestMismatch,
    /// `G-ok`.
    Goodbye,
    /// `E-dnr`, `E-retry`: about the own hello or reply.
    Error,
    /// `E-lost`.
    ErrorLost,
    /// `H-coll`.
    Collision,
}

impl fmt::Display for Handled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::HelloNew => "H-new",
            Self::HelloDup => "H-dup",
            Self::ReplyOk => "R-ok",
            Self::ReplyDup => "R-dup",
            Self::ReplyDigestMismatch => "R-dig",
            Self::ReplyInvalid => "R-inv",
            Self::ConfirmOk => "F-ok",
            Self::ConfirmDigestMismatch => "F-dig",
            Self::Goodbye => "G-ok",
            Self::Error => "E-*",
            Self::ErrorLost => "E-lost",
            Self::Collision => "H-coll",
        })
    }
}

/// Why a received body changed nothing. For logs; codes 631–659 (docs/errors.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ignored {
    /// Before `start` (row 2).
    NotStarted,
    /// After `close`.
    Closed,
    /// `X-size`: the unit exceeds the own max size.
    TooLarge,
    /// Not a decodable MOX body.
    Malformed,
    /// Not an unchunked `mox.core` 1.x body.
    NotCore,
    /// `X-dst`: unaddressed, or for another node.
    OtherDestination,
    /// `H-echo`/`M-echo`: one of the last 4 bodies this node sent.
    Echo,
    /// An unknown field with `C=1` (chapter 6).
    UnknownCritical,
    /// A `mox.core` type the negotiation does not handle.
    NotNegotiation,
    /// `H-bad`.
    BadHello,
    /// A duplicate that needs no answer (row 21).
    Duplicate,
    /// A duplicate within `rto_initial` of the last answer (MOX-NEG-095).
    RateLimited,
    /// `H-new` from a lower id while probing with a hello to broadcast or to that id (rows
    /// 10, 30).
    TieBreak,
    /// `R-stale`, `F-stale`, or a message whose matching fields are missing.
    Stale,
    /// `G-other`.
    OtherGoodbye,
    /// An input the table ignores in this state.
    NotExpected,
}

impl Ignored {
    /// The kebab-case class.
    pub const fn class(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::Closed => "closed",
            Self::TooLarge => "too-large",
            Self::Malformed => "malformed",
            Self::NotCore => "not-core",
            Self::OtherDestination => "other-destination",
            Self::Echo => "echo",
            Self::UnknownCritical => "unknown-critical-field",
            Self::NotNegotiation => "not-negotiation",
            Self::BadHello => "bad-hello",
            Self::Duplicate => "duplicate",
            Self::RateLimited => "rate-limited",
            Self::TieBreak => "tie-break",
            Self::Stale => "stale",
            Self::OtherGoodbye => "other-goodbye",
            Self::NotExpected => "not-expected",
        }
    }

    /// The crate-wide numeric code (631–659).
    pub const fn code(self) -> u16 {
        631 + self as u16
    }
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.class())
    }
}

/// Why [`Machine::poll_transmit`](crate::Machine::poll_transmit) wrote nothing. Codes
/// 621–629 (docs/errors.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransmitError {
    /// The buffer is shorter than the body; the entry stays queued.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// The body could not be encoded (a configuration beyond [`Config::check`](crate::Config::check));
    /// the entry is dropped.
    Encode(mox_codec::envelope::EncodeError),
}

impl TransmitError {
    /// The kebab-case class.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::BufferTooSmall { .. } => "buffer-too-small",
            Self::Encode(_) => "encode-failed",
        }
    }

    /// The crate-wide numeric code (621–629).
    pub const fn code(&self) -> u16 {
        match self {
            Self::BufferTooSmall { .. } => 621,
            Self::Encode(_) => 622,
        }
    }
}

impl fmt::Display for TransmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => write!(f, "buffer too small: {needed} bytes needed"),
            Self::Encode(error) => write!(f, "cannot encode: {error}"),
        }
    }
}

impl core::error::Error for TransmitError {}
impl core::error::Error for Ignored {}
