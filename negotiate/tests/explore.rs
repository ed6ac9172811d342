//! Exhaustive exploration of two real machines over a bounded faulty network (issue 6,
//! deliverable 4; design §7).
//!
//! The explored state is the whole world: both `Machine`s, their RNG streams (so every
//! transition is deterministic), the messages in flight, the clock, the fault budgets and
//! the property watch. From each state every enabled action is taken:
//!
//! - deliver any message in flight (any order: reordering; any time up to its latest
//!   delivery time: delay);
//! - lose one, or duplicate one (budgets);
//! - advance the clock to one machine's deadline and fire it (discrete-event time: between
//!   deadlines only deliveries happen, which covers every delay shorter or longer than a
//!   timer);
//! - partition the link (everything sent while partitioned is lost) and heal it;
//! - reboot a node (a fresh machine with a new RNG stream: a new node id);
//! - reconfigure node A (new offers);
//! - tamper: a relay that drops the last non-GREASE field of a hello or reply in flight and
//!   re-checks the CRC (the downgrade of spec §8.5).
//!
//! Faults happen only up to `fault_horizon`; the run continues to `horizon`, long enough
//! for the two ends to converge. Visited states are kept as 128-bit fingerprints; the
//! search is depth-first, so a violation comes with the path that led to it.
//!
//! `cargo test --release -p mox-negotiate --features sim,planted --test explore -- --nocapture`
//! prints the bounds and the number of states explored per scenario.
// Optimized builds only: the CI bounds take about 90 s in release and would take many minutes
// unoptimized, so `cargo test --workspace --all-features` (debug) builds no test from this file
// and scripts/test.sh runs it with `--release` (clippy checks it with `--release` too).
#![cfg(all(feature = "sim", feature = "planted", not(debug_assertions)))]

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use mox_codec::envelope::{encode_body, Body, ExtensionId, FieldId, Limits as CodecLimits, Owner};
use mox_negotiate::heapless::Vec as HVec;
use mox_negotiate::sim::{
    app_messages_of, describe, node_receive, Received, Side, SimRng, Step, Violation, Watch,
};
use mox_negotiate::{Binding, Config, Instant, Machine, Offer, Plant, Timers};

const E: usize = 2;
const M: usize = 3;
const F: usize = 2;
type Mach = Machine<E, M, F>;
type Conf = Config<E, M, F>;

const FADER: ExtensionId = ExtensionId::new(Owner::MOX, 1);
const GRID: ExtensionId = ExtensionId::new(Owner::MOX, 2);

/// How far the search goes.
#[derive(Clone, Copy, Debug)]
struct Bounds {
    /// Most messages in flight; a send beyond it cuts the path (counted, never silent).
    queue: usize,
    loss: u8,
    duplicate: u8,
    reboots: u8,
    partition: bool,
    reconfigure: bool,
    tamper: u8,
    /// Whether the relay may alter hellos too (else replies only).
    tamper_hellos: bool,
    /// Latest delivery of a message, ms after its send.
    max_delay: u64,
    /// No fault after this time, ms.
    fault_horizon: u64,
    /// The run ends here, ms; the ends must have converged.
    horizon: u64,
    /// Stop (and fail) beyond this many states: the bound is then not exhausted.
    max_states: usize,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
struct Msg {
    to: Side,
    latest: u64,
    body: Vec<u8>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct World {
    machines: [Mach; 2],
    rngs: [SimRng; 2],
    boots: [u8; 2],
    net: Vec<Msg>,
    now: u64,
    loss: u8,
    duplicate: u8,
    reboots: u8,
    /// 0 unused, 1 partitioned, 2 healed.
    partition: u8,
    reconfigure: u8,
    tamper: u8,
    watch: Watch,
    /// A fault action has been taken.
    faulted: bool,
    /// The ends are established together and no fault has been taken since.
    stable: bool,
}

#[derive(Clone, Debug)]
enum Action {
    Deliver(Side, String),
    Lose(Side, String),
    Duplicate(Side, String),
    Timer(Side, u64),
    Reboot(Side),
    Partition,
    Heal,
    Reconfigure,
    Tamper(Side, String),
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Deliver(to, what) => write!(f, "deliver to {to}: {what}"),
            Action::Lose(to, what) => write!(f, "lose (to {to}): {what}"),
            Action::Duplicate(to, what) => write!(f, "duplicate (to {to}): {what}"),
            Action::Timer(side, t) => write!(f, "{side}'s timer at {t} ms"),
            Action::Reboot(side) => write!(f, "reboot {side}"),
            Action::Partition => f.write_str("partition the link"),
            Action::Heal => f.write_str("heal the link"),
            Action::Reconfigure => f.write_str("reconfigure A"),
            Action::Tamper(to, what) => write!(f, "a relay trims (to {to}): {what}"),
        }
    }
}

/// One level of the depth-first search: the action that led here and the successors still
/// to visit.
type Frame = (Option<Taken>, Vec<(Taken, World)>);

/// An action with what the nodes sent while taking it (for counterexamples).
#[derive(Clone, Debug)]
struct Taken {
    action: Action,
    sent: Vec<String>,
}

impl std::fmt::Display for Taken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.action)?;
        for sent in &self.sent {
            write!(f, "\n         {sent}")?;
        }
        Ok(())
    }
}

struct Scenario {
    name: String,
    configs: [Conf; 2],
    /// A's offers after `reconfigure`.
    reconfigured: HVec<Offer<M>, E>,
    seeds: [SimRng; 2],
    /// The two ends can agree on something: the run must end established together.
    compatible: bool,
    /// Check P3 without faults (not with equal node ids).
    fault_free_bound: bool,
    /// Check stability (a session both ends hold, with no fault since, never ends).
    stability: bool,
    bounds: Bounds,
}

#[derive(Debug, Default)]
struct Report {
    states: usize,
    transitions: usize,
    cut_by_queue: usize,
    terminal: usize,
    max_depth: usize,
}

enum Outcome {
    Exhausted(Report),
    Violated {
        violation: Violation,
        path: Vec<Taken>,
        report: Report,
    },
}

fn fingerprint(world: &World) -> u128 {
    let mut low = std::collections::hash_map::DefaultHasher::new();
    world.hash(&mut low);
    let mut high = std::collections::hash_map::DefaultHasher::new();
    0xA5u8.hash(&mut high);
    world.hash(&mut high);
    (u128::from(high.finish()) << 64) | u128::from(low.finish())
}

fn timers() -> Timers {
    Timers {
        rto_initial: 20,
        rto_max: 80,
        max_hello: 3,
        max_reply: 3,
        reprobe_initial: 1_000,
        reprobe_max: 2_000,
        reprobe_jitter_pct: 25,
        min_retry_after: 20,
    }
}

fn config(offers: &[(ExtensionId, &[(u8, u8)])]) -> Conf {
    let mut config = Conf::new(Binding::Sysex);
    config.timers = timers();
    for (ext, majors) in offers {
        config.offers.push(Offer::with(*ext, majors)).unwrap();
    }
    config.features.push(1).unwrap();
    config
}

/// The time after the last fault within which the ends must be established together: a
/// handshake that may be under way, a whole re-probe wait, and two more handshakes with
/// their delays (a simultaneous open can cost one).
fn convergence_time(t: &Timers, max_delay: u64) -> u64 {
    let sends = t.max_hello.max(t.max_reply);
    let handshake: u64 = (1..=sends).map(|k| u64::from(t.rto(k))).sum::<u64>() + 2 * max_delay;
    let reprobe = u64::from(t.reprobe_max) * (100 + u64::from(t.reprobe_jitter_pct)) / 100;
    3 * handshake + reprobe + 4 * max_delay
}

/// Sets bounds from `key=value` pairs: loss, dup, reboot, tamper, partition (0/1),
/// reconfigure (0/1), queue, delay (ms).
fn apply_bounds(b: &mut Bounds, text: &str) {
    for item in text.split(',').filter(|i| !i.is_empty()) {
        let (key, value) = item.split_once('=').expect("key=value");
        let n: u64 = value.parse().expect("a number");
        match key {
            "loss" => b.loss = n as u8,
            "dup" => b.duplicate = n as u8,
            "reboot" => b.reboots = n as u8,
            "tamper" => b.tamper = n as u8,
            "tamperhello" => b.tamper_hellos = n != 0,
            "partition" => b.partition = n != 0,
            "reconfigure" => b.reconfigure = n != 0,
            "queue" => b.queue = n as usize,
            "delay" => b.max_delay = n,
            other => panic!("unknown bound {other}"),
        }
    }
}

struct Explorer<'s> {
    scenario: &'s Scenario,
    visited: HashSet<u128>,
    report: Report,
    /// What `drain` saw being sent since the last transition was recorded.
    log: std::cell::RefCell<Vec<String>>,
}

impl<'s> Explorer<'s> {
    fn initial(&self) -> Result<World, Violation> {
        let s = self.scenario;
        let mut world = World {
            machines: [
                Mach::new(s.configs[0].clone()),
                Mach::new(s.configs[1].clone()),
            ],
            rngs: s.seeds.clone(),
            boots: [0, 0],
            net: Vec::new(),
            now: 0,
            loss: s.bounds.loss,
            duplicate: s.bounds.duplicate,
            reboots: s.bounds.reboots,
            partition: 0,
            reconfigure: u8::from(s.bounds.reconfigure),
            tamper: s.bounds.tamper,
            watch: Watch::new(),
            faulted: false,
            stable: false,
        };
        for side in [Side::A, Side::B] {
            let i = side.index();
            world.machines[i].start(Instant(0), &mut world.rngs[i]);
            self.drain(&mut world, side, false)?;
        }
        Ok(world)
    }

    /// Collects what `side` sent and raised, puts the bodies in flight and checks the
    /// properties. `Ok(false)`: the queue bound cut this path.
    fn drain(&self, world: &mut World, side: Side, timer: bool) -> Result<bool, Violation> {
        let i = side.index();
        let mut sent = Vec::new();
        let mut buf = [0u8; 512];
        while let Ok(Some(t)) = world.machines[i].poll_transmit(&mut buf) {
            sent.push(buf[..t.len].to_vec());
        }
        for body in &sent {
            self.log.borrow_mut().push(format!(
                "{side} sends {} at {} ms",
                describe(body),
                world.now
            ));
        }
        let mut events = Vec::new();
        while let Some(event) = world.machines[i].poll_event() {
            events.push(event);
        }
        let step = Step {
            side,
            now: world.now,
            timer,
            sent: &sent,
            events: &events,
        };
        world
            .watch
            .step(&step, [&world.machines[0], &world.machines[1]])?;
        let mut fits = true;
        if world.partition != 1 {
            for body in sent {
                if world.net.len() >= self.scenario.bounds.queue {
                    fits = false;
                    break;
                }
                world.net.push(Msg {
                    to: side.other(),
                    latest: world.now + self.scenario.bounds.max_delay,
                    body,
                });
            }
        }
        world.net.sort();
        Ok(fits)
    }

    /// P3 without faults applies when the node ids differ (a collision costs a restart):
    /// one handshake's sends and two delays.
    fn fast_bound(&self) -> Option<u64> {
        if self.scenario.fault_free_bound {
            let t = timers();
            let sends: u64 = (1..=t.max_hello).map(|k| u64::from(t.rto(k))).sum();
            Some(sends + 2 * self.scenario.bounds.max_delay)
        } else {
            None
        }
    }

    /// Delivers `msg` to its node (machine or gate, as a node runs it) and drains.
    fn deliver(&self, w: &mut World, msg: Msg) -> Result<bool, Violation> {
        let r = msg.to.index();
        let unit = msg.body.len() + 6;
        let received = node_receive(&mut w.machines[r], &mut w.rngs[r], w.now, &msg.body, unit);
        let mut fits = true;
        if let Received::AppRefused(Some(reply)) = received {
            if w.partition != 1 {
                fits = w.net.len() < self.scenario.bounds.queue;
                w.net.push(Msg {
                    to: msg.to.other(),
                    latest: w.now + self.scenario.bounds.max_delay,
                    body: reply,
                });
                w.net.sort();
            }
        }
        Ok(self.drain(w, msg.to, false)? && fits)
    }

    /// The end of a path, continued on a healed network: each established node's
    /// application sends its peer one message of each agreed extension (a node that holds no such session answers
    /// `0A`, MOX-NEG-083), everything is delivered in order, and timers run for the
    /// convergence time. Returns the world at the end.
    fn heal_and_talk(&self, world: &World) -> Result<World, Violation> {
        let mut w = world.clone();
        w.partition = 2;
        for side in [Side::A, Side::B] {
            for body in app_messages_of(&w.machines[side.index()]) {
                w.net.push(Msg {
                    to: side.other(),
                    latest: w.now,
                    body,
                });
            }
        }
        let end = w.now + convergence_time(&timers(), self.scenario.bounds.max_delay);
        let mut queue: std::collections::VecDeque<Msg> = w.net.drain(..).collect();
        for _ in 0..10_000 {
            if let Some(msg) = queue.pop_front() {
                if std::env::var_os("MOX_EXPLORE_DEBUG").is_some() {
                    eprintln!(
                        "  heal: {} ms deliver to {}: {}",
                        w.now,
                        msg.to,
                        describe(&msg.body)
                    );
                }
                self.deliver(&mut w, msg)?;
                queue.extend(w.net.drain(..));
                continue;
            }
            let next = [Side::A, Side::B]
                .into_iter()
                .filter_map(|s| w.machines[s.index()].poll_timeout().map(|d| (d.0, s)))
                .min();
            match next {
                Some((t, side)) if t <= end => {
                    w.now = w.now.max(t);
                    let i = side.index();
                    w.machines[i].handle_timeout(Instant(w.now), &mut w.rngs[i]);
                    self.drain(&mut w, side, true)?;
                    queue.extend(w.net.drain(..));
                }
                _ => break,
            }
        }
        Ok(w)
    }

    fn successors(&mut self, world: &World) -> Result<Vec<(Taken, World)>, (Taken, Violation)> {
        let b = self.scenario.bounds;
        let faults = world.now <= b.fault_horizon;
        let mut out = Vec::new();
        let fast = self.fast_bound();
        let mut push =
            |explorer: &mut Self, action: Action, next: Result<(World, bool), Violation>| {
                let taken = Taken {
                    action,
                    sent: explorer.log.take(),
                };
                let (mut w, fits) = match next {
                    Ok(next) => next,
                    Err(v) => return Err((taken, v)),
                };
                if !fits {
                    explorer.report.cut_by_queue += 1;
                    return Ok(());
                }
                let fault = !matches!(taken.action, Action::Deliver(..) | Action::Timer(..));
                let machines = [&w.machines[0], &w.machines[1]];
                let together = w.watch.together(machines);
                if together {
                    if let Err(v) = w.watch.validity(machines) {
                        return Err((taken, v));
                    }
                }
                if fault {
                    w.faulted = true;
                    w.stable = false;
                } else if w.stable && !together && explorer.scenario.stability {
                    return Err((taken, Violation::Unstable { now: w.now }));
                } else if together {
                    w.stable = true;
                }
                if let Some(bound) = fast {
                    if !w.faulted && w.now > bound && !together {
                        return Err((taken, Violation::SlowHandshake { now: w.now }));
                    }
                }
                out.push((taken, w));
                Ok(())
            };
        for (i, msg) in world.net.iter().enumerate() {
            if i > 0 && world.net[i - 1] == *msg {
                continue; // identical copies: one successor serves
            }
            let label = describe(&msg.body);
            // Deliver.
            let mut w = world.clone();
            let taken = w.net.remove(i);
            let next = self.deliver(&mut w, taken).map(|fits| (w, fits));
            push(self, Action::Deliver(msg.to, label.clone()), next)?;
            if faults && world.loss > 0 {
                let mut w = world.clone();
                w.net.remove(i);
                w.loss -= 1;
                push(self, Action::Lose(msg.to, label.clone()), Ok((w, true)))?;
            }
            if faults && world.duplicate > 0 && world.net.len() < b.queue {
                let mut w = world.clone();
                w.net.push(w.net[i].clone());
                w.net.sort();
                w.duplicate -= 1;
                push(
                    self,
                    Action::Duplicate(msg.to, label.clone()),
                    Ok((w, true)),
                )?;
            }
            if faults && world.tamper > 0 {
                for edit in [false, true] {
                    let hello = msg.body.get(5) == Some(&0x40);
                    if hello && !b.tamper_hellos {
                        continue;
                    }
                    if let Some(body) = tamper(&msg.body, edit) {
                        let mut w = world.clone();
                        w.net[i].body = body;
                        w.net.sort();
                        w.tamper -= 1;
                        w.watch.set_tampered();
                        push(self, Action::Tamper(msg.to, label.clone()), Ok((w, true)))?;
                    }
                }
            }
        }
        // Time: fire the earliest deadline, one machine at a time, unless a message must
        // be delivered (or lost) first, or the link is still partitioned past the faults.
        let deadlines: Vec<(u64, Side)> = [Side::A, Side::B]
            .into_iter()
            .filter_map(|s| world.machines[s.index()].poll_timeout().map(|d| (d.0, s)))
            .collect();
        if let Some(&(next, _)) = deadlines.iter().min() {
            let next = next.max(world.now);
            let blocked = world.net.iter().any(|m| m.latest < next)
                || (world.partition == 1 && next > b.fault_horizon);
            if next <= b.horizon && !blocked {
                for &(deadline, side) in &deadlines {
                    if deadline.max(world.now) != next {
                        continue;
                    }
                    let mut w = world.clone();
                    w.now = next;
                    let i = side.index();
                    w.machines[i].handle_timeout(Instant(next), &mut w.rngs[i]);
                    let r = self.drain(&mut w, side, true).map(|fits| (w, fits));
                    push(self, Action::Timer(side, next), r)?;
                }
            }
        }
        if faults {
            if world.reboots > 0 {
                for side in [Side::A, Side::B] {
                    let mut w = world.clone();
                    let i = side.index();
                    w.reboots -= 1;
                    w.boots[i] += 1;
                    w.machines[i] = Mach::new(self.scenario.configs[i].clone());
                    w.rngs[i] = SimRng::new(0xB007 + u64::from(w.boots[i]) * 7919 + i as u64);
                    w.watch.reboot(side);
                    w.machines[i].start(Instant(w.now), &mut w.rngs[i]);
                    let r = self.drain(&mut w, side, false).map(|fits| (w, fits));
                    push(self, Action::Reboot(side), r)?;
                }
            }
            if b.partition && world.partition == 0 {
                let mut w = world.clone();
                w.partition = 1;
                push(self, Action::Partition, Ok((w, true)))?;
            }
            if world.reconfigure > 0 {
                let mut w = world.clone();
                w.reconfigure -= 1;
                let offers = self.scenario.reconfigured.clone();
                let _ = w.machines[0].reconfigure(Instant(w.now), offers, &mut w.rngs[0]);
                let r = self.drain(&mut w, Side::A, false).map(|fits| (w, fits));
                push(self, Action::Reconfigure, r)?;
            }
        }
        if world.partition == 1 {
            let mut w = world.clone();
            w.partition = 2;
            push(self, Action::Heal, Ok((w, true)))?;
        }
        Ok(out)
    }

    /// The end of a path (nothing in flight, no deadline before the horizon): on a healed
    /// network, after one application message each way, the ends must be established
    /// together (P3), or, with nothing in common, neither may hold an agreement.
    fn check_terminal(&self, world: &World) -> Result<(), Violation> {
        let end = self.heal_and_talk(world)?;
        let machines = [&end.machines[0], &end.machines[1]];
        let any_deadline = machines.iter().any(|m| m.poll_timeout().is_some());
        if self.scenario.compatible {
            if end.watch.together(machines) {
                return Ok(());
            }
            if !any_deadline {
                return Err(Violation::Deadlock { now: end.now });
            }
            return Err(Violation::NotConverged {
                now: end.now,
                a: machines[0].state(),
                b: machines[1].state(),
            });
        }
        if machines
            .iter()
            .any(|m| m.agreement().is_some_and(|a| !a.extensions.is_empty()))
        {
            return Err(Violation::NotConverged {
                now: end.now,
                a: machines[0].state(),
                b: machines[1].state(),
            });
        }
        Ok(())
    }

    fn run(mut self) -> Outcome {
        let start = match self.initial() {
            Ok(w) => w,
            Err(violation) => {
                return Outcome::Violated {
                    violation,
                    path: Vec::new(),
                    report: self.report,
                }
            }
        };
        self.log.take();
        self.visited.insert(fingerprint(&start));
        self.report.states = 1;
        // Depth-first: the stack is the path to the current state.
        let mut stack: Vec<Frame> = Vec::new();
        let first = match self.successors(&start) {
            Ok(s) => s,
            Err((action, violation)) => {
                return Outcome::Violated {
                    violation,
                    path: vec![action],
                    report: self.report,
                }
            }
        };
        if first.is_empty() {
            if let Err(violation) = self.check_terminal(&start) {
                return Outcome::Violated {
                    violation,
                    path: Vec::new(),
                    report: self.report,
                };
            }
        }
        stack.push((None, first));
        while let Some((_, pending)) = stack.last_mut() {
            let Some((action, world)) = pending.pop() else {
                stack.pop();
                continue;
            };
            self.report.transitions += 1;
            if !self.visited.insert(fingerprint(&world)) {
                continue;
            }
            self.report.states += 1;
            if self.report.states > self.scenario.bounds.max_states {
                break;
            }
            let path = || {
                stack
                    .iter()
                    .filter_map(|(a, _)| a.clone())
                    .chain(std::iter::once(action.clone()))
                    .collect::<Vec<_>>()
            };
            match self.successors(&world) {
                Ok(next) if next.is_empty() => {
                    self.report.terminal += 1;
                    if let Err(violation) = self.check_terminal(&world) {
                        return Outcome::Violated {
                            violation,
                            path: path(),
                            report: self.report,
                        };
                    }
                }
                Ok(next) => {
                    stack.push((Some(action), next));
                    self.report.max_depth = self.report.max_depth.max(stack.len());
                }
                Err((last, violation)) => {
                    let mut p = path();
                    p.push(last);
                    return Outcome::Violated {
                        violation,
                        path: p,
                        report: self.report,
                    };
                }
            }
        }
        Outcome::Exhausted(self.report)
    }
}

/// A relay's edit, keeping the body well formed and its CRC right: drop the last offer of a
/// hello or the last agreed entry of a reply (a downgrade), or (`edit`) raise the major of a
/// reply's first agreed entry by one (a changed selection).
fn tamper(body: &[u8], edit: bool) -> Option<Vec<u8>> {
    let parsed = Body::parse(body, &CodecLimits::DEFAULT).ok()?;
    let header = *parsed.header();
    if header.extension != ExtensionId::CORE {
        return None;
    }
    let target = match (header.msg_type, edit) {
        (0x40, false) => 1, // offer
        (0x41, _) => 3,     // agreed
        _ => return None,
    };
    let fields: Vec<(FieldId, Vec<u8>)> = parsed
        .fields()
        .map(|f| (f.id(), f.value().to_vec()))
        .collect();
    let mut kept = fields.clone();
    if edit {
        let at = kept.iter().position(|(id, _)| id.number() == target)?;
        let value = &mut kept[at].1;
        // An agreed entry: owner (1 or 3 bytes), number varint, major, minor.
        let owner = if *value.first()? == 0 { 3 } else { 1 };
        let (_, number) = mox_codec::envelope::varint::decode(value.get(owner..)?).ok()?;
        let major = value.get_mut(owner + number)?;
        *major = (*major + 1) & 0x7F;
    } else {
        let at = kept.iter().rposition(|(id, _)| id.number() == target)?;
        kept.remove(at);
    }
    let mut out = [0u8; 512];
    let len = encode_body(
        &header,
        kept.iter().map(|(id, v)| (*id, v.as_slice())),
        &mut out,
    )
    .ok()?;
    Some(out[..len].to_vec())
}

fn scenario(
    name: String,
    a: Conf,
    b: Conf,
    seeds: [SimRng; 2],
    compatible: bool,
    bounds: Bounds,
) -> Scenario {
    let mut reconfigured = HVec::new();
    // A drops mox.grid and keeps mox.fader 1: a renegotiation that drops an agreed
    // extension when grid was agreed (row 27), hitless otherwise (row 26).
    reconfigured.push(Offer::with(FADER, &[(1, 2)])).unwrap();
    Scenario {
        name,
        configs: [a, b],
        reconfigured,
        fault_free_bound: compatible,
        stability: true,
        seeds,
        compatible,
        bounds,
    }
}

fn compatible_configs() -> (Conf, Conf) {
    (
        config(&[(FADER, &[(2, 0), (1, 3)]), (GRID, &[(1, 0)])]),
        config(&[(FADER, &[(1, 2)]), (GRID, &[(1, 1)])]),
    )
}

fn explore(scenario: &Scenario) -> Outcome {
    Explorer {
        scenario,
        visited: HashSet::new(),
        report: Report::default(),
        log: std::cell::RefCell::new(Vec::new()),
    }
    .run()
}

fn print_outcome(scenario: &Scenario, outcome: &Outcome) {
    let b = scenario.bounds;
    let bounds = format!(
        "queue {} loss {} dup {} reboot {} partition {} reconfigure {} tamper {} delay ≤{} ms faults ≤{} ms horizon {} ms",
        b.queue, b.loss, b.duplicate, b.reboots, b.partition, b.reconfigure, b.tamper, b.max_delay, b.fault_horizon, b.horizon
    );
    match outcome {
        Outcome::Exhausted(r) if r.states > b.max_states => println!(
            "{}: NOT exhausted: stopped at the cap of {} states [{bounds}]",
            scenario.name, b.max_states
        ),
        Outcome::Exhausted(r) => println!(
            "{}: exhausted: {} states, {} transitions, {} terminal, depth {}, {} paths cut by the queue bound [{bounds}]",
            scenario.name, r.states, r.transitions, r.terminal, r.max_depth, r.cut_by_queue
        ),
        Outcome::Violated { violation, path, report } => {
            println!(
                "{}: VIOLATION after {} states: {violation} [{bounds}]",
                scenario.name, report.states
            );
            for (i, action) in path.iter().enumerate() {
                println!("  {i:>3}. {action}");
            }
        }
    }
}

/// Seed pairs: A's node id below B's, above B's, and equal (a collision: both streams are
/// forced to the same first draw, the node id, and differ afterwards).
fn seeds(order: Order) -> [SimRng; 2] {
    match order {
        Order::ABelow => [SimRng::new(1), SimRng::new(2)],
        Order::AAbove => [SimRng::new(2), SimRng::new(1)],
        Order::Equal => [
            SimRng::with_first(5, 0x0123_4567),
            SimRng::with_first(6, 0x0123_4567),
        ],
    }
}

#[derive(Clone, Copy, Debug)]
enum Order {
    ABelow,
    AAbove,
    Equal,
}

/// One exhaustive run: the offers, the id order and which faults, with their budgets.
struct Family {
    name: &'static str,
    compatible: bool,
    order: Order,
    /// `MOX_EXPLORE_BOUNDS` syntax; every fault not named is off.
    faults: &'static str,
    /// Check stability; off only where the spec itself ends a good session: a collision,
    /// where both holders of the id draw new ones (MOX-NEG-102), so a stale message from the
    /// shared id ends a session formed in between.
    stability: bool,
}

/// The bounds CI explores to exhaustion (release, two threads; see docs/negotiation.md for
/// the figures). Each family turns on a few faults, so that every fault is explored against
/// every other at least in pairs while the state space stays in the millions.
const CI_FAMILIES: &[Family] = &[
    Family {
        name: "loss and duplication",
        compatible: true,
        order: Order::ABelow,
        faults: "loss=2,dup=1",
        stability: true,
    },
    Family {
        name: "loss and duplication",
        compatible: true,
        order: Order::AAbove,
        faults: "loss=2,dup=1",
        stability: true,
    },
    Family {
        name: "reboot under loss",
        compatible: true,
        order: Order::ABelow,
        faults: "loss=1,reboot=1",
        stability: true,
    },
    Family {
        name: "reboot under loss",
        compatible: true,
        order: Order::AAbove,
        faults: "loss=1,reboot=1",
        stability: true,
    },
    Family {
        name: "partition and reconfigure",
        compatible: true,
        order: Order::ABelow,
        faults: "loss=1,partition=1,reconfigure=1",
        stability: true,
    },
    Family {
        name: "tampering relay",
        compatible: true,
        order: Order::ABelow,
        faults: "loss=1,tamper=1",
        stability: true,
    },
    Family {
        name: "tampering relay on replies",
        compatible: true,
        order: Order::AAbove,
        faults: "loss=1,tamper=1,tamperhello=0",
        stability: true,
    },
    Family {
        name: "node-id collision under loss",
        compatible: true,
        order: Order::Equal,
        faults: "loss=1",
        stability: false,
    },
    Family {
        name: "disjoint offers",
        compatible: false,
        order: Order::ABelow,
        faults: "loss=1,dup=1",
        stability: true,
    },
    Family {
        name: "disjoint offers",
        compatible: false,
        order: Order::AAbove,
        faults: "loss=1,dup=1",
        stability: true,
    },
];

/// Wider families than CI can afford (`MOX_EXPLORE_WIDE=1`, scripts/explore.sh): about 14
/// million states, 10 minutes on two cores.
const WIDE_FAMILIES: &[Family] = &[
    Family {
        name: "tampering relay and reconfigure",
        compatible: true,
        order: Order::AAbove,
        faults: "loss=1,tamper=1,reconfigure=1",
        stability: true,
    },
    Family {
        name: "disjoint offers under reboot",
        compatible: false,
        order: Order::ABelow,
        faults: "loss=1,dup=1,reboot=1",
        stability: true,
    },
    Family {
        name: "disjoint offers under reboot",
        compatible: false,
        order: Order::AAbove,
        faults: "loss=1,dup=1,reboot=1",
        stability: true,
    },
    Family {
        name: "loss, duplication and reboot",
        compatible: true,
        order: Order::ABelow,
        faults: "loss=1,dup=1,reboot=1",
        stability: true,
    },
];

fn family_bounds(faults: &str, max_states: usize) -> Bounds {
    let mut b = Bounds {
        queue: 4,
        loss: 0,
        duplicate: 0,
        reboots: 0,
        partition: false,
        reconfigure: false,
        tamper: 0,
        tamper_hellos: true,
        max_delay: 30,
        fault_horizon: fault_horizon(),
        horizon: 0,
        max_states,
    };
    apply_bounds(&mut b, faults);
    if let Ok(text) = std::env::var("MOX_EXPLORE_BOUNDS") {
        apply_bounds(&mut b, &text);
    }
    b.horizon = b.fault_horizon + convergence_time(&timers(), b.max_delay);
    b
}

fn family_scenario(f: &Family, max_states: usize) -> Scenario {
    let (a, b) = if f.compatible {
        compatible_configs()
    } else {
        (config(&[(FADER, &[(2, 0)])]), config(&[(FADER, &[(1, 0)])]))
    };
    let name = format!("{} ({:?}, {})", f.name, f.order, f.faults);
    let mut s = scenario(
        name,
        a,
        b,
        seeds(f.order),
        f.compatible,
        family_bounds(f.faults, max_states),
    );
    s.fault_free_bound = f.compatible && !matches!(f.order, Order::Equal);
    s.stability = f.stability;
    s
}

/// Runs scenarios on two threads (CI has two cores), in order, and returns their outcomes.
fn explore_all(scenarios: &[Scenario]) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(scenario) = scenarios.get(i) else {
                    break;
                };
                let outcome = explore(scenario);
                print_outcome(scenario, &outcome);
                results.lock().unwrap().push((i, outcome));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, o)| o).collect()
}

fn fault_horizon() -> u64 {
    std::env::var("MOX_EXPLORE_FAULT_HORIZON_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// States one scenario may visit before the run fails as not exhausted.
const MAX_STATES: usize = 30_000_000;

/// P1–P6 hold in every state reachable within the CI bounds, and every bound is exhausted.
#[test]
fn every_property_holds_within_the_ci_bounds() {
    let wide = std::env::var_os("MOX_EXPLORE_WIDE").is_some();
    let families = CI_FAMILIES
        .iter()
        .chain(WIDE_FAMILIES.iter().filter(|_| wide));
    let scenarios: Vec<Scenario> = families.map(|f| family_scenario(f, MAX_STATES)).collect();
    let outcomes = explore_all(&scenarios);
    let mut total = 0;
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        match outcome {
            Outcome::Exhausted(report) => {
                assert!(
                    report.states <= scenario.bounds.max_states,
                    "{}: not exhausted within {} states",
                    scenario.name,
                    scenario.bounds.max_states
                );
                total += report.states;
            }
            Outcome::Violated { violation, .. } => panic!("{}: {violation}", scenario.name),
        }
    }
    println!("total: {total} states explored to exhaustion");
}

/// The checker's teeth: each planted bug is found within the same kind of bounds.
#[test]
fn every_planted_bug_is_caught() {
    let (a, b) = compatible_configs();
    // Plant 6 (`SkipNonceEcho`) is not listed: the hello digest covers the hello's nonce, so
    // a reply to another hello is refused as `R-dig` whether or not the echo is checked, and
    // no property can tell the plant from the correct machine (explored to 2.3 million states
    // with loss, duplication and reboot, and with reconfigure). The echo check stays in the
    // spec as the cheap, first test (§8.7.2 classifies `R-stale` before `R-dig`).
    let plants: &[(Plant, Side, &str)] = &[
        (Plant::OwnHighestMajor, Side::B, "loss=1"),
        (Plant::SkipReplyValidation, Side::A, "loss=1"),
        (Plant::ForgetRetryLimit, Side::A, "loss=1,partition=1"),
        (Plant::InvertTieBreak, Side::A, "loss=1"),
        (
            Plant::SkipConfirmDigest,
            Side::B,
            "loss=1,tamper=1,tamperhello=0",
        ),
        (Plant::SkipGoodbyeSession, Side::A, "dup=1,reboot=1"),
        (Plant::UnconfirmedHelloReplaces, Side::B, "dup=1"),
        (Plant::NoDuplicateRateLimit, Side::B, "loss=1,dup=2"),
        (Plant::GreaseSelectable, Side::B, "loss=1"),
    ];
    // MOX_EXPLORE_PLANT=Name runs one plant (for investigating).
    let only = std::env::var("MOX_EXPLORE_PLANT").ok();
    let plants: Vec<_> = plants
        .iter()
        .filter(|(p, _, _)| only.as_ref().is_none_or(|o| format!("{p:?}") == *o))
        .copied()
        .collect();
    let mut scenarios = Vec::new();
    for &(plant, side, faults) in &plants {
        for order in [Order::ABelow, Order::AAbove] {
            let mut configs = [a.clone(), b.clone()];
            if matches!(
                plant,
                Plant::OwnHighestMajor | Plant::GreaseSelectable | Plant::SkipReplyValidation
            ) {
                // A responder that has something better than what was offered.
                configs[1] = config(&[(FADER, &[(3, 0), (1, 2)]), (GRID, &[(1, 1)])]);
            }
            if plant == Plant::SkipReplyValidation {
                // Reply validation matters when a responder selects what was not offered:
                // alone, that responder is caught by P3 (the initiator refuses it); with an
                // initiator that skips validation, P2 must catch the pair.
                configs[1].plant = Plant::OwnHighestMajor;
            }
            configs[side.index()].plant = plant;
            let [ca, cb] = configs;
            let name = format!("plant {plant:?} on {side} ({order:?}, {faults})");
            scenarios.push(scenario(
                name,
                ca,
                cb,
                seeds(order),
                true,
                family_bounds(faults, 3_000_000),
            ));
        }
    }
    // The control: the same scenarios without the plant must hold every property, so that
    // each catch is the plant's and not a finding of the correct machine.
    let controls: Vec<Scenario> = scenarios
        .iter()
        .map(|s| {
            let mut configs = s.configs.clone();
            configs[0].plant = Plant::None;
            configs[1].plant = Plant::None;
            let [ca, cb] = configs;
            let mut control = scenario(
                format!("control of {}", s.name),
                ca,
                cb,
                s.seeds.clone(),
                true,
                s.bounds,
            );
            control.bounds.max_states = MAX_STATES;
            control
        })
        .collect();
    for (control, outcome) in controls.iter().zip(explore_all(&controls)) {
        assert!(
            matches!(outcome, Outcome::Exhausted(_)),
            "{}: the correct machine violates a property under these bounds",
            control.name
        );
    }
    let outcomes = explore_all(&scenarios);
    let mut missed = Vec::new();
    for (i, &(plant, _, _)) in plants.iter().enumerate() {
        let caught = outcomes[2 * i..2 * i + 2]
            .iter()
            .any(|o| matches!(o, Outcome::Violated { .. }));
        if !caught {
            missed.push(plant);
        }
    }
    assert!(missed.is_empty(), "planted bugs not caught: {missed:?}");
}
