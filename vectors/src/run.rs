//! Running cases against `mox-codec`.
use std::collections::BTreeMap;
use std::fmt;

use mox_codec::osc::pattern::{Address, Pattern};
use mox_codec::osc::stream::{self, AutoDecoder, FrameError, LengthPrefixDecoder, SlipDecoder};
use mox_codec::osc::{self, Packet};
use serde::Serialize;

use crate::convert::{encode_packet, EncodeError};
use crate::envelope::Receiver;
use crate::load::{Corpus, CorpusFile};
use crate::model::{
    Case, Expected, Framing, MatchCase, PacketCase, PacketValue, StreamCase, StreamEncodeCase,
    StreamEvent, Verdict,
};
use crate::scalar::{ErrorClass, Hex};

/// The largest frame a stream decoder accepts when a case gives no `max_frame`.
pub const DEFAULT_MAX_FRAME: u32 = 65_536;

/// The result of running one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The implementation did what the case expects (or one of the acceptable outcomes).
    Pass,
    /// It did not.
    Fail {
        /// What it did instead.
        reason: String,
    },
}

impl Outcome {
    /// Whether the case passed.
    pub fn is_pass(&self) -> bool {
        matches!(self, Outcome::Pass)
    }
}

/// Totals of a corpus run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Totals per kind (`osc-packet`, …), for the kinds present.
    pub by_kind: BTreeMap<&'static str, KindSummary>,
    /// Each failure, in corpus order.
    pub failures: Vec<Failure>,
}

/// Totals of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindSummary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
}

/// One failed case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Its file, as the manifest lists it.
    pub file: String,
    /// Its id.
    pub id: String,
    /// What happened instead.
    pub reason: String,
}

impl fmt::Display for Summary {
    /// One line per kind, one per failure, then `N passed, N failed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, s) in &self.by_kind {
            writeln!(f, "{kind}: {} passed, {} failed", s.passed, s.failed)?;
        }
        for failure in &self.failures {
            writeln!(
                f,
                "FAIL {} ({}): {}",
                failure.id, failure.file, failure.reason
            )?;
        }
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

impl Corpus {
    /// Runs every case against `mox-codec`, envelope cases with their file's receivers.
    pub fn run(&self) -> Summary {
        let mut summary = Summary::default();
        for (file, case) in self.cases() {
            let kind = summary.by_kind.entry(case.kind().as_str()).or_default();
            match file.run_case(case) {
                Outcome::Pass => {
                    kind.passed += 1;
                    summary.passed += 1;
                }
                Outcome::Fail { reason } => {
                    kind.failed += 1;
                    summary.failed += 1;
                    summary.failures.push(Failure {
                        file: file.path.clone(),
                        id: case.id().to_owned(),
                        reason,
                    });
                }
            }
        }
        summary
    }
}

impl CorpusFile {
    /// Runs one case of this file against `mox-codec`, with the file's receivers.
    pub fn run_case(&self, case: &Case) -> Outcome {
        if let Case::NegotiateTranscript(c) = case {
            return match crate::negotiate::run::run_all(c, &self.configs) {
                Ok(()) => Outcome::Pass,
                Err(reason) => Outcome::Fail { reason },
            };
        }
        run_case_with(case, &self.receivers)
    }
}

/// Runs one case against `mox-codec`. The envelope kinds `envelope-sysex`, `envelope-osc`
/// and `envelope-chunked` name a receiver of their file, which this function does not have:
/// they fail with a reason saying so. Run those with [`run_case_with`] or
/// [`CorpusFile::run_case`].
pub fn run_case(case: &Case) -> Outcome {
    run_case_with(case, &BTreeMap::new())
}

/// Runs one case against `mox-codec`; `receivers` are the receiver descriptions of its
/// file (see [`CorpusFile::receivers`]).
pub fn run_case_with(case: &Case, receivers: &BTreeMap<String, Receiver>) -> Outcome {
    match case {
        Case::OscPacket(c) => run_packet(c),
        Case::OscStream(c) => run_stream(c),
        Case::OscStreamEncode(c) => run_stream_encode(c),
        Case::OscMatch(c) => run_match(c),
        Case::EnvelopeSysEx(_)
        | Case::EnvelopeOsc(_)
        | Case::EnvelopeChunked(_)
        | Case::EnvelopeBridge(_) => crate::envelope::run::run_case(case, receivers),
        // Transcripts need their file's configs: see `CorpusFile::run_case`.
        Case::NegotiateTranscript(c) => match crate::negotiate::check_bodies(c) {
            Ok(()) => Outcome::Fail {
                reason: "a negotiate-transcript case runs with its file's configs \
                         (CorpusFile::run_case)"
                    .to_owned(),
            },
            Err(reason) => Outcome::Fail { reason },
        },
        other => crate::sysex::run::run_case(other),
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("<{e}>"))
}

pub(crate) fn describe<V: Serialize>(verdict: &Verdict<V>) -> String {
    match verdict {
        Verdict::Valid { value } => format!("valid {}", json(value)),
        Verdict::Invalid {
            error,
            partial: None,
        } => format!("invalid ({error})"),
        Verdict::Invalid {
            error,
            partial: Some(p),
        } => {
            format!("invalid ({error}) with partial {}", json(p))
        }
    }
}

/// Passes if `check` accepts any of the expected outcomes; otherwise fails with `actual`
/// and the reason each outcome was refused.
pub(crate) fn judge<V: Clone + Serialize>(
    expected: &Expected<V>,
    actual: &str,
    mut check: impl FnMut(&Verdict<V>) -> Result<(), String>,
) -> Outcome {
    let outcomes = expected.outcomes();
    let mut reasons = Vec::new();
    for verdict in outcomes.iter() {
        match check(verdict) {
            Ok(()) => return Outcome::Pass,
            Err(reason) => reasons.push(reason),
        }
    }
    let reason = match (expected, reasons.as_slice()) {
        (Expected::Acceptable { flag, .. }, _) => {
            format!(
                "got {actual}; none of the outcomes acceptable for {flag}: {}",
                reasons.join("; ")
            )
        }
        (_, [reason]) if !reason.is_empty() => format!("got {actual}; {reason}"),
        _ => format!("got {actual}"),
    };
    Outcome::Fail { reason }
}

/// Plain comparison of a definite result against an expected verdict.
pub(crate) fn compare<V: PartialEq + Serialize>(
    actual: &Verdict<V>,
    expected: &Verdict<V>,
) -> Result<(), String> {
    let matches = match (actual, expected) {
        (Verdict::Valid { value: a }, Verdict::Valid { value: e }) => a == e,
        (
            Verdict::Invalid {
                error: a,
                partial: ap,
            },
            Verdict::Invalid {
                error: e,
                partial: ep,
            },
        ) => a == e && (ep.is_none() || ap == ep),
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(format!("expected {}", describe(expected)))
    }
}

fn run_packet(case: &PacketCase) -> Outcome {
    let config = case.config.unwrap_or_default().decode_config();
    let bytes = case.hex.as_bytes();
    let decoded = Packet::decode_with(bytes, &config);
    let actual = match &decoded {
        Err(e) => Verdict::Invalid {
            error: ErrorClass::reported(e.class()),
            partial: None,
        },
        Ok(packet) => {
            let value = PacketValue::from_packet(packet);
            match value.first_error() {
                None => Verdict::Valid { value },
                Some(error) => Verdict::Invalid {
                    error,
                    partial: Some(value),
                },
            }
        }
    };
    judge(&case.expected, &describe(&actual), |expected| {
        compare(&actual, expected)?;
        match (&decoded, expected) {
            (Ok(packet), Verdict::Valid { value }) => check_reencode(case, packet, value),
            _ => Ok(()),
        }
    })
}

/// A valid packet re-encodes to `reencode` (default: the input), both with the codec's own
/// encoder and from the value form; a `reencode` that differs decodes to the same value.
fn check_reencode(
    case: &PacketCase,
    packet: &Packet<'_>,
    value: &PacketValue,
) -> Result<(), String> {
    let want = case.reencode.as_ref().unwrap_or(&case.hex);
    match packet.to_vec() {
        Ok(bytes) if bytes == want.0 => {}
        Ok(bytes) => {
            return Err(format!(
                "the codec re-encodes it as {}, not {want}",
                Hex(bytes)
            ))
        }
        Err(e) => return Err(format!("the codec cannot re-encode it: {e}")),
    }
    match encode_packet(value) {
        Ok(bytes) if bytes == want.0 => {}
        Ok(bytes) => return Err(format!("its value encodes as {}, not {want}", Hex(bytes))),
        // The builders refuse, by design, to write a nested bundle timed before its parent
        // (OSC 1.0: it "must" not be), although decoders accept one as sent.
        Err(EncodeError::Codec(osc::EncodeError::TimeTagBeforeEnclosing)) => {}
        Err(e) => return Err(format!("its value cannot be encoded: {e}")),
    }
    if want != &case.hex {
        let config = case.config.unwrap_or_default().decode_config();
        match Packet::decode_with(&want.0, &config) {
            Ok(again) if PacketValue::from_packet(&again) == *value => {}
            Ok(again) => {
                let again = PacketValue::from_packet(&again);
                return Err(format!(
                    "reencode decodes to {}, not the value",
                    json(&again)
                ));
            }
            Err(e) => return Err(format!("reencode does not decode: {e}")),
        }
    }
    Ok(())
}

/// The three stream decoders behind one interface.
enum Decoder {
    Slip(SlipDecoder<Vec<u8>>),
    LengthPrefix(LengthPrefixDecoder<Vec<u8>>),
    Auto(AutoDecoder<Vec<u8>>),
}

impl Decoder {
    fn new(framing: Framing, max_frame: usize) -> Self {
        let buf = vec![0u8; max_frame];
        match framing {
            Framing::Slip => Decoder::Slip(SlipDecoder::new(buf)),
            Framing::LengthPrefix => Decoder::LengthPrefix(LengthPrefixDecoder::new(buf)),
            Framing::Auto => Decoder::Auto(AutoDecoder::new(buf)),
        }
    }

    fn feed<'s>(&'s mut self, input: &mut &[u8]) -> Option<Result<&'s [u8], FrameError>> {
        match self {
            Decoder::Slip(d) => d.feed(input),
            Decoder::LengthPrefix(d) => d.feed(input),
            Decoder::Auto(d) => d.feed(input),
        }
    }

    fn finish(&mut self) -> Result<(), FrameError> {
        match self {
            Decoder::Slip(d) => d.finish(),
            Decoder::LengthPrefix(d) => d.finish(),
            Decoder::Auto(d) => d.finish(),
        }
    }
}

/// Feeds the chunks, then ends the stream; every frame and error in order.
fn stream_events(case: &StreamCase) -> Result<Vec<StreamEvent>, String> {
    let max_frame = case
        .max_frame
        .unwrap_or(DEFAULT_MAX_FRAME)
        .min(crate::load::MAX_STREAM_FRAME);
    let mut decoder = Decoder::new(case.framing, max_frame as usize);
    let mut events = Vec::new();
    let event = |result: Result<&[u8], FrameError>| match result {
        Ok(frame) => StreamEvent::Frame(Hex::from(frame)),
        Err(e) => StreamEvent::Error(ErrorClass::reported(e.class())),
    };
    for chunk in &case.chunks {
        let mut input = chunk.as_bytes();
        // Each event consumes at least one byte, except at most one per chunk that a decoder
        // may report before reading on; a decoder that does otherwise is stuck.
        let mut budget = input.len() + 2;
        while let Some(result) = decoder.feed(&mut input) {
            events.push(event(result));
            budget = budget
                .checked_sub(1)
                .ok_or("the decoder keeps reporting events without consuming input")?;
        }
    }
    if let Err(e) = decoder.finish() {
        events.push(event(Err(e)));
    }
    Ok(events)
}

fn run_stream(case: &StreamCase) -> Outcome {
    let events = match stream_events(case) {
        Ok(events) => events,
        Err(reason) => return Outcome::Fail { reason },
    };
    let first_error = events.iter().find_map(|event| match event {
        StreamEvent::Error(class) => Some(*class),
        StreamEvent::Frame(_) => None,
    });
    // Errors are events: `valid` compares the whole sequence; `invalid` names the first
    // error and, with `partial`, the whole sequence too.
    judge(
        &case.expected,
        &format!("events {}", json(&events)),
        |expected| {
            let ok = match expected {
                Verdict::Valid { value } => *value == events,
                Verdict::Invalid { error, partial } => {
                    first_error == Some(*error) && partial.as_ref().is_none_or(|p| *p == events)
                }
            };
            if ok {
                Ok(())
            } else {
                Err(format!("expected {}", describe(expected)))
            }
        },
    )
}

fn run_stream_encode(case: &StreamEncodeCase) -> Outcome {
    let mut out = Vec::new();
    for packet in &case.packets {
        let packet = packet.as_bytes();
        let mut buf = vec![
            0u8;
            match case.framing {
                Framing::Slip => stream::slip::encoded_len(packet),
                _ => stream::length_prefix::encoded_len(packet),
            }
        ];
        let written = match case.framing {
            Framing::Slip => stream::slip::encode(packet, &mut buf),
            Framing::LengthPrefix => stream::length_prefix::encode(packet, &mut buf),
            Framing::Auto => {
                return Outcome::Fail {
                    reason: "framing auto cannot encode".to_owned(),
                }
            }
        };
        match written {
            Ok(len) => out.extend_from_slice(&buf[..len]),
            Err(e) => {
                return Outcome::Fail {
                    reason: format!("cannot frame a packet: {e}"),
                }
            }
        }
    }
    let actual = Verdict::Valid { value: Hex(out) };
    judge(&case.expected, &describe(&actual), |expected| {
        compare(&actual, expected)
    })
}

fn run_match(case: &MatchCase) -> Outcome {
    let result = Pattern::new(&case.pattern)
        .and_then(|pattern| Ok(pattern.matches(&Address::new(&case.address)?)));
    let actual = match result {
        Ok(value) => Verdict::Valid { value },
        Err(e) => Verdict::Invalid {
            error: ErrorClass::reported(e.class()),
            partial: None,
        },
    };
    judge(&case.expected, &describe(&actual), |expected| {
        compare(&actual, expected)
    })
}
