//! Running SysEx cases against `mox-codec`.
use mox_codec::sysex::chunk::{
    self, Accepted, Reassembler, ReassemblerConfig, Splitter, DEFAULT_MAX_PAYLOAD,
    DEFAULT_MAX_TRANSFERS, DEFAULT_STALE_TIMEOUT_MS,
};
use mox_codec::sysex::message::SysEx;
use mox_codec::sysex::stream::{Event, StreamParser};
use mox_codec::sysex::ump::{read_be_words, UmpDecoder, UmpEncoder};
use mox_codec::sysex::usb::{UsbDecoder, UsbEncoder};
use mox_codec::sysex::{checksum, sevenbit, syx};

use super::{
    CableBytes, ChecksumAlgorithm, ChecksumCase, ChunkReassembleCase, ChunkResult, ChunkSplitCase,
    ChunkStep, Direction, GroupBytes, MidiStreamEvent, SevenBitCase, SevenBitEncoding,
    SysExMessageCase, SysExStreamCase, SysExValue, SyxCase, SyxFrame, UmpDecodeCase, UmpEncodeCase,
    UsbDecodeCase, UsbEncodeCase,
};
use crate::model::{Case, Item, Verdict};
use crate::run::{compare, describe, judge, Outcome};
use crate::scalar::{ErrorClass, Hex};

/// Transfers and bytes the runner's reassembler can hold; a case's limits must fit.
const RUNNER_TRANSFERS: usize = 8;
const RUNNER_BYTES: usize = 32 * 1024;

/// Runs one SysEx case.
pub(crate) fn run_case(case: &Case) -> Outcome {
    match case {
        Case::SysExMessage(c) => run_message(c),
        Case::SysExStream(c) => run_stream(c),
        Case::ChunkSplit(c) => run_split(c),
        Case::ChunkReassemble(c) => run_reassemble(c),
        Case::SevenBit(c) => run_seven_bit(c),
        Case::Checksum(c) => run_checksum(c),
        Case::Syx(c) => run_syx(c),
        Case::UsbEncode(c) => run_usb_encode(c),
        Case::UsbDecode(c) => run_usb_decode(c),
        Case::UmpEncode(c) => run_ump_encode(c),
        Case::UmpDecode(c) => run_ump_decode(c),
        Case::OscPacket(_)
        | Case::OscStream(_)
        | Case::OscStreamEncode(_)
        | Case::OscMatch(_)
        | Case::EnvelopeSysEx(_)
        | Case::EnvelopeOsc(_)
        | Case::EnvelopeChunked(_)
        | Case::EnvelopeBridge(_)
        | Case::NegotiateTranscript(_) => Outcome::Fail {
            reason: "not a SysEx case".to_owned(),
        },
    }
}

/// Judges a definite result against the case's expectation.
fn verdict<V: Clone + PartialEq + serde::Serialize>(
    expected: &crate::Expected<V>,
    actual: Verdict<V>,
) -> Outcome {
    judge(expected, &describe(&actual), |e| compare(&actual, e))
}

fn invalid<V>(class: &'static str) -> Verdict<V> {
    Verdict::Invalid {
        error: ErrorClass::reported(class),
        partial: None,
    }
}

fn run_message(case: &SysExMessageCase) -> Outcome {
    let actual = match SysEx::parse(case.hex.as_bytes()) {
        Ok(message) => Verdict::Valid {
            value: SysExValue {
                manufacturer: Hex(message.manufacturer().to_bytes()
                    [..message.manufacturer().len()]
                    .to_vec()),
                payload: Hex(message.payload().to_vec()),
            },
        },
        Err(e) => invalid(e.class()),
    };
    verdict(&case.expected, actual)
}

/// The corpus form of one parser event.
fn stream_event(event: &Event<'_>) -> MidiStreamEvent {
    match event {
        Event::SysEx(bytes) => MidiStreamEvent::Sysex(Hex(bytes.to_vec())),
        Event::Channel(m) | Event::SystemCommon(m) => {
            MidiStreamEvent::Message(Hex(m.as_bytes().to_vec()))
        }
        Event::RealTime(byte) => MidiStreamEvent::Realtime(Hex(vec![*byte])),
        other => MidiStreamEvent::Outcome(ErrorClass::reported(other.class())),
    }
}

fn run_stream(case: &SysExStreamCase) -> Outcome {
    let mut buf = vec![0u8; case.buffer_size as usize];
    let mut parser = StreamParser::new(buf.as_mut_slice());
    let mut events = Vec::new();
    for chunk in &case.chunks {
        let mut input = chunk.as_bytes();
        while let Some(event) = parser.feed(&mut input) {
            events.push(stream_event(&event));
        }
    }
    if let Some(event) = parser.finish() {
        events.push(stream_event(&event));
    }
    verdict(&case.expected, Verdict::Valid { value: events })
}

fn run_split(case: &ChunkSplitCase) -> Outcome {
    let split = || -> Result<Vec<Hex>, chunk::SplitError> {
        let splitter = Splitter::new(
            case.payload.as_bytes(),
            case.transfer_id,
            case.max_sysex as usize,
            case.overhead as usize,
        )?;
        let splitter = if case.streaming {
            splitter.streaming()
        } else {
            splitter
        };
        let mut chunks = Vec::new();
        for chunk in splitter {
            let mut out = vec![0u8; chunk.encoded_len()];
            let n = chunk.encode(&mut out)?;
            out.truncate(n);
            chunks.push(Hex(out));
        }
        Ok(chunks)
    };
    let actual = match split() {
        Ok(chunks) => Verdict::Valid { value: chunks },
        Err(e) => invalid(e.class()),
    };
    verdict(&case.expected, actual)
}

fn run_reassemble(case: &ChunkReassembleCase) -> Outcome {
    let limits = case.config.unwrap_or_default();
    let max_transfers = limits
        .max_transfers
        .map_or(DEFAULT_MAX_TRANSFERS, |n| n as usize);
    let max_payload = limits
        .max_payload
        .map_or(DEFAULT_MAX_PAYLOAD, |n| n as usize);
    if max_transfers > RUNNER_TRANSFERS || max_payload > RUNNER_BYTES {
        return Outcome::Fail {
            reason: format!(
                "limits above the runner's capacity ({RUNNER_TRANSFERS} transfers, \
                 {RUNNER_BYTES} bytes)"
            ),
        };
    }
    let config = ReassemblerConfig::new()
        .max_transfers(max_transfers)
        .max_payload(max_payload)
        .stale_timeout_ms(limits.stale_timeout_ms.unwrap_or(DEFAULT_STALE_TIMEOUT_MS));
    let mut reassembler: Box<Reassembler<RUNNER_TRANSFERS, RUNNER_BYTES>> =
        Box::new(Reassembler::with_config(config));
    let mut results = Vec::new();
    for step in &case.steps {
        let result = match step {
            ChunkStep::Chunk { at, sender, chunk } => {
                match reassembler.accept(*at, *sender, chunk.as_bytes()) {
                    Ok(Accepted::Complete { payload, .. }) => {
                        ChunkResult::Complete(Hex(payload.to_vec()))
                    }
                    Ok(accepted) => ChunkResult::Outcome(accepted.class().to_owned()),
                    Err(e) => ChunkResult::Error(ErrorClass::reported(e.class())),
                }
            }
            ChunkStep::Expire { expire } => {
                let mut ids = Vec::new();
                // Each call reports at most one transfer; there are at most RUNNER_TRANSFERS.
                for _ in 0..=RUNNER_TRANSFERS {
                    match reassembler.poll_expired(*expire) {
                        Some(key) => ids.push(key.transfer_id),
                        None => break,
                    }
                }
                ids.sort_unstable();
                ChunkResult::Expired(ids)
            }
        };
        results.push(result);
    }
    verdict(&case.expected, Verdict::Valid { value: results })
}

fn run_seven_bit(case: &SevenBitCase) -> Outcome {
    let encoding = match case.encoding {
        SevenBitEncoding::Mcoded7 => sevenbit::Encoding::Mcoded7,
        SevenBitEncoding::Mcoded7Reversed => sevenbit::Encoding::Mcoded7Reversed,
        SevenBitEncoding::NibblesHighFirst => sevenbit::Encoding::NibblesHighFirst,
        SevenBitEncoding::NibblesLowFirst => sevenbit::Encoding::NibblesLowFirst,
    };
    let input = case.input.as_bytes();
    let result = match case.direction {
        Direction::Encode => {
            let mut out = vec![0u8; sevenbit::encoded_len(encoding, input.len())];
            sevenbit::encode(encoding, input, &mut out).map(|n| (out, n))
        }
        Direction::Decode => sevenbit::decoded_len(encoding, input.len()).and_then(|len| {
            let mut out = vec![0u8; len];
            sevenbit::decode(encoding, input, &mut out).map(|n| (out, n))
        }),
    };
    let actual = match result {
        // The size functions are exact: the output fills the buffer they sized.
        Ok((out, n)) if n == out.len() => Verdict::Valid { value: Hex(out) },
        Ok((_, n)) => {
            return Outcome::Fail {
                reason: format!("wrote {n} bytes into a buffer the size function made larger"),
            }
        }
        Err(e) => invalid(e.class()),
    };
    verdict(&case.expected, actual)
}

fn run_checksum(case: &ChecksumCase) -> Outcome {
    let algorithm = match case.algorithm {
        ChecksumAlgorithm::TwosComplementSum => checksum::Checksum::TwosComplementSum,
        ChecksumAlgorithm::Sum => checksum::Checksum::Sum,
        ChecksumAlgorithm::Xor => checksum::Checksum::Xor,
    };
    let value = checksum::compute(algorithm, case.input.as_bytes());
    verdict(
        &case.expected,
        Verdict::Valid {
            value: Hex(vec![value]),
        },
    )
}

fn run_syx(case: &SyxCase) -> Outcome {
    let items = syx::Reader::new(case.hex.as_bytes())
        .map(|item| match item {
            Ok(frame) => Item::Value(SyxFrame {
                frame: Hex(frame.to_vec()),
            }),
            Err(e) => Item::Error {
                error: ErrorClass::reported(e.class()),
            },
        })
        .collect();
    verdict(&case.expected, Verdict::Valid { value: items })
}

fn error_item<T>(class: &'static str) -> Item<T> {
    Item::Error {
        error: ErrorClass::reported(class),
    }
}

fn run_usb_encode(case: &UsbEncodeCase) -> Outcome {
    let Some(mut encoder) = UsbEncoder::new(case.cable) else {
        return Outcome::Fail {
            reason: format!("cable {} refused", case.cable),
        };
    };
    let mut items = Vec::new();
    for chunk in &case.chunks {
        let mut input = chunk.as_bytes();
        while let Some(result) = encoder.feed(&mut input) {
            items.push(match result {
                Ok(packet) => Item::Value(Hex(packet.to_vec())),
                Err(e) => error_item(e.class()),
            });
        }
    }
    if let Err(e) = encoder.finish() {
        items.push(error_item(e.class()));
    }
    verdict(&case.expected, Verdict::Valid { value: items })
}

fn run_ump_encode(case: &UmpEncodeCase) -> Outcome {
    let Some(mut encoder) = UmpEncoder::new(case.group) else {
        return Outcome::Fail {
            reason: format!("group {} refused", case.group),
        };
    };
    let mut items = Vec::new();
    for chunk in &case.chunks {
        let mut input = chunk.as_bytes();
        while let Some(result) = encoder.feed(&mut input) {
            items.push(match result {
                Ok(packet) => Item::Value(Hex(packet
                    .words()
                    .iter()
                    .flat_map(|w| w.to_be_bytes())
                    .collect())),
                Err(e) => error_item(e.class()),
            });
        }
    }
    if let Err(e) = encoder.finish() {
        items.push(error_item(e.class()));
    }
    verdict(&case.expected, Verdict::Valid { value: items })
}

/// One step of a depacketiser: a run of bytes from one cable or group, or an error class.
type Step = Result<(u8, Vec<u8>), &'static str>;

/// Runs of bytes by cable or group, and error markers.
type Runs = Vec<Item<(u8, Vec<u8>)>>;

/// Drives a depacketiser over `units` packets or words: `decode` returns the next step, or
/// `None` when the input is used up (the caller then ends the stream). Runs from the same
/// source with nothing between them are merged, so the result does not depend on how the
/// decoder batches its output.
fn decode_runs(units: usize, mut decode: impl FnMut() -> Option<Step>) -> Result<Runs, String> {
    let mut items: Runs = Vec::new();
    // Each call consumes at least one packet or reports an error for one.
    for _ in 0..2 * units + 2 {
        match decode() {
            None => return Ok(items),
            Some(Ok((source, bytes))) => match items.last_mut() {
                Some(Item::Value((last, run))) if *last == source => run.extend(bytes),
                _ => items.push(Item::Value((source, bytes))),
            },
            Some(Err(class)) => items.push(error_item(class)),
        }
    }
    Err("the decoder stopped making progress".to_owned())
}

fn run_usb_decode(case: &UsbDecodeCase) -> Outcome {
    let bytes = case.packets.as_bytes();
    if bytes.len() % 4 != 0 {
        return Outcome::Fail {
            reason: "packets is not a whole number of 4-byte packets".to_owned(),
        };
    }
    let mut decoder = UsbDecoder::new();
    let mut input = bytes;
    let mut out = vec![0u8; bytes.len() + 8];
    let runs = decode_runs(bytes.len() / 4, || {
        match decoder.decode_bytes(&mut input, &mut out) {
            Ok(run) if run.len == 0 && input.is_empty() => None,
            Ok(run) => Some(Ok((run.cable, out[..run.len].to_vec()))),
            Err(e) => Some(Err(e.class())),
        }
    })
    .map(|mut runs| {
        if let Err(e) = decoder.finish() {
            runs.push(error_item(e.class()));
        }
        runs
    });
    match runs {
        Ok(runs) => verdict(
            &case.expected,
            Verdict::Valid {
                value: runs
                    .into_iter()
                    .map(|item| {
                        item.map(|(cable, bytes)| CableBytes {
                            cable,
                            bytes: Hex(bytes),
                        })
                    })
                    .collect(),
            },
        ),
        Err(reason) => Outcome::Fail { reason },
    }
}

fn run_ump_decode(case: &UmpDecodeCase) -> Outcome {
    let mut words = Vec::new();
    for packet in &case.packets {
        let bytes = packet.as_bytes();
        if bytes.len() % 4 != 0 {
            return Outcome::Fail {
                reason: format!("packet {packet} is not a whole number of 32-bit words"),
            };
        }
        let start = words.len();
        words.resize(start + bytes.len() / 4, 0);
        read_be_words(bytes, &mut words[start..]);
    }
    let mut decoder = UmpDecoder::new();
    let mut input = words.as_slice();
    let mut out = vec![0u8; words.len() * 8 + 8];
    let runs = decode_runs(words.len(), || match decoder.decode(&mut input, &mut out) {
        Ok(run) if run.len == 0 && input.is_empty() => None,
        Ok(run) => Some(Ok((run.group, out[..run.len].to_vec()))),
        Err(e) => Some(Err(e.class())),
    })
    .map(|mut runs| {
        if let Err(e) = decoder.finish() {
            runs.push(error_item(e.class()));
        }
        runs
    });
    match runs {
        Ok(runs) => verdict(
            &case.expected,
            Verdict::Valid {
                value: runs
                    .into_iter()
                    .map(|item| {
                        item.map(|(group, bytes)| GroupBytes {
                            group,
                            bytes: Hex(bytes),
                        })
                    })
                    .collect(),
            },
        ),
        Err(reason) => Outcome::Fail { reason },
    }
}
