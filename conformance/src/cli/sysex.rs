//! `mox sysex …`: decode byte streams and `.syx` files, 7-bit packing, checksums, chunking,
//! USB-MIDI 1.0 and UMP packets.
use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use mox_codec::sysex::chunk::Splitter;
use mox_codec::sysex::message::{ManufacturerId, SysEx};
use mox_codec::sysex::stream::{Event, StreamParser};
use mox_codec::sysex::ump::{read_be_words, UmpDecoder, UmpEncoder};
use mox_codec::sysex::usb::{UsbDecoder, UsbEncoder};
use mox_codec::sysex::{checksum, sevenbit};
use serde_json::{json, Value};

use super::CliError;
use crate::input::{to_hex, ByteInput};

/// The largest SysEx `mox sysex decode` reassembles by default, `F0` and `F7` included.
const DEFAULT_BUFFER_SIZE: usize = 1 << 20;

#[derive(Subcommand, Debug)]
pub(crate) enum SysExCommand {
    /// Parse a MIDI 1.0 byte stream (or a `.syx` file) and print every message and problem
    /// as JSON (documented in docs/cli.md). Exit 1 if the stream has a problem.
    Decode {
        #[command(flatten)]
        input: ByteInput,
        /// The largest SysEx accepted, `F0` and `F7` included.
        #[arg(long, default_value_t = DEFAULT_BUFFER_SIZE)]
        buffer_size: usize,
    },
    /// Encode 8-bit data into a 7-bit form.
    Pack {
        /// The encoding.
        #[arg(long, short, value_enum)]
        encoding: Encoding,
        #[command(flatten)]
        input: ByteInput,
        /// Write raw bytes instead of hex.
        #[arg(long)]
        raw: bool,
    },
    /// Decode a 7-bit form back to 8-bit data.
    Unpack {
        /// The encoding.
        #[arg(long, short, value_enum)]
        encoding: Encoding,
        #[command(flatten)]
        input: ByteInput,
        /// Write raw bytes instead of hex.
        #[arg(long)]
        raw: bool,
    },
    /// Compute a vendor checksum over the input, or with --verify check that the input's last
    /// byte is the checksum of the bytes before it (exit 1 if not).
    Checksum {
        /// The algorithm.
        #[arg(long, short, value_enum)]
        algorithm: Algorithm,
        /// Check the last byte instead of computing.
        #[arg(long)]
        verify: bool,
        #[command(flatten)]
        input: ByteInput,
    },
    /// Split a message body (7-bit bytes) into MOX chunks for a peer's maximum SysEx size
    /// (spec/mox.md chapter 11); prints one chunk body (header and payload) per line.
    Split {
        /// The peer's largest SysEx message, `F0` to `F7` inclusive.
        #[arg(long)]
        max_sysex: usize,
        /// Bytes the envelope adds around each chunk body (`F0`, ids, headers, `F7`).
        #[arg(long, default_value_t = 0)]
        overhead: usize,
        /// The transfer id (0–127).
        #[arg(long, default_value_t = 0)]
        transfer_id: u8,
        /// Stream: total 0 in every chunk but the last.
        #[arg(long)]
        streaming: bool,
        #[command(flatten)]
        input: ByteInput,
    },
    /// USB-MIDI 1.0 event packets.
    #[command(subcommand)]
    Usb(UsbCommand),
    /// Universal MIDI Packets (SysEx7, system and MIDI 1.0 channel voice messages).
    #[command(subcommand)]
    Ump(UmpCommand),
}

#[derive(Subcommand, Debug)]
pub(crate) enum UsbCommand {
    /// MIDI 1.0 byte stream to packets, one per line.
    Encode {
        /// The cable number (0–15).
        #[arg(long, default_value_t = 0)]
        cable: u8,
        #[command(flatten)]
        input: ByteInput,
    },
    /// Packets (4 bytes each) to the byte stream, as JSON: runs of bytes per cable, and
    /// errors where packets are malformed.
    Decode {
        #[command(flatten)]
        input: ByteInput,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum UmpCommand {
    /// MIDI 1.0 byte stream to packets, one per line.
    Encode {
        /// The UMP group (0–15).
        #[arg(long, default_value_t = 0)]
        group: u8,
        #[command(flatten)]
        input: ByteInput,
    },
    /// Packets (big-endian 32-bit words) to the byte stream, as JSON: runs of bytes per
    /// group, and errors where packets are malformed.
    Decode {
        #[command(flatten)]
        input: ByteInput,
    },
}

/// The 7-bit encodings, as the vector corpus names them.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Encoding {
    /// MIDI-CI Mcoded7: a header before each 7 bytes, bit 6 = the first byte's MSB.
    Mcoded7,
    /// As mcoded7, header bit 0 = the first byte's MSB (M-Audio, some Korg).
    Mcoded7Reversed,
    /// Two nibbles per byte, high first.
    NibblesHighFirst,
    /// Two nibbles per byte, low first.
    NibblesLowFirst,
}

impl From<Encoding> for sevenbit::Encoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Mcoded7 => sevenbit::Encoding::Mcoded7,
            Encoding::Mcoded7Reversed => sevenbit::Encoding::Mcoded7Reversed,
            Encoding::NibblesHighFirst => sevenbit::Encoding::NibblesHighFirst,
            Encoding::NibblesLowFirst => sevenbit::Encoding::NibblesLowFirst,
        }
    }
}

/// The checksums, as the vector corpus names them.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Algorithm {
    /// Roland and Yamaha: covered bytes + checksum ≡ 0 (mod 128).
    TwosComplementSum,
    /// The 7-bit sum.
    Sum,
    /// The 7-bit XOR.
    Xor,
}

impl From<Algorithm> for checksum::Checksum {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::TwosComplementSum => checksum::Checksum::TwosComplementSum,
            Algorithm::Sum => checksum::Checksum::Sum,
            Algorithm::Xor => checksum::Checksum::Xor,
        }
    }
}

pub(crate) fn run(command: SysExCommand) -> Result<ExitCode, CliError> {
    match command {
        SysExCommand::Decode { input, buffer_size } => decode(&input.read()?, buffer_size),
        SysExCommand::Pack {
            encoding,
            input,
            raw,
        } => {
            let data = input.read()?;
            let encoding = encoding.into();
            let mut out = vec![0u8; sevenbit::encoded_len(encoding, data.len())];
            let n = sevenbit::encode(encoding, &data, &mut out)
                .map_err(|e| CliError::Malformed(e.to_string()))?;
            write_bytes(&out[..n], raw)
        }
        SysExCommand::Unpack {
            encoding,
            input,
            raw,
        } => {
            let data = input.read()?;
            let encoding = encoding.into();
            let len = sevenbit::decoded_len(encoding, data.len())
                .map_err(|e| CliError::Malformed(e.to_string()))?;
            let mut out = vec![0u8; len];
            let n = sevenbit::decode(encoding, &data, &mut out)
                .map_err(|e| CliError::Malformed(e.to_string()))?;
            write_bytes(&out[..n], raw)
        }
        SysExCommand::Checksum {
            algorithm,
            verify,
            input,
        } => {
            let data = input.read()?;
            let algorithm = algorithm.into();
            if verify {
                checksum::verify_trailing(algorithm, &data)
                    .map_err(|e| CliError::CheckFailed(e.to_string()))?;
                println!("ok");
            } else {
                println!("{:02x}", checksum::compute(algorithm, &data));
            }
            Ok(ExitCode::SUCCESS)
        }
        SysExCommand::Split {
            max_sysex,
            overhead,
            transfer_id,
            streaming,
            input,
        } => split(&input.read()?, max_sysex, overhead, transfer_id, streaming),
        SysExCommand::Usb(UsbCommand::Encode { cable, input }) => usb_encode(&input.read()?, cable),
        SysExCommand::Usb(UsbCommand::Decode { input }) => usb_decode(&input.read()?),
        SysExCommand::Ump(UmpCommand::Encode { group, input }) => ump_encode(&input.read()?, group),
        SysExCommand::Ump(UmpCommand::Decode { input }) => ump_decode(&input.read()?),
    }
}

fn write_bytes(bytes: &[u8], raw: bool) -> Result<ExitCode, CliError> {
    let mut stdout = std::io::stdout().lock();
    let written = if raw {
        stdout.write_all(bytes)
    } else {
        writeln!(stdout, "{}", to_hex(bytes))
    };
    written.map_err(|e| CliError::Io(format!("cannot write output: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

fn print_json(value: &Value) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// The manufacturer id as the vector corpus names its kind.
fn manufacturer_kind(id: ManufacturerId) -> &'static str {
    match id {
        ManufacturerId::OneByte(_) => "one-byte",
        ManufacturerId::ThreeByte(..) => "three-byte",
        ManufacturerId::NonCommercial => "non-commercial",
        ManufacturerId::UniversalNonRealTime => "universal-non-realtime",
        ManufacturerId::UniversalRealTime => "universal-realtime",
    }
}

/// One SysEx in the decode output: its bytes and its framing, or why the framing is bad.
fn sysex_json(bytes: &[u8]) -> (Value, bool) {
    match SysEx::parse(bytes) {
        Ok(message) => {
            let id = message.manufacturer();
            let mut value = json!({
                "sysex": to_hex(bytes),
                "manufacturer": to_hex(&id.to_bytes()[..id.len()]),
                "manufacturer_kind": manufacturer_kind(id),
                "payload": to_hex(message.payload()),
            });
            if let Some(universal) = message.universal() {
                value["universal"] = json!({
                    "device_id": universal.device_id,
                    "sub_id1": universal.sub_id1,
                    "sub_id2": universal.sub_id2,
                });
            }
            (value, true)
        }
        Err(e) => (
            json!({ "sysex": to_hex(bytes), "framing_error": e.class(), "message": e.to_string() }),
            false,
        ),
    }
}

fn decode(bytes: &[u8], buffer_size: usize) -> Result<ExitCode, CliError> {
    let mut buf = vec![0u8; buffer_size];
    let mut parser = StreamParser::new(buf.as_mut_slice());
    let mut input = bytes;
    let mut events = Vec::new();
    let mut problems = 0usize;
    while let Some(event) = parser.feed(&mut input) {
        let value = match &event {
            Event::SysEx(bytes) => {
                let (value, ok) = sysex_json(bytes);
                problems += usize::from(!ok);
                value
            }
            Event::Channel(m) | Event::SystemCommon(m) => {
                json!({ "message": to_hex(m.as_bytes()) })
            }
            Event::RealTime(byte) => json!({ "realtime": to_hex(&[*byte]) }),
            other => {
                problems += 1;
                json!({ "outcome": other.class(), "bytes": to_hex(other.bytes()) })
            }
        };
        events.push(value);
    }
    // The parser cannot know the stream ended: a SysEx or message still open is reported.
    if let Some(event) = parser.finish() {
        problems += 1;
        events.push(json!({ "outcome": event.class(), "bytes": to_hex(event.bytes()) }));
    }
    print_json(&Value::Array(events))?;
    if problems == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::Malformed(format!(
            "{problems} problem(s) in the stream (see the outcome entries)"
        )))
    }
}

fn split(
    payload: &[u8],
    max_sysex: usize,
    overhead: usize,
    transfer_id: u8,
    streaming: bool,
) -> Result<ExitCode, CliError> {
    let splitter = Splitter::new(payload, transfer_id, max_sysex, overhead)
        .map_err(|e| CliError::Malformed(e.to_string()))?;
    let splitter = if streaming {
        splitter.streaming()
    } else {
        splitter
    };
    let mut stdout = std::io::stdout().lock();
    for chunk in splitter {
        let mut out = vec![0u8; chunk.encoded_len()];
        let n = chunk
            .encode(&mut out)
            .map_err(|e| CliError::Malformed(e.to_string()))?;
        writeln!(stdout, "{}", to_hex(&out[..n]))
            .map_err(|e| CliError::Io(format!("cannot write output: {e}")))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn usb_encode(bytes: &[u8], cable: u8) -> Result<ExitCode, CliError> {
    let mut encoder = UsbEncoder::new(cable)
        .ok_or_else(|| CliError::Usage(format!("cable {cable} is not 0–15")))?;
    let mut input = bytes;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    while let Some(result) = encoder.feed(&mut input) {
        match result {
            Ok(packet) => lines.push(to_hex(&packet)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if let Err(e) = encoder.finish() {
        errors.push(e.to_string());
    }
    finish_lines(&lines, &errors)
}

fn ump_encode(bytes: &[u8], group: u8) -> Result<ExitCode, CliError> {
    let mut encoder = UmpEncoder::new(group)
        .ok_or_else(|| CliError::Usage(format!("group {group} is not 0–15")))?;
    let mut input = bytes;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    while let Some(result) = encoder.feed(&mut input) {
        match result {
            Ok(packet) => {
                let hex: Vec<String> = packet.words().iter().map(|w| format!("{w:08x}")).collect();
                lines.push(hex.join(" "));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if let Err(e) = encoder.finish() {
        errors.push(e.to_string());
    }
    finish_lines(&lines, &errors)
}

/// Prints packets one per line; reports what the encoder refused (exit 1).
fn finish_lines(lines: &[String], errors: &[String]) -> Result<ExitCode, CliError> {
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        writeln!(stdout, "{line}")
            .map_err(|e| CliError::Io(format!("cannot write output: {e}")))?;
    }
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::Malformed(errors.join("; ")))
    }
}

/// One step of a depacketiser: a run of bytes from one cable or group, or an error.
type Step = Result<(u8, Vec<u8>), (&'static str, String)>;

/// Drives a depacketiser (`decode` returns `None` when the input is used up) and collects
/// its runs, labelled `source` (`cable` or `group`), and errors as JSON, with the number of
/// errors. At most `2 × units + 2` calls: each consumes a packet or reports one.
fn collect_runs(
    source: &str,
    units: usize,
    mut decode: impl FnMut() -> Option<Step>,
) -> Result<(Vec<Value>, usize), CliError> {
    let mut items = Vec::new();
    let mut problems = 0usize;
    for _ in 0..2 * units + 2 {
        match decode() {
            None => return Ok((items, problems)),
            Some(Ok((from, bytes))) => items.push(json!({ source: from, "bytes": to_hex(&bytes) })),
            Some(Err((class, message))) => {
                problems += 1;
                items.push(json!({ "error": class, "message": message }));
            }
        }
    }
    Err(CliError::Malformed(
        "the decoder stopped making progress".to_owned(),
    ))
}

/// Prints the runs, adds what ending the stream reported, and exits 1 on any error.
fn print_runs(
    (mut items, mut problems): (Vec<Value>, usize),
    finished: Result<(), (&'static str, String)>,
) -> Result<ExitCode, CliError> {
    if let Err((class, message)) = finished {
        problems += 1;
        items.push(json!({ "error": class, "message": message }));
    }
    print_json(&Value::Array(items))?;
    if problems == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::Malformed(format!(
            "{problems} malformed packet(s) (see the error entries)"
        )))
    }
}

fn usb_decode(bytes: &[u8]) -> Result<ExitCode, CliError> {
    if bytes.len() % 4 != 0 {
        return Err(CliError::Malformed(format!(
            "{} bytes is not a whole number of 4-byte packets",
            bytes.len()
        )));
    }
    let mut decoder = UsbDecoder::new();
    let mut input = bytes;
    let mut out = vec![0u8; bytes.len() + 8];
    let runs = collect_runs("cable", bytes.len() / 4, || {
        match decoder.decode_bytes(&mut input, &mut out) {
            Ok(run) if run.len == 0 && input.is_empty() => None,
            Ok(run) => Some(Ok((run.cable, out[..run.len].to_vec()))),
            Err(e) => Some(Err((e.class(), e.to_string()))),
        }
    })?;
    print_runs(
        runs,
        decoder.finish().map_err(|e| (e.class(), e.to_string())),
    )
}

fn ump_decode(bytes: &[u8]) -> Result<ExitCode, CliError> {
    if bytes.len() % 4 != 0 {
        return Err(CliError::Malformed(format!(
            "{} bytes is not a whole number of 32-bit words",
            bytes.len()
        )));
    }
    let mut words = vec![0u32; bytes.len() / 4];
    read_be_words(bytes, &mut words);
    let mut decoder = UmpDecoder::new();
    let mut input = words.as_slice();
    let mut out = vec![0u8; words.len() * 8 + 8];
    let runs = collect_runs("group", words.len(), || {
        match decoder.decode(&mut input, &mut out) {
            Ok(run) if run.len == 0 && input.is_empty() => None,
            Ok(run) => Some(Ok((run.group, out[..run.len].to_vec()))),
            Err(e) => Some(Err((e.class(), e.to_string()))),
        }
    })?;
    print_runs(
        runs,
        decoder.finish().map_err(|e| (e.class(), e.to_string())),
    )
}
