//! `mox bridge …`: a pass-through bridge between the SysEx and OSC bindings (spec chapter 13,
//! MOX-BRG-001–004). The body crosses byte for byte: header byte, ids, every field (known or
//! unknown, any flags, in order) and the CRC. Only the framing changes.
//!
//! What the bridge checks, and why (decisions written down in docs/cli.md):
//! - OSC → SysEx: every blob byte is 7-bit (MOX-BRG-002), else `not-seven-bit`.
//! - Both ways: a format-`00` body with `K=1` must carry a correct CRC-14/DARC
//!   (MOX-BRG-004: a bridge SHOULD verify and MUST NOT forward what it found wrong), else
//!   `bad-check`. A body of another format is forwarded unchanged (MOX-BRG-003), since its
//!   layout, and so its check, is unknown to this version.
//! - Nothing else: a pass-through bridge needs no schema and judges no field, so a body that
//!   the final receiver will find malformed still crosses (it is the receiver's outcome).
//!
//! Fallbacks (MOX-BRG-006): for a message of a reference extension (`mox.fader`,
//! `mox.grid`), `mox bridge fallback` renders its plain MIDI and plain OSC form with the
//! renderers generated from the schemas (`mox_codec::envelope::ext`), and `sysex-to-osc
//! --with-fallback` sends the `/mox` message in a bundle group with its OSC fallback. For any
//! other extension the bridge has no schema, so it can only pass the body through.
use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use mox_codec::envelope::ext::{Fallback, Reference, EXTENSIONS};
use mox_codec::envelope::osc::{self as mox_osc, Group};
use mox_codec::envelope::{
    crc, sysex as mox_sysex, Limits, NotMox, Outcome, ReceiverDesc, FLAG_CHECK, FORMAT_BITS,
};
use mox_codec::osc::{Bundle, Packet};
use mox_codec::sysex::message::ManufacturerId;

use super::CliError;
use crate::input::{parse_hex, to_hex, ByteInput};

#[derive(Subcommand, Debug)]
pub(crate) enum BridgeCommand {
    /// One complete SysEx message (`F0` … `F7`) to the OSC message `/mox ,b <body>`.
    SysexToOsc {
        #[command(flatten)]
        input: ByteInput,
        /// Send the `/mox` message in a bundle group followed by its plain-OSC fallback
        /// (spec §5.2), so plain OSC peers act on the fallback. Only for messages of a
        /// reference extension (`mox.fader`, `mox.grid`); exit 1 for any other.
        #[arg(long)]
        with_fallback: bool,
        /// Output form.
        #[arg(long, value_enum, default_value_t = OutputFormat::Hex)]
        format: OutputFormat,
    },
    /// The fallback of a MOX message (SysEx, or an OSC `/mox` message) of a reference
    /// extension: the plain MIDI 1.0 messages and plain OSC messages a peer without MOX gets
    /// (spec §14.7), one per line (`midi <hex>`, `osc <message>  <hex>`). Exit 1 when the
    /// input is not a delivered message of `mox.fader` or `mox.grid`.
    Fallback {
        #[command(flatten)]
        input: ByteInput,
    },
    /// One OSC packet to SysEx: a `/mox` message gives one SysEx message; a bundle gives one
    /// per `/mox` element, in order (their fallback elements are not carried).
    OscToSysex {
        /// The bridge's own carrier id (MOX-SYX-002): one byte `01`–`7D`, or `00xxyy`.
        #[arg(long, value_parser = parse_carrier)]
        carrier: ManufacturerId,
        #[command(flatten)]
        input: ByteInput,
        /// Output form: hex, one message per line, or the raw bytes one after the other (a
        /// MIDI byte stream).
        #[arg(long, value_enum, default_value_t = OutputFormat::Hex)]
        format: OutputFormat,
    },
}

/// How converted bytes are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Lower-case hex, one unit per line.
    Hex,
    /// Raw bytes.
    Bin,
}

/// A carrier id given as hex on the command line.
pub(crate) fn parse_carrier(text: &str) -> Result<ManufacturerId, String> {
    let bytes = parse_hex(text)?;
    match ManufacturerId::read(&bytes) {
        Some((id, len)) if len == bytes.len() && mox_sysex::is_valid_carrier(id) => Ok(id),
        Some((id, len)) if len == bytes.len() && id.is_universal() => Err(format!(
            "{text} is a Universal SysEx id; MOX is never sent under 7E or 7F (MOX-SYX-002)"
        )),
        _ => Err(format!(
            "{text} is not a manufacturer id: one byte 01-7D, or three bytes 00 xx yy"
        )),
    }
}

/// Why a body is not forwarded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The input is not a MOX message.
    NotMox(NotMox),
    /// A blob byte above `7F` at this body offset.
    NotSevenBit(usize),
    /// `K=1` and the CRC is wrong or missing.
    BadCheck,
}

impl Refusal {
    /// The vector corpus's class (`envelope-bridge` kind).
    pub(crate) fn class(&self) -> &'static str {
        match self {
            Refusal::NotMox(_) => "not-mox",
            Refusal::NotSevenBit(_) => "not-seven-bit",
            Refusal::BadCheck => "bad-check",
        }
    }

    fn describe(&self) -> String {
        match self {
            Refusal::NotMox(why) => format!("not a MOX message: {why} ({})", self.class()),
            Refusal::NotSevenBit(offset) => format!(
                "blob byte at body offset {offset} is above 7F: it cannot go into SysEx, \
                 the message is dropped ({})",
                self.class()
            ),
            Refusal::BadCheck => format!(
                "K=1 and the CRC-14/DARC does not match: a bridge must not forward it ({})",
                self.class()
            ),
        }
    }
}

/// The checks a pass-through bridge makes on a body before it forwards it (see the module
/// documentation).
pub(crate) fn check_body(body: &[u8]) -> Result<(), Refusal> {
    if let Some(offset) = body.iter().position(|&b| b > 0x7F) {
        return Err(Refusal::NotSevenBit(offset));
    }
    let Some(&flags) = body.first() else {
        return Ok(());
    };
    if flags & FORMAT_BITS != 0 || flags & FLAG_CHECK == 0 {
        return Ok(());
    }
    match body.split_last_chunk::<2>() {
        Some((covered, tail))
            if !covered.is_empty() && crc::crc14(covered) == crc::from_bytes(*tail) =>
        {
            Ok(())
        }
        _ => Err(Refusal::BadCheck),
    }
}

/// SysEx → OSC: the `/mox ,b <body>` packet.
pub(crate) fn sysex_to_osc(message: &[u8]) -> Result<Vec<u8>, Refusal> {
    let envelope = mox_sysex::SysExEnvelope::parse(message).map_err(Refusal::NotMox)?;
    let body = envelope.body();
    check_body(body)?;
    let mut out = vec![0u8; mox_osc::encoded_len(body.len())];
    // Sized exactly and checked 7-bit above: cannot fail.
    let n = mox_osc::encode(body, &mut out).map_err(|_| Refusal::NotSevenBit(0))?;
    out.truncate(n);
    Ok(out)
}

/// One `/mox` body → SysEx under `carrier`.
pub(crate) fn body_to_sysex(carrier: ManufacturerId, body: &[u8]) -> Result<Vec<u8>, Refusal> {
    check_body(body)?;
    let mut out = vec![0u8; mox_sysex::encoded_len(carrier, body.len())];
    let n = mox_sysex::encode(carrier, body, &mut out).map_err(|_| Refusal::NotSevenBit(0))?;
    out.truncate(n);
    Ok(out)
}

/// OSC → SysEx: one result per MOX message of the packet, in reading order (bundles depth
/// first, MOX-BRG-002). A packet without any MOX message gives one `not-mox` refusal.
pub(crate) fn osc_to_sysex(
    carrier: ManufacturerId,
    packet: &[u8],
) -> Vec<Result<Vec<u8>, Refusal>> {
    match Packet::decode(packet) {
        Err(error) => vec![Err(Refusal::NotMox(NotMox::Osc(error)))],
        Ok(Packet::Message(message)) => vec![mox_osc::body_of(&message)
            .map_err(Refusal::NotMox)
            .and_then(|body| body_to_sysex(carrier, body))],
        Ok(Packet::Bundle(bundle)) => {
            let mut results = Vec::new();
            bundle_to_sysex(carrier, &bundle, &mut results);
            // An element at `/mox` that is not a MOX message (say `/mox ,i`) is a plain
            // message like any other (MOX-OSC-004): nothing to bridge, and no refusal.
            results.retain(|result| !matches!(result, Err(Refusal::NotMox(_))));
            if results.is_empty() {
                results.push(Err(Refusal::NotMox(NotMox::Bundle)));
            }
            results
        }
    }
}

/// The `/mox` elements of a bundle and of the bundles nested in it (the codec's decoder
/// bounds the nesting depth, so this recursion is bounded too).
fn bundle_to_sysex(
    carrier: ManufacturerId,
    bundle: &Bundle<'_>,
    results: &mut Vec<Result<Vec<u8>, Refusal>>,
) {
    for group in mox_osc::groups(bundle) {
        match group {
            Group::Plain(element) => nested_to_sysex(carrier, element, results),
            Group::Mox { body, fallback } => {
                results.push(
                    body.map_err(Refusal::NotMox)
                        .and_then(|body| body_to_sysex(carrier, body)),
                );
                for element in fallback {
                    nested_to_sysex(carrier, element, results);
                }
            }
        }
    }
}

/// A bundle element that is itself a bundle is its own scope (MOX-OSC-011).
fn nested_to_sysex(
    carrier: ManufacturerId,
    element: Result<Packet<'_>, mox_codec::osc::DecodeError>,
    results: &mut Vec<Result<Vec<u8>, Refusal>>,
) {
    if let Ok(Packet::Bundle(inner)) = element {
        bundle_to_sysex(carrier, &inner, results);
    }
}

pub(crate) fn run(command: BridgeCommand) -> Result<ExitCode, CliError> {
    match command {
        BridgeCommand::SysexToOsc {
            input,
            with_fallback,
            format,
        } => {
            let message = input.read()?;
            let packet = if with_fallback {
                // Only a delivered message (CRC verified) of a reference extension has a
                // fallback; anything else is refused with its outcome.
                with_fallback_group(&message)?
            } else {
                sysex_to_osc(&message).map_err(|refusal| CliError::Malformed(refusal.describe()))?
            };
            write_units(&[packet], format)?;
            Ok(ExitCode::SUCCESS)
        }
        BridgeCommand::Fallback { input } => {
            let bytes = input.read()?;
            let lines = fallback_lines(&bytes)?;
            let mut stdout = std::io::stdout().lock();
            for line in lines {
                writeln!(stdout, "{line}")
                    .map_err(|e| CliError::Io(format!("cannot write: {e}")))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        BridgeCommand::OscToSysex {
            carrier,
            input,
            format,
        } => {
            let results = osc_to_sysex(carrier, &input.read()?);
            let count = results.len();
            let mut units = Vec::new();
            let mut refusals = Vec::new();
            for (index, result) in results.into_iter().enumerate() {
                match result {
                    Ok(unit) => units.push(unit),
                    Err(refusal) if count == 1 => refusals.push(refusal.describe()),
                    Err(refusal) => refusals.push(format!(
                        "/mox message {}: {}",
                        index + 1,
                        refusal.describe()
                    )),
                }
            }
            // One bad /mox element does not stop its siblings: they are written first.
            write_units(&units, format)?;
            match refusals.len() {
                0 => Ok(ExitCode::SUCCESS),
                1 => Err(CliError::Malformed(refusals.remove(0))),
                _ => Err(CliError::Malformed(refusals.join("; "))),
            }
        }
    }
}

/// Writes converted units: hex lines, or raw bytes back to back.
pub(crate) fn write_units(units: &[Vec<u8>], format: OutputFormat) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let written = units.iter().try_for_each(|unit| match format {
        OutputFormat::Hex => writeln!(stdout, "{}", to_hex(unit)),
        OutputFormat::Bin => stdout.write_all(unit),
    });
    written
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::Io(format!("cannot write output: {e}")))
}

/// The receiver a fallback-rendering bridge uses: every reference extension. Addressed
/// messages are rendered for their destination (the bridge acts on its behalf), so the node
/// id is taken from the message.
fn reference_receiver(node_id: u32) -> ReceiverDesc<'static> {
    ReceiverDesc {
        node_id,
        limits: Limits::DEFAULT,
        extensions: &EXTENSIONS,
    }
}

/// Runs `f` on the typed reference-extension message in `bytes` (SysEx, or an OSC packet
/// holding one `/mox` message).
fn with_reference<R>(
    bytes: &[u8],
    f: impl FnOnce(&Reference<'_>, &[u8]) -> Result<R, CliError>,
) -> Result<R, CliError> {
    let receive = |receiver: &ReceiverDesc<'static>| -> Result<Outcome<'_, 'static>, CliError> {
        if bytes.first() == Some(&0xF0) {
            return Ok(receiver.receive_sysex(bytes));
        }
        if bytes.starts_with(b"#bundle\0") {
            return Err(CliError::Malformed(
                "a bundle: give one /mox message (its fallback elements are already plain)"
                    .to_owned(),
            ));
        }
        // The binding's own reading of a /mox message (MOX-OSC-004, -005).
        Ok(receiver.receive_osc_unit(bytes))
    };
    let mut receiver = reference_receiver(0);
    let mut outcome = receive(&receiver)?;
    if let Outcome::OtherDestination { header, .. } = &outcome {
        if let Some(addresses) = header.addresses {
            receiver = reference_receiver(addresses.destination);
            outcome = receive(&receiver)?;
        }
    }
    let Outcome::Delivered(message) = outcome else {
        return Err(CliError::Malformed(format!(
            "not a delivered message of a reference extension: {}{}",
            outcome.class(),
            outcome
                .error_class()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        )));
    };
    let typed = Reference::from_delivered(&message)
        .map_err(|e| CliError::Malformed(format!("not a reference extension message: {e}")))?;
    // The body as received: the bundle group carries it byte for byte.
    let body = if bytes.first() == Some(&0xF0) {
        mox_sysex::SysExEnvelope::parse(bytes)
            .map(|e| e.body())
            .map_err(|e| CliError::Malformed(format!("{e}")))?
    } else {
        mox_osc::packet_body(bytes).map_err(|e| CliError::Malformed(format!("{e}")))?
    };
    f(&typed, body)
}

/// `mox bridge fallback`: one line per plain MIDI or plain OSC message.
fn fallback_lines(bytes: &[u8]) -> Result<Vec<String>, CliError> {
    with_reference(bytes, |typed, _| {
        let mut lines = Vec::new();
        let invalid = |e| CliError::Malformed(format!("no fallback: {e}"));
        typed
            .for_each_midi(&mut |m| lines.push(format!("midi {}", to_hex(m.as_bytes()))))
            .map_err(invalid)?;
        let mut failed = None;
        typed
            .for_each_osc(&mut |m| {
                let mut buf = vec![0u8; m.encoded_len().unwrap_or(0)];
                match m.encode(&mut buf) {
                    Ok(n) => lines.push(format!("osc {m}  {}", to_hex(&buf[..n]))),
                    Err(e) => {
                        failed.get_or_insert(e);
                    }
                }
            })
            .map_err(invalid)?;
        if let Some(e) = failed {
            return Err(CliError::Malformed(format!("fallback OSC message: {e}")));
        }
        Ok(lines)
    })
}

/// `sysex-to-osc --with-fallback`: the bundle group of spec §5.2.
fn with_fallback_group(message: &[u8]) -> Result<Vec<u8>, CliError> {
    with_reference(message, |typed, body| {
        let failed = |e| CliError::Malformed(format!("no fallback group: {e}"));
        let mut out = vec![0u8; typed.osc_group_len(body).map_err(failed)?];
        let n = typed.encode_osc_group(body, &mut out).map_err(failed)?;
        out.truncate(n);
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FADER_SYSEX: &str = "f07d4d4f58017e010101010001030802004010037f20006168f7";
    const FADER_OSC: &str =
        "2f6d6f78000000002c62000000000014017e010101010001030802004010037f20006168";

    fn hex(s: &str) -> Vec<u8> {
        parse_hex(s).unwrap()
    }

    #[test]
    fn converts_both_ways_byte_exact() {
        assert_eq!(sysex_to_osc(&hex(FADER_SYSEX)), Ok(hex(FADER_OSC)));
        assert_eq!(
            osc_to_sysex(ManufacturerId::NonCommercial, &hex(FADER_OSC)),
            vec![Ok(hex(FADER_SYSEX))]
        );
    }

    #[test]
    fn refuses_with_precise_classes() {
        let mut bad_crc = hex(FADER_SYSEX);
        bad_crc[24] ^= 1;
        assert_eq!(sysex_to_osc(&bad_crc), Err(Refusal::BadCheck));
        assert_eq!(
            sysex_to_osc(&hex("f07e4d4f5800f7")),
            Err(Refusal::NotMox(NotMox::UniversalCarrier))
        );
        let mut eight_bit = hex(FADER_OSC);
        eight_bit[16 + 7] = 0x83;
        assert_eq!(
            osc_to_sysex(ManufacturerId::NonCommercial, &eight_bit),
            vec![Err(Refusal::NotSevenBit(7))]
        );
        // K=1 with no room for a CRC.
        assert_eq!(check_body(&[0x01, 0x00]), Err(Refusal::BadCheck));
        // Another format: forwarded as is, even with its bit 0 set.
        assert_eq!(check_body(&[0x21, 0x00]), Ok(()));
        assert_eq!(check_body(&[]), Ok(()));
    }

    #[test]
    fn carriers() {
        assert_eq!(parse_carrier("7D"), Ok(ManufacturerId::NonCommercial));
        assert_eq!(
            parse_carrier("002109"),
            Ok(ManufacturerId::ThreeByte(0x21, 0x09))
        );
        assert!(parse_carrier("7e").unwrap_err().contains("Universal"));
        assert!(parse_carrier("41 00").is_err());
        assert!(parse_carrier("0021").is_err());
        assert!(parse_carrier("80").is_err());
    }
}
