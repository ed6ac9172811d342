//! `mox envelope …`: dump one MOX message (SysEx or OSC) with what a receiver does with it,
//! and encode one from a small JSON description (optionally GREASEd from a seed).
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use mox_codec::envelope::grease::{GreaseConfig, Injector, Plan, MESSAGE_TYPES};
use mox_codec::envelope::osc::{self as mox_osc, Group};
use mox_codec::envelope::{
    encode_body, sysex as mox_sysex, Addresses, Body, DecodeErrorKind, ExtensionId, Field,
    FieldClass, FieldId, FieldType, Header, KnownField, Limits, NotMox, Outcome, Owner,
    ReceiverDesc, Reply, BROADCAST,
};
use mox_codec::osc::{Bundle, Packet};
use mox_codec::sysex::message::ManufacturerId;
use mox_vectors::envelope as model;
use mox_vectors::envelope::run::with_desc;
use rand_core::SeedableRng;
use rand_xorshift::XorShiftRng;
use serde::Deserialize;

use super::bridge::{parse_carrier, write_units, OutputFormat};
use super::CliError;
use crate::input::{parse_hex, read_text, to_hex, ByteInput};

#[derive(Subcommand, Debug)]
pub(crate) enum EnvelopeCommand {
    /// Dump one MOX message: a SysEx message (input starting with F0) or an OSC packet (a
    /// `/mox` message, or a bundle with groups). With --receiver, also what that receiver
    /// does with it: known and unknown fields, outcome, class and reply (spec chapter 15).
    /// Exit 1 when the input is not MOX, malformed or fails its check.
    Decode {
        #[command(flatten)]
        input: ByteInput,
        /// A receiver description: the JSON form of spec §15.2, or a vector corpus file
        /// with a `receivers` map (pick one with --receiver-name).
        #[arg(long, value_name = "FILE")]
        receiver: Option<PathBuf>,
        /// Which receiver of a corpus file's `receivers` map.
        #[arg(long, value_name = "NAME", requires = "receiver")]
        receiver_name: Option<String>,
    },
    /// Encode a message from its JSON description (docs/cli.md): header and fields with
    /// hex values, in the order given.
    Encode {
        /// The JSON text; read from --file or stdin when absent.
        json: Option<String>,
        /// Read the JSON from FILE (`-` for stdin).
        #[arg(short, long, value_name = "FILE", conflicts_with = "json")]
        file: Option<PathBuf>,
        /// Which binding to frame the body in.
        #[arg(long, value_enum, default_value_t = Binding::Sysex)]
        binding: Binding,
        /// The SysEx carrier id (sysex binding).
        #[arg(long, value_parser = parse_carrier, default_value = "7d")]
        carrier: ManufacturerId,
        /// Insert GREASE fields (spec §10.6) drawn from an RNG seeded with N: the same seed
        /// gives the same bytes. Prints what was inserted on stderr.
        #[arg(long, value_name = "N")]
        grease_seed: Option<u64>,
        /// With --grease-seed: GREASE at a rate of 1 in N, as a node does for messages
        /// other than hellos (default 1: always, as for a hello).
        #[arg(long, value_name = "N", requires = "grease_seed", default_value_t = 1)]
        grease_one_in: u32,
        /// Output form.
        #[arg(long, value_enum, default_value_t = OutputFormat::Hex)]
        format: OutputFormat,
    },
}

/// The two bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Binding {
    /// `F0 <carrier> 4D 4F 58 <body> F7`.
    Sysex,
    /// `/mox ,b <body>`.
    Osc,
}

pub(crate) fn run(command: EnvelopeCommand) -> Result<ExitCode, CliError> {
    match command {
        EnvelopeCommand::Decode {
            input,
            receiver,
            receiver_name,
        } => {
            let bytes = input.read()?;
            match &receiver {
                Some(path) => {
                    let receiver = load_receiver(path, receiver_name.as_deref())?;
                    with_desc(&receiver, |desc, _| decode(&bytes, Some(desc)))
                        .map_err(CliError::Usage)?
                }
                None => decode(&bytes, None),
            }
        }
        EnvelopeCommand::Encode {
            json,
            file,
            binding,
            carrier,
            grease_seed,
            grease_one_in,
            format,
        } => {
            let text = read_text(json, file)?;
            let grease = grease_seed.map(|seed| (seed, grease_one_in));
            let bytes = encode(&text, binding, carrier, grease)?;
            write_units(&[bytes], format)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

// ---- receiver descriptions -------------------------------------------------------------

/// Reads a receiver description. A file may hold the description itself or be a corpus
/// file whose `receivers` map names several.
fn load_receiver(path: &Path, name: Option<&str>) -> Result<model::Receiver, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))?;
    let usage = |m: String| CliError::Usage(format!("receiver {}: {m}", path.display()));
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| usage(format!("not JSON: {e}")))?;
    let chosen = match (value.get("receivers").and_then(|r| r.as_object()), name) {
        (Some(map), Some(name)) => map.get(name).ok_or_else(|| {
            let names: Vec<&str> = map.keys().map(String::as_str).collect();
            usage(format!(
                "no receiver {name:?} (it has: {})",
                names.join(", ")
            ))
        })?,
        (Some(map), None) if map.len() == 1 => map.values().next().unwrap_or(&value),
        (Some(map), None) => {
            let names: Vec<&str> = map.keys().map(String::as_str).collect();
            return Err(usage(format!(
                "holds {} receivers ({}): pick one with --receiver-name",
                map.len(),
                names.join(", ")
            )));
        }
        (None, Some(_)) => return Err(usage("has no `receivers` map".to_owned())),
        (None, None) => &value,
    };
    let receiver = model::Receiver::deserialize(chosen)
        .map_err(|e| usage(format!("not a receiver description (spec §15.2): {e}")))?;
    // Refuse a description the codec cannot take now, not in the middle of a dump.
    with_desc(&receiver, |_, _| ()).map_err(usage)?;
    Ok(receiver)
}

fn owner_from(bytes: &[u8]) -> Result<Owner, String> {
    let owner = match *bytes {
        [id] if id != 0 => Owner::OneByte(id),
        [0, hi, lo] => Owner::ThreeByte(hi, lo),
        _ => {
            return Err(format!(
                "owner {bytes:?}: one byte 01-7F, or three bytes starting with 0"
            ))
        }
    };
    if owner.is_valid() {
        Ok(owner)
    } else {
        Err(format!("owner {bytes:?} has a byte above 7F"))
    }
}

// ---- decode ----------------------------------------------------------------------------

/// The dump, and the first reason to exit with 1.
struct Dump<'r> {
    out: String,
    receiver: Option<&'r ReceiverDesc<'r>>,
    failure: Option<String>,
}

impl Dump<'_> {
    fn line(&mut self, indent: usize, label: &str, text: &str) {
        let pad = "  ".repeat(indent);
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "{pad}{label:<11}{text}");
    }

    /// A line without a label (fields, indented under `fields`).
    fn item(&mut self, indent: usize, text: &str) {
        let pad = "  ".repeat(indent);
        let _ = writeln!(self.out, "{pad}{text}");
    }

    fn fail(&mut self, reason: String) {
        self.failure.get_or_insert(reason);
    }
}

fn decode(bytes: &[u8], receiver: Option<&ReceiverDesc<'_>>) -> Result<ExitCode, CliError> {
    let mut dump = Dump {
        out: String::new(),
        receiver,
        failure: None,
    };
    if let Some(receiver) = receiver {
        dump.line(0, "receiver", &format!("node {:#010x}", receiver.node_id));
    }
    if bytes.first() == Some(&0xF0) {
        decode_sysex(&mut dump, bytes);
    } else {
        decode_osc(&mut dump, bytes);
    }
    print!("{}", dump.out);
    match dump.failure {
        None => Ok(ExitCode::SUCCESS),
        Some(reason) => Err(CliError::Malformed(reason)),
    }
}

fn decode_sysex(dump: &mut Dump<'_>, bytes: &[u8]) {
    dump.line(0, "binding", &format!("SysEx, {} bytes", bytes.len()));
    match mox_sysex::SysExEnvelope::parse(bytes) {
        Err(why) => not_mox(dump, 0, &why),
        Ok(envelope) => {
            let carrier = envelope.carrier();
            let id = carrier.to_bytes();
            let kind = match carrier {
                ManufacturerId::NonCommercial => " (non-commercial)",
                ManufacturerId::ThreeByte(..) => " (three-byte id)",
                _ => "",
            };
            let id = id.get(..carrier.len()).unwrap_or_default();
            dump.line(0, "carrier", &format!("{}{kind}", to_hex(id)));
            dump_body(dump, 0, envelope.body());
        }
    }
}

fn not_mox(dump: &mut Dump<'_>, indent: usize, why: &NotMox) {
    let class = why.class().map(|c| format!(" ({c})")).unwrap_or_default();
    dump.line(indent, "not MOX", &format!("{why}{class}"));
    if dump.receiver.is_some() {
        dump.line(indent, "outcome", &format!("not-mox{class}"));
    }
    dump.fail(format!("not a MOX message: {why}{class}"));
}

fn decode_osc(dump: &mut Dump<'_>, bytes: &[u8]) {
    match Packet::decode(bytes) {
        Err(error) => {
            dump.line(0, "binding", &format!("OSC, {} bytes", bytes.len()));
            not_mox(dump, 0, &NotMox::Osc(error));
        }
        Ok(Packet::Message(message)) => {
            dump.line(
                0,
                "binding",
                &format!("OSC message {}, {} bytes", message.address(), bytes.len()),
            );
            match mox_osc::body_of(&message) {
                Ok(body) => {
                    dump_body(dump, 0, body);
                }
                Err(why) => not_mox(dump, 0, &why),
            }
        }
        Ok(Packet::Bundle(bundle)) => {
            dump.line(
                0,
                "binding",
                &format!(
                    "OSC bundle, {} bytes, timetag {}",
                    bytes.len(),
                    bundle.timetag()
                ),
            );
            let mut groups = 0;
            dump_bundle(dump, 0, &bundle, &mut groups);
            if groups == 0 {
                dump.fail("the bundle holds no /mox message: plain OSC only".to_owned());
            }
        }
    }
}

/// The elements of a bundle by group (spec §5.2); nested bundles are their own scope.
fn dump_bundle(dump: &mut Dump<'_>, indent: usize, bundle: &Bundle<'_>, groups: &mut usize) {
    for group in mox_osc::groups(bundle) {
        match group {
            Group::Plain(element) => dump_element(dump, indent, element, "plain OSC", groups),
            Group::Mox { body, fallback } => {
                *groups += 1;
                let number = *groups;
                dump.line(indent, "element", &format!("/mox, group {number}"));
                let suppress = match body {
                    Ok(body) => dump_body(dump, indent + 1, body),
                    Err(why) => {
                        not_mox(dump, indent + 1, &why);
                        false
                    }
                };
                let action = match (dump.receiver, suppress) {
                    (None, _) => format!("fallback of group {number}"),
                    (Some(_), true) => {
                        format!("fallback of group {number}: suppressed (MOX-OSC-012)")
                    }
                    (Some(_), false) => {
                        format!("fallback of group {number}: acted on as plain OSC")
                    }
                };
                for element in fallback {
                    dump_element(dump, indent, element, &action, groups);
                }
            }
        }
    }
}

fn dump_element(
    dump: &mut Dump<'_>,
    indent: usize,
    element: Result<Packet<'_>, mox_codec::osc::DecodeError>,
    action: &str,
    groups: &mut usize,
) {
    match element {
        Ok(Packet::Message(message)) => {
            let text = Packet::Message(message).to_string();
            dump.line(indent, "element", &format!("{text}  [{action}]"));
        }
        Ok(Packet::Bundle(inner)) => {
            dump.line(
                indent,
                "element",
                &format!("#bundle, timetag {}  [{action}]", inner.timetag()),
            );
            dump_bundle(dump, indent + 1, &inner, groups);
        }
        Err(error) => {
            dump.line(indent, "element", &format!("<error: {error}>  [{action}]"));
        }
    }
}

/// Dumps one body and, with a receiver, its outcome; returns whether the outcome
/// suppresses the group's fallback elements.
fn dump_body(dump: &mut Dump<'_>, indent: usize, body: &[u8]) -> bool {
    dump.line(
        indent,
        "body",
        &format!("{} bytes: {}", body.len(), to_hex(body)),
    );
    let limits = dump.receiver.map_or(Limits::DEFAULT, |r| r.limits);
    let outcome = dump.receiver.map(|receiver| receiver.receive(body));
    match Body::parse(body, &limits) {
        Ok(view) => {
            dump_header(dump, indent, &view);
            dump_fields(dump, indent, &view, outcome.as_ref());
        }
        Err(error) if error.kind() == DecodeErrorKind::UnknownFormat => {
            let format = body.first().map_or(0, |b| b >> 5);
            dump.line(
                indent,
                "header",
                &format!(
                    "format {format:02b}: not this envelope, ignored ({})",
                    error.class()
                ),
            );
        }
        Err(error) => {
            if let Some(&flags) = body.first() {
                dump.line(indent, "header", &flag_text(flags));
            }
            dump.line(indent, "error", &error.to_string());
            if outcome.is_none() {
                dump.fail(error.to_string());
            }
        }
    }
    let Some(outcome) = outcome else {
        return false;
    };
    dump_outcome(dump, indent, &outcome);
    outcome.suppresses_fallback()
}

fn flag_text(flags: u8) -> String {
    let bit = |mask: u8| u8::from(flags & mask != 0);
    format!(
        "{flags:02x}: format {:02b}, reserved {:02b}, H={} A={} K={}",
        (flags >> 5) & 3,
        (flags >> 3) & 3,
        bit(0b100),
        bit(0b010),
        bit(0b001)
    )
}

fn dump_header(dump: &mut Dump<'_>, indent: usize, view: &Body<'_>) {
    let header = view.header();
    let bytes = view.as_bytes();
    dump.line(indent, "header", &flag_text(header.flags_byte()));
    let ext = header.extension;
    let owner = ext.owner.to_bytes();
    let owner_hex = to_hex(owner.get(..ext.owner.len()).unwrap_or_default());
    let owner_kind = match ext.owner {
        Owner::OneByte(0x7E) => "MOX standard",
        Owner::OneByte(0x7D) => "non-commercial",
        _ => "manufacturer",
    };
    let grease = if ext.is_grease() { ", GREASE" } else { "" };
    let core = if ext == ExtensionId::CORE {
        ", mox.core"
    } else {
        ""
    };
    dump.line(
        indent,
        "extension",
        &format!(
            "owner {owner_hex} ({owner_kind}), number {}{core}{grease}",
            ext.number
        ),
    );
    dump.line(
        indent,
        "version",
        &format!("{}.{}", header.major, header.minor),
    );
    let class = if header.is_request() {
        "request"
    } else {
        "notification"
    };
    let grease = if MESSAGE_TYPES.contains(&header.msg_type) {
        ", GREASE"
    } else {
        ""
    };
    dump.line(
        indent,
        "type",
        &format!("{:02x} ({class}{grease})", header.msg_type),
    );
    if let Some(Addresses {
        source,
        destination,
    }) = header.addresses
    {
        let to = if destination == BROADCAST {
            " (broadcast)"
        } else {
            ""
        };
        dump.line(
            indent,
            "addresses",
            &format!("source {source:#010x}, destination {destination:#010x}{to}"),
        );
    }
    if let Some(check) = view.check() {
        let tail = bytes
            .get(bytes.len().saturating_sub(2)..)
            .unwrap_or_default();
        dump.line(
            indent,
            "check",
            &format!("CRC-14/DARC {check:#06x} ({}), verified", to_hex(tail)),
        );
    }
    if let Some(chunk) = view.chunk() {
        let text = match chunk {
            Ok((chunk, payload)) => format!(
                "transfer {}, chunk {} of {}, payload {} bytes: {} (reassembly is not done here)",
                chunk.transfer_id(),
                chunk.number(),
                chunk.total(),
                payload.len(),
                to_hex(payload)
            ),
            Err(error) => format!("{error}"),
        };
        dump.line(indent, "chunk", &text);
    }
}

fn flags_of(id: FieldId) -> String {
    format!(
        "C={} R={} U={}",
        u8::from(id.is_critical()),
        u8::from(id.is_report()),
        u8::from(id.is_unsafe_to_forward())
    )
}

fn field_text(field: &Field<'_>) -> String {
    let id = field.id();
    let grease = if id.is_grease() { "  GREASE" } else { "" };
    format!(
        "@{:<3} id {:#06x} n{:<5} {}  len {:<3} {}{grease}",
        field.offset(),
        id.value(),
        id.number(),
        flags_of(id),
        field.value().len(),
        to_hex(field.value()),
    )
}

/// What a receiver does with an unknown field, from its flags (spec §6.2).
fn unknown_action(id: FieldId) -> &'static str {
    match (id.is_critical(), id.is_report(), id.is_unsafe_to_forward()) {
        (false, false, false) => "unknown: skipped, forwarded",
        (false, false, true) => "unknown: skipped, not re-originated",
        (false, true, false) => "unknown: skipped, notify 24, forwarded",
        (false, true, true) => "unknown: skipped, notify 24, not re-originated",
        (true, false, _) => "unknown critical: drops the message",
        (true, true, _) => "unknown critical: drops the message, error 06",
    }
}

fn dump_fields(
    dump: &mut Dump<'_>,
    indent: usize,
    view: &Body<'_>,
    outcome: Option<&Outcome<'_, '_>>,
) {
    if view.header().chunked {
        return;
    }
    let count = view.fields().count();
    dump.line(indent, "fields", &count.to_string());
    match outcome {
        Some(Outcome::Delivered(delivered)) => {
            for field in delivered.fields() {
                dump_classified(dump, indent + 1, field);
            }
        }
        Some(Outcome::Dropped { field: dropper, .. }) => {
            let mut marked = false;
            for field in view.fields() {
                let mut text = field_text(&field);
                if !marked && field.id() == *dropper {
                    marked = true;
                    text.push_str("  <- ");
                    text.push_str(unknown_action(field.id()));
                }
                dump.item(indent + 1, &text);
            }
        }
        _ => {
            for field in view.fields() {
                dump.item(indent + 1, &field_text(&field));
            }
        }
    }
}

fn dump_classified(dump: &mut Dump<'_>, indent: usize, field: FieldClass<'_, '_>) {
    match field {
        FieldClass::Unknown(field) => {
            let text = format!("{}  {}", field_text(&field), unknown_action(field.id()));
            dump.item(indent, &text);
        }
        FieldClass::Known(known) => {
            let text = format!(
                "{}  known {}",
                field_text(&known.field()),
                typed_value(&known)
            );
            dump.item(indent, &text);
            if let Some(inner) = known.record() {
                for field in inner {
                    dump_classified(dump, indent + 1, field);
                }
            }
        }
    }
}

fn typed_value(known: &KnownField<'_, '_>) -> String {
    let ty = format!("{:?}", known.def().ty).to_lowercase();
    let value = match known.def().ty {
        FieldType::Bool => known.bool().map(|b| b.to_string()),
        FieldType::U7 | FieldType::U14 | FieldType::U21 | FieldType::U28 | FieldType::Enum7 => {
            known.uint().map(|v| v.to_string())
        }
        FieldType::I7 | FieldType::I14 | FieldType::I21 | FieldType::I28 => {
            known.int().map(|v| v.to_string())
        }
        FieldType::F32 => known.f32().map(|v| v.to_string()),
        FieldType::Text7 | FieldType::Utf8 => {
            let mut buf = vec![0u8; known.field().value().len()];
            known.text(&mut buf).map(|t| format!("{t:?}"))
        }
        FieldType::Bytes => {
            let mut buf = vec![0u8; known.field().value().len()];
            known
                .unpack_into(&mut buf)
                .map(|b| format!("unpacked {}", to_hex(b)))
        }
        _ => None,
    };
    match value {
        Some(value) => format!("{ty} = {value}"),
        None => ty,
    }
}

/// The names of the reply codes of spec §9.4 that the pipeline sends.
fn code_name(code: u8) -> &'static str {
    match code {
        0x01 => "unsupported-message-type",
        0x02 => "unsupported-version",
        0x05 => "unsupported-extension",
        0x06 => "unknown-critical-field",
        0x07 => "reserved-bit-set",
        0x08 => "value-out-of-range",
        0x0B => "cannot-forward",
        0x0C => "chunk-length-mismatch",
        0x0D => "chunk-count-mismatch",
        0x21 => "chunk-out-of-sequence",
        0x22 => "chunk-missing",
        0x23 => "transfer-timed-out",
        0x24 => "unknown-field-ignored",
        0x41 => "malformed",
        0x44 => "too-many-transfers",
        _ => "",
    }
}

fn reply_text(reply: &Reply) -> String {
    let mut text = format!(
        "{:02x} {} to {:#010x}",
        reply.code,
        code_name(reply.code),
        reply.to
    );
    if let Some(field) = reply.field {
        let _ = write!(
            text,
            ", naming id {:#06x} (n{} {})",
            field.value(),
            field.number(),
            flags_of(field)
        );
    }
    if let Some(offset) = reply.offset {
        let _ = write!(text, ", offset {offset}");
    }
    text
}

fn dump_outcome(dump: &mut Dump<'_>, indent: usize, outcome: &Outcome<'_, '_>) {
    let class = outcome
        .error_class()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let detail = match outcome {
        Outcome::Chunk(_) => ": a chunk of a supported message, for a ChunkReceiver",
        Outcome::OtherDestination { .. } => ": not for this node (bridges forward it)",
        _ => "",
    };
    dump.line(
        indent,
        "outcome",
        &format!("{}{class}{detail}", outcome.class()),
    );
    let reply = outcome
        .reply()
        .map_or_else(|| "none".to_owned(), |reply| reply_text(&reply));
    dump.line(indent, "reply", &reply);
    match outcome {
        Outcome::NotMox(why) => dump.fail(format!("not a MOX message: {why}")),
        Outcome::Discarded(error) => dump.fail(format!("discarded: {error}")),
        Outcome::Malformed { error, .. } => dump.fail(format!("malformed: {error}")),
        _ => {}
    }
}

// ---- encode ----------------------------------------------------------------------------

/// The JSON description `mox envelope encode` takes (docs/cli.md).
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct MessageJson {
    header: HeaderJson,
    #[serde(default)]
    fields: Vec<FieldJson>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct HeaderJson {
    /// Hex, as on the wire: `7e`, or `002109`.
    owner: String,
    number: u32,
    major: u8,
    minor: u8,
    #[serde(rename = "type")]
    message_type: u8,
    #[serde(default)]
    check: bool,
    #[serde(default)]
    src: Option<u32>,
    #[serde(default)]
    dst: Option<u32>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct FieldJson {
    /// The whole id, number << 3 | U R C.
    id: u32,
    /// Hex of the value bytes.
    #[serde(default)]
    value: String,
}

fn encode(
    json: &str,
    binding: Binding,
    carrier: ManufacturerId,
    grease: Option<(u64, u32)>,
) -> Result<Vec<u8>, CliError> {
    let usage = |m: String| CliError::Usage(m);
    let message: MessageJson =
        serde_json::from_str(json).map_err(|e| usage(format!("not a message description: {e}")))?;
    let h = &message.header;
    let owner = owner_from(&parse_hex(&h.owner).map_err(usage)?).map_err(usage)?;
    let mut header = Header::new(
        ExtensionId::new(owner, h.number),
        h.major,
        h.minor,
        h.message_type,
    );
    header.check = h.check;
    header.addresses = match (h.src, h.dst) {
        (Some(source), Some(destination)) => Some(Addresses {
            source,
            destination,
        }),
        (None, None) => None,
        _ => return Err(usage("give both src and dst (A=1), or neither".to_owned())),
    };
    let values = message
        .fields
        .iter()
        .map(|field| {
            let id = FieldId::from_value(field.id)
                .ok_or_else(|| format!("field id {} is above 262143", field.id))?;
            let value = parse_hex(&field.value).map_err(|e| format!("field {}: {e}", field.id))?;
            Ok((id, value))
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(usage)?;
    let fields: Vec<(FieldId, &[u8])> = values.iter().map(|(id, v)| (*id, &v[..])).collect();
    let plan = match grease {
        None => Plan::EMPTY,
        Some((seed, one_in)) => {
            let config = GreaseConfig {
                one_in,
                ..GreaseConfig::DEFAULT
            };
            let plan = Injector::new(XorShiftRng::seed_from_u64(seed), config).plan(fields.len());
            report_grease(seed, one_in, &plan);
            plan
        }
    };
    let cannot = |e: mox_codec::envelope::EncodeError| usage(format!("cannot encode: {e}"));
    let len = mox_codec::envelope::body_len(&header, plan.apply(&fields)).map_err(cannot)?;
    let mut body = vec![0u8; len];
    encode_body(&header, plan.apply(&fields), &mut body).map_err(cannot)?;
    let mut out = match binding {
        Binding::Sysex => vec![0u8; mox_sysex::encoded_len(carrier, len)],
        Binding::Osc => vec![0u8; mox_osc::encoded_len(len)],
    };
    let n = match binding {
        Binding::Sysex => mox_sysex::encode(carrier, &body, &mut out),
        Binding::Osc => mox_osc::encode(&body, &mut out),
    }
    .map_err(cannot)?;
    out.truncate(n);
    Ok(out)
}

fn report_grease(seed: u64, one_in: u32, plan: &Plan) {
    if plan.is_empty() {
        eprintln!("mox: GREASE (seed {seed}, 1 in {one_in}): none this time");
    }
    for (position, field) in plan.entries() {
        eprintln!(
            "mox: GREASE (seed {seed}): id {:#06x} (n{} {}) value {:?} before field {position}",
            field.id().value(),
            field.id().number(),
            flags_of(field.id()),
            to_hex(field.value()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiver_json_converts_with_records_and_limits() {
        let json = r#"{ "node_id": 66, "limits": { "max_fields": 8 },
            "extensions": [ { "owner": [0, 33, 9], "number": 5, "majors": [ { "major": 2,
              "minor": 1, "messages": [ { "type": 65, "fields": [
                { "id": 0, "type": "enum7", "values": [1, 2] },
                { "id": 9, "type": "record", "added": 1, "fields": [
                  { "id": 0, "type": "i14", "min": -5, "max": 5 } ] } ] } ] } ] } ] }"#;
        let receiver: model::Receiver = serde_json::from_str(json).unwrap();
        with_desc(&receiver, |desc, _| {
            assert_eq!(desc.node_id, 66);
            assert_eq!(desc.limits.max_fields, 8);
            assert_eq!(desc.limits.max_depth, Limits::DEFAULT.max_depth);
            let ext = desc.extensions[0];
            assert_eq!(ext.owner, Owner::ThreeByte(33, 9));
            let fields = ext.majors[0].messages[0].fields;
            assert_eq!(fields[0].values, &[1, 2]);
            assert_eq!(fields[1].ty, FieldType::Record);
            assert_eq!(fields[1].added, 1);
            assert_eq!(fields[1].fields[0].min, Some(-5));
            assert_eq!(fields[1].fields[0].ty, FieldType::I14);
        })
        .unwrap();

        let mut bad = receiver.clone();
        bad.node_id = 0x0FFF_FFFF;
        assert!(with_desc(&bad, |_, _| ()).unwrap_err().contains("node_id"));
        let mut bad = receiver;
        bad.extensions[0].owner = vec![0, 1];
        assert!(with_desc(&bad, |_, _| ()).unwrap_err().contains("owner"));
    }

    #[test]
    fn encode_refuses_half_addresses_and_bad_values() {
        let carrier = ManufacturerId::NonCommercial;
        let half = r#"{"header": {"owner": "7e", "number": 1, "major": 1, "minor": 0, "type": 1, "src": 5}}"#;
        assert!(encode(half, Binding::Sysex, carrier, None).is_err());
        let eight = r#"{"header": {"owner": "7e", "number": 1, "major": 1, "minor": 0, "type": 1},
                        "fields": [{"id": 0, "value": "80"}]}"#;
        let Err(CliError::Usage(message)) = encode(eight, Binding::Osc, carrier, None) else {
            panic!()
        };
        assert!(message.contains("cannot encode"), "{message}");
        let ok = r#"{"header": {"owner": "7e", "number": 1, "major": 1, "minor": 0, "type": 1},
                     "fields": [{"id": 0, "value": "03"}]}"#;
        assert_eq!(
            encode(ok, Binding::Sysex, carrier, None).unwrap(),
            [
                0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x00, 0x7E, 0x01, 0x01, 0x00, 0x01, 0x00, 0x01, 0x03,
                0xF7
            ]
        );
    }
}
