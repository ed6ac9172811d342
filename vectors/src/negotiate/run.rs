//! Runs `negotiate-transcript` cases against `mox-negotiate`: one machine under test per case
//! and binding, driven step by step, its outputs, events, agreement and deadline compared
//! exactly with what the transcript (written by hand from spec chapter 8) expects.
//!
//! Received bodies go through the codec's receiver pipeline first (spec §15, with
//! [`mox_negotiate::receiver::CORE`]), framed for the binding, as a node would run them;
//! only a body delivered as `mox.core` reaches `handle_body`.
use std::convert::Infallible;

use mox_codec::envelope::grease::GreaseConfig;
use mox_codec::envelope::{self, ExtensionDef, ExtensionId, Limits, Outcome, Owner, ReceiverDesc};
use mox_negotiate as neg;
use mox_negotiate::heapless::Vec as HVec;

use super::model::{
    self, Binding, Event, FallbackReason, FellBack, GoodbyeReason, Id28, Input, NegotiateConfig,
    NegotiateTranscriptCase, Role, Transmit,
};
use super::{framed_len, CARRIER};
use crate::scalar::Hex;

/// Extensions per config the runner's machine holds.
pub const EXTENSIONS: usize = 8;
/// Majors per offer.
pub const MAJORS: usize = 16;
/// Features per config.
pub const FEATURES: usize = 8;

type Machine = neg::Machine<EXTENSIONS, MAJORS, FEATURES>;
type Config = neg::Config<EXTENSIONS, MAJORS, FEATURES>;

/// The transcript's randomness: exactly its `rng` values, in order (spec §8.10). A machine
/// that asks for more, or for anything but `next_u32`, is noted, and fails the case.
#[derive(Debug)]
struct ScriptedRng<'a> {
    values: &'a [u32],
    next: usize,
    overrun: usize,
    other_calls: usize,
}

impl rand_core::TryRng for ScriptedRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        match self.values.get(self.next) {
            Some(&value) => {
                self.next += 1;
                Ok(value)
            }
            None => {
                self.overrun += 1;
                Ok(0)
            }
        }
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.other_calls += 1;
        Ok(0)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.other_calls += 1;
        dst.fill(0);
        Ok(())
    }
}

/// An extension id from its wire bytes: owner (1 or 3 bytes) and number varint.
fn ext_id(hex: &Hex) -> Result<ExtensionId, String> {
    let bytes = hex.as_bytes();
    let (owner, used) = match bytes {
        [0, a, b, ..] => (Owner::ThreeByte(*a, *b), 3),
        [o, ..] => (Owner::OneByte(*o), 1),
        [] => return Err("empty extension id".into()),
    };
    let (number, len) = envelope::varint::decode(&bytes[used..])
        .map_err(|e| format!("extension id {hex:?}: {e}"))?;
    if used + len != bytes.len() {
        return Err(format!("extension id {hex:?} has trailing bytes"));
    }
    Ok(ExtensionId::new(owner, number))
}

fn offers(config: &NegotiateConfig) -> Result<HVec<neg::Offer<MAJORS>, EXTENSIONS>, String> {
    let mut offers = HVec::new();
    for o in &config.offers {
        let mut offer = neg::Offer::new(ext_id(&o.ext)?);
        for (i, &(major, minor)) in o.majors.iter().enumerate() {
            offer
                .majors
                .push((major, minor))
                .map_err(|_| format!("more than {MAJORS} majors"))?;
            if o.deprecated.contains(&major) && i < 16 {
                offer.deprecated |= 1 << i;
            }
        }
        for &major in &o.sunset {
            offer
                .sunset
                .push(major)
                .map_err(|_| "more sunset majors than the machine holds".to_owned())?;
        }
        offers
            .push(offer)
            .map_err(|_| format!("more than {EXTENSIONS} offers"))?;
    }
    Ok(offers)
}

fn machine_config(config: &NegotiateConfig, binding: Binding) -> Result<Config, String> {
    let mut c = Config::new(match binding {
        Binding::Sysex => neg::Binding::Sysex,
        Binding::Osc => neg::Binding::Osc,
    });
    c.offers = offers(config)?;
    for &feature in &config.features {
        c.features
            .push(feature)
            .map_err(|_| format!("more than {FEATURES} features"))?;
    }
    c.limits = neg::Limits {
        max_size: config.limits.max_size,
        reassembly: config.limits.reassembly,
        transfers: config.limits.transfers,
    };
    let t = config.timers;
    c.timers = neg::Timers {
        rto_initial: t.rto_initial,
        rto_max: t.rto_max,
        max_hello: t.max_hello,
        max_reply: t.max_reply,
        reprobe_initial: t.reprobe_initial,
        reprobe_max: t.reprobe_max,
        reprobe_jitter_pct: t.reprobe_jitter_pct,
        min_retry_after: t.min_retry_after,
    };
    c.grease = GreaseConfig {
        enabled: config.grease.enabled,
        max_fields: config.grease.max_fields,
        field_limit: config.grease.field_limit,
        ..GreaseConfig::DEFAULT
    };
    c.check = config.check;
    c.initiate = config.initiate;
    Ok(c)
}

fn id28(value: u32) -> Id28 {
    Id28(value)
}

fn goodbye_reason(reason: neg::GoodbyeReason) -> Result<GoodbyeReason, String> {
    Ok(match reason {
        neg::GoodbyeReason::Shutdown => GoodbyeReason::Shutdown,
        neg::GoodbyeReason::IdCollision => GoodbyeReason::IdCollision,
        neg::GoodbyeReason::DigestMismatch => GoodbyeReason::DigestMismatch,
        neg::GoodbyeReason::NoConfirm => GoodbyeReason::NoConfirm,
        neg::GoodbyeReason::ProtocolError => GoodbyeReason::ProtocolError,
        neg::GoodbyeReason::Reconfigured => GoodbyeReason::Reconfigured,
    })
}

/// The machine's event in the transcript's terms.
fn event(event: neg::Event) -> Result<Event, String> {
    Ok(match event {
        neg::Event::Established {
            peer,
            role,
            session,
        } => Event::Established {
            peer: id28(peer),
            role: match role {
                neg::Role::Initiator => Role::Initiator,
                neg::Role::Responder => Role::Responder,
            },
            session: [id28(session.0), id28(session.1)],
        },
        neg::Event::FellBack { reason } => {
            let (reason, code, goodbye) = match reason {
                neg::FallbackReason::Silent => (FallbackReason::Silent, None, None),
                neg::FallbackReason::Garbage => (FallbackReason::Garbage, None, None),
                neg::FallbackReason::DigestMismatch => (FallbackReason::DigestMismatch, None, None),
                neg::FallbackReason::NoConfirm => (FallbackReason::NoConfirm, None, None),
                neg::FallbackReason::NoCommonVersion => {
                    (FallbackReason::NoCommonVersion, None, None)
                }
                neg::FallbackReason::Refused { code } => {
                    (FallbackReason::Refused, Some(code), None)
                }
                neg::FallbackReason::PeerLeft { reason } => (
                    FallbackReason::PeerLeft,
                    None,
                    Some(goodbye_reason(reason)?),
                ),
                neg::FallbackReason::PeerLostSession => {
                    (FallbackReason::PeerLostSession, None, None)
                }
                neg::FallbackReason::IdCollision => (FallbackReason::IdCollision, None, None),
                neg::FallbackReason::Reconfigured => (FallbackReason::Reconfigured, None, None),
                neg::FallbackReason::Closed => (FallbackReason::Closed, None, None),
            };
            Event::FellBack(FellBack {
                reason,
                code,
                goodbye,
            })
        }
        neg::Event::PeerRebooted { old, new } => Event::PeerRebooted {
            old: id28(old),
            new: id28(new),
        },
        neg::Event::IdChanged { old, new } => Event::IdChanged {
            old: id28(old),
            new: id28(new),
        },
    })
}

fn ext_hex(ext: &ExtensionId) -> Hex {
    let mut bytes = match ext.owner {
        Owner::OneByte(o) => vec![o],
        Owner::ThreeByte(a, b) => vec![0, a, b],
    };
    let mut number = [0u8; 5];
    let len = envelope::varint::encode(ext.number, &mut number).unwrap_or(0);
    bytes.extend_from_slice(&number[..len]);
    Hex(bytes)
}

/// The machine's agreement, peer limits and refused list in the transcript's terms.
fn agreement(machine: &Machine, expected: &model::Agreement) -> model::Agreement {
    let (extensions, features) = match machine.agreement() {
        Some(a) => (
            a.extensions
                .iter()
                .map(|x| (ext_hex(&x.ext), x.major, x.peer_minor))
                .collect(),
            a.features.iter().copied().collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let limits = machine.peer_limits();
    model::Agreement {
        extensions,
        features,
        peer_limits: expected.peer_limits.map(|_| model::LimitsConfig {
            max_size: limits.max_size,
            reassembly: limits.reassembly,
            transfers: limits.transfers,
        }),
        refused: expected.refused.as_ref().map(|_| {
            machine
                .refused()
                .iter()
                .map(|(ext, code)| (ext_hex(ext), *code))
                .collect()
        }),
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("<{e}>"))
}

/// Frames `body` for `binding` and runs it through the pipeline of a receiver with `node_id`
/// and `mox.core`; `true` when it is delivered as `mox.core`.
fn delivered(binding: Binding, node_id: u32, body: &[u8]) -> Result<bool, String> {
    let extensions: [ExtensionDef<'static>; 1] = [neg::receiver::CORE];
    let desc = ReceiverDesc {
        node_id,
        limits: Limits::DEFAULT,
        extensions: &extensions,
    };
    let mut unit = vec![0u8; framed_len(binding, body)];
    let outcome_is_core = |outcome: Outcome<'_, '_>| match outcome {
        Outcome::Delivered(d) => d.header().extension == ExtensionId::CORE,
        _ => false,
    };
    Ok(match binding {
        Binding::Sysex => {
            let len =
                envelope::sysex::encode(CARRIER, body, &mut unit).map_err(|e| e.to_string())?;
            outcome_is_core(desc.receive_sysex(&unit[..len]))
        }
        Binding::Osc => {
            let len = envelope::osc::encode(body, &mut unit).map_err(|e| e.to_string())?;
            outcome_is_core(desc.receive_osc_unit(&unit[..len]))
        }
    })
}

/// Runs one transcript on one binding.
///
/// # Errors
/// The first difference, naming the step (1-based) and what differed.
pub fn run(
    case: &NegotiateTranscriptCase,
    configs: &std::collections::BTreeMap<String, NegotiateConfig>,
    binding: Binding,
) -> Result<(), String> {
    let config = configs
        .get(&case.config)
        .ok_or_else(|| format!("config {:?} is not in the file", case.config))?;
    let mut machine = Machine::new(machine_config(config, binding)?);
    let mut rng = ScriptedRng {
        values: &case.rng,
        next: 0,
        overrun: 0,
        other_calls: 0,
    };
    let mut buf = vec![0u8; 4096];
    for (i, step) in case.steps.iter().enumerate() {
        let at = |what: String| format!("{binding:?} step {} (t = {}): {what}", i + 1, step.t);
        let now = neg::Instant(step.t);
        match &step.input {
            Input::Start {} => machine.start(now, &mut rng),
            Input::Receive(r) => {
                let body = r.body.as_bytes();
                let unit_len = match r.unit_len {
                    Some(len) => len as usize,
                    None => framed_len(binding, body),
                };
                // Before start the machine has no id; a reserved id matches no destination.
                let node_id = machine.node_id().unwrap_or(0x0FFF_FF00);
                if delivered(binding, node_id, body).map_err(at)? {
                    let _ = machine.handle_body(now, body, unit_len, &mut rng);
                }
            }
            Input::Timeout {} => machine.handle_timeout(now, &mut rng),
            Input::Reconfigure { config } => {
                let new = configs
                    .get(config)
                    .ok_or_else(|| at(format!("config {config:?} is not in the file")))?;
                machine
                    .reconfigure(now, offers(new).map_err(at)?, &mut rng)
                    .map_err(|e| at(format!("reconfigure refused: {e}")))?;
            }
            Input::Close {} => machine.close(now),
            Input::Tick {} => {}
        }
        let mut output = Vec::new();
        loop {
            match machine.poll_transmit(&mut buf) {
                Ok(Some(t)) => output.push(Transmit {
                    dst: id28(t.dst),
                    body: Hex(buf[..t.len].to_vec()),
                }),
                Ok(None) => break,
                Err(e) => return Err(at(format!("poll_transmit: {e}"))),
            }
        }
        if output != step.output {
            return Err(at(format!(
                "output {} expected {}",
                json(&output),
                json(&step.output)
            )));
        }
        let mut events = Vec::new();
        while let Some(e) = machine.poll_event() {
            events.push(event(e).map_err(at)?);
        }
        if events != step.events {
            return Err(at(format!(
                "events {} expected {}",
                json(&events),
                json(&step.events)
            )));
        }
        if let Some(expected) = &step.agreement {
            let actual = agreement(&machine, expected);
            if actual != *expected {
                return Err(at(format!(
                    "agreement {} expected {}",
                    json(&actual),
                    json(expected)
                )));
            }
        }
        let deadline = machine.poll_timeout().map(|d| d.0);
        if deadline != step.deadline {
            return Err(at(format!(
                "deadline {deadline:?} expected {:?}",
                step.deadline
            )));
        }
    }
    if rng.other_calls > 0 {
        return Err(format!(
            "{binding:?}: the machine drew randomness other than next_u32 ({} calls)",
            rng.other_calls
        ));
    }
    if rng.overrun > 0 || rng.next != case.rng.len() {
        return Err(format!(
            "{binding:?}: the machine drew {} values, the transcript has {}",
            rng.next + rng.overrun,
            case.rng.len()
        ));
    }
    Ok(())
}

/// Runs one transcript on every binding it names, after its codec part
/// ([`super::check_bodies`]).
///
/// # Errors
/// The first difference.
pub fn run_all(
    case: &NegotiateTranscriptCase,
    configs: &std::collections::BTreeMap<String, NegotiateConfig>,
) -> Result<(), String> {
    super::check_bodies(case)?;
    for &binding in &case.bindings {
        run(case, configs, binding)?;
    }
    Ok(())
}
