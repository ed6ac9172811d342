//! Two machines over a simulated link (feature `sim`, needs `std`).
//!
//! - [`SimRng`]: a small deterministic RNG whose whole state is hashable, so that the
//!   exhaustive explorer can store it inside a visited state.
//! - [`Watch`]: the properties of spec chapter 8 that two machines must keep on any
//!   schedule (agreement, validity, bounded handshakes, no storm, sane timers). The
//!   exhaustive explorer (`tests/explore.rs`), the long random schedules
//!   (`tests/schedules.rs`) and [`Simulation`] all check the same code.
//! - [`Simulation`]: a seeded lossy, duplicating, delaying link with an optional partition
//!   and reboots, which records a readable timeline (`mox negotiate --simulate`).
//!
//! None of this is needed on a device; it exists to test and to show the machine.
extern crate std;

use core::convert::Infallible;
use core::fmt;
use std::string::String;
use std::vec::Vec;

use mox_codec::envelope::{encode_body, Addresses, Body, ExtensionId, FieldId, Header};

use crate::{Config, Event, Gate, Handled, Ignored, Instant, Machine, NodeId, Nonce, State};

/// SplitMix64 (Steele, Lea, Flood 2014): fast, deterministic and small. For tests and
/// simulations only; a product passes a real RNG. `first` forces the first `next_u32`
/// value, which is how the explorer makes two nodes draw the same node id (a collision)
/// while their later draws differ.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SimRng {
    state: u64,
    first: Option<u32>,
}

impl SimRng {
    /// A stream from `seed`.
    pub const fn new(seed: u64) -> Self {
        Self {
            state: seed,
            first: None,
        }
    }

    /// A stream from `seed` whose first `next_u32` is `first`.
    pub const fn with_first(seed: u64, first: u32) -> Self {
        Self {
            state: seed,
            first: Some(first),
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl rand_core::TryRng for SimRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        if let Some(first) = self.first.take() {
            return Ok(first);
        }
        Ok((self.next() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// One of the two nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The first node.
    A,
    /// The second node.
    B,
}

impl Side {
    /// The other node.
    pub const fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    /// 0 for A, 1 for B.
    pub const fn index(self) -> usize {
        match self {
            Side::A => 0,
            Side::B => 1,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::A => "A",
            Side::B => "B",
        })
    }
}

/// A property broken (spec chapter 8; the numbering is design §7's).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Violation {
    /// P1: both ends are established in the same session with different agreements.
    Disagreement {
        /// The session (initiator nonce, responder nonce).
        session: (Nonce, Nonce),
    },
    /// P2: an agreed major that the initiator did not offer, that one side does not
    /// support, or that is GREASE.
    InvalidAgreement {
        /// Who reported it.
        side: Side,
        /// The extension.
        ext: ExtensionId,
        /// The major.
        major: u8,
    },
    /// P3: a handshake (one nonce) lasted longer than its sends and give-up allow.
    HandshakeTooLong {
        /// The node.
        side: Side,
        /// When the handshake started, ms.
        since: u64,
        /// Now, ms.
        now: u64,
    },
    /// P3 at the end of a bounded run: the network healed long enough ago, yet the two
    /// ends are not established with each other in one session.
    NotConverged {
        /// Now, ms.
        now: u64,
        /// A's state.
        a: State,
        /// B's state.
        b: State,
    },
    /// P3 without faults: the first handshake did not end established together within
    /// the sends of one handshake and two delays.
    SlowHandshake {
        /// Now, ms.
        now: u64,
    },
    /// P1 over time: two ends established together, with no fault since, stopped being so
    /// (a stale or delayed message ended a good session, MOX-NEG-100).
    Unstable {
        /// Now, ms.
        now: u64,
    },
    /// P4: nothing in flight, no deadline, and not established.
    Deadlock {
        /// Now, ms.
        now: u64,
    },
    /// P5: more than two bodies for one input or timeout.
    TooManyOutputs {
        /// The node.
        side: Side,
        /// How many.
        count: usize,
    },
    /// P5: two timer-driven sends closer than `rto_initial`.
    TimerStorm {
        /// The node.
        side: Side,
        /// Now, ms.
        now: u64,
    },
    /// P5 (MOX-NEG-095): the same reply or confirm sent three times within `rto_initial`
    /// (one timer retransmission and one answer to a duplicate are allowed).
    DuplicateStorm {
        /// The node.
        side: Side,
        /// Now, ms.
        now: u64,
        /// The body, described.
        what: String,
    },
    /// P6: a deadline in the past after a call returned.
    DeadlineInPast {
        /// The node.
        side: Side,
        /// The deadline.
        deadline: u64,
        /// Now, ms.
        now: u64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disagreement { session } => write!(
                f,
                "P1 agreement: session {:#09x}/{:#09x} has different agreements at the two ends",
                session.0, session.1
            ),
            Self::InvalidAgreement { side, ext, major } => write!(
                f,
                "P2 validity: {side} agreed {} major {major}, which was not offered, is not supported by both, or is GREASE",
                ext_name(ext)
            ),
            Self::HandshakeTooLong { side, since, now } => write!(
                f,
                "P3 bounded handshake: {side}'s handshake started at {since} ms is still running at {now} ms"
            ),
            Self::NotConverged { now, a, b } => write!(
                f,
                "P3 convergence: at {now} ms A is {a:?} and B is {b:?}, not established together"
            ),
            Self::SlowHandshake { now } => write!(
                f,
                "P3 fault-free handshake: at {now} ms the ends are not established together although nothing went wrong"
            ),
            Self::Unstable { now } => write!(
                f,
                "P1 stability: at {now} ms a session both ends held, with no fault since, ended"
            ),
            Self::Deadlock { now } => write!(f, "P4 deadlock at {now} ms: nothing in flight, no deadline"),
            Self::TooManyOutputs { side, count } => {
                write!(f, "P5 storm: {side} sent {count} bodies for one input")
            }
            Self::TimerStorm { side, now } => write!(
                f,
                "P5 storm: {side} sent on a timer at {now} ms less than rto_initial after its last timer send"
            ),
            Self::DuplicateStorm { side, now, what } => write!(
                f,
                "P5 storm: {side} sent the same reply or confirm three times within rto_initial (at {now} ms): {what}"
            ),
            Self::DeadlineInPast { side, deadline, now } => {
                write!(f, "P6 timers: {side}'s deadline {deadline} ms is before now {now} ms")
            }
        }
    }
}

impl std::error::Error for Violation {}

/// Per node, what the properties need to remember. Small and hashable: it is part of the
/// explorer's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct NodeWatch {
    /// The session of the last `Established` (peer, session), cleared by `FellBack`.
    session: Option<(NodeId, (Nonce, Nonce))>,
    /// The nonce of the own hello or reply of the current handshake, and when it was
    /// first sent.
    handshake: Option<(Nonce, u64)>,
    /// When the node last sent on a timer.
    last_timer_send: Option<u64>,
    /// Hash and time of the last replies and confirms sent.
    recent: [(u64, Option<u64>); 2],
}

/// The properties of spec chapter 8 over two machines. Feed it every step; it returns the
/// first broken property.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Watch {
    nodes: [NodeWatch; 2],
    /// Every (extension, major) each node has supported (not sunset) during the run: a
    /// reconfigure may drop one while a handshake that offered it is still in flight.
    held: [Vec<(ExtensionId, u8)>; 2],
    /// A relay altered a message: an initiator may then be established alone on an altered
    /// reply until the responder's confirm check ends it, so validity is checked only on
    /// sessions both ends hold ([`Watch::validity`]).
    tampered: bool,
}

/// What one step of one node did, for [`Watch::step`].
#[derive(Debug)]
pub struct Step<'a> {
    /// The node.
    pub side: Side,
    /// The time of the step, ms.
    pub now: u64,
    /// Whether the step was `handle_timeout` (a timer-driven send).
    pub timer: bool,
    /// The bodies it sent, in order.
    pub sent: &'a [Vec<u8>],
    /// The events it raised, in order.
    pub events: &'a [Event],
}

impl Watch {
    /// A watch with nothing seen.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes that a relay altered a message in flight.
    pub fn set_tampered(&mut self) {
        self.tampered = true;
    }

    /// P2 on both ends' agreements (for sessions both hold).
    ///
    /// # Errors
    /// The first invalid agreed major.
    pub fn validity<const E: usize, const M: usize, const F: usize>(
        &self,
        machines: [&Machine<E, M, F>; 2],
    ) -> Result<(), Violation> {
        check_valid(Side::A, machines[0], &self.held)?;
        check_valid(Side::B, machines[1], &self.held)
    }

    /// Forgets what a node did before it rebooted.
    pub fn reboot(&mut self, side: Side) {
        self.nodes[side.index()] = NodeWatch::default();
    }

    /// Checks one step of `step.side` (`machines` after the step, in A, B order).
    ///
    /// # Errors
    /// The first property the step broke.
    pub fn step<const E: usize, const M: usize, const F: usize>(
        &mut self,
        step: &Step<'_>,
        machines: [&Machine<E, M, F>; 2],
    ) -> Result<(), Violation> {
        let side = step.side;
        let me = machines[side.index()];
        let now = step.now;
        for (held, machine) in self.held.iter_mut().zip(machines) {
            for offer in &machine.config().offers {
                for &(major, _) in &offer.majors {
                    let pair = (offer.ext, major);
                    if !offer.sunset.contains(&major) && !held.contains(&pair) {
                        held.push(pair);
                    }
                }
            }
        }
        if step.sent.len() > 2 {
            return Err(Violation::TooManyOutputs {
                side,
                count: step.sent.len(),
            });
        }
        let rto = u64::from(me.config().timers.rto_initial);
        let watch = &mut self.nodes[side.index()];
        if step.timer && !step.sent.is_empty() {
            if let Some(last) = watch.last_timer_send {
                if now.saturating_sub(last) < rto {
                    return Err(Violation::TimerStorm { side, now });
                }
            }
            watch.last_timer_send = Some(now);
        }
        for body in step.sent {
            let Some(view) = describe_view(body) else {
                continue;
            };
            match view.msg_type {
                HELLO | REPLY => {
                    let nonce = view.nonce.unwrap_or(0);
                    if watch.handshake.map(|(n, _)| n) != Some(nonce) {
                        watch.handshake = Some((nonce, now));
                    }
                }
                _ => {}
            }
            if matches!(view.msg_type, REPLY | CONFIRM) {
                // A 64-bit hash, not the 14-bit CRC: over millions of explored states CRC
                // collisions between different replies are certain.
                let digest = {
                    use core::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    body.hash(&mut h);
                    h.finish()
                };
                // MOX-NEG-095 allows one re-send per duplicate per `rto_initial` besides the
                // timer's retransmissions, which are `rto_initial` apart: so at most two
                // identical sends fall in any window of `rto_initial`.
                let [(d1, t1), (d2, t2)] = watch.recent;
                let within = |t: Option<u64>| t.is_some_and(|t| now.saturating_sub(t) < rto);
                if d1 == digest && d2 == digest && within(t1) && within(t2) {
                    return Err(Violation::DuplicateStorm {
                        side,
                        now,
                        what: describe(body),
                    });
                }
                watch.recent = [(digest, Some(now)), watch.recent[0]];
            }
        }
        for event in step.events {
            match *event {
                Event::Established { peer, session, .. } => {
                    watch.session = Some((peer, session));
                    if !self.tampered {
                        check_valid(side, me, &self.held)?;
                    }
                }
                Event::FellBack { .. } => watch.session = None,
                _ => {}
            }
        }
        // A handshake is bounded by its sends and give-up; sub-states are covered by the
        // convergence check at the end of a run.
        if matches!(me.state(), State::Probing | State::Answering) {
            if let Some((_, since)) = watch.handshake {
                let timers = me.config().timers;
                let sends = timers.max_hello.max(timers.max_reply);
                let budget: u64 = (1..=sends).map(|k| u64::from(timers.rto(k))).sum::<u64>()
                    + u64::from(timers.rto_max.max(timers.min_retry_after));
                if now.saturating_sub(since) > budget {
                    return Err(Violation::HandshakeTooLong { side, since, now });
                }
            }
        } else if me.state() != State::Established {
            watch.handshake = None;
        }
        for (i, m) in machines.iter().enumerate() {
            if let Some(Instant(deadline)) = m.poll_timeout() {
                if deadline < now {
                    let side = if i == 0 { Side::A } else { Side::B };
                    return Err(Violation::DeadlineInPast {
                        side,
                        deadline,
                        now,
                    });
                }
            }
        }
        self.check_agreement(machines)
    }

    /// P1: both ends established in one session agree.
    fn check_agreement<const E: usize, const M: usize, const F: usize>(
        &self,
        machines: [&Machine<E, M, F>; 2],
    ) -> Result<(), Violation> {
        let (Some((peer_of_a, session_a)), Some((peer_of_b, session_b))) =
            (self.nodes[0].session, self.nodes[1].session)
        else {
            return Ok(());
        };
        if session_a != session_b
            || Some(peer_of_a) != machines[1].node_id()
            || Some(peer_of_b) != machines[0].node_id()
        {
            return Ok(());
        }
        let same = same_agreement(machines[0], machines[1]);
        if same {
            Ok(())
        } else {
            Err(Violation::Disagreement { session: session_a })
        }
    }

    /// Whether the two ends are established with each other: each holds a session whose
    /// peer is the other's current node id, with the same agreed extensions, majors and
    /// features. The two sessions may carry different nonces: when the last confirm of a
    /// renegotiation and the goodbye of the abandoned answer are both lost, one end keeps
    /// the older session; that only matters to a later goodbye, and MOX-NEG-100 lets the
    /// next handshake replace it.
    pub fn together<const E: usize, const M: usize, const F: usize>(
        &self,
        machines: [&Machine<E, M, F>; 2],
    ) -> bool {
        let [a, b] = machines;
        a.state() == State::Established
            && b.state() == State::Established
            && a.peer().is_some()
            && a.peer() == b.node_id()
            && b.peer() == a.node_id()
            && same_agreement(a, b)
    }
}

/// The same agreed extensions and majors, in order, and the same features.
fn same_agreement<const E: usize, const M: usize, const F: usize>(
    a: &Machine<E, M, F>,
    b: &Machine<E, M, F>,
) -> bool {
    match (a.agreement(), b.agreement()) {
        (Some(x), Some(y)) => {
            x.features == y.features
                && x.extensions.len() == y.extensions.len()
                && x.extensions
                    .iter()
                    .zip(y.extensions.iter())
                    .all(|(p, q)| p.ext == q.ext && p.major == q.major)
        }
        (None, None) => true,
        _ => false,
    }
}

/// P2: every agreed major is one both nodes supported (so the initiator offered it and the
/// responder could select it) and is not GREASE.
fn check_valid<const E: usize, const M: usize, const F: usize>(
    side: Side,
    me: &Machine<E, M, F>,
    held: &[Vec<(ExtensionId, u8)>; 2],
) -> Result<(), Violation> {
    let Some(agreement) = me.agreement() else {
        return Ok(());
    };
    for agreed in &agreement.extensions {
        let pair = (agreed.ext, agreed.major);
        if agreed.major % 16 == 7 || !held[0].contains(&pair) || !held[1].contains(&pair) {
            return Err(Violation::InvalidAgreement {
                side,
                ext: agreed.ext,
                major: agreed.major,
            });
        }
    }
    Ok(())
}

use crate::wire::msg::{CONFIRM, ERROR, GOODBYE, HELLO, REPLY};

/// The few facts of a core body that timelines and checks need.
struct View {
    msg_type: u8,
    src: Option<u32>,
    dst: Option<u32>,
    nonce: Option<u32>,
    echo: Option<u32>,
    offers: Vec<(ExtensionId, Vec<u8>)>,
    agreed: Vec<(ExtensionId, u8)>,
    code: Option<u8>,
    grease_fields: usize,
}

/// A 4-byte `u28` field value (the crate's own reader).
fn u28(value: &[u8]) -> Option<u32> {
    crate::wire::uint(value, 4)
}

fn describe_view(body: &[u8]) -> Option<View> {
    let parsed = Body::parse(body, &mox_codec::envelope::Limits::DEFAULT).ok()?;
    let header = parsed.header();
    let addresses = header.addresses;
    let mut view = View {
        msg_type: header.msg_type,
        src: addresses.map(|a| a.source),
        dst: addresses.map(|a| a.destination),
        nonce: None,
        echo: None,
        offers: Vec::new(),
        agreed: Vec::new(),
        code: None,
        grease_fields: 0,
    };
    for field in parsed.fields() {
        let id = field.id();
        if id.is_grease() {
            view.grease_fields += 1;
            continue;
        }
        let value = field.value();
        match (view.msg_type, id.number()) {
            (HELLO | REPLY, 0) => view.nonce = u28(value),
            (REPLY, 1) | (CONFIRM, 0) => view.echo = u28(value),
            (HELLO, 1) => {
                if let Some((ext, used)) = crate::wire::read_ext(value) {
                    let majors = value[used..].chunks(2).map(|p| p[0]).collect();
                    view.offers.push((ext, majors));
                }
            }
            (REPLY, 3) => {
                if let Some((ext, used)) = crate::wire::read_ext(value) {
                    if let Some(&major) = value.get(used) {
                        view.agreed.push((ext, major));
                    }
                }
            }
            (GOODBYE, 0) => view.code = value.first().copied(),
            (ERROR, 0) => view.code = value.first().copied(),
            _ => {}
        }
    }
    Some(view)
}

/// `7E01`-style name of an extension, as in the vectors.
pub fn ext_name(ext: &ExtensionId) -> String {
    let mut out = String::new();
    let (bytes, len) = crate::wire::ext_bytes(ext);
    for b in &bytes[..len] {
        out.push_str(&std::format!("{b:02X}"));
    }
    out
}

fn node_name(id: Option<u32>) -> String {
    match id {
        Some(0x0FFF_FFFF) => "*".into(),
        Some(id) => std::format!("{id:07X}"),
        None => "-".into(),
    }
}

/// A one-line human description of a `mox.core` body: type, addresses and the fields
/// that matter for reading a handshake.
pub fn describe(body: &[u8]) -> String {
    if let Ok(parsed) = Body::parse(body, &mox_codec::envelope::Limits::DEFAULT) {
        let h = parsed.header();
        if h.extension != ExtensionId::CORE {
            let to = h.addresses.map(|a| (a.source, a.destination));
            return std::format!(
                "app {} v{}.{} {}→{}",
                ext_name(&h.extension),
                h.major,
                h.minor,
                node_name(to.map(|t| t.0)),
                node_name(to.map(|t| t.1))
            );
        }
    }
    let Some(view) = describe_view(body) else {
        return std::format!("undecodable body ({} bytes)", body.len());
    };
    let mut out = match view.msg_type {
        HELLO => String::from("hello"),
        REPLY => String::from("hello-reply"),
        CONFIRM => String::from("hello-confirm"),
        GOODBYE => String::from("goodbye"),
        ERROR => String::from("error"),
        t => std::format!("type {t:02X}"),
    };
    out.push_str(&std::format!(
        " {}→{}",
        node_name(view.src),
        node_name(view.dst)
    ));
    if let Some(nonce) = view.nonce {
        out.push_str(&std::format!(" nonce {nonce:07X}"));
    }
    if let Some(echo) = view.echo {
        out.push_str(&std::format!(" echo {echo:07X}"));
    }
    if !view.offers.is_empty() {
        out.push_str(" offers");
        for (ext, majors) in &view.offers {
            let list: Vec<String> = majors.iter().map(u8::to_string).collect();
            out.push_str(&std::format!(" {}[{}]", ext_name(ext), list.join(",")));
        }
    }
    if view.msg_type == REPLY {
        out.push_str(" agreed");
        if view.agreed.is_empty() {
            out.push_str(" nothing");
        }
        for (ext, major) in &view.agreed {
            out.push_str(&std::format!(" {}:{major}", ext_name(ext)));
        }
    }
    if let Some(code) = view.code {
        let name = match view.msg_type {
            GOODBYE => crate::GoodbyeReason::from_value(code).to_string(),
            _ => std::format!("code {code:02X}"),
        };
        out.push_str(&std::format!(" ({name})"));
    }
    if view.grease_fields > 0 {
        out.push_str(&std::format!(" +{} GREASE", view.grease_fields));
    }
    out
}

use std::string::ToString;

/// The message type of the application messages the simulation sends (a notification, so
/// it is never answered on success).
const APP_TYPE: u8 = 0x10;

/// An application message of `ext` major `major` from `src` to `dst`, `K=1`, no fields: what
/// an established node's application sends to its peer. It lets the simulation exercise the
/// gate (MOX-NEG-080, -081) and the recovery of a half-open session by `0A` (MOX-NEG-083).
pub fn app_message(ext: ExtensionId, major: u8, src: NodeId, dst: NodeId) -> Vec<u8> {
    let mut header = Header::new(ext, major, 0, APP_TYPE);
    header.check = true;
    header.addresses = Some(Addresses {
        source: src,
        destination: dst,
    });
    let mut out = [0u8; 64];
    let fields: [(FieldId, &[u8]); 0] = [];
    let len = encode_body(&header, fields, &mut out).unwrap_or(0);
    out[..len].to_vec()
}

/// The `error` (spec §9.2) a node sends from `src` about the message `original`.
fn error_about(original: &Header, code: u8, src: NodeId) -> Option<Vec<u8>> {
    let dst = original.addresses?.source;
    let mut header = Header::new(ExtensionId::CORE, 1, 0, ERROR);
    header.check = true;
    header.addresses = Some(Addresses {
        source: src,
        destination: dst,
    });
    let (ext, ext_len) = crate::wire::ext_bytes(&original.extension);
    let code = [code];
    let version = [original.major, original.minor];
    let msg_type = [original.msg_type];
    let fields: [(FieldId, &[u8]); 4] = [
        (FieldId::from_value(0)?, &code),
        (FieldId::from_value(8)?, &ext[..ext_len]),
        (FieldId::from_value(16)?, &version),
        (FieldId::from_value(24)?, &msg_type),
    ];
    let mut out = [0u8; 64];
    let len = encode_body(&header, fields, &mut out).ok()?;
    Some(out[..len].to_vec())
}

/// What a node did with one received body: `mox.core` goes to the machine; any other
/// extension's message is gated (MOX-NEG-080, -081), and `0A not-negotiated` is answered
/// (`45 not-ready` is the application's retry and is not simulated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// A `mox.core` body and the machine's classification.
    Core(Result<Handled, Ignored>),
    /// An application message the gate let through.
    AppAccepted,
    /// An application message the gate refused, with the error reply to send.
    AppRefused(Option<Vec<u8>>),
    /// An application message the gate deferred (`not-ready`).
    AppDeferred,
    /// An application message addressed to another node (dropped, spec §15.3 step 5).
    OtherDestination,
    /// Not a body the node can read.
    Undecodable,
}

/// Runs one received body through a node: its machine for `mox.core`, its gate for other
/// extensions.
pub fn node_receive<const E: usize, const M: usize, const F: usize>(
    machine: &mut Machine<E, M, F>,
    rng: &mut SimRng,
    now: u64,
    body: &[u8],
    unit_len: usize,
) -> Received {
    let Ok(parsed) = Body::parse(body, &mox_codec::envelope::Limits::DEFAULT) else {
        return Received::Undecodable;
    };
    let header = *parsed.header();
    if header.extension == ExtensionId::CORE {
        return Received::Core(machine.handle_body(Instant(now), body, unit_len, rng));
    }
    // Pipeline step 5 (spec §15.3): a message addressed to another node is dropped
    // silently; a node that rebooted does not answer for its previous id.
    if let (Some(addresses), Some(id)) = (header.addresses, machine.node_id()) {
        if addresses.destination != id && addresses.destination != 0x0FFF_FFFF {
            return Received::OtherDestination;
        }
    }
    let src = header.addresses.map(|a| a.source);
    match machine.gate(src, header.extension, header.major) {
        Gate::Accept => Received::AppAccepted,
        Gate::NotReady { .. } => Received::AppDeferred,
        Gate::NotNegotiated => match machine.node_id() {
            Some(id) => Received::AppRefused(error_about(&header, 0x0A, id)),
            None => Received::AppRefused(None),
        },
    }
}

/// The application messages an established machine sends to its peer: one of each agreed
/// extension at its agreed major. Empty when not established. A divergence the two ends
/// may be left with after losses (one end keeps an older agreement) matters only when a
/// message uses it, and that message draws `0A` and a new handshake (MOX-NEG-083).
pub fn app_messages_of<const E: usize, const M: usize, const F: usize>(
    machine: &Machine<E, M, F>,
) -> Vec<Vec<u8>> {
    let (Some(agreement), Some(id), Some(peer)) =
        (machine.agreement(), machine.node_id(), machine.peer())
    else {
        return Vec::new();
    };
    if machine.state() != State::Established {
        return Vec::new();
    }
    agreement
        .extensions
        .iter()
        .map(|agreed| app_message(agreed.ext, agreed.major, id, peer))
        .collect()
}

/// Impairments of the simulated link, applied to each body independently from the
/// simulation's seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Impairment {
    /// Percent of bodies lost (0–100).
    pub loss_pct: u8,
    /// Percent of bodies delivered twice (0–100).
    pub duplicate_pct: u8,
    /// Shortest one-way delay, ms.
    pub delay_min_ms: u32,
    /// Longest one-way delay, ms; delays are uniform in between, so bodies overtake each
    /// other when the range is wider than their spacing.
    pub delay_max_ms: u32,
    /// Everything sent in `[from, to)` ms is lost.
    pub partition: Option<(u64, u64)>,
    /// A reboots (a fresh machine, new node id) at this time, ms.
    pub reboot_a_at: Option<u64>,
    /// B reboots at this time, ms.
    pub reboot_b_at: Option<u64>,
    /// From this time on the link is perfect (no loss, no duplicates, the shortest delay):
    /// the network has healed, and the two ends must converge.
    pub faults_until: Option<u64>,
}

impl Impairment {
    /// A perfect link with a 1 ms delay.
    pub const NONE: Impairment = Impairment {
        loss_pct: 0,
        duplicate_pct: 0,
        delay_min_ms: 1,
        delay_max_ms: 1,
        partition: None,
        reboot_a_at: None,
        reboot_b_at: None,
        faults_until: None,
    };
}

/// What happened to one sent body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It arrives at this time.
    Arrives(u64),
    /// It arrives twice.
    Duplicated(u64, u64),
    /// The link lost it.
    Lost,
    /// Sent during the partition.
    Partitioned,
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A node started (or restarted after a reboot) with this node id.
    Start {
        /// ms.
        t: u64,
        /// The node.
        side: Side,
        /// Its node id.
        id: Option<NodeId>,
    },
    /// A node sent a body.
    Send {
        /// ms.
        t: u64,
        /// The sender.
        side: Side,
        /// The body (header byte through CRC).
        body: Vec<u8>,
        /// What the link did with it.
        fate: Fate,
    },
    /// A body arrived and the machine classified it.
    Receive {
        /// ms.
        t: u64,
        /// The receiver.
        side: Side,
        /// The body.
        body: Vec<u8>,
        /// What the node made of it.
        result: Received,
    },
    /// A timer fired.
    Timer {
        /// ms.
        t: u64,
        /// The node.
        side: Side,
    },
    /// An event for the application.
    Event {
        /// ms.
        t: u64,
        /// The node.
        side: Side,
        /// The event.
        event: Event,
    },
    /// A node lost power.
    Reboot {
        /// ms.
        t: u64,
        /// The node.
        side: Side,
    },
    /// The link broke or healed.
    Link {
        /// ms.
        t: u64,
        /// `true`: partitioned from now on; `false`: healed.
        partitioned: bool,
    },
    /// A property broke (the simulation stops).
    Violation {
        /// ms.
        t: u64,
        /// What broke.
        violation: Violation,
    },
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time =
            |f: &mut fmt::Formatter<'_>, t: u64| write!(f, "{:>6}.{:03} s  ", t / 1000, t % 1000);
        match self {
            Entry::Start { t, side, id } => {
                time(f, *t)?;
                write!(f, "{side}  start, node id {}", node_name(*id))
            }
            Entry::Send {
                t,
                side,
                body,
                fate,
            } => {
                time(f, *t)?;
                write!(f, "{side}  → {} ({} B)", describe(body), body.len())?;
                match fate {
                    Fate::Arrives(_) => Ok(()),
                    Fate::Duplicated(_, _) => f.write_str("  [duplicated]"),
                    Fate::Lost => f.write_str("  [lost]"),
                    Fate::Partitioned => f.write_str("  [partitioned]"),
                }
            }
            Entry::Receive {
                t,
                side,
                body,
                result,
            } => {
                time(f, *t)?;
                let what = describe(body);
                let kind = what.split(' ').next().unwrap_or("");
                match result {
                    Received::Core(Ok(handled)) => {
                        write!(f, "{side}  ← {kind}: {}", input_class(*handled))
                    }
                    Received::Core(Err(ignored)) => {
                        write!(f, "{side}  ← {kind}: ignored ({ignored})")
                    }
                    Received::AppAccepted => write!(f, "{side}  ← {what}: accepted"),
                    Received::AppRefused(_) => {
                        write!(f, "{side}  ← {what}: not negotiated with its sender")
                    }
                    Received::AppDeferred => write!(f, "{side}  ← {what}: not ready"),
                    Received::OtherDestination => {
                        write!(f, "{side}  ← {what}: ignored (other-destination)")
                    }
                    Received::Undecodable => write!(f, "{side}  ← undecodable"),
                }
            }
            Entry::Timer { t, side } => {
                time(f, *t)?;
                write!(f, "{side}  timer")
            }
            Entry::Event { t, side, event } => {
                time(f, *t)?;
                write!(f, "{side}  ** {}", EventText(event))
            }
            Entry::Reboot { t, side } => {
                time(f, *t)?;
                write!(f, "{side}  !! reboot")
            }
            Entry::Link { t, partitioned } => {
                time(f, *t)?;
                f.write_str(if *partitioned {
                    "   !! link partitioned"
                } else {
                    "   !! link healed"
                })
            }
            Entry::Violation { t, violation } => {
                time(f, *t)?;
                write!(f, "   VIOLATION {violation}")
            }
        }
    }
}

/// The spec's name of the input class a body was acted on as (§8.7.2).
fn input_class(handled: Handled) -> &'static str {
    match handled {
        Handled::HelloNew => "H-new",
        Handled::HelloDup => "H-dup",
        Handled::ReplyOk => "R-ok",
        Handled::ReplyDup => "R-dup",
        Handled::ReplyDigestMismatch => "R-dig",
        Handled::ReplyInvalid => "R-inv",
        Handled::ConfirmOk => "F-ok",
        Handled::ConfirmDigestMismatch => "F-dig",
        Handled::Goodbye => "G-ok",
        Handled::Error => "E (own hello or reply)",
        Handled::ErrorLost => "E-lost",
        Handled::Collision => "H-coll",
    }
}

/// An event as a timeline reads it.
struct EventText<'a>(&'a Event);

impl fmt::Display for EventText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Event::Established {
                peer,
                role,
                session,
            } => write!(
                f,
                "Established with {peer:07X} as {role:?}, session {:07X}/{:07X}",
                session.0, session.1
            ),
            Event::FellBack { reason } => write!(f, "FellBack: {reason}"),
            Event::PeerRebooted { old, new } => write!(f, "PeerRebooted {old:07X} → {new:07X}"),
            Event::IdChanged { old, new } => write!(f, "IdChanged {old:07X} → {new:07X}"),
        }
    }
}

#[derive(Clone, Debug)]
struct Flight {
    at: u64,
    seq: u64,
    to: Side,
    body: Vec<u8>,
}

/// Two machines over an impaired link, driven in simulated time from one seed.
#[derive(Debug)]
pub struct Simulation<const E: usize, const M: usize, const F: usize> {
    configs: [Config<E, M, F>; 2],
    machines: [Machine<E, M, F>; 2],
    rngs: [SimRng; 2],
    boots: [u64; 2],
    seed: u64,
    link: SimRng,
    impairment: Impairment,
    now: u64,
    seq: u64,
    flights: Vec<Flight>,
    watch: Watch,
    timeline: Vec<Entry>,
    unit_overhead: usize,
    app_every: Option<u64>,
    next_app: [Option<u64>; 2],
}

impl<const E: usize, const M: usize, const F: usize> Simulation<E, M, F> {
    /// Two machines with these configs, not started, over a link with `impairment`; all
    /// randomness (node ids, nonces, GREASE, jitter, the link's fate) comes from `seed`.
    pub fn new(a: Config<E, M, F>, b: Config<E, M, F>, seed: u64, impairment: Impairment) -> Self {
        let unit_overhead = a.binding.overhead() as usize;
        Self {
            machines: [Machine::new(a.clone()), Machine::new(b.clone())],
            configs: [a, b],
            rngs: [node_rng(seed, Side::A, 0), node_rng(seed, Side::B, 0)],
            boots: [0, 0],
            seed,
            link: SimRng::new(seed ^ 0x4C49_4E4B),
            impairment,
            now: 0,
            seq: 0,
            flights: Vec::new(),
            watch: Watch::new(),
            timeline: Vec::new(),
            unit_overhead,
            app_every: None,
            next_app: [None, None],
        }
    }

    /// Each established node's application sends one message of each agreed extension to
    /// its peer every `every_ms` (0: never). The peer's gate answers `0A` when
    /// it holds no such session with the sender, which is how a half-open session is found
    /// (MOX-NEG-083).
    pub fn with_app_traffic(mut self, every_ms: u64) -> Self {
        self.app_every = (every_ms > 0).then_some(every_ms);
        self.next_app = [self.app_every, self.app_every];
        self
    }

    /// The machine of `side`.
    pub fn machine(&self, side: Side) -> &Machine<E, M, F> {
        &self.machines[side.index()]
    }

    /// Everything recorded so far.
    pub fn timeline(&self) -> &[Entry] {
        &self.timeline
    }

    /// Whether the two ends are established with each other in one session.
    pub fn established_together(&self) -> bool {
        self.watch.together([&self.machines[0], &self.machines[1]])
    }

    /// Starts both machines at time 0 (A first) and runs until `end_ms` of simulated time.
    ///
    /// # Errors
    /// The first property broken; the timeline ends with it.
    pub fn run(&mut self, end_ms: u64) -> Result<(), Violation> {
        for side in [Side::A, Side::B] {
            self.start(side)?;
        }
        let mut partition_edges: Vec<(u64, bool)> = Vec::new();
        if let Some((from, to)) = self.impairment.partition {
            partition_edges.push((from, true));
            partition_edges.push((to, false));
        }
        let mut reboots: Vec<(u64, Side)> = Vec::new();
        if let Some(t) = self.impairment.reboot_a_at {
            reboots.push((t, Side::A));
        }
        if let Some(t) = self.impairment.reboot_b_at {
            reboots.push((t, Side::B));
        }
        loop {
            let next_flight = self.flights.iter().map(|f| f.at).min();
            let next_deadline = self
                .machines
                .iter()
                .filter_map(|m| m.poll_timeout().map(|i| i.0))
                .min();
            let next_edge = partition_edges.iter().map(|e| e.0).min();
            let next_reboot = reboots.iter().map(|r| r.0).min();
            let next_app = self.next_app.iter().flatten().copied().min();
            let Some(next) = [next_flight, next_deadline, next_edge, next_reboot, next_app]
                .into_iter()
                .flatten()
                .min()
            else {
                break;
            };
            if next > end_ms {
                break;
            }
            self.now = self.now.max(next);
            if let Some(i) = partition_edges.iter().position(|e| e.0 <= self.now) {
                let (_, partitioned) = partition_edges.remove(i);
                self.timeline.push(Entry::Link {
                    t: self.now,
                    partitioned,
                });
                continue;
            }
            if let Some(i) = reboots.iter().position(|r| r.0 <= self.now) {
                let (_, side) = reboots.remove(i);
                self.reboot(side)?;
                continue;
            }
            if let Some(i) = self
                .flights
                .iter()
                .enumerate()
                .filter(|(_, f)| f.at <= self.now)
                .min_by_key(|(_, f)| (f.at, f.seq))
                .map(|(i, _)| i)
            {
                let flight = self.flights.remove(i);
                self.deliver(flight)?;
                continue;
            }
            if let Some(i) = self
                .next_app
                .iter()
                .position(|t| t.is_some_and(|t| t <= self.now))
            {
                let side = if i == 0 { Side::A } else { Side::B };
                self.next_app[i] = self.app_every.map(|every| self.now + every);
                for body in app_messages_of(&self.machines[i]) {
                    self.send(side, body);
                }
                continue;
            }
            for side in [Side::A, Side::B] {
                let due = self.machines[side.index()]
                    .poll_timeout()
                    .is_some_and(|d| d.0 <= self.now);
                if due {
                    self.timeline.push(Entry::Timer { t: self.now, side });
                    let now = Instant(self.now);
                    let (machine, rng) = self.parts(side);
                    machine.handle_timeout(now, rng);
                    self.drain(side, true)?;
                }
            }
        }
        self.now = self.now.max(end_ms);
        Ok(())
    }

    fn parts(&mut self, side: Side) -> (&mut Machine<E, M, F>, &mut SimRng) {
        let i = side.index();
        (&mut self.machines[i], &mut self.rngs[i])
    }

    fn start(&mut self, side: Side) -> Result<(), Violation> {
        let now = Instant(self.now);
        let (machine, rng) = self.parts(side);
        machine.start(now, rng);
        let id = machine.node_id();
        self.timeline.push(Entry::Start {
            t: self.now,
            side,
            id,
        });
        self.drain(side, false)
    }

    fn reboot(&mut self, side: Side) -> Result<(), Violation> {
        self.timeline.push(Entry::Reboot { t: self.now, side });
        let i = side.index();
        self.boots[i] += 1;
        self.machines[i] = Machine::new(self.configs[i].clone());
        self.rngs[i] = node_rng(self.seed, side, self.boots[i]);
        self.watch.reboot(side);
        self.start(side)
    }

    fn deliver(&mut self, flight: Flight) -> Result<(), Violation> {
        let side = flight.to;
        let unit_len = flight.body.len() + self.unit_overhead;
        let now = self.now;
        let (machine, rng) = self.parts(side);
        let result = node_receive(machine, rng, now, &flight.body, unit_len);
        let reply = match &result {
            Received::AppRefused(Some(reply)) => Some(reply.clone()),
            _ => None,
        };
        self.timeline.push(Entry::Receive {
            t: self.now,
            side,
            body: flight.body,
            result,
        });
        if let Some(reply) = reply {
            self.send(side, reply);
        }
        self.drain(side, false)
    }

    /// Puts one body the node (not its machine) sends on the link.
    fn send(&mut self, side: Side, body: Vec<u8>) {
        let fate = self.fate();
        match fate {
            Fate::Arrives(at) => self.fly(at, side.other(), body.clone()),
            Fate::Duplicated(first, second) => {
                self.fly(first, side.other(), body.clone());
                self.fly(second, side.other(), body.clone());
            }
            Fate::Lost | Fate::Partitioned => {}
        }
        self.timeline.push(Entry::Send {
            t: self.now,
            side,
            body,
            fate,
        });
    }

    fn drain(&mut self, side: Side, timer: bool) -> Result<(), Violation> {
        let mut sent = Vec::new();
        let mut events = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match self.machines[side.index()].poll_transmit(&mut buf) {
                Ok(Some(t)) => sent.push(buf[..t.len].to_vec()),
                Ok(None) => break,
                // A body the machine cannot encode is dropped by it; record nothing.
                Err(_) => continue,
            }
        }
        while let Some(event) = self.machines[side.index()].poll_event() {
            events.push(event);
        }
        for body in &sent {
            self.send(side, body.clone());
        }
        for event in &events {
            self.timeline.push(Entry::Event {
                t: self.now,
                side,
                event: *event,
            });
        }
        let step = Step {
            side,
            now: self.now,
            timer,
            sent: &sent,
            events: &events,
        };
        let result = self
            .watch
            .step(&step, [&self.machines[0], &self.machines[1]]);
        if let Err(violation) = &result {
            self.timeline.push(Entry::Violation {
                t: self.now,
                violation: violation.clone(),
            });
        }
        result
    }

    fn fly(&mut self, at: u64, to: Side, body: Vec<u8>) {
        self.seq += 1;
        self.flights.push(Flight {
            at,
            seq: self.seq,
            to,
            body,
        });
    }

    fn fate(&mut self) -> Fate {
        use rand_core::Rng;
        let imp = self.impairment;
        if let Some((from, to)) = imp.partition {
            if (from..to).contains(&self.now) {
                return Fate::Partitioned;
            }
        }
        let healed = imp.faults_until.is_some_and(|t| self.now >= t);
        let roll = self.link.next_u32() % 100;
        if roll < u32::from(imp.loss_pct) && !healed {
            return Fate::Lost;
        }
        let span = if healed {
            1
        } else {
            u64::from(imp.delay_max_ms.saturating_sub(imp.delay_min_ms)) + 1
        };
        let base = self.now + u64::from(imp.delay_min_ms);
        let first = base + u64::from(self.link.next_u32()) % span;
        let dup_roll = self.link.next_u32() % 100;
        if dup_roll < u32::from(imp.duplicate_pct) && !healed {
            let second = base + u64::from(self.link.next_u32()) % span;
            return Fate::Duplicated(first, second);
        }
        Fate::Arrives(first)
    }
}

/// The RNG of `side` after `boots` reboots: a new stream per power-up, as a device's
/// hardware RNG would give.
fn node_rng(seed: u64, side: Side, boots: u64) -> SimRng {
    let salt = match side {
        Side::A => 0xA11C_E000,
        Side::B => 0xB0B0_0000,
    };
    SimRng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ salt ^ (boots << 40))
}
