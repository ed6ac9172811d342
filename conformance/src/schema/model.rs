//! The extension schema file format (spec/schema.md, chapter 14) as Rust types.
//!
//! The TOML file deserialises into these types with serde; `schemars` derives the JSON
//! Schema checked in as `spec/extensions/extension.schema.json`. The types are plain data
//! (owned strings, vectors, integers) so that the code generator (`gen.rs`, spec MOX-SCH-043)
//! walks them without the TOML layer. Everything that serde cannot express (ranges, GREASE,
//! version order, expressions) is checked in `check.rs` and cited there by requirement id.
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One extension: the whole content of one schema file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extension {
    /// The version of the schema file format itself; spec/schema.md defines format 1.
    pub(crate) format: u32,
    /// The extension's dotted name, e.g. `mox.fader`: lower-case words joined by dots,
    /// the first naming the owner.
    pub(crate) id: String,
    /// The owner: a MIDI manufacturer id in SysEx form as hex, `"7E"` (MOX standard),
    /// `"7D"` (non-commercial) or three bytes `"00 21 09"`.
    pub(crate) owner: String,
    /// The extension number under the owner (0–262 143, never ≡ 7 mod 16).
    pub(crate) number: u32,
    /// A short human title.
    pub(crate) title: String,
    /// What the extension is for (Markdown, one paragraph).
    pub(crate) summary: String,
    /// Every published version, in ascending order.
    pub(crate) versions: Vec<Version>,
    /// One entry per major version listed in `versions`.
    pub(crate) majors: Vec<Major>,
}

/// One published `major.minor`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Version {
    /// `"major.minor"`, e.g. `"1.1"`.
    pub(crate) version: String,
    /// Whether senders should still use it.
    pub(crate) status: Status,
    /// What changed in this version.
    #[serde(default)]
    pub(crate) summary: Option<String>,
}

/// The life-cycle state of a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    /// In use; new implementations implement it.
    Current,
    /// Still accepted; senders should move to a newer version.
    Deprecated,
    /// No longer supported; a receiver may answer `version-sunset` (`0E`). Applies to a
    /// whole major.
    Sunset,
}

/// The messages of one major version. Field numbers and message types are scoped to it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Major {
    /// The major version number (1–127, never ≡ 7 mod 16).
    pub(crate) major: u32,
    /// Message types retired in this major; never reused.
    #[serde(default)]
    pub(crate) reserved_types: Vec<u32>,
    /// The messages, in type order by convention.
    pub(crate) messages: Vec<Message>,
}

/// Whether a message asks for something or tells something (bit 6 of the type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    /// Bit 6 clear: types `00`–`3F`.
    Notification,
    /// Bit 6 set: types `40`–`7F`.
    Request,
}

/// One message type of one major.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Message {
    /// The message type byte (0–127; bit 6 agrees with `kind`; never ≡ 7 mod 16).
    #[serde(rename = "type")]
    pub(crate) msg_type: u32,
    /// Kebab-case name, unique in the major.
    pub(crate) name: String,
    /// Notification or request; must agree with bit 6 of `type`.
    pub(crate) kind: Kind,
    /// What the message means (Markdown).
    pub(crate) summary: String,
    /// The version that added the message; default: the major's `.0`.
    #[serde(default)]
    pub(crate) added: Option<String>,
    /// The version from which senders stop sending it.
    #[serde(default)]
    pub(crate) deprecated: Option<String>,
    /// Whether receiving the message twice has the same effect as once. A message that is
    /// not idempotent must say how duplicates are recognised (`dedup`).
    pub(crate) idempotent: bool,
    /// How a receiver recognises a duplicate or stale copy.
    #[serde(default)]
    pub(crate) dedup: Option<Dedup>,
    /// The name of the request message (same major) this message answers. Answers carry the
    /// request's envelope field 449 (request id) when the request had one.
    #[serde(default)]
    pub(crate) answers: Option<String>,
    /// Field numbers retired from this message; never reused.
    #[serde(default)]
    pub(crate) reserved: Vec<u32>,
    /// The fields, in the order the versions added them (minors only append).
    #[serde(default)]
    pub(crate) fields: Vec<Field>,
    /// How the message is rendered for a peer without the extension.
    #[serde(default)]
    pub(crate) fallback: Option<Fallback>,
    /// Example field values for the documentation's worked hex example.
    #[serde(default)]
    pub(crate) example: Option<BTreeMap<String, ExampleValue>>,
}

/// How a receiver recognises duplicates of a message that is not idempotent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "method")]
pub(crate) enum Dedup {
    /// An unsigned integer field counts up by one per new message (modulo its width); the
    /// receiver keeps the last accepted value per (sender, `per` fields) and accepts only a
    /// newer value in serial-number arithmetic (RFC 1982).
    Sequence {
        /// The sequence field.
        field: String,
        /// Fields that scope the sequence, besides the sender.
        #[serde(default)]
        per: Vec<String>,
    },
    /// The envelope's request id (field 449) identifies retransmissions.
    RequestId,
}

/// The type of a field's value (spec §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FieldType {
    /// Unsigned, 1 byte.
    U7,
    /// Unsigned, 2 bytes, LSB group first.
    U14,
    /// Unsigned, 3 bytes.
    U21,
    /// Unsigned, 4 bytes.
    U28,
    /// Two's complement in 7 bits.
    I7,
    /// Two's complement in 14 bits.
    I14,
    /// Two's complement in 21 bits.
    I21,
    /// Two's complement in 28 bits.
    I28,
    /// One byte, `00` or `01`.
    Bool,
    /// One byte, one of the named `values`.
    Enum7,
    /// ASCII text, raw 7-bit bytes.
    Text7,
    /// 7-bit data, raw.
    Bytes7,
    /// UTF-8 text, Mcoded7.
    Utf8,
    /// 8-bit data, Mcoded7.
    Bytes,
    /// IEEE 754 binary32, big-endian, Mcoded7 (5 bytes on the wire).
    F32,
    /// Nested fields (a TLV list) with their own numbers.
    Record,
}

/// One field of a message or record.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Field {
    /// Snake-case name (`[a-z][a-z0-9_]*`), unique in its message or record; expressions
    /// refer to it.
    pub(crate) name: String,
    /// The field number (0–447 or 512–16 383, never ≡ 7 mod 16).
    pub(crate) number: u32,
    /// The value type.
    #[serde(rename = "type")]
    pub(crate) field_type: FieldType,
    /// What the field means, and what its absence means.
    pub(crate) summary: String,
    /// The unit of the value, e.g. `"steps"`.
    #[serde(default)]
    pub(crate) unit: Option<String>,
    /// The smallest valid value (integer types).
    #[serde(default)]
    pub(crate) min: Option<i64>,
    /// The largest valid value (integer types).
    #[serde(default)]
    pub(crate) max: Option<i64>,
    /// The longest valid value in wire bytes (text7, bytes7) or data bytes (utf8, bytes).
    #[serde(default)]
    pub(crate) max_len: Option<u32>,
    /// The named values of an `enum7`.
    #[serde(default)]
    pub(crate) values: Vec<EnumValue>,
    /// Whether the field may occur more than once.
    #[serde(default)]
    pub(crate) repeated: bool,
    /// Whether every message must carry it (only fields of the message's first version).
    #[serde(default)]
    pub(crate) required: bool,
    /// The version that added it; default: the message's.
    #[serde(default)]
    pub(crate) added: Option<String>,
    /// The version from which senders stop sending it.
    #[serde(default)]
    pub(crate) deprecated: Option<String>,
    /// `C`: a receiver that does not know the field drops the message.
    #[serde(default)]
    pub(crate) critical: bool,
    /// `R`: a receiver that does not know the field replies (error or notification).
    #[serde(default)]
    pub(crate) report: bool,
    /// `U` clear: a bridge that does not know the field forwards it. Default true.
    #[serde(default = "default_true")]
    pub(crate) forward: bool,
    /// The nested fields of a `record`.
    #[serde(default)]
    pub(crate) fields: Vec<Field>,
}

fn default_true() -> bool {
    true
}

/// One named value of an `enum7`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnumValue {
    /// Snake-case name.
    pub(crate) name: String,
    /// The byte (0–127).
    pub(crate) value: u32,
    /// The version that added the value; default: the field's.
    #[serde(default)]
    pub(crate) added: Option<String>,
    /// What the value means.
    #[serde(default)]
    pub(crate) summary: Option<String>,
}

/// An example value: an integer, a boolean, a string (text, or hex for byte types), a list
/// (repeated fields) or a table (records).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ExampleValue {
    /// Integer types, enum7 by number.
    Integer(i64),
    /// bool.
    Bool(bool),
    /// Floating point (f32).
    Float(f64),
    /// text7/utf8 text, enum7 by name, bytes7/bytes as hex.
    Text(String),
    /// A repeated field's occurrences.
    List(Vec<ExampleValue>),
    /// A record's fields.
    Record(BTreeMap<String, ExampleValue>),
}

/// The plain MIDI and plain OSC renderings of a message.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fallback {
    /// MIDI 1.0 channel messages, in order.
    #[serde(default)]
    pub(crate) midi: Vec<MidiRule>,
    /// OSC messages, in order.
    #[serde(default)]
    pub(crate) osc: Vec<OscRule>,
}

/// A bounded loop of a fallback rule: `var` runs from 0 to `count − 1`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Loop {
    /// The loop variable's name (snake-case, not a field name).
    pub(crate) var: String,
    /// An expression; its static upper bound must be at most 256.
    pub(crate) count: String,
}

/// The MIDI 1.0 channel voice messages a fallback rule may emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum MidiKind {
    /// `9n note velocity` (velocity 0 is a note off by MIDI convention).
    NoteOn,
    /// `8n note velocity`.
    NoteOff,
    /// `An note value`.
    PolyPressure,
    /// `Bn controller value`.
    ControlChange,
    /// `Cn program`.
    ProgramChange,
    /// `Dn value`.
    ChannelPressure,
    /// `En lsb msb`, value 0–16383.
    PitchBend,
}

/// One MIDI message template. Every parameter is an expression (spec §14.6).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MidiRule {
    /// Which channel message.
    pub(crate) kind: MidiKind,
    /// Emit only when this expression is nonzero.
    #[serde(default)]
    pub(crate) when: Option<String>,
    /// Nested loops, outermost first (at most 2).
    #[serde(default)]
    pub(crate) each: Vec<Loop>,
    /// Channel 0–15 (shown to users as 1–16).
    pub(crate) channel: String,
    /// Note number (note-on, note-off, poly-pressure).
    #[serde(default)]
    pub(crate) note: Option<String>,
    /// Velocity (note-on, note-off).
    #[serde(default)]
    pub(crate) velocity: Option<String>,
    /// Controller number (control-change).
    #[serde(default)]
    pub(crate) controller: Option<String>,
    /// Program (program-change).
    #[serde(default)]
    pub(crate) program: Option<String>,
    /// The value (control-change, poly- and channel-pressure: 0–127; pitch-bend: 0–16383).
    #[serde(default)]
    pub(crate) value: Option<String>,
}

/// One OSC message template.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OscRule {
    /// The address, with `{expression}` parts rendered as decimal integers.
    pub(crate) address: String,
    /// Emit only when this expression is nonzero.
    #[serde(default)]
    pub(crate) when: Option<String>,
    /// Nested loops, outermost first (at most 2).
    #[serde(default)]
    pub(crate) each: Vec<Loop>,
    /// The arguments, in order.
    #[serde(default)]
    pub(crate) args: Vec<OscArg>,
}

/// One OSC argument.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OscArg {
    /// The OSC type tag: `i` (int32), `f` (float32) or `s` (string).
    #[serde(rename = "type")]
    pub(crate) tag: OscTag,
    /// An integer expression (`i`, `f`), or the name of a text7/utf8 field (`s`).
    pub(crate) value: String,
    /// For `f`: `[lo, hi]` maps the integer `lo..=hi` onto `0.0..=1.0`.
    #[serde(default)]
    pub(crate) normalise: Option<[i64; 2]>,
}

/// The OSC argument types a fallback may emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) enum OscTag {
    /// int32.
    #[serde(rename = "i")]
    Int,
    /// float32.
    #[serde(rename = "f")]
    Float,
    /// OSC-string.
    #[serde(rename = "s")]
    Str,
}
