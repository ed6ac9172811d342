//! Running the envelope kinds against `mox_codec::envelope`, through its public API as an
//! application would use it: [`ReceiverDesc::receive_sysex`], [`ReceiverDesc::receive_osc`]
//! and bundle [`groups`], a [`ChunkReceiver`] for `H=1` units, and the two framings for the
//! pass-through bridge.
//!
//! Receiver descriptions are built from the file's JSON at run time into the borrowed
//! slices the codec takes ([`with_desc`]): nothing is leaked, everything lives on the stack
//! of one call.
use std::collections::BTreeMap;
use std::ops::Range;

use mox_codec::envelope::osc::{self as mox_osc, groups, Group};
use mox_codec::envelope::sysex::{self as mox_sysex, SysExEnvelope};
use mox_codec::envelope::{
    self as codec, body_len, encode_body, Addresses, Body, ChunkMessage, ChunkReceiver, Classified,
    DecodeErrorKind, ExtensionDef, ExtensionId, FieldClass, FieldId, Header, Limits, MajorDef,
    MessageDef, NotMox, Outcome as Received, Owner, ReceiverDesc,
};
use mox_codec::osc::{Bundle, Message, Packet};
use mox_codec::sysex::chunk::ReassemblerConfig;
use mox_codec::sysex::message::ManufacturerId;

use super::{
    BridgeDirection, EnvelopeBridgeCase, EnvelopeChunkedCase, EnvelopeOscCase, EnvelopeSysExCase,
    FieldDef, FieldType, FieldView, MessageView, OscAction, OscElement, Receiver, Reception,
    ReceptionOutcome, Reply,
};
use crate::model::{Case, Verdict};
use crate::run::{describe, judge, Outcome};
use crate::scalar::{ErrorClass, Hex};

/// Transfers and bytes per transfer the runner's chunk receiver can hold; a receiver's
/// `limits` must fit (spec defaults: 4 and 1 024).
pub const RUNNER_TRANSFERS: usize = 8;
/// See [`RUNNER_TRANSFERS`].
pub const RUNNER_BYTES: usize = 32 * 1024;

/// The spec defaults of MOX-RCV-013 for the chunk limits.
const DEFAULT_TRANSFERS: u32 = 4;
const DEFAULT_TRANSFER_BYTES: u32 = 1024;
const DEFAULT_STALE_MS: u32 = 3000;

/// The link a unit arrives on unless its step names another (`vectors/README.md`).
const LINK: u32 = 0;

/// The chunk receiver of one case: the runner's capacity, the description's limits.
type Chunks = ChunkReceiver<RUNNER_TRANSFERS, RUNNER_BYTES>;

/// Runs one envelope case; `receivers` are its file's.
pub(crate) fn run_case(case: &Case, receivers: &BTreeMap<String, Receiver>) -> Outcome {
    let result = match case {
        Case::EnvelopeSysEx(c) => receiver(receivers, &c.receiver).and_then(|r| run_sysex(c, r)),
        Case::EnvelopeOsc(c) => receiver(receivers, &c.receiver).and_then(|r| run_osc(c, r)),
        Case::EnvelopeChunked(c) => {
            receiver(receivers, &c.receiver).and_then(|r| run_chunked(c, r))
        }
        Case::EnvelopeBridge(c) => Ok(run_bridge(c)),
        _ => Err("not an envelope case".to_owned()),
    };
    result.unwrap_or_else(|reason| Outcome::Fail { reason })
}

fn receiver<'f>(
    receivers: &'f BTreeMap<String, Receiver>,
    name: &str,
) -> Result<&'f Receiver, String> {
    receivers.get(name).ok_or_else(|| {
        format!(
            "receiver {name:?} is not given: run the case with its file's receivers \
             (CorpusFile::run_case)"
        )
    })
}

// ---------------------------------------------------------------------------------------
// Receiver descriptions
// ---------------------------------------------------------------------------------------

/// One field definition of one nesting level, with the range of its own fields in the next
/// level (records only).
struct Entry<'m> {
    def: &'m FieldDef,
    children: Option<Range<usize>>,
}

/// Calls `f` with the codec's [`ReceiverDesc`] for `receiver`.
///
/// The codec's description is borrowed slices all the way down (records point at their
/// fields), so it is built level by level from the deepest record fields up, each level a
/// vector borrowed by the one above; the recursion is as deep as the records nest.
///
/// # Errors
/// A description the codec cannot represent or spec §15.2 forbids: a node id above
/// `0x0FFFFFFE`, an owner of the wrong length or with a byte above `7F`, a field id above
/// 18 bits, `min`/`max` outside `i32`, `max_fields` above `u16`, chunk limits above the
/// runner's capacity.
pub fn with_desc<R>(
    receiver: &Receiver,
    f: impl FnOnce(&ReceiverDesc<'_>, ReassemblerConfig) -> R,
) -> Result<R, String> {
    if receiver.node_id > 0x0FFF_FFFE {
        return Err(format!(
            "node_id {:#x} is above 0x0FFFFFFE (spec §15.2)",
            receiver.node_id
        ));
    }
    let config = reassembler_config(receiver)?;
    let limits = limits(receiver)?;
    // Level 0: every message's fields, one message after another.
    let mut top = Vec::new();
    let mut message_spans = Vec::new();
    for extension in &receiver.extensions {
        for major in &extension.majors {
            for message in &major.messages {
                let start = top.len();
                top.extend(message.fields.iter().map(|def| Entry {
                    def,
                    children: None,
                }));
                message_spans.push(start..top.len());
            }
        }
    }
    let mut levels = vec![top];
    loop {
        let mut next = Vec::new();
        let Some(level) = levels.last_mut() else {
            break;
        };
        for entry in level.iter_mut() {
            if let Some(fields) = &entry.def.fields {
                let start = next.len();
                next.extend(fields.iter().map(|def| Entry {
                    def,
                    children: None,
                }));
                entry.children = Some(start..next.len());
            }
        }
        if next.is_empty() {
            break;
        }
        levels.push(next);
    }

    let mut f = Some(f);
    let mut result = None;
    let mut failure = None;
    build_levels(&levels, &[], &mut |top_defs| match assemble(
        receiver,
        limits,
        top_defs,
        &message_spans,
        &mut |desc| {
            if let Some(f) = f.take() {
                result = Some(f(desc, config));
            }
        },
    ) {
        Ok(()) => {}
        Err(e) => failure = Some(e),
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    result.ok_or_else(|| "the receiver description was not built".to_owned())
}

/// Converts `levels` from the last (deepest) up; `below` is the level under the last one.
/// Calls `k` with level 0.
fn build_levels(
    levels: &[Vec<Entry<'_>>],
    below: &[codec::FieldDef<'_>],
    k: &mut dyn FnMut(&[codec::FieldDef<'_>]),
) -> Result<(), String> {
    let Some((last, rest)) = levels.split_last() else {
        k(below);
        return Ok(());
    };
    let mut this = Vec::with_capacity(last.len());
    for entry in last {
        let children = match &entry.children {
            Some(range) => below
                .get(range.clone())
                .ok_or("record fields out of range")?,
            None => &[],
        };
        this.push(field_def(entry.def, children)?);
    }
    build_levels(rest, &this, k)
}

/// The messages, majors and extensions over the converted top-level fields.
fn assemble(
    receiver: &Receiver,
    limits: Limits,
    top: &[codec::FieldDef<'_>],
    message_spans: &[Range<usize>],
    k: &mut dyn FnMut(&ReceiverDesc<'_>),
) -> Result<(), String> {
    let mut spans = message_spans.iter();
    let mut messages = Vec::new();
    let mut major_spans = Vec::new();
    for extension in &receiver.extensions {
        for major in &extension.majors {
            let start = messages.len();
            for message in &major.messages {
                let span = spans.next().ok_or("message spans out of step")?;
                let fields = top.get(span.clone()).ok_or("message fields out of range")?;
                messages.push(MessageDef {
                    msg_type: message.message_type,
                    fields,
                });
            }
            major_spans.push(start..messages.len());
        }
    }
    let mut majors = Vec::new();
    let mut extension_spans = Vec::new();
    let mut major_spans = major_spans.iter();
    for extension in &receiver.extensions {
        let start = majors.len();
        for major in &extension.majors {
            let span = major_spans.next().ok_or("major spans out of step")?;
            majors.push(MajorDef {
                major: major.major,
                minor: major.minor,
                messages: messages.get(span.clone()).ok_or("messages out of range")?,
            });
        }
        extension_spans.push(start..majors.len());
    }
    let mut extensions = Vec::new();
    for (extension, span) in receiver.extensions.iter().zip(extension_spans) {
        extensions.push(ExtensionDef {
            owner: owner(&extension.owner)?,
            number: extension.number,
            majors: majors.get(span).ok_or("majors out of range")?,
        });
    }
    k(&ReceiverDesc {
        node_id: receiver.node_id,
        limits,
        extensions: &extensions,
    });
    Ok(())
}

fn field_def<'r>(
    def: &'r FieldDef,
    fields: &'r [codec::FieldDef<'r>],
) -> Result<codec::FieldDef<'r>, String> {
    let bound = |v: Option<i64>, what: &str| {
        v.map(|v| {
            i32::try_from(v).map_err(|_| format!("field {}: {what} {v} is outside i32", def.id))
        })
        .transpose()
    };
    if FieldId::from_value(def.id).is_none() {
        return Err(format!("field id {} is not an 18-bit id", def.id));
    }
    let mut out = codec::FieldDef::new(def.id, field_type(def.field_type)).added(def.added);
    out.min = bound(def.min, "min")?;
    out.max = bound(def.max, "max")?;
    out.values = def.values.as_deref().unwrap_or_default();
    out.max_len = def.max_len;
    out.repeated = def.repeated;
    out.fields = fields;
    Ok(out)
}

fn field_type(ty: FieldType) -> codec::FieldType {
    use codec::FieldType as C;
    match ty {
        FieldType::U7 => C::U7,
        FieldType::U14 => C::U14,
        FieldType::U21 => C::U21,
        FieldType::U28 => C::U28,
        FieldType::I7 => C::I7,
        FieldType::I14 => C::I14,
        FieldType::I21 => C::I21,
        FieldType::I28 => C::I28,
        FieldType::Bool => C::Bool,
        FieldType::Enum7 => C::Enum7,
        FieldType::Text7 => C::Text7,
        FieldType::Bytes7 => C::Bytes7,
        FieldType::Utf8 => C::Utf8,
        FieldType::Bytes => C::Bytes,
        FieldType::F32 => C::F32,
        FieldType::Record => C::Record,
    }
}

fn owner(bytes: &[u8]) -> Result<Owner, String> {
    let owner = match *bytes {
        [id] if id != 0 => Owner::OneByte(id),
        [0, hi, lo] => Owner::ThreeByte(hi, lo),
        _ => return Err(format!("owner {bytes:?} is not 1 byte 01-7F or 00 xx yy")),
    };
    if owner.is_valid() {
        Ok(owner)
    } else {
        Err(format!("owner {bytes:?} has a byte above 7F"))
    }
}

fn limits(receiver: &Receiver) -> Result<Limits, String> {
    let given = receiver.limits.unwrap_or_default();
    let mut limits = Limits::DEFAULT;
    if let Some(n) = given.max_fields {
        limits.max_fields =
            u16::try_from(n).map_err(|_| format!("max_fields {n} is above the codec's u16"))?;
    }
    if let Some(depth) = given.max_depth {
        limits.max_depth = depth;
    }
    Ok(limits)
}

fn reassembler_config(receiver: &Receiver) -> Result<ReassemblerConfig, String> {
    let given = receiver.limits.unwrap_or_default();
    let transfers = given.max_transfers.unwrap_or(DEFAULT_TRANSFERS) as usize;
    let bytes = given.max_transfer_bytes.unwrap_or(DEFAULT_TRANSFER_BYTES) as usize;
    if transfers > RUNNER_TRANSFERS || bytes > RUNNER_BYTES {
        return Err(format!(
            "chunk limits ({transfers} transfers, {bytes} bytes) above the runner's capacity \
             ({RUNNER_TRANSFERS} transfers, {RUNNER_BYTES} bytes)"
        ));
    }
    Ok(ReassemblerConfig::new()
        .max_transfers(transfers)
        .max_payload(bytes)
        .stale_timeout_ms(u64::from(given.stale_ms.unwrap_or(DEFAULT_STALE_MS))))
}

// ---------------------------------------------------------------------------------------
// Receptions
// ---------------------------------------------------------------------------------------

/// The chunk receiver of one case, made on first use: most cases never need its 256 KiB.
struct LazyChunks {
    config: ReassemblerConfig,
    chunks: Option<Box<Chunks>>,
}

impl LazyChunks {
    fn new(config: ReassemblerConfig) -> Self {
        Self {
            config,
            chunks: None,
        }
    }

    /// What an application does with a unit's outcome: a chunk goes to its chunk receiver
    /// (at `now_ms`, from `link`); anything else is final. The reception is taken at once,
    /// since the outcome of a completed transfer borrows the receiver.
    fn finish(
        &mut self,
        desc: &ReceiverDesc<'_>,
        now_ms: u64,
        link: u32,
        outcome: Received<'_, '_>,
        carrier: Option<ManufacturerId>,
    ) -> Reception {
        match outcome {
            Received::Chunk(chunk) => {
                let config = self.config;
                let chunks = self
                    .chunks
                    .get_or_insert_with(|| Box::new(Chunks::with_config(config)));
                accept(chunks, desc, now_ms, link, &chunk, carrier)
            }
            other => reception(&other, carrier),
        }
    }
}

fn accept(
    chunks: &mut Chunks,
    desc: &ReceiverDesc<'_>,
    now_ms: u64,
    link: u32,
    chunk: &ChunkMessage<'_, '_>,
    carrier: Option<ManufacturerId>,
) -> Reception {
    let outcome = chunks.accept(desc, now_ms, link, chunk);
    reception(&outcome, carrier)
}

/// The vectors' form of a codec outcome. `carrier` is the SysEx carrier of the unit (none
/// on OSC).
fn reception(outcome: &Received<'_, '_>, carrier: Option<ManufacturerId>) -> Reception {
    use ReceptionOutcome as O;
    let (kind, class, message) = match outcome {
        Received::NotMox(why) => (O::NotMox, why.class(), None),
        // The codec's `Ignored` carries nothing: its only class is `unknown-format`.
        Received::Ignored => (O::Ignored, Some("unknown-format"), None),
        Received::Discarded(error) => (O::Discarded, Some(error.class()), None),
        Received::Malformed { error, .. } => (O::Malformed, Some(error.class()), None),
        Received::OtherDestination { .. } => (O::OtherDestination, None, None),
        Received::Rejected { rejection, .. } => (O::Rejected, Some(rejection.class()), None),
        Received::Dropped { .. } => (O::Dropped, outcome.error_class(), None),
        Received::Consumed { class, .. } => (O::Consumed, Some(*class), None),
        Received::Delivered(delivered) => {
            let header = delivered.header();
            let message = MessageView {
                carrier: carrier.map(carrier_hex),
                check: header.check,
                owner: owner_hex(header.extension.owner),
                number: header.extension.number,
                major: header.major,
                minor: header.minor,
                message_type: header.msg_type,
                src: header.addresses.map(|a| a.source),
                dst: header.addresses.map(|a| a.destination),
                fields: field_views(delivered.fields()),
            };
            (O::Delivered, None, Some(message))
        }
        // Never returned here: `LazyChunks::finish` hands chunks to the chunk receiver.
        // Shown as what it is, which no expectation names.
        Received::Chunk(_) => (O::Consumed, Some("chunk-not-reassembled"), None),
    };
    Reception {
        outcome: kind,
        class: class.map(ErrorClass::reported),
        reply: outcome.reply().map(|reply| Reply {
            code: Hex(vec![reply.code]),
            field: reply.field.map(FieldId::value),
        }),
        message,
    }
}

fn field_views(fields: Classified<'_, '_>) -> Vec<FieldView> {
    fields
        .map(|field| match field {
            FieldClass::Known(known) => FieldView {
                id: known.field().id().value(),
                known: true,
                value: Hex::from(known.field().value()),
                fields: known.record().map(field_views),
            },
            FieldClass::Unknown(field) => FieldView {
                id: field.id().value(),
                known: false,
                value: Hex::from(field.value()),
                fields: None,
            },
        })
        .collect()
}

fn carrier_hex(carrier: ManufacturerId) -> Hex {
    Hex::from(carrier.to_bytes().get(..carrier.len()).unwrap_or_default())
}

fn owner_hex(owner: Owner) -> Hex {
    Hex::from(owner.to_bytes().get(..owner.len()).unwrap_or_default())
}

/// Where two receptions differ, in words: the outcome, class, reply, a header member, or
/// the first field that differs (by position in wire order, nested records by path).
fn reception_difference(actual: &Reception, expected: &Reception) -> Option<String> {
    fn show<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_else(|e| format!("<{e}>"))
    }
    if actual.outcome != expected.outcome {
        return Some(format!(
            "outcome {} where {} was expected",
            show(&actual.outcome),
            show(&expected.outcome)
        ));
    }
    if actual.class != expected.class {
        return Some(format!(
            "class {} where {} was expected",
            show(&actual.class),
            show(&expected.class)
        ));
    }
    if actual.reply != expected.reply {
        return Some(format!(
            "reply {} where {} was expected",
            show(&actual.reply),
            show(&expected.reply)
        ));
    }
    match (&actual.message, &expected.message) {
        (Some(a), Some(e)) if a != e => {
            let header = |m: &MessageView| {
                show(&MessageView {
                    fields: Vec::new(),
                    ..m.clone()
                })
            };
            if header(a) != header(e) {
                return Some(format!(
                    "message header {} where {} was expected",
                    header(a),
                    header(e)
                ));
            }
            Some(fields_difference(&a.fields, &e.fields, "field"))
        }
        (a, e) if a != e => Some(format!(
            "message {} where {} was expected",
            show(a),
            show(e)
        )),
        _ => None,
    }
}

fn fields_difference(actual: &[FieldView], expected: &[FieldView], at: &str) -> String {
    let show = |f: Option<&FieldView>| match f {
        Some(f) => format!(
            "{{id {:#x}, {}, value {}}}",
            f.id,
            if f.known { "known" } else { "unknown" },
            f.value
        ),
        None => "nothing".to_owned(),
    };
    for i in 0..actual.len().max(expected.len()) {
        let (a, e) = (actual.get(i), expected.get(i));
        if a == e {
            continue;
        }
        if let (Some(a), Some(e)) = (a, e) {
            if a.id == e.id && a.known == e.known && a.value == e.value {
                return fields_difference(
                    a.fields.as_deref().unwrap_or_default(),
                    e.fields.as_deref().unwrap_or_default(),
                    &format!("{at} {i} (a record), its field"),
                );
            }
        }
        return format!("{at} {i}: {} where {} was expected", show(a), show(e));
    }
    format!("{at}s differ")
}

/// Passes when `actual` is the expected reception; `extra` runs only then (re-encoding).
fn judge_reception(
    expected: &crate::Expected<Reception>,
    actual: &Reception,
    mut extra: impl FnMut() -> Result<(), String>,
) -> Outcome {
    let actual_verdict = Verdict::Valid {
        value: actual.clone(),
    };
    judge(
        expected,
        &describe(&actual_verdict),
        |verdict| match verdict {
            Verdict::Valid { value } => match reception_difference(actual, value) {
                Some(why) => Err(format!("{why}; expected {}", describe(verdict))),
                None => extra(),
            },
            Verdict::Invalid { .. } => Err(format!("expected {}", describe(verdict))),
        },
    )
}

// ---------------------------------------------------------------------------------------
// Re-encoding (MOX-MOD-004)
// ---------------------------------------------------------------------------------------

/// The body a delivered message encodes to: its header and fields as the vectors state them
/// (the same as the codec's view, which was compared first), through the codec's encoder.
fn encode_view(message: &MessageView) -> Result<Vec<u8>, String> {
    let mut header = Header::new(
        ExtensionId::new(owner(message.owner.as_bytes())?, message.number),
        message.major,
        message.minor,
        message.message_type,
    );
    header.check = message.check;
    header.addresses = match (message.src, message.dst) {
        (Some(source), Some(destination)) => Some(Addresses {
            source,
            destination,
        }),
        _ => None,
    };
    let fields = message
        .fields
        .iter()
        .map(|f| {
            FieldId::from_value(f.id)
                .map(|id| (id, f.value.as_bytes()))
                .ok_or_else(|| format!("field id {} is not an 18-bit id", f.id))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let len = body_len(&header, &fields).map_err(|e| format!("cannot re-encode: {e}"))?;
    let mut body = vec![0u8; len];
    let written =
        encode_body(&header, &fields, &mut body).map_err(|e| format!("cannot re-encode: {e}"))?;
    body.truncate(written);
    Ok(body)
}

/// A delivered SysEx message re-encodes, carrier, `K` and CRC included, to the input.
fn reencode_sysex(message: &MessageView, input: &[u8]) -> Result<(), String> {
    let body = encode_view(message)?;
    let carrier = message
        .carrier
        .as_ref()
        .and_then(|hex| match ManufacturerId::read(hex.as_bytes()) {
            Some((id, len)) if len == hex.as_bytes().len() => Some(id),
            _ => None,
        })
        .ok_or("a delivered SysEx message without a readable carrier")?;
    let mut out = vec![0u8; mox_sysex::encoded_len(carrier, body.len())];
    let n = mox_sysex::encode(carrier, &body, &mut out)
        .map_err(|e| format!("cannot frame the re-encoded body: {e}"))?;
    out.truncate(n);
    if out == input {
        Ok(())
    } else {
        Err(format!(
            "the delivered message re-encodes as {}, not the input {}",
            Hex(out),
            Hex::from(input)
        ))
    }
}

/// A delivered OSC message re-encodes to its blob.
fn reencode_osc(message: &MessageView, blob: &[u8]) -> Result<(), String> {
    let body = encode_view(message)?;
    if body == blob {
        Ok(())
    } else {
        Err(format!(
            "the delivered message re-encodes as {}, not the blob {}",
            Hex(body),
            Hex::from(blob)
        ))
    }
}

// ---------------------------------------------------------------------------------------
// The kinds
// ---------------------------------------------------------------------------------------

fn run_sysex(case: &EnvelopeSysExCase, receiver: &Receiver) -> Result<Outcome, String> {
    let input = case.hex.as_bytes();
    with_desc(receiver, |desc, config| {
        let carrier = SysExEnvelope::parse(input).ok().map(|e| e.carrier());
        let outcome = desc.receive_sysex(input);
        let actual = LazyChunks::new(config).finish(desc, 0, LINK, outcome, carrier);
        judge_reception(&case.expected, &actual, || match &actual.message {
            Some(message) => reencode_sysex(message, input),
            None => Ok(()),
        })
    })
}

fn run_chunked(case: &EnvelopeChunkedCase, receiver: &Receiver) -> Result<Outcome, String> {
    with_desc(receiver, |desc, config| {
        let mut chunks = LazyChunks::new(config);
        let actual: Vec<Reception> = case
            .steps
            .iter()
            .map(|step| {
                let unit = step.hex.as_bytes();
                let carrier = SysExEnvelope::parse(unit).ok().map(|e| e.carrier());
                let link = step.link.unwrap_or(LINK);
                chunks.finish(desc, step.at, link, desc.receive_sysex(unit), carrier)
            })
            .collect();
        let verdict = Verdict::Valid {
            value: actual.clone(),
        };
        judge(&case.expected, &describe(&verdict), |expected| {
            let Verdict::Valid { value } = expected else {
                return Err(format!("expected {}", describe(expected)));
            };
            if value.len() != actual.len() {
                return Err(format!(
                    "{} receptions for {} expected",
                    actual.len(),
                    value.len()
                ));
            }
            for (i, (a, e)) in actual.iter().zip(value).enumerate() {
                if let Some(why) = reception_difference(a, e) {
                    return Err(format!("step {}: {why}", i + 1));
                }
            }
            Ok(())
        })
    })
}

/// What the receiver does with each OSC message of a packet, in reading order.
struct OscRun<'d, 'r> {
    desc: &'d ReceiverDesc<'r>,
    chunks: LazyChunks,
    elements: Vec<OscElement>,
    /// Per `/mox` element in `elements` order, its blob when it was delivered (for the
    /// re-encoding check).
    blobs: Vec<Option<Vec<u8>>>,
}

impl OscRun<'_, '_> {
    fn packet(&mut self, packet: &Packet<'_>) -> Result<(), String> {
        match packet {
            Packet::Message(message) if message.address() == mox_osc::ADDRESS => {
                let outcome = self.desc.receive_osc(message);
                self.mox(outcome, mox_osc::body_of(message).ok());
                Ok(())
            }
            Packet::Message(message) => {
                self.element(message, OscAction::Plain);
                Ok(())
            }
            Packet::Bundle(bundle) => self.bundle(bundle),
        }
    }

    /// Groups are formed from this bundle's own elements (MOX-OSC-010, MOX-OSC-011).
    fn bundle(&mut self, bundle: &Bundle<'_>) -> Result<(), String> {
        for group in groups(bundle) {
            match group {
                Group::Plain(element) => self.packet(&element.map_err(undecodable)?)?,
                Group::Mox { body, fallback } => {
                    let outcome = match body {
                        Ok(body) => self.desc.receive(body),
                        Err(not_mox) => Received::NotMox(not_mox),
                    };
                    let suppress = outcome.suppresses_fallback();
                    self.mox(outcome, body.ok());
                    for element in fallback {
                        let element = element.map_err(undecodable)?;
                        if suppress {
                            self.suppress(&element)?;
                        } else {
                            self.packet(&element)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A fallback element not acted on: every message in it, nested bundles included.
    fn suppress(&mut self, packet: &Packet<'_>) -> Result<(), String> {
        match packet {
            Packet::Message(message) => {
                self.element(message, OscAction::Suppress);
                Ok(())
            }
            Packet::Bundle(bundle) => {
                for element in bundle.elements() {
                    self.suppress(&element.map_err(undecodable)?)?;
                }
                Ok(())
            }
        }
    }

    fn mox(&mut self, outcome: Received<'_, '_>, blob: Option<&[u8]>) {
        let result = self.chunks.finish(self.desc, 0, LINK, outcome, None);
        let delivered = result.message.is_some();
        self.elements.push(OscElement {
            address: mox_osc::ADDRESS.to_owned(),
            action: OscAction::Mox,
            result: Some(result),
        });
        // A message reassembled from chunks (H=1) re-encodes to no single blob, so it has
        // no re-encoding check (as in envelope-chunked).
        let chunk = blob
            .and_then(|b| b.first())
            .is_some_and(|hdr| hdr & 0x04 != 0);
        self.blobs
            .push(blob.filter(|_| delivered && !chunk).map(<[u8]>::to_vec));
    }

    fn element(&mut self, message: &Message<'_>, action: OscAction) {
        self.elements.push(OscElement {
            address: message.address().to_owned(),
            action,
            result: None,
        });
    }
}

fn undecodable(error: mox_codec::osc::DecodeError) -> String {
    format!("a bundle element does not decode ({error}); envelope-osc packets are valid OSC")
}

fn run_osc(case: &EnvelopeOscCase, receiver: &Receiver) -> Result<Outcome, String> {
    let bytes = case.hex.as_bytes();
    // A packet that is a `/mox` message is a unit even when it is not valid OSC
    // (MOX-OSC-004): the receiver takes its bytes. Anything else must decode.
    let mox_unit = !matches!(
        mox_osc::message_body(bytes),
        Err(NotMox::OtherAddress | NotMox::Bundle)
    );
    let packet = if mox_unit {
        None
    } else {
        Some(Packet::decode(bytes).map_err(|e| format!("the packet does not decode as OSC: {e}"))?)
    };
    with_desc(receiver, |desc, config| {
        let mut run = OscRun {
            desc,
            chunks: LazyChunks::new(config),
            elements: Vec::new(),
            blobs: Vec::new(),
        };
        match &packet {
            None => run.mox(
                desc.receive_osc_unit(bytes),
                mox_osc::message_body(bytes).ok(),
            ),
            Some(packet) => {
                if let Err(reason) = run.packet(packet) {
                    return Outcome::Fail { reason };
                }
            }
        }
        let actual = run.elements;
        let blobs = run.blobs;
        let verdict = Verdict::Valid {
            value: actual.clone(),
        };
        judge(&case.expected, &describe(&verdict), |expected| {
            let Verdict::Valid { value } = expected else {
                return Err(format!("expected {}", describe(expected)));
            };
            let shape = |elements: &[OscElement]| -> Vec<(String, OscAction)> {
                elements
                    .iter()
                    .map(|e| (e.address.clone(), e.action))
                    .collect()
            };
            if shape(&actual) != shape(value) {
                return Err(format!(
                    "elements {:?} where {:?} were expected",
                    shape(&actual),
                    shape(value)
                ));
            }
            let moxes = actual.iter().filter_map(|e| e.result.as_ref());
            let expected_moxes = value.iter().filter_map(|e| e.result.as_ref());
            for (i, ((a, e), blob)) in moxes.zip(expected_moxes).zip(&blobs).enumerate() {
                if let Some(why) = reception_difference(a, e) {
                    return Err(format!("/mox element {}: {why}", i + 1));
                }
                if let (Some(message), Some(blob)) = (&a.message, blob) {
                    reencode_osc(message, blob)
                        .map_err(|why| format!("/mox element {}: {why}", i + 1))?;
                }
            }
            if actual != *value {
                return Err("the elements differ".to_owned());
            }
            Ok(())
        })
    })
}

/// The pass-through bridge of spec §13.1, with the choices of this runner for the two
/// SHOULDs: it verifies the CRC of a `K=1` body (MOX-BRG-004, flag `bridge-verifies-check`)
/// and forwards a body of an unknown format unchanged (MOX-BRG-003, flag
/// `bridge-forwards-unknown-format`). It touches nothing else in the body.
fn run_bridge(case: &EnvelopeBridgeCase) -> Outcome {
    let actual = match bridge(case) {
        Ok(Ok(bytes)) => Verdict::Valid { value: Hex(bytes) },
        Ok(Err(class)) => Verdict::Invalid {
            error: ErrorClass::reported(class),
            partial: None,
        },
        Err(reason) => return Outcome::Fail { reason },
    };
    judge(&case.expected, &describe(&actual), |expected| {
        crate::run::compare(&actual, expected)
    })
}

/// The bytes the bridge sends, or the class of why it sends nothing; `Err` when the case
/// itself cannot be run.
fn bridge(case: &EnvelopeBridgeCase) -> Result<Result<Vec<u8>, &'static str>, String> {
    let input = case.hex.as_bytes();
    match case.direction {
        BridgeDirection::SysexToOsc => {
            let Ok(envelope) = SysExEnvelope::parse(input) else {
                return Ok(Err("not-mox"));
            };
            let body = envelope.body();
            if let Err(class) = bridge_checks(body) {
                return Ok(Err(class));
            }
            let mut out = vec![0u8; mox_osc::encoded_len(body.len())];
            let n = mox_osc::encode(body, &mut out)
                .map_err(|e| format!("the codec cannot frame the body on OSC: {e}"))?;
            out.truncate(n);
            Ok(Ok(out))
        }
        BridgeDirection::OscToSysex => {
            let carrier = case
                .carrier
                .as_ref()
                .and_then(|hex| match ManufacturerId::read(hex.as_bytes()) {
                    Some((id, len)) if len == hex.as_bytes().len() => Some(id),
                    _ => None,
                })
                .ok_or("osc-to-sysex needs a readable carrier")?;
            match mox_osc::packet_body(input) {
                Ok(body) => to_sysex(carrier, body),
                Err(NotMox::Bundle) => match Packet::decode(input) {
                    Ok(Packet::Bundle(bundle)) => {
                        let (mut out, mut first_failure) = (Vec::new(), None);
                        bundle_to_sysex(carrier, &bundle, &mut out, &mut first_failure)?;
                        match (out.is_empty(), first_failure) {
                            (false, _) => Ok(Ok(out)),
                            (true, Some(class)) => Ok(Err(class)),
                            (true, None) => Ok(Err("not-mox")),
                        }
                    }
                    _ => Ok(Err("not-mox")),
                },
                Err(_) => Ok(Err("not-mox")),
            }
        }
    }
}

/// One body as `F0 <carrier> 4D 4F 58 <body> F7`, or why the bridge drops it.
fn to_sysex(carrier: ManufacturerId, body: &[u8]) -> Result<Result<Vec<u8>, &'static str>, String> {
    if let Err(class) = bridge_checks(body) {
        return Ok(Err(class));
    }
    let mut out = vec![0u8; mox_sysex::encoded_len(carrier, body.len())];
    match mox_sysex::encode(carrier, body, &mut out) {
        Ok(n) => {
            out.truncate(n);
            Ok(Ok(out))
        }
        Err(codec::EncodeError::NotSevenBit { .. }) => Ok(Err("not-seven-bit")),
        Err(e) => Err(format!("the codec cannot frame the body on SysEx: {e}")),
    }
}

/// A bundle through the OSC -> SysEx bridge: one SysEx message per `/mox` element, in
/// reading order, appended to `out`; fallback elements (nested bundles in a group included,
/// MOX-OSC-011) are dropped (MOX-BRG-006), and a nested bundle in no group is a bundle of
/// its own. A `/mox` element the bridge drops records its class in `first_failure`.
fn bundle_to_sysex(
    carrier: ManufacturerId,
    bundle: &Bundle<'_>,
    out: &mut Vec<u8>,
    first_failure: &mut Option<&'static str>,
) -> Result<(), String> {
    for group in groups(bundle) {
        match group {
            Group::Plain(Ok(Packet::Bundle(nested))) => {
                bundle_to_sysex(carrier, &nested, out, first_failure)?;
            }
            Group::Plain(_) => {}
            Group::Mox { body, .. } => {
                let sent = match body {
                    Ok(body) => to_sysex(carrier, body)?,
                    Err(_) => Err("not-mox"),
                };
                match sent {
                    Ok(bytes) => out.extend_from_slice(&bytes),
                    Err(class) => {
                        first_failure.get_or_insert(class);
                    }
                }
            }
        }
    }
    Ok(())
}

/// What a pass-through bridge checks in a body: 7-bit bytes (MOX-BRG-002) and, for format
/// `00` with `K=1`, the CRC (MOX-BRG-004). Everything else in the body is the final
/// receiver's business, so other decode errors do not stop it.
fn bridge_checks(body: &[u8]) -> Result<(), &'static str> {
    match Body::parse(body, &Limits::DEFAULT) {
        Err(e) if e.kind() == DecodeErrorKind::NotSevenBit => Err("not-seven-bit"),
        Err(e) if e.kind() == DecodeErrorKind::BadCheck => Err("bad-check"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Receiver {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../envelope/sysex.json")).unwrap();
        serde_json::from_value(file["receivers"]["lab"].clone()).unwrap()
    }

    /// How deep the records of `defs` nest (0 for a list without records).
    fn depth(defs: &[codec::FieldDef<'_>]) -> usize {
        defs.iter()
            .filter(|d| d.ty == codec::FieldType::Record)
            .map(|d| 1 + depth(d.fields))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn descriptions_keep_every_member_and_nesting_level() {
        let lab = lab();
        let (extensions, owners, record_depth, enum_values, bounds) = with_desc(&lab, |desc, _| {
            let test = desc
                .extensions
                .iter()
                .find(|e| e.owner == Owner::NON_COMMERCIAL && e.number == 1)
                .unwrap();
            let fields = test.majors[0]
                .messages
                .iter()
                .find(|m| m.msg_type == 2)
                .unwrap()
                .fields;
            let enum7 = fields.iter().find(|d| d.id == 40).unwrap();
            let i14 = fields.iter().find(|d| d.id == 24).unwrap();
            (
                desc.extensions.len(),
                desc.extensions.iter().map(|e| e.owner).collect::<Vec<_>>(),
                depth(fields),
                enum7.values.to_vec(),
                (i14.min, i14.max),
            )
        })
        .unwrap();
        assert_eq!(extensions, lab.extensions.len());
        assert!(owners.contains(&Owner::ThreeByte(0x21, 0x09)), "{owners:?}");
        assert_eq!(record_depth, 6);
        assert_eq!(enum_values, [0, 1, 2, 5]);
        assert_eq!(bounds, (Some(-1000), Some(1000)));
    }

    #[test]
    fn descriptions_the_codec_cannot_hold_are_refused() {
        let mut wide = lab();
        wide.extensions[0].majors[0].messages[0].fields[0].max = Some(1 << 40);
        assert!(with_desc(&wide, |_, _| ())
            .unwrap_err()
            .contains("outside i32"));
        let mut owner = lab();
        owner.extensions[0].owner = vec![1, 2];
        assert!(with_desc(&owner, |_, _| ()).unwrap_err().contains("owner"));
        let mut big = lab();
        big.limits = Some(super::super::ReceiverLimits {
            max_transfer_bytes: Some(RUNNER_BYTES as u32 + 1),
            ..Default::default()
        });
        assert!(with_desc(&big, |_, _| ())
            .unwrap_err()
            .contains("runner's capacity"));
    }

    /// The design §3.7 message, as the vectors state it when delivered.
    fn fader_view() -> MessageView {
        serde_json::from_str(
            r#"{"carrier": "7d", "check": true, "owner": "7e", "number": 1, "major": 1,
                "minor": 1, "type": 1, "fields": [{"id": 0, "known": true, "value": "03"},
                {"id": 8, "known": true, "value": "0040"},
                {"id": 16, "known": false, "value": "7f2000"}]}"#,
        )
        .unwrap()
    }

    const FADER: &str = "f07d4d4f58017e010101010001030802004010037f20006168f7";

    fn bytes(hex: &str) -> Vec<u8> {
        serde_json::from_value::<Hex>(hex.into()).unwrap().0
    }

    #[test]
    fn reencoding_is_checked_byte_for_byte() {
        let view = fader_view();
        assert_eq!(reencode_sysex(&view, &bytes(FADER)), Ok(()));
        // Another carrier, K, field order or value each changes the bytes.
        let mut carrier = view.clone();
        carrier.carrier = Some(Hex(vec![0x00, 0x21, 0x09]));
        let mut unchecked = view.clone();
        unchecked.check = false;
        let mut swapped = view.clone();
        swapped.fields.swap(0, 1);
        for wrong in [carrier, unchecked, swapped] {
            let why = reencode_sysex(&wrong, &bytes(FADER)).unwrap_err();
            assert!(why.contains("re-encodes as"), "{why}");
        }
        let body = &bytes(FADER)[5..25];
        assert_eq!(reencode_osc(&view, body), Ok(()));
        assert!(reencode_osc(&view, &body[..19]).is_err());
    }

    fn bridge_case(json: &str) -> EnvelopeBridgeCase {
        serde_json::from_str(json).unwrap()
    }

    /// The runner's choices for the two SHOULDs of spec §13.1.
    #[test]
    fn the_bridge_verifies_checks_and_forwards_unknown_formats() {
        let case = |hex: &str| {
            bridge_case(&format!(
                r#"{{"id": "e::b::c", "description": "d", "source": "s",
                    "requirements": ["MOX-BRG-004"], "direction": "sysex-to-osc",
                    "hex": "{hex}", "expected": {{"result": "invalid", "error": "not-mox"}}}}"#
            ))
        };
        let bad_check = FADER.replace("6168f7", "6169f7");
        assert_eq!(bridge(&case(&bad_check)), Ok(Err("bad-check")));
        // Format 01 with K set and no room for a CRC: not checked, forwarded.
        let forwarded = bridge(&case("f07d4d4f58217e01f7")).unwrap().unwrap();
        assert_eq!(&forwarded[16..19], &[0x21, 0x7E, 0x01]);
        // The fields are not the bridge's business: a malformed body passes.
        let overrun = "f07d4d4f58007e010101010005f7";
        assert!(bridge(&case(overrun)).unwrap().is_ok());
        assert_eq!(bridge(&case("f07e4d4f5800f7")), Ok(Err("not-mox")));
    }
}
