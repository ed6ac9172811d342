//! The model of the envelope kinds: receiver descriptions (spec/mox.md §15.2), receptions
//! (§15.3, §15.4) and the four case types. `vectors/README.md` ("Envelope kinds") describes the same format
//! for people.
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Expected;
use crate::scalar::{ErrorClass, Hex};

/// What a MOX receiver supports (spec §15.2): the data the receiver pipeline needs from
/// step 5 on. Corpus files define receivers once, by name, in their `receivers` map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// The receiver's own node id (0 to `0x0FFFFFFE`): an addressed message is for it when
    /// its destination is this id or `0x0FFFFFFF`.
    pub node_id: u32,
    /// Limits other than the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ReceiverLimits>,
    /// The extensions it supports.
    pub extensions: Vec<ExtensionDef>,
}

/// Limits of a receiver (spec §6.6, §11.7); an absent field keeps the default. Test
/// descriptions may go below the floors products must respect (MOX-RCV-013).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiverLimits {
    /// Most fields parsed in one message, unknown ones and those inside known records
    /// included (default 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fields: Option<u32>,
    /// Deepest `record` value; the message's field section is depth 0 (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_depth: Option<u8>,
    /// Most transfers in flight (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_transfers: Option<u32>,
    /// Largest reassembled field section, in bytes (default 1 024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_transfer_bytes: Option<u32>,
    /// A transfer is stale after this many ms without a chunk (default 3 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_ms: Option<u32>,
}

/// One supported extension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDef {
    /// The owner as on the wire, as a list of byte values: `[126]`, or 3 starting with 0.
    pub owner: Vec<u8>,
    /// The extension number (0–262 143).
    pub number: u32,
    /// The supported majors, each at the minor the receiver implements.
    pub majors: Vec<MajorDef>,
}

/// One supported major of an extension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MajorDef {
    /// The major (1–127).
    pub major: u8,
    /// The minor the receiver implements.
    pub minor: u8,
    /// The message types it knows in this major.
    pub messages: Vec<MessageDef>,
}

/// One known message type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageDef {
    /// The type (bit 6 set: a request type).
    #[serde(rename = "type")]
    pub message_type: u8,
    /// The fields the receiver knows in this type.
    pub fields: Vec<FieldDef>,
}

/// One known field. A field of a message is known when its whole id (flags included) is
/// listed with `added` ≤ the message's minor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The id: field number << 3 | U R C.
    pub id: u32,
    /// The value's type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// The minor that added the field (default 0).
    #[serde(default)]
    pub added: u8,
    /// Smallest valid value (integer types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest valid value (integer types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// The known values (`enum7`); any other value makes the field unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<u8>>,
    /// Longest valid value (`text7`, `bytes7`: 7-bit bytes; `utf8`, `bytes`: unpacked
    /// bytes); longer is `bad-field-length`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    /// Whether the field may occur more than once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repeated: bool,
    /// The fields of a `record`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldDef>>,
}

/// The schema types of field values (design §3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// 1 byte.
    U7,
    /// 2 bytes, least significant group first.
    U14,
    /// 3 bytes.
    U21,
    /// 4 bytes.
    U28,
    /// Two's complement in 7 bits.
    I7,
    /// Two's complement in 14 bits.
    I14,
    /// Two's complement in 21 bits.
    I21,
    /// Two's complement in 28 bits.
    I28,
    /// 1 byte, `00` or `01`.
    Bool,
    /// 1 byte, one of `values`.
    Enum7,
    /// 7-bit ASCII text.
    Text7,
    /// 7-bit data.
    Bytes7,
    /// Mcoded7 of UTF-8 text.
    Utf8,
    /// Mcoded7 of 8-bit data.
    Bytes,
    /// Mcoded7 of an IEEE 754 single.
    F32,
    /// Nested TLV fields.
    Record,
}

/// The outcomes of spec §15.4: exactly one per unit (a SysEx message or an OSC message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReceptionOutcome {
    /// Step 1 failed: not the MOX carrier, signature or address shape.
    NotMox,
    /// Format bits other than `00`.
    Ignored,
    /// The check failed (`bad-check`): silent.
    Discarded,
    /// A parse error of steps 4 and 8.
    Malformed,
    /// Addressed to another node.
    OtherDestination,
    /// Unsupported extension, major or type.
    Rejected,
    /// A chunk taken by chapter 11 that did not complete a message.
    Consumed,
    /// An unknown field with `C=1`.
    Dropped,
    /// Known and unknown fields delivered in wire order.
    Delivered,
}

/// What a receiver does with one unit (spec §15.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reception {
    /// The outcome.
    pub outcome: ReceptionOutcome,
    /// The class (spec §15.4): present for `ignored`, `discarded`, `malformed`, `rejected`,
    /// `consumed` and `dropped`; for `not-mox` only when the SysEx or OSC layer gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<ErrorClass>,
    /// The error reply the pipeline calls for when the unit is eligible (spec §9.3); absent
    /// when there is none. Rate limits are not modelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Reply>,
    /// The delivered message (`delivered` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageView>,
}

/// An error reply: its code, and the offending field for codes `06`, `08`, `0B` and `24`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The error code, one byte (`41`).
    pub code: Hex,
    /// The id of the field the reply names (its field 4): the first such field in wire order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<u32>,
}

/// A delivered message: its header and its fields in wire order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageView {
    /// The SysEx carrier id as sent (absent on OSC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Hex>,
    /// Whether `K` was set (the CRC was present and right).
    pub check: bool,
    /// The extension's owner as on the wire.
    pub owner: Hex,
    /// The extension number.
    pub number: u32,
    /// The major.
    pub major: u8,
    /// The minor.
    pub minor: u8,
    /// The message type.
    #[serde(rename = "type")]
    pub message_type: u8,
    /// The source node id (`A=1` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<u32>,
    /// The destination node id (`A=1` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst: Option<u32>,
    /// Every field, known and unknown, in wire order.
    pub fields: Vec<FieldView>,
}

/// One field as delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldView {
    /// The whole id, flags included.
    pub id: u32,
    /// Whether the receiver knows it (for this message's minor).
    pub known: bool,
    /// The value bytes as on the wire.
    pub value: Hex,
    /// The inner fields of a known `record`, in wire order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldView>>,
}

/// What a MOX receiver does with one OSC message of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OscAction {
    /// An element at `/mox`: it goes through the MOX pipeline (`result`).
    Mox,
    /// Act on it as plain OSC.
    Plain,
    /// A fallback of a group whose extension and major the receiver supports: not acted on.
    Suppress,
}

/// One OSC message of a packet, in reading order (bundles flattened depth-first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OscElement {
    /// The message's address.
    pub address: String,
    /// What the receiver does with it.
    pub action: OscAction,
    /// The reception of a `mox` element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Reception>,
}

/// One chunked SysEx message arriving.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeChunkStep {
    /// The receiver's clock, ms.
    pub at: u64,
    /// The whole SysEx message, `F0` and `F7` included.
    pub hex: Hex,
    /// The link it arrives over (part of the transfer key when `A=0`, MOX-SYX-072);
    /// absent: link 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<u32>,
}

/// Which way a bridge converts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BridgeDirection {
    /// A SysEx message in, an OSC `/mox` message out.
    SysexToOsc,
    /// An OSC packet in, a SysEx message out.
    OscToSysex,
}

case_header! {
    /// Kind `envelope-sysex`: one SysEx message to the named receiver; the value is the
    /// reception. A `delivered` message re-encodes to `hex` byte for byte.
    pub struct EnvelopeSysExCase {
        /// The requirement ids of `spec/mox.md` the case tests.
        pub requirements: Vec<String>,
        /// The name of a receiver in the file's `receivers`.
        pub receiver: String,
        /// The message, `F0` and `F7` included.
        pub hex: Hex,
        /// The expected reception.
        pub expected: Expected<Reception>,
    }
}

case_header! {
    /// Kind `envelope-osc`: one OSC packet to the named receiver; the value lists every
    /// message of the packet with what the receiver does with it.
    pub struct EnvelopeOscCase {
        /// The requirement ids of `spec/mox.md` the case tests.
        pub requirements: Vec<String>,
        /// The name of a receiver in the file's `receivers`.
        pub receiver: String,
        /// The packet's bytes.
        pub hex: Hex,
        /// The expected elements, in reading order.
        pub expected: Expected<Vec<OscElement>>,
    }
}

case_header! {
    /// Kind `envelope-chunked`: chunked MOX SysEx messages (`H=1`) to one receiver (the
    /// named description, with empty reassembly state, all over one link); one reception
    /// per step.
    pub struct EnvelopeChunkedCase {
        /// The requirement ids of `spec/mox.md` the case tests.
        pub requirements: Vec<String>,
        /// The name of a receiver in the file's `receivers`.
        pub receiver: String,
        /// The messages, in order.
        pub steps: Vec<EnvelopeChunkStep>,
        /// The expected receptions, one per step.
        pub expected: Expected<Vec<Reception>>,
    }
}

case_header! {
    /// Kind `envelope-bridge`: a pass-through bridge converts one message; the value is the
    /// bytes it sends.
    pub struct EnvelopeBridgeCase {
        /// The requirement ids of `spec/mox.md` the case tests.
        pub requirements: Vec<String>,
        /// Which way it converts.
        pub direction: BridgeDirection,
        /// The message in: a SysEx message, or an OSC packet.
        pub hex: Hex,
        /// The bridge's own carrier id (`osc-to-sysex` only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub carrier: Option<Hex>,
        /// The bytes out.
        pub expected: Expected<Hex>,
    }
}
