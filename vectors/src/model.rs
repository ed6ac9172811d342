//! The Rust model of the vector format. `vectors/README.md` describes the same format for
//! people; `vectors/schema/vectors.schema.json` is generated from these types.
use std::borrow::Cow;
use std::collections::BTreeMap;

use mox_codec::osc::DecodeConfig;
use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};

use crate::envelope::{
    EnvelopeBridgeCase, EnvelopeChunkedCase, EnvelopeOscCase, EnvelopeSysExCase, Receiver,
};
use crate::negotiate::{NegotiateConfig, NegotiateTranscriptCase};
use crate::scalar::{Bits32, Bits64, DecimalI64, ErrorClass, Hex, HumanFloat};
use crate::sysex::{
    ChecksumCase, ChunkReassembleCase, ChunkSplitCase, SevenBitCase, SysExMessageCase,
    SysExStreamCase, SyxCase, UmpDecodeCase, UmpEncodeCase, UsbDecodeCase, UsbEncodeCase,
};

/// `manifest.json`: the corpus version and the files that make up the corpus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The corpus's own SemVer version (`MAJOR.MINOR.PATCH`). Removing or renaming a case is
    /// a major change; adding one is a minor change.
    pub corpus_version: String,
    /// The corpus files, relative to the manifest (`osc/packet.json`).
    pub files: Vec<String>,
}

/// One corpus file: the cases of one area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    /// Must equal the manifest's `corpus_version`.
    pub corpus_version: String,
    /// Named receiver descriptions that the envelope cases of this file refer to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub receivers: BTreeMap<String, Receiver>,
    /// Named machine configurations that the negotiation transcripts of this file refer to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub configs: BTreeMap<String, NegotiateConfig>,
    /// The cases.
    pub cases: Vec<Case>,
}

/// Declares [`Case`] and [`Kind`] from one list, so a new kind is one line here plus its
/// case type: `Variant(CaseType) = "kind-name", "doc"`.
macro_rules! case_kinds {
    ($($variant:ident($ty:ty) = $name:literal, $doc:literal;)*) => {
        /// One test case. `kind` selects the input fields and the type of the expected value.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind")]
        pub enum Case {
            $(
                #[doc = $doc]
                #[serde(rename = $name)]
                $variant($ty),
            )*
        }

        /// The kinds of case.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $(
                #[doc = concat!("`", $name, "`.")]
                $variant,
            )*
        }

        impl Kind {
            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The name used in the `kind` field.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }
        }

        impl Case {
            /// The case's id.
            pub fn id(&self) -> &str {
                match self {
                    $(Case::$variant(c) => &c.id,)*
                }
            }

            /// The case's description.
            pub fn description(&self) -> &str {
                match self {
                    $(Case::$variant(c) => &c.description,)*
                }
            }

            /// The case's source.
            pub fn source(&self) -> &str {
                match self {
                    $(Case::$variant(c) => &c.source,)*
                }
            }

            /// The case's kind.
            pub fn kind(&self) -> Kind {
                match self {
                    $(Case::$variant(_) => Kind::$variant,)*
                }
            }

            /// The behaviour flag, if the result is implementation-defined.
            pub fn flag(&self) -> Option<&str> {
                match self {
                    $(Case::$variant(c) => CaseFlag::flag(c),)*
                }
            }
        }
    };
}

case_kinds! {
    OscPacket(PacketCase) = "osc-packet", "Decode (and re-encode) one OSC packet.";
    OscStream(StreamCase) = "osc-stream", "Split a byte stream into OSC packets.";
    OscStreamEncode(StreamEncodeCase) = "osc-stream-encode", "Frame OSC packets for a byte stream.";
    OscMatch(MatchCase) = "osc-match", "Match an OSC address pattern against an address.";
    SysExMessage(SysExMessageCase) = "sysex-message", "Parse one SysEx message.";
    SysExStream(SysExStreamCase) = "sysex-stream", "Split a MIDI 1.0 byte stream into messages.";
    SevenBit(SevenBitCase) = "sysex-7bit", "Convert between 8-bit data and a 7-bit encoding.";
    Checksum(ChecksumCase) = "sysex-checksum", "Compute a vendor checksum.";
    UsbEncode(UsbEncodeCase) = "usb-midi-encode", "Packetise a byte stream for USB-MIDI 1.0.";
    UsbDecode(UsbDecodeCase) = "usb-midi-decode", "Depacketise USB-MIDI 1.0 packets.";
    UmpEncode(UmpEncodeCase) = "ump-encode", "Convert SysEx to UMP SysEx7 packets.";
    UmpDecode(UmpDecodeCase) = "ump-decode", "Convert UMP SysEx7 packets to SysEx.";
    Syx(SyxCase) = "syx-file", "Read a .syx file.";
    ChunkSplit(ChunkSplitCase) = "sysex-chunk-split", "Split a message body into chunks.";
    ChunkReassemble(ChunkReassembleCase) = "sysex-chunk-reassemble", "Reassemble chunks.";
    EnvelopeSysEx(EnvelopeSysExCase) = "envelope-sysex", "Receive one MOX SysEx message.";
    EnvelopeOsc(EnvelopeOscCase) = "envelope-osc", "Receive one OSC packet with MOX messages.";
    EnvelopeChunked(EnvelopeChunkedCase) = "envelope-chunked", "Receive chunked MOX SysEx messages.";
    EnvelopeBridge(EnvelopeBridgeCase) = "envelope-bridge", "Bridge one MOX message between SysEx and OSC.";
    NegotiateTranscript(NegotiateTranscriptCase) = "negotiate-transcript", "Drive one negotiation machine through a scripted transcript.";
}

/// The behaviour flag of a case: the cases with an `expected` result have one when it is
/// `acceptable`; a transcript's expectations are its steps and are never
/// implementation-defined.
trait CaseFlag {
    fn flag(&self) -> Option<&str>;
}

macro_rules! flag_from_expected {
    ($($ty:ty),*) => {
        $(impl CaseFlag for $ty {
            fn flag(&self) -> Option<&str> {
                self.expected.flag()
            }
        })*
    };
}

flag_from_expected!(
    PacketCase,
    StreamCase,
    StreamEncodeCase,
    MatchCase,
    SysExMessageCase,
    SysExStreamCase,
    SevenBitCase,
    ChecksumCase,
    UsbEncodeCase,
    UsbDecodeCase,
    UmpEncodeCase,
    UmpDecodeCase,
    SyxCase,
    ChunkSplitCase,
    ChunkReassembleCase,
    EnvelopeSysExCase,
    EnvelopeOscCase,
    EnvelopeChunkedCase,
    EnvelopeBridgeCase
);

impl CaseFlag for NegotiateTranscriptCase {
    fn flag(&self) -> Option<&str> {
        None
    }
}

impl Kind {
    /// The error classes a case of this kind may expect.
    pub fn error_classes(self) -> &'static [&'static str] {
        match self {
            Kind::OscPacket => crate::PACKET_ERROR_CLASSES,
            Kind::OscStream => crate::STREAM_ERROR_CLASSES,
            Kind::OscStreamEncode => &[],
            Kind::OscMatch => crate::MATCH_ERROR_CLASSES,
            // Receptions are values: their classes are checked inside (envelope::check_case).
            Kind::EnvelopeSysEx | Kind::EnvelopeOsc | Kind::EnvelopeChunked => &[],
            Kind::EnvelopeBridge => crate::envelope::BRIDGE_ERROR_CLASSES,
            // A transcript has no verdict, so no error class.
            Kind::NegotiateTranscript => &[],
            other => crate::sysex::error_classes(other),
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fields every case has, whatever its kind.
macro_rules! case_header {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Stable, namespaced id (`osc::packet::float-bits-nan`): never renumbered;
            /// removing or renaming one is a major corpus change.
            #[schemars(pattern(crate::ID_PATTERN))]
            pub id: String,
            /// What the case checks, in one sentence.
            pub description: String,
            /// Where the expectation comes from: a spec section, a bug report, a MOX decision.
            pub source: String,
            $($body)*
        }
    };
}

case_header! {
    /// Kind `osc-packet`: decode `hex` (with `config`), compare with the expected value, and
    /// for a valid packet re-encode it.
    pub struct PacketCase {
        /// The packet's bytes.
        pub hex: Hex,
        /// Decoder limits other than the defaults.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub config: Option<PacketConfig>,
        /// The canonical re-encoding, when it differs from `hex`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reencode: Option<Hex>,
        /// The expected decoding.
        pub expected: Expected<PacketValue>,
    }
}

case_header! {
    /// Kind `osc-stream`: feed `chunks` in order to a stream decoder, then end the stream;
    /// the value is the sequence of events.
    pub struct StreamCase {
        /// The framing the receiver expects.
        pub framing: Framing,
        /// The bytes, as received in separate reads.
        pub chunks: Vec<Hex>,
        /// The largest frame the receiver accepts (default 65 536).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max_frame: Option<u32>,
        /// The expected events.
        pub expected: Expected<Vec<StreamEvent>>,
    }
}

case_header! {
    /// Kind `osc-stream-encode`: frame each packet and concatenate; the value is the bytes.
    pub struct StreamEncodeCase {
        /// The framing to write (`slip` or `length-prefix`).
        pub framing: Framing,
        /// The packets, in order.
        pub packets: Vec<Hex>,
        /// The expected stream bytes.
        pub expected: Expected<Hex>,
    }
}

case_header! {
    /// Kind `osc-match`: does `pattern` select the method at `address`?
    pub struct MatchCase {
        /// The address pattern a message carries.
        pub pattern: String,
        /// The method's address.
        pub address: String,
        /// Whether they match.
        pub expected: Expected<bool>,
    }
}

/// What a case expects: tri-state, after Wycheproof, JSONTestSuite and x509-limbo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "result", rename_all = "lowercase", deny_unknown_fields)]
#[schemars(rename = "Expected_for_{V}")]
pub enum Expected<V> {
    /// The input is valid and yields `value`.
    Valid {
        /// The value.
        value: V,
    },
    /// The input is invalid: the first error in reading order has class `error`.
    Invalid {
        /// The class of the first error.
        error: ErrorClass,
        /// What still decodes, with the errors marked where they were found (optional).
        #[serde(skip_serializing_if = "Option::is_none")]
        partial: Option<V>,
    },
    /// Implementation-defined: any one of `outcomes` passes. `flag` names the behaviour; a
    /// vendor's conformance profile says which outcome it chose.
    Acceptable {
        /// The behaviour's name, in kebab-case.
        #[schemars(pattern(crate::FLAG_PATTERN))]
        flag: String,
        /// The acceptable outcomes, at least two.
        #[schemars(length(min = 2))]
        outcomes: Vec<Verdict<V>>,
    },
}

/// One definite outcome: valid with a value, or invalid with an error class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "result", rename_all = "lowercase", deny_unknown_fields)]
#[schemars(rename = "Verdict_for_{V}")]
pub enum Verdict<V> {
    /// The input is valid and yields `value`.
    Valid {
        /// The value.
        value: V,
    },
    /// The input is invalid: the first error in reading order has class `error`.
    Invalid {
        /// The class of the first error.
        error: ErrorClass,
        /// What still decodes, with the errors marked where they were found (optional).
        #[serde(skip_serializing_if = "Option::is_none")]
        partial: Option<V>,
    },
}

impl<V: Clone> Expected<V> {
    /// The outcomes any one of which passes: the one given, or the acceptable ones.
    pub fn outcomes(&self) -> Cow<'_, [Verdict<V>]> {
        match self {
            Expected::Valid { value } => Cow::Owned(vec![Verdict::Valid {
                value: value.clone(),
            }]),
            Expected::Invalid { error, partial } => Cow::Owned(vec![Verdict::Invalid {
                error: *error,
                partial: partial.clone(),
            }]),
            Expected::Acceptable { outcomes, .. } => Cow::Borrowed(outcomes),
        }
    }
}

impl<V> Expected<V> {
    /// The behaviour flag of an acceptable result.
    pub fn flag(&self) -> Option<&str> {
        match self {
            Expected::Acceptable { flag, .. } => Some(flag),
            _ => None,
        }
    }
}

/// Decoder limits for an `osc-packet` case; an absent field keeps the codec's documented
/// default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PacketConfig {
    /// Largest packet accepted, in bytes (default 65 536).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_packet_size: Option<u32>,
    /// Largest blob accepted, in bytes (default 65 536).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_blob_size: Option<u32>,
    /// Most type tags, array brackets included, in one message (default 1 024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_arguments: Option<u16>,
    /// Deepest bundle nesting; the outermost bundle is depth 1 (default 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bundle_depth: Option<u8>,
    /// Deepest array nesting; an array directly in a message is depth 1 (default 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_array_depth: Option<u8>,
}

impl PacketConfig {
    /// The codec's configuration: the defaults with these fields replaced.
    pub fn decode_config(&self) -> DecodeConfig {
        let mut config = DecodeConfig::default();
        if let Some(v) = self.max_packet_size {
            config.max_packet_size = v;
        }
        if let Some(v) = self.max_blob_size {
            config.max_blob_size = v;
        }
        if let Some(v) = self.max_arguments {
            config.max_arguments = v;
        }
        if let Some(v) = self.max_bundle_depth {
            config.max_bundle_depth = v;
        }
        if let Some(v) = self.max_array_depth {
            config.max_array_depth = v;
        }
        config
    }
}

/// An OSC packet in value form: `{"message": …}` or `{"bundle": …}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum PacketValue {
    /// A message.
    Message(MessageValue),
    /// A bundle.
    Bundle(BundleValue),
}

/// An OSC message. Exactly one of `args` and `untyped_payload` is present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageValue {
    /// The address pattern.
    pub address: String,
    /// The arguments; in a partial value, an error marker after the last one that decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<Item<ArgValue>>>,
    /// The bytes after the address of a message without a type-tag string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untyped_payload: Option<Hex>,
}

/// An OSC bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleValue {
    /// When the contents take effect; `{"seconds": 0, "fraction": 1}` means "immediately".
    pub timetag: TimeTagValue,
    /// The elements; in a partial value, an error marker in place of an element that
    /// failed, or last where the framing of the rest could not be trusted.
    pub elements: Vec<Item<PacketValue>>,
}

/// An NTP timetag: seconds since 1900-01-01 and a binary fraction of a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeTagValue {
    /// Whole seconds.
    pub seconds: u32,
    /// Fraction of a second, in units of 2⁻³² s.
    pub fraction: u32,
}

/// A value, or an error marker `{"error": CLASS}` standing where decoding failed.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Item_for_{T}", deny_unknown_fields)]
pub enum Item<T> {
    /// A decoded value.
    Value(T),
    /// Where decoding failed.
    Error {
        /// The error's class.
        error: ErrorClass,
    },
}

impl<T> Item<T> {
    /// The same item with its value converted; a marker stays a marker.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Item<U> {
        match self {
            Item::Value(value) => Item::Value(f(value)),
            Item::Error { error } => Item::Error { error },
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Item<T> {
    /// An object with an `error` key is a marker; anything else must be a value. (Serde's
    /// untagged enums would hide the reason a value failed to read.)
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.get("error").is_some() {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Marker {
                error: ErrorClass,
            }
            let Marker { error } = Marker::deserialize(value).map_err(D::Error::custom)?;
            Ok(Item::Error { error })
        } else {
            T::deserialize(value)
                .map(Item::Value)
                .map_err(D::Error::custom)
        }
    }
}

/// An `f` argument: the exact `bits`, and optionally a human-readable `value` that readers
/// ignore. Only `mox osc encode` input may give `value` without `bits`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Float32 {
    /// The bit pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<Bits32>,
    /// For people; ignored when `bits` are present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<HumanFloat>,
}

/// A `d` argument: the exact `bits`, and optionally a human-readable `value` that readers
/// ignore. Only `mox osc encode` input may give `value` without `bits`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Float64 {
    /// The bit pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<Bits64>,
    /// For people; ignored when `bits` are present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<HumanFloat>,
}

impl Float32 {
    /// The exact float and its human form.
    pub fn new(v: f32) -> Self {
        Float32 {
            bits: Some(Bits32(v.to_bits())),
            value: Some(HumanFloat::from_f32(v)),
        }
    }
    /// The bits, or those of `value` rounded to the nearest `f32` when there are none.
    pub fn resolve(&self) -> Option<u32> {
        self.bits
            .map(|b| b.0)
            .or_else(|| self.value.as_ref()?.to_f32().map(f32::to_bits))
    }
}

impl Float64 {
    /// The exact double and its human form.
    pub fn new(v: f64) -> Self {
        Float64 {
            bits: Some(Bits64(v.to_bits())),
            value: Some(HumanFloat::from_f64(v)),
        }
    }
    /// The bits, or those of `value` when there are none.
    pub fn resolve(&self) -> Option<u64> {
        self.bits
            .map(|b| b.0)
            .or_else(|| self.value.as_ref()?.to_f64().map(f64::to_bits))
    }
}

/// Floats compare by their bits; the human `value` is ignored.
impl PartialEq for Float32 {
    fn eq(&self, other: &Self) -> bool {
        self.resolve() == other.resolve()
    }
}

/// Floats compare by their bits; the human `value` is ignored.
impl PartialEq for Float64 {
    fn eq(&self, other: &Self) -> bool {
        self.resolve() == other.resolve()
    }
}

/// One OSC argument, tagged by its OSC type tag in `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum ArgValue {
    /// `i`: 32-bit integer.
    #[serde(rename = "i")]
    Int {
        /// The value.
        value: i32,
    },
    /// `f`: 32-bit float.
    #[serde(rename = "f")]
    Float(Float32),
    /// `s`: string.
    #[serde(rename = "s")]
    String {
        /// The text.
        value: String,
    },
    /// `S`: symbol.
    #[serde(rename = "S")]
    Symbol {
        /// The text.
        value: String,
    },
    /// `b`: blob.
    #[serde(rename = "b")]
    Blob {
        /// The bytes.
        hex: Hex,
    },
    /// `h`: 64-bit integer.
    #[serde(rename = "h")]
    Long {
        /// The value, as a decimal string.
        value: DecimalI64,
    },
    /// `t`: timetag.
    #[serde(rename = "t")]
    TimeTag(TimeTagValue),
    /// `d`: 64-bit float.
    #[serde(rename = "d")]
    Double(Float64),
    /// `c`: a character as its 32-bit code point.
    #[serde(rename = "c")]
    Char {
        /// The code point.
        value: u32,
    },
    /// `r`: RGBA colour, in wire order.
    #[serde(rename = "r")]
    Color {
        /// Red, green, blue, alpha.
        rgba: [u8; 4],
    },
    /// `m`: MIDI message, in wire order.
    #[serde(rename = "m")]
    Midi {
        /// Port id, status, data1, data2.
        bytes: [u8; 4],
    },
    /// `T`: true.
    #[serde(rename = "T")]
    True {},
    /// `F`: false.
    #[serde(rename = "F")]
    False {},
    /// `N`: nil.
    #[serde(rename = "N")]
    Nil {},
    /// `I`: impulse (OSC 1.1; "Infinitum" in OSC 1.0).
    #[serde(rename = "I")]
    Impulse {},
    /// `[` … `]`: an array.
    #[serde(rename = "[")]
    Array {
        /// The items.
        items: Vec<ArgValue>,
    },
}

/// The stream framings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// OSC 1.1: double-END SLIP.
    Slip,
    /// OSC 1.0: big-endian int32 length before each packet.
    LengthPrefix,
    /// A receiver that detects one of the two from the first byte (decoding only).
    Auto,
}

/// One event of a stream decoder: a complete frame, or an error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum StreamEvent {
    /// A frame's bytes.
    Frame(Hex),
    /// An error, reported once where it was found (at the end for a truncated stream).
    Error(ErrorClass),
}
