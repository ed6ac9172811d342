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
//! Not here yet: SysEx → OSC with the plain-OSC fallback elements in a bundle group
//! (MOX-BRG-006 MAY). Rendering them needs the extension's generated fallback renderers
//! (`codec/src/envelope/ext/`), which are being written separately; until then the bridge
//! always sends the `/mox` message alone, and has no option that pretends otherwise.
use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use mox_codec::envelope::osc::{self as mox_osc, Group};
use mox_codec::envelope::{crc, sysex as mox_sysex, NotMox, FLAG_CHECK, FORMAT_BITS};
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
        /// Output form.
        #[arg(long, value_enum, default_value_t = OutputFormat::Hex)]
        format: OutputFormat,
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

/// OSC → SysEx: one result per `/mox` message of the packet, in reading order (bundles
/// depth first). A packet without any `/mox` message gives one `not-mox` refusal.
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
        BridgeCommand::SysexToOsc { input, format } => {
            let packet = sysex_to_osc(&input.read()?)
                .map_err(|refusal| CliError::Malformed(refusal.describe()))?;
            write_units(&[packet], format)?;
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
