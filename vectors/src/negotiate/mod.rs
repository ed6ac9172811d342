//! The negotiation part of the format (issue 6): kind `negotiate-transcript`, transcripts
//! that drive one `mox-negotiate` machine with a scripted peer (design
//! `docs/design/negotiation.md` §6). `vectors/README.md` describes the kind.
//!
//! This module holds the model, the loader's checks and the codec's part of a transcript
//! ([`check_bodies`]: every body frames on each binding and decodes as a `mox.core` message).
//! [`run`] drives the `mox-negotiate` machine through each transcript.
use std::collections::{BTreeMap, BTreeSet};

use mox_codec::envelope::{self, Body, Limits};
use mox_codec::sysex::message::ManufacturerId;

use crate::Case;

pub mod model;
pub mod run;

pub use model::{
    Agreement, Binding, Event, FallbackReason, FellBack, GoodbyeReason, GreaseSettings, Id28,
    Input, LimitsConfig, NegotiateConfig, NegotiateTranscriptCase, OfferConfig, Provenance,
    Receive, Role, Step, TimersConfig, Transmit,
};

/// The `mox.core` message types a transcript body may have (design §1): error, goodbye,
/// hello-confirm, hello, hello-reply.
pub const CORE_TYPES: &[u8] = &[0x01, 0x02, 0x03, 0x40, 0x41];

/// The SysEx carrier a runner frames transcript bodies with (`7D`, non-commercial), as the
/// design's worked examples do.
pub const CARRIER: ManufacturerId = ManufacturerId::NonCommercial;

/// The size floor of a binding (design §1.7, MOX-NEG-060): declared limits below it read as
/// it.
pub const fn floor(binding: Binding) -> u32 {
    match binding {
        Binding::Sysex => 128,
        Binding::Osc => 512,
    }
}

/// The unit length of `body` framed for `binding`: what a runner passes to the machine when
/// a step gives no `unit_len`.
pub fn framed_len(binding: Binding, body: &[u8]) -> usize {
    match binding {
        Binding::Sysex => envelope::sysex::encoded_len(CARRIER, body.len()),
        Binding::Osc => envelope::osc::encoded_len(body.len()),
    }
}

fn is_grease(value: u32) -> bool {
    value % 16 == 7
}

/// An extension id as on the wire: owner (`7E`-style one byte, or `00 xx yy`) then a minimal
/// v7 varint that ends exactly at the end.
fn is_extension_id(bytes: &[u8]) -> bool {
    let owner = match bytes.first() {
        Some(0) => 3,
        Some(b) if *b < 0x80 => 1,
        _ => return false,
    };
    let Some(number) = bytes.get(owner..) else {
        return false;
    };
    match envelope::varint::decode(number) {
        Ok((_, used)) => used == number.len(),
        Err(_) => false,
    }
}

/// The loader's checks of a file's named configs.
pub(crate) fn check_configs(configs: &BTreeMap<String, NegotiateConfig>) -> Vec<String> {
    let mut rules = Vec::new();
    for (name, config) in configs {
        let mut bad = |rule: String| rules.push(format!("config {name:?}: {rule}"));
        let mut exts = BTreeSet::new();
        for offer in &config.offers {
            let ext = offer.ext.as_bytes();
            if !is_extension_id(ext) {
                bad(format!("{:?} is not an extension id", offer.ext));
            }
            if !exts.insert(ext.to_vec()) {
                bad(format!("extension {:?} is offered twice", offer.ext));
            }
            if offer.majors.is_empty() {
                bad(format!("extension {:?} has no major", offer.ext));
            }
            let mut majors = BTreeSet::new();
            for &(major, minor) in &offer.majors {
                if !(1..=0x7F).contains(&major) || is_grease(major.into()) || minor > 0x7F {
                    bad(format!(
                        "{major}.{minor} is not a version a node may offer (major 1–127, \
                         not GREASE)"
                    ));
                }
                if !majors.insert(major) {
                    bad(format!("major {major} is listed twice"));
                }
            }
            for major in &offer.deprecated {
                if !majors.contains(major) {
                    bad(format!("deprecated major {major} is not among the majors"));
                }
            }
            for major in &offer.sunset {
                if majors.contains(major) || !(1..=0x7F).contains(major) {
                    bad(format!(
                        "sunset major {major} must be 1–127 and not among the offered majors"
                    ));
                }
            }
        }
        for &feature in &config.features {
            if feature >= 1 << 14 || is_grease(feature.into()) {
                bad(format!("feature {feature} is not a 14-bit non-GREASE id"));
            }
        }
        let limits = config.limits;
        if limits.max_size > 0x0FFF_FFFF || limits.reassembly >= 1 << 21 || limits.transfers > 0x7F
        {
            bad("limits do not fit u28 / u21 / u7".to_owned());
        }
        let t = config.timers;
        if t.rto_initial == 0 || t.rto_max < t.rto_initial || t.max_hello == 0 || t.max_reply == 0 {
            bad(
                "timers: rto_initial > 0, rto_max ≥ rto_initial, max_hello and max_reply ≥ 1"
                    .to_owned(),
            );
        }
        if t.reprobe_initial != 0 && t.reprobe_max < t.reprobe_initial {
            bad("timers: reprobe_max < reprobe_initial".to_owned());
        }
        if t.reprobe_jitter_pct > 50 {
            bad("timers: reprobe_jitter_pct above 50".to_owned());
        }
        if config.grease.max_fields == 0 {
            bad("grease.max_fields is 0".to_owned());
        }
    }
    rules
}

/// The rules of one transcript that the types cannot express; `configs` are its file's.
pub(crate) fn check_case(
    case: &Case,
    configs: &BTreeMap<String, NegotiateConfig>,
    rules: &mut Vec<String>,
) {
    let Case::NegotiateTranscript(c) = case else {
        return;
    };
    if !c.id.starts_with("negotiate::") {
        rules.push("a negotiate-transcript id starts with negotiate::".to_owned());
    }
    if c.requirements.is_empty() {
        rules.push("requirements is empty: name the requirement ids the case tests".to_owned());
    }
    for id in &c.requirements {
        if !crate::envelope::is_requirement(id) {
            rules.push(format!(
                "requirement {id:?} does not match {}",
                crate::envelope::REQUIREMENT_PATTERN
            ));
        }
    }
    let cited: BTreeSet<&str> = c.source.split(',').map(str::trim).collect();
    let listed: BTreeSet<&str> = c.requirements.iter().map(String::as_str).collect();
    if cited != listed {
        rules.push("source must list exactly the requirement ids, comma-separated".to_owned());
    }
    if !configs.contains_key(&c.config) {
        rules.push(format!("config {:?} is not defined in the file", c.config));
    }
    if c.bindings.is_empty() {
        rules.push("bindings is empty".to_owned());
    }
    if c.bindings.iter().collect::<BTreeSet<_>>().len() != c.bindings.len() {
        rules.push("a binding is listed twice".to_owned());
    }
    if c.steps.is_empty() {
        rules.push("steps is empty".to_owned());
    }
    let starts = c.steps.iter().any(|s| matches!(s.input, Input::Start {}));
    if starts && c.rng.is_empty() {
        rules.push("a transcript that starts the machine needs rng values".to_owned());
    }
    for (i, step) in c.steps.iter().enumerate() {
        let mut bad = |rule: String| rules.push(format!("step {}: {rule}", i + 1));
        match &step.input {
            Input::Reconfigure { config } if !configs.contains_key(config) => {
                bad(format!("config {config:?} is not defined in the file"));
            }
            Input::Receive(Receive { body, unit_len }) => {
                if body.as_bytes().is_empty() {
                    bad("receive body is empty".to_owned());
                }
                if *unit_len == Some(0) {
                    bad("unit_len is 0".to_owned());
                }
            }
            _ => {}
        }
        for event in &step.events {
            if let Event::FellBack(f) = event {
                let refused = f.reason == FallbackReason::Refused;
                let left = f.reason == FallbackReason::PeerLeft;
                if refused != f.code.is_some() {
                    bad("fell_back has a code exactly when its reason is refused".to_owned());
                }
                if left != f.goodbye.is_some() {
                    bad("fell_back has a goodbye exactly when its reason is peer-left".to_owned());
                }
            }
        }
        if step.output.iter().any(|t| t.body.as_bytes().is_empty()) {
            bad("an output body is empty".to_owned());
        }
    }
}

/// The codec's part of a transcript, which needs no machine: every body (received and
/// expected) frames on each of the case's bindings and reads back unchanged, and decodes as
/// an unchunked `mox.core` 1.0 message with `A=1`, a core type and, when `K=1`, a correct
/// CRC-14/DARC; an expected output's header names its `dst`.
///
/// # Errors
/// The first body that fails, with its step and why.
pub fn check_bodies(case: &NegotiateTranscriptCase) -> Result<(), String> {
    for (i, step) in case.steps.iter().enumerate() {
        let received = match &step.input {
            Input::Receive(r) => Some(r.body.as_bytes()),
            _ => None,
        };
        let outputs = step.output.iter().map(|t| (t.body.as_bytes(), Some(t.dst)));
        for (body, dst) in received.map(|b| (b, None)).into_iter().chain(outputs) {
            let at = |why: String| format!("step {}: {why}", i + 1);
            check_body(body, dst).map_err(at)?;
            for &binding in &case.bindings {
                check_framing(binding, body).map_err(at)?;
            }
        }
    }
    Ok(())
}

fn check_body(bytes: &[u8], dst: Option<Id28>) -> Result<(), String> {
    let body = Body::parse(bytes, &Limits::DEFAULT)
        .map_err(|e| format!("body {} does not decode: {e}", hex(bytes)))?;
    let h = body.header();
    if h.extension != envelope::ExtensionId::CORE || h.major != 1 || h.minor != 0 || h.chunked {
        return Err(format!("body {} is not unchunked mox.core 1.0", hex(bytes)));
    }
    if !CORE_TYPES.contains(&h.msg_type) {
        return Err(format!("type {:02x} is not a negotiation type", h.msg_type));
    }
    let Some(addresses) = h.addresses else {
        return Err(format!("body {} has A=0", hex(bytes)));
    };
    if let Some(dst) = dst {
        if addresses.destination != dst.0 {
            return Err(format!(
                "output to {dst} carries destination {:08x}",
                addresses.destination
            ));
        }
    }
    Ok(())
}

fn check_framing(binding: Binding, body: &[u8]) -> Result<(), String> {
    let mut buf = vec![0; framed_len(binding, body)];
    let back = match binding {
        Binding::Sysex => {
            let n = envelope::sysex::encode(CARRIER, body, &mut buf)
                .map_err(|e| format!("cannot frame for SysEx: {e}"))?;
            envelope::sysex::SysExEnvelope::parse(&buf[..n])
                .map(|env| env.body().to_vec())
                .map_err(|e| format!("SysEx framing does not read back: {e}"))?
        }
        Binding::Osc => {
            let n = envelope::osc::encode(body, &mut buf)
                .map_err(|e| format!("cannot frame for OSC: {e}"))?;
            envelope::osc::packet_body(&buf[..n])
                .map(<[u8]>::to_vec)
                .map_err(|e| format!("OSC framing does not read back: {e}"))?
        }
    };
    if back != body {
        return Err(format!("{binding:?} framing changed the body"));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
