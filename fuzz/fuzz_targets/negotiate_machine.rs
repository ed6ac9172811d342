//! Two `mox-negotiate` machines (spec chapter 8) joined by a lossy, replaying, mutating
//! loopback link, driven by an `arbitrary` sequence of operations: start, close,
//! reconfigure (small random offer lists), timeouts, clock jumps forward and backward
//! (huge ones included), deliveries of what the peer sent (as sent, dropped, duplicated,
//! replayed later, echoed back to its sender, or mutated with the CRC recomputed so the
//! mutation reaches the machine), raw bytes, and small output buffers. Both machines share
//! one capacity set: `<1, 1, 1>` (small) or `<4, 4, 4>` (the default).
//!
//! Invariants checked after every operation (`now` below is the machine's clamped clock,
//! the largest `now` it was given, MOX-NEG-096):
//! 1. No panic (and, through the build, no arithmetic overflow: debug assertions are on).
//! 2. At most 2 bodies per operation (§8.7.6: "Every input produces at most two bodies")
//!    and at most 2 events: the table's worst rows emit two (row 36 established:
//!    `IdChanged` + `FellBack`; an `R-ok` from a rebooted peer: `PeerRebooted` +
//!    `Established`); `Machine`'s doc states the same bound. The harness drains both
//!    queues after every operation, so the machine's 4-entry queues never drop.
//! 3. Every body emitted parses with `Body::parse` under `Limits::DEFAULT` as an unchunked
//!    `mox.core` 1.x body with `A=1`, `K` equal to the configuration's `check` (MOX-SYX-062),
//!    and, when `K=1`, a CRC equal to `crc14` of the bytes before it; its destination equals
//!    `Transmit::dst`; its source is the machine's id, or the old id of an `IdChanged` of
//!    the same operation (row 36's goodbye goes out from the old id).
//! 4. `poll_transmit` into a short buffer returns `BufferTooSmall { needed }` with
//!    `needed > len`, keeps the entry, and a buffer of `needed` bytes then takes it; it
//!    never returns `Encode` for a configuration that passed `Config::check`.
//! 5. Deadlines (§8.7.3, §8.7.4). The spec does NOT make the deadline monotone across
//!    inputs: a new handshake sets `now + rto_initial`, which may be earlier than a pending
//!    re-probe deadline, and many rows replace or clear it. So the target asserts what the
//!    spec does guarantee:
//!    - (a) a deadline an operation sets (any change of `poll_timeout()` to `Some(d)`) has
//!      `d ≥ now`: the machine never schedules in the past, including after a backward
//!      clock (a deadline that was set earlier may of course be overdue; that is the
//!      caller's cue to call `handle_timeout`);
//!    - (b) `handle_timeout(now)` before the deadline, or with none, does nothing: no body, no
//!      event, no draw from the RNG, same deadline, same state (MOX-NEG-096);
//!    - (c) a `handle_timeout` that fired leaves no deadline `≤ now` ("fires it once, with the
//!      next deadline counted from now"), unless the clock is saturated at `u64::MAX`;
//!    - (d) inputs the spec ignores change nothing — no body, no event, no draw, same
//!      deadline, same state (§8.7.5 "Inputs not listed for a state are ignored"): every
//!      `handle_body` that returns `Err(Ignored)` (X-*, echoes, stale, tie-break, rate
//!      limited, …), `start` outside Idle/Closed, `close` in Idle/Closed, `reconfigure`
//!      that fails `Config::check` (nothing changes at all, the config included), and
//!      `reconfigure` in Idle, Fallback and Closed (it only stores the offers, row 40);
//!    - (e) draining with `poll_transmit`/`poll_event` never changes the deadline or the state;
//!    - (f) Idle and Closed have no deadline (nothing runs there), and `close` outside Idle
//!      always ends in Closed (rows 37, 38).
//! 6. `gate()` never panics and its `retry_after` fits 21 bits.
//! 7. `H-dup`, `R-dup` (a re-send changes neither `k` nor the deadline, MOX-NEG-095) and
//!    `R-dig`, `R-inv`, `F-dig` (bad messages are only counted, they never end a handshake
//!    early, §8.7.3) leave the deadline and the state as they were.
//!
//! The input starts with the two configurations; bodies come from the machines themselves,
//! so the fuzzer gets past the CRC and the envelope pipeline without seeds.
#![no_main]

use std::collections::VecDeque;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mox_codec::envelope::{crc, Body, ExtensionId, Limits as CodecLimits, Owner};
use mox_negotiate::heapless::Vec as HVec;
use mox_negotiate::sim::SimRng;
use mox_negotiate::{
    Binding, Config, Event, Gate, Handled, Instant, Limits, Machine, Offer, State, Timers,
    TransmitError,
};

/// Largest value of a 21-bit field (`retry after`).
const U21_MAX: u32 = (1 << 21) - 1;
/// Bodies kept per direction in the link, and in the replay pool.
const LINK_CAP: usize = 16;
const POOL_CAP: usize = 16;

#[derive(Arbitrary, Debug)]
struct OfferSpec {
    /// Owner `MOX` or the non-commercial owner; small numbers so both sides overlap.
    mox_owner: bool,
    number: u8,
    majors: Vec<(u8, u8)>,
    deprecated: u16,
}

#[derive(Arbitrary, Debug)]
struct TimerSpec {
    rto_initial: u16,
    rto_extra: u16,
    max_hello: u8,
    max_reply: u8,
    reprobe: Option<(u32, u32)>,
    jitter: u8,
    min_retry_after: u16,
}

#[derive(Arbitrary, Debug)]
struct Setup {
    osc: bool,
    initiate: bool,
    check: bool,
    timers: Option<TimerSpec>,
    max_size: Option<u16>,
    features: Vec<u16>,
    offers: Vec<OfferSpec>,
    seed: u64,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Time {
    Same,
    Forward(u16),
    Back(u16),
    ForwardBig(u32),
    BackBig(u32),
    /// An absolute `now` anywhere in `u64`, `u64::MAX` included.
    Absolute(u64),
    /// Exactly the side's deadline (no change when it has none).
    Deadline,
    /// One millisecond before the side's deadline.
    JustBefore,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Mutation {
    Flip { pos: u16, xor: u8 },
    Set { pos: u16, value: u8 },
    Truncate { len: u16 },
    Insert { pos: u16, value: u8 },
    Remove { pos: u16 },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Fate {
    Deliver,
    Drop,
    /// Deliver twice.
    Duplicate,
    /// Deliver the oldest in flight after the next one (reorder).
    Swap,
    /// Send it back to its own sender (an echo, H-echo/M-echo).
    Echo,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Start {
        b: bool,
        time: Time,
    },
    Close {
        b: bool,
        time: Time,
    },
    Reconfigure {
        b: bool,
        time: Time,
        offers: Vec<OfferSpec>,
    },
    Timeout {
        b: bool,
        time: Time,
    },
    /// The front of the link towards `b` (towards A when `b` is false).
    Link {
        b: bool,
        fate: Fate,
        time: Time,
    },
    /// Deliver everything in flight both ways, a few rounds, at one time.
    Pump {
        time: Time,
    },
    /// A body from the pool of everything sent, mutated, the CRC fixed up when asked.
    Replay {
        b: bool,
        index: u8,
        mutations: Vec<Mutation>,
        seven_bit: bool,
        fix_crc: bool,
        unit_extra: Option<u16>,
        time: Time,
    },
    Raw {
        b: bool,
        bytes: Vec<u8>,
        unit_len: u16,
        time: Time,
    },
    OutputBuffer {
        b: bool,
        len: u16,
    },
    Gate {
        b: bool,
        src: Option<u32>,
        mox_owner: bool,
        number: u8,
        major: u8,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    small: bool,
    a: Setup,
    b: Setup,
    ops: Vec<Op>,
}

fn ext_of(mox_owner: bool, number: u8) -> ExtensionId {
    let owner = if mox_owner {
        Owner::MOX
    } else {
        Owner::NON_COMMERCIAL
    };
    ExtensionId::new(owner, u32::from(number % 4) + 1)
}

/// Offers that pass `Config::check` on their own; the invalid ones are dropped (the
/// config-level check still runs, so rejected combinations exercise the error path).
fn offers_of<const E: usize, const M: usize>(specs: &[OfferSpec]) -> HVec<Offer<M>, E> {
    let mut offers = HVec::new();
    for spec in specs.iter().take(E) {
        let mut offer = Offer::new(ext_of(spec.mox_owner, spec.number));
        for &(major, minor) in spec.majors.iter().take(M) {
            let _ = offer.majors.push((major % 6 + 1, minor % 4));
        }
        offer.deprecated = spec.deprecated & 0b11;
        let _ = offers.push(offer);
    }
    offers
}

fn timers_of(spec: &TimerSpec) -> Timers {
    let rto_initial = 20 + u32::from(spec.rto_initial) % 4_981;
    let rto_max = (rto_initial + u32::from(spec.rto_extra)).min(60_000);
    let (reprobe_initial, reprobe_max) = match spec.reprobe {
        None => (0, 0),
        Some((initial, extra)) => {
            let initial = 1_000 + initial % 599_001;
            (initial, initial.saturating_add(extra).min(3_600_000))
        }
    };
    Timers {
        rto_initial,
        rto_max,
        max_hello: spec.max_hello % 16 + 1,
        max_reply: spec.max_reply % 16 + 1,
        reprobe_initial,
        reprobe_max,
        reprobe_jitter_pct: spec.jitter % 51,
        min_retry_after: u32::from(spec.min_retry_after) % 10_001 % (rto_max + 1),
    }
}

fn config_of<const E: usize, const M: usize, const F: usize>(setup: &Setup) -> Config<E, M, F> {
    let binding = if setup.osc {
        Binding::Osc
    } else {
        Binding::Sysex
    };
    let mut config = Config::<E, M, F>::new(binding);
    config.initiate = setup.initiate;
    config.check = setup.check;
    if let Some(timers) = &setup.timers {
        config.timers = timers_of(timers);
    }
    if let Some(max_size) = setup.max_size {
        config.limits = Limits {
            max_size: binding.floor() + u32::from(max_size),
            ..Limits::DEFAULT
        };
    }
    for &feature in setup.features.iter().take(F) {
        let _ = config.features.push(feature & 0x3FFF);
    }
    config.offers = offers_of(&setup.offers);
    if config.check().is_err() {
        // Keep the fuzzer's timers and flags when only the offers are at fault.
        config.offers = HVec::new();
        if config.check().is_err() {
            config = Config::new(binding);
        }
    }
    config
}

struct Node<const E: usize, const M: usize, const F: usize> {
    machine: Machine<E, M, F>,
    rng: SimRng,
    /// The largest `now` given (the machine's clamped clock).
    clamped: u64,
    out_len: usize,
    name: &'static str,
}

/// What one operation on a node produced.
struct Output {
    bodies: Vec<Vec<u8>>,
    events: Vec<Event>,
}

impl<const E: usize, const M: usize, const F: usize> Node<E, M, F> {
    fn see(&mut self, now: u64) -> Instant {
        self.clamped = self.clamped.max(now);
        Instant(now)
    }

    fn now_for(&self, time: Time, clock: &mut u64) -> u64 {
        let deadline = self.machine.poll_timeout().map(|d| d.0);
        *clock = match time {
            Time::Same => *clock,
            Time::Forward(d) => clock.saturating_add(u64::from(d)),
            Time::Back(d) => clock.saturating_sub(u64::from(d)),
            Time::ForwardBig(d) => clock.saturating_add(u64::from(d) << 16),
            Time::BackBig(d) => clock.saturating_sub(u64::from(d) << 16),
            Time::Absolute(t) => t,
            Time::Deadline => deadline.unwrap_or(*clock),
            Time::JustBefore => deadline.map_or(*clock, |d| d.saturating_sub(1)),
        };
        *clock
    }

    /// Drains both queues and checks invariants 2–4 and 5e.
    fn drain(&mut self) -> Output {
        let deadline = self.machine.poll_timeout();
        let state = self.machine.state();
        let mut events = Vec::new();
        while let Some(event) = self.machine.poll_event() {
            events.push(event);
            assert!(
                events.len() <= 4,
                "{}: event queue larger than its capacity",
                self.name
            );
        }
        assert!(
            events.len() <= 2,
            "{}: {} events from one input: {events:?}",
            self.name,
            events.len()
        );
        let mut bodies = Vec::new();
        let mut buf = vec![0u8; self.out_len];
        loop {
            let transmit = match self.machine.poll_transmit(&mut buf) {
                Ok(None) => break,
                Ok(Some(t)) => (t, buf[..t.len].to_vec()),
                Err(TransmitError::BufferTooSmall { needed }) => {
                    assert!(
                        needed > buf.len(),
                        "{}: BufferTooSmall({needed}) for {} bytes",
                        self.name,
                        buf.len()
                    );
                    let mut big = vec![0u8; needed];
                    match self.machine.poll_transmit(&mut big) {
                        Ok(Some(t)) => (t, big[..t.len].to_vec()),
                        other => panic!(
                            "{}: {needed} bytes did not take the body: {other:?}",
                            self.name
                        ),
                    }
                }
                Err(e) => panic!(
                    "{}: poll_transmit failed on a checked config: {e:?}",
                    self.name
                ),
            };
            let (t, body) = transmit;
            self.check_body(&body, t.dst, &events);
            bodies.push(body);
            assert!(
                bodies.len() <= 4,
                "{}: transmit queue larger than its capacity",
                self.name
            );
        }
        assert!(
            bodies.len() <= 2,
            "{}: {} bodies from one input",
            self.name,
            bodies.len()
        );
        assert_eq!(
            self.machine.poll_timeout(),
            deadline,
            "{}: draining moved the deadline",
            self.name
        );
        assert_eq!(
            self.machine.state(),
            state,
            "{}: draining changed the state",
            self.name
        );
        Output { bodies, events }
    }

    fn check_body(&self, body: &[u8], dst: u32, events: &[Event]) {
        let parsed = Body::parse(body, &CodecLimits::DEFAULT).unwrap_or_else(|e| {
            panic!(
                "{}: emitted body does not parse: {e:?} {body:02X?}",
                self.name
            )
        });
        let header = parsed.header();
        assert_eq!(
            header.extension,
            ExtensionId::CORE,
            "{}: not mox.core",
            self.name
        );
        assert_eq!(header.major, 1, "{}: not mox.core 1.x", self.name);
        assert!(!header.chunked, "{}: chunked negotiation body", self.name);
        assert_eq!(
            header.check,
            self.machine.config().check,
            "{}: K differs from the config",
            self.name
        );
        if header.check {
            let (covered, tail) = body.split_at(body.len() - 2);
            assert_eq!(
                crc::from_bytes([tail[0], tail[1]]),
                crc::crc14(covered),
                "{}: bad CRC",
                self.name
            );
        }
        let addresses = header
            .addresses
            .unwrap_or_else(|| panic!("{}: body without A=1", self.name));
        assert_eq!(
            addresses.destination, dst,
            "{}: Transmit::dst differs from the header",
            self.name
        );
        let own = self.machine.node_id();
        let old = events
            .iter()
            .any(|e| matches!(e, Event::IdChanged { old, .. } if *old == addresses.source));
        assert!(
            own == Some(addresses.source) || old,
            "{}: body from {:07X}, own id {own:?}",
            self.name,
            addresses.source
        );
    }
}

/// The machine-level snapshot an ignored input must leave unchanged (invariant 5d).
#[derive(PartialEq, Debug)]
struct Snapshot {
    state: State,
    deadline: Option<Instant>,
    rng: SimRng,
}

fn snapshot<const E: usize, const M: usize, const F: usize>(node: &Node<E, M, F>) -> Snapshot {
    Snapshot {
        state: node.machine.state(),
        deadline: node.machine.poll_timeout(),
        rng: node.rng.clone(),
    }
}

struct World<const E: usize, const M: usize, const F: usize> {
    nodes: [Node<E, M, F>; 2],
    /// `links[i]`: bodies in flight towards node `i`.
    links: [VecDeque<Vec<u8>>; 2],
    pool: VecDeque<Vec<u8>>,
    clock: u64,
}

impl<const E: usize, const M: usize, const F: usize> World<E, M, F> {
    /// Checks the invariants common to every operation on node `i`, then routes its bodies.
    fn after(&mut self, i: usize, before: &Snapshot, ignored: bool) {
        let out = self.nodes[i].drain();
        let node = &self.nodes[i];
        let after = snapshot(node);
        let name = node.name;
        if ignored {
            assert!(
                out.bodies.is_empty(),
                "{name}: an ignored input sent {} bodies",
                out.bodies.len()
            );
            assert!(
                out.events.is_empty(),
                "{name}: an ignored input raised {:?}",
                out.events
            );
            assert_eq!(
                &after, before,
                "{name}: an ignored input changed the machine"
            );
        }
        if after.deadline != before.deadline {
            if let Some(d) = after.deadline {
                assert!(
                    d.0 >= node.clamped,
                    "{name}: new deadline {} before now {}",
                    d.0,
                    node.clamped
                );
            }
        }
        if matches!(after.state, State::Idle | State::Closed) {
            assert_eq!(
                after.deadline, None,
                "{name}: a deadline in {:?}",
                after.state
            );
        }
        for body in out.bodies {
            if self.links[1 - i].len() == LINK_CAP {
                self.links[1 - i].pop_front();
            }
            self.links[1 - i].push_back(body.clone());
            if self.pool.len() == POOL_CAP {
                self.pool.pop_front();
            }
            self.pool.push_back(body);
        }
    }

    fn deliver(&mut self, i: usize, body: &[u8], unit_len: usize, time: Time) {
        let now = self.nodes[i].now_for(time, &mut self.clock);
        let node = &mut self.nodes[i];
        let now = node.see(now);
        let before = snapshot(node);
        let result = node.machine.handle_body(now, body, unit_len, &mut node.rng);
        self.after(i, &before, result.is_err());
        if let Ok(
            handled @ (Handled::HelloDup
            | Handled::ReplyDup
            | Handled::ReplyDigestMismatch
            | Handled::ReplyInvalid
            | Handled::ConfirmDigestMismatch),
        ) = result
        {
            // Invariant 7: a re-send for a duplicate changes neither k nor the deadline
            // (MOX-NEG-095); bad messages are only counted (§8.7.3).
            let node = &self.nodes[i];
            assert_eq!(
                node.machine.poll_timeout(),
                before.deadline,
                "{}: {handled} moved the deadline",
                node.name
            );
            assert_eq!(
                node.machine.state(),
                before.state,
                "{}: {handled} changed the state",
                node.name
            );
        }
    }

    fn unit_len(&self, i: usize, body: &[u8]) -> usize {
        // The framing around a body; `Config::framing` is what the sender adds.
        body.len() + self.nodes[i].machine.config().framing() as usize
    }

    fn op(&mut self, op: &Op) {
        match *op {
            Op::Start { b, time } => {
                let i = usize::from(b);
                let now = self.nodes[i].now_for(time, &mut self.clock);
                let node = &mut self.nodes[i];
                let now = node.see(now);
                let before = snapshot(node);
                node.machine.start(now, &mut node.rng);
                let ignored = !matches!(before.state, State::Idle | State::Closed);
                self.after(i, &before, ignored);
                assert_ne!(
                    self.nodes[i].machine.state(),
                    State::Idle,
                    "start left Idle unchanged"
                );
            }
            Op::Close { b, time } => {
                let i = usize::from(b);
                let now = self.nodes[i].now_for(time, &mut self.clock);
                let node = &mut self.nodes[i];
                let now = node.see(now);
                let before = snapshot(node);
                node.machine.close(now);
                let ignored = matches!(before.state, State::Idle | State::Closed);
                self.after(i, &before, ignored);
                if before.state != State::Idle {
                    assert_eq!(
                        self.nodes[i].machine.state(),
                        State::Closed,
                        "close did not close"
                    );
                }
            }
            Op::Reconfigure {
                b,
                time,
                ref offers,
            } => {
                let i = usize::from(b);
                let now = self.nodes[i].now_for(time, &mut self.clock);
                let offers = offers_of::<E, M>(offers);
                let node = &mut self.nodes[i];
                let now = node.see(now);
                let before = snapshot(node);
                let config = node.machine.config().clone();
                let result = node.machine.reconfigure(now, offers.clone(), &mut node.rng);
                let ignored = result.is_err()
                    || matches!(before.state, State::Idle | State::Fallback | State::Closed);
                match result {
                    Err(_) => assert_eq!(
                        node.machine.config(),
                        &config,
                        "a rejected reconfigure changed the config"
                    ),
                    Ok(()) => assert_eq!(
                        node.machine.config().offers,
                        offers,
                        "reconfigure did not store the offers"
                    ),
                }
                self.after(i, &before, ignored);
            }
            Op::Timeout { b, time } => {
                let i = usize::from(b);
                let now = self.nodes[i].now_for(time, &mut self.clock);
                let node = &mut self.nodes[i];
                let now = node.see(now);
                let clamped = node.clamped;
                let before = snapshot(node);
                node.machine.handle_timeout(now, &mut node.rng);
                let fired = before.deadline.is_some_and(|d| clamped >= d.0);
                self.after(i, &before, !fired);
                if fired && clamped != u64::MAX {
                    let deadline = self.nodes[i].machine.poll_timeout();
                    assert!(
                        deadline.is_none_or(|d| d.0 > clamped),
                        "fired timer left deadline {deadline:?} at now {clamped}: a second T would fire again"
                    );
                }
            }
            Op::Link { b, fate, time } => {
                let i = usize::from(b);
                let Some(body) = self.links[i].pop_front() else {
                    return;
                };
                match fate {
                    Fate::Drop => {}
                    Fate::Deliver => self.deliver(i, &body, self.unit_len(i, &body), time),
                    Fate::Duplicate => {
                        self.deliver(i, &body, self.unit_len(i, &body), time);
                        self.deliver(i, &body, self.unit_len(i, &body), Time::Same);
                    }
                    Fate::Swap => {
                        if let Some(next) = self.links[i].pop_front() {
                            self.deliver(i, &next, self.unit_len(i, &next), time);
                        }
                        self.deliver(i, &body, self.unit_len(i, &body), Time::Same);
                    }
                    Fate::Echo => self.deliver(1 - i, &body, self.unit_len(1 - i, &body), time),
                }
            }
            Op::Pump { time } => {
                self.clock = self.nodes[0].now_for(time, &mut self.clock);
                for _ in 0..4 {
                    for i in 0..2 {
                        while let Some(body) = self.links[i].pop_front() {
                            self.deliver(i, &body, self.unit_len(i, &body), Time::Same);
                        }
                    }
                }
            }
            Op::Replay {
                b,
                index,
                ref mutations,
                seven_bit,
                fix_crc,
                unit_extra,
                time,
            } => {
                let i = usize::from(b);
                if self.pool.is_empty() {
                    return;
                }
                let mut body = self.pool[usize::from(index) % self.pool.len()].clone();
                for m in mutations.iter().take(8) {
                    mutate(&mut body, *m, seven_bit);
                }
                if fix_crc && body.len() >= 3 && body[0] & 1 != 0 {
                    let n = body.len() - 2;
                    let [lo, hi] = crc::to_bytes(crc::crc14(&body[..n]));
                    body[n] = lo;
                    body[n + 1] = hi;
                }
                let unit_len = self.unit_len(i, &body) + unit_extra.map_or(0, usize::from);
                self.deliver(i, &body, unit_len, time);
            }
            Op::Raw {
                b,
                ref bytes,
                unit_len,
                time,
            } => {
                self.deliver(usize::from(b), bytes, usize::from(unit_len), time);
            }
            Op::OutputBuffer { b, len } => {
                self.nodes[usize::from(b)].out_len = usize::from(len % 1024);
            }
            Op::Gate {
                b,
                src,
                mox_owner,
                number,
                major,
            } => {
                let ext = if number == 0 {
                    ExtensionId::CORE
                } else {
                    ext_of(mox_owner, number)
                };
                if let Gate::NotReady { retry_after } =
                    self.nodes[usize::from(b)].machine.gate(src, ext, major)
                {
                    assert!(
                        retry_after <= U21_MAX,
                        "retry_after {retry_after} beyond 21 bits"
                    );
                }
            }
        }
    }
}

fn mutate(body: &mut Vec<u8>, m: Mutation, seven_bit: bool) {
    let mask = if seven_bit { 0x7F } else { 0xFF };
    let len = body.len();
    match m {
        Mutation::Flip { pos, xor } if len > 0 => body[usize::from(pos) % len] ^= xor & mask,
        Mutation::Set { pos, value } if len > 0 => body[usize::from(pos) % len] = value & mask,
        Mutation::Truncate { len: n } => body.truncate(usize::from(n)),
        Mutation::Insert { pos, value } => body.insert(usize::from(pos) % (len + 1), value & mask),
        Mutation::Remove { pos } if len > 0 => {
            body.remove(usize::from(pos) % len);
        }
        _ => {}
    }
}

fn run<const E: usize, const M: usize, const F: usize>(input: &Input) {
    let node = |setup: &Setup, name| Node {
        machine: Machine::<E, M, F>::try_new(config_of(setup))
            .expect("config_of returns checked configs"),
        rng: SimRng::new(setup.seed),
        clamped: 0,
        out_len: 512,
        name,
    };
    let mut world = World {
        nodes: [node(&input.a, "A"), node(&input.b, "B")],
        links: [VecDeque::new(), VecDeque::new()],
        pool: VecDeque::new(),
        clock: 0,
    };
    for op in input.ops.iter().take(256) {
        world.op(op);
    }
}

fuzz_target!(|input: Input| {
    if input.small {
        run::<1, 1, 1>(&input);
    } else {
        run::<4, 4, 4>(&input);
    }
});
