//! The receiver description of `mox.core` 1.0 (spec §8.1.5 and §9.2), for the codec's
//! pipeline (spec §15). A node runs every unit through its pipeline with this extension in
//! its [`ReceiverDesc`](mox_codec::envelope::ReceiverDesc) and hands the bodies delivered as
//! `mox.core` to [`Machine::handle_body`](crate::Machine::handle_body): the pipeline does the
//! field-level checks and error replies of chapters 6 and 15, the machine the rest.
//!
//! ```
//! use mox_codec::envelope::{ExtensionDef, Limits, ReceiverDesc};
//! let extensions: [ExtensionDef<'static>; 1] = [mox_negotiate::receiver::CORE];
//! let desc = ReceiverDesc { node_id: 0x0123_4567, limits: Limits::DEFAULT, extensions: &extensions };
//! assert_eq!(desc.extensions[0].majors[0].messages.len(), 5);
//! ```
use mox_codec::envelope::{ExtensionDef, FieldDef, FieldType, MajorDef, MessageDef, Owner};

const fn field(id: u32, ty: FieldType) -> FieldDef<'static> {
    FieldDef::new(id, ty)
}

/// `01` error (spec §9.2).
const ERROR: [FieldDef<'static>; 9] = [
    field(0, FieldType::U7),
    field(8, FieldType::Bytes7).max_len(6),
    field(16, FieldType::U14),
    field(24, FieldType::U7),
    field(32, FieldType::Bytes7).max_len(3),
    field(40, FieldType::U21),
    field(48, FieldType::U14),
    field(64, FieldType::U21),
    field(72, FieldType::Text7).max_len(64),
];

/// `02` goodbye (spec §8.1.4).
const GOODBYE: [FieldDef<'static>; 3] = [
    field(0, FieldType::Enum7).values(&[0, 1, 2, 3, 4, 5]),
    field(8, FieldType::U28),
    field(16, FieldType::U28),
];

/// `03` hello-confirm (spec §8.1.3).
const CONFIRM: [FieldDef<'static>; 2] = [field(0, FieldType::U28), field(8, FieldType::U14)];

/// `40` hello (spec §8.1.1).
const HELLO: [FieldDef<'static>; 8] = [
    field(0, FieldType::U28),
    field(8, FieldType::Bytes7).repeated(),
    field(16, FieldType::Bytes7).repeated(),
    field(24, FieldType::U28),
    field(32, FieldType::U21),
    field(40, FieldType::U7),
    field(48, FieldType::Bytes7),
    field(64, FieldType::Bytes7).max_len(11),
];

/// `41` hello-reply (spec §8.1.2).
const REPLY: [FieldDef<'static>; 10] = [
    field(0, FieldType::U28),
    field(8, FieldType::U28),
    field(16, FieldType::U14),
    field(24, FieldType::Bytes7).repeated(),
    field(32, FieldType::U28),
    field(40, FieldType::U21),
    field(48, FieldType::U7),
    field(64, FieldType::Bytes7),
    field(72, FieldType::Bytes7).repeated(),
    field(80, FieldType::Bytes7).max_len(11),
];

const MESSAGES: [MessageDef<'static>; 5] = [
    MessageDef {
        msg_type: 0x01,
        fields: &ERROR,
    },
    MessageDef {
        msg_type: 0x02,
        fields: &GOODBYE,
    },
    MessageDef {
        msg_type: 0x03,
        fields: &CONFIRM,
    },
    MessageDef {
        msg_type: 0x40,
        fields: &HELLO,
    },
    MessageDef {
        msg_type: 0x41,
        fields: &REPLY,
    },
];

const MAJORS: [MajorDef<'static>; 1] = [MajorDef {
    major: 1,
    minor: 0,
    messages: &MESSAGES,
}];

/// `mox.core` (owner `7E`, number 0) major 1 minor 0: every node's first extension
/// (MOX-NEG-001).
pub const CORE: ExtensionDef<'static> = ExtensionDef {
    owner: Owner::MOX,
    number: 0,
    majors: &MAJORS,
};
