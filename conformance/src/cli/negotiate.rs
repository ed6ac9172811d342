//! `mox negotiate --simulate`: two `mox-negotiate` machines over a simulated lossy link,
//! printed as a timeline (spec chapter 8), so a vendor can see what the handshake does under
//! loss, duplication, delay, a partition or a reboot. Everything comes from one seed: the
//! same arguments print the same timeline.
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use mox_codec::envelope::{ExtensionId, Owner};
use mox_negotiate::heapless::Vec as HVec;
use mox_negotiate::sim::{Impairment, Simulation};
use mox_negotiate::{Binding, Config, Offer, Timers};

use super::CliError;

/// Capacities of the simulated machines: extensions, majors per extension, features.
type SimConfig = Config<8, 8, 8>;

#[derive(Args, Debug)]
pub(crate) struct NegotiateArgs {
    /// Run two machines over a simulated link and print the exchange as a timeline
    /// (the only mode so far).
    #[arg(long)]
    simulate: bool,
    /// Seed of every random choice (node ids, nonces, GREASE, jitter, the link's fate).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Percent of bodies the link loses.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    loss: u8,
    /// Percent of bodies the link delivers twice.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    duplicate: u8,
    /// One-way delay in ms, `MIN-MAX` (uniform; a wide range reorders).
    #[arg(long, default_value = "5-5", value_parser = parse_range)]
    delay: (u64, u64),
    /// The link is down (everything sent is lost) from `FROM` to `TO` ms: `FROM-TO`.
    #[arg(long, value_parser = parse_range)]
    partition: Option<(u64, u64)>,
    /// Node A reboots (new node id) at this time, ms.
    #[arg(long)]
    reboot_a: Option<u64>,
    /// Node B reboots at this time, ms.
    #[arg(long)]
    reboot_b: Option<u64>,
    /// From this time on the link is perfect (no loss, no duplicates, the shortest delay),
    /// ms: the network heals and the two ends must converge.
    #[arg(long)]
    heal_at: Option<u64>,
    /// Each established node's application sends one message of each agreed extension to
    /// its peer every this many ms (0: none). A peer that holds no such session answers
    /// `0A not-negotiated`, which is how a half-open session is found (MOX-NEG-083).
    #[arg(long, default_value_t = 0)]
    app_every: u64,
    /// Simulated time to run, ms.
    #[arg(long, default_value_t = 20_000)]
    duration: u64,
    /// What A offers: `EXT=MAJOR.MINOR,…` in preference order, repeatable. `EXT` is `fader`,
    /// `grid` or an id in hex as on the wire (`7E01`, `00214D05`).
    #[arg(long = "a", value_name = "OFFER", default_values_t = ["fader=2.0,1.3".to_owned(), "grid=1.0".to_owned()])]
    a_offers: Vec<String>,
    /// What B offers (same form).
    #[arg(long = "b", value_name = "OFFER", default_values_t = ["fader=1.3".to_owned(), "grid=1.0".to_owned()])]
    b_offers: Vec<String>,
    /// B only answers (answer-only, MOX-NEG-114).
    #[arg(long)]
    b_answer_only: bool,
    /// The binding (sets the size floors).
    #[arg(long, value_enum, default_value_t = BindingArg::Sysex)]
    binding: BindingArg,
    /// Timers: the spec's defaults, or fast ones (rto 20 ms, re-probe 1 s) for short runs.
    #[arg(long, value_enum, default_value_t = TimersArg::Default)]
    timers: TimersArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum BindingArg {
    Sysex,
    Osc,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TimersArg {
    /// rto 250 ms doubling to 4 s, 4 sends, re-probe 10 s doubling to 300 s, ±25 %.
    Default,
    /// rto 20 ms doubling to 160 ms, 4 sends, re-probe 1 s doubling to 4 s, ±25 %.
    Fast,
}

fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let (from, to) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?} is not FROM-TO"))?;
    let from: u64 = from.trim().parse().map_err(|e| format!("{from:?}: {e}"))?;
    let to: u64 = to.trim().parse().map_err(|e| format!("{to:?}: {e}"))?;
    if to < from {
        return Err(format!("{text:?}: the end is before the start"));
    }
    Ok((from, to))
}

fn ext(name: &str) -> Result<ExtensionId, CliError> {
    match name {
        "fader" => return Ok(ExtensionId::new(Owner::MOX, 1)),
        "grid" => return Ok(ExtensionId::new(Owner::MOX, 2)),
        _ => {}
    }
    let bytes = crate::input::parse_hex(name).map_err(CliError::Usage)?;
    let (owner, used) = match bytes.as_slice() {
        [0, a, b, ..] => (Owner::ThreeByte(*a, *b), 3),
        [o, ..] if *o < 0x80 => (Owner::OneByte(*o), 1),
        _ => return Err(CliError::Usage(format!("{name:?} is not an extension id"))),
    };
    match mox_codec::envelope::varint::decode(&bytes[used..]) {
        Ok((number, len)) if used + len == bytes.len() => Ok(ExtensionId::new(owner, number)),
        _ => Err(CliError::Usage(format!("{name:?} is not an extension id"))),
    }
}

fn offer(text: &str) -> Result<Offer<8>, CliError> {
    let usage = || CliError::Usage(format!("{text:?} is not EXT=MAJOR.MINOR,…"));
    let (name, versions) = text.split_once('=').ok_or_else(usage)?;
    let mut offer = Offer::new(ext(name.trim())?);
    for version in versions.split(',') {
        let (major, minor) = version.trim().split_once('.').ok_or_else(usage)?;
        let major: u8 = major.parse().map_err(|_| usage())?;
        let minor: u8 = minor.parse().map_err(|_| usage())?;
        offer
            .majors
            .push((major, minor))
            .map_err(|_| CliError::Usage("at most 8 majors per extension".into()))?;
    }
    Ok(offer)
}

fn config(offers: &[String], args: &NegotiateArgs) -> Result<SimConfig, CliError> {
    let mut config = SimConfig::new(match args.binding {
        BindingArg::Sysex => Binding::Sysex,
        BindingArg::Osc => Binding::Osc,
    });
    let mut list = HVec::new();
    for text in offers {
        list.push(offer(text)?)
            .map_err(|_| CliError::Usage("at most 8 extensions".into()))?;
    }
    config.offers = list;
    let _ = config.features.push(1);
    config.timers = match args.timers {
        TimersArg::Default => Timers::DEFAULT,
        TimersArg::Fast => Timers {
            rto_initial: 20,
            rto_max: 160,
            reprobe_initial: 1_000,
            reprobe_max: 4_000,
            ..Timers::DEFAULT
        },
    };
    config
        .check()
        .map_err(|e| CliError::Usage(format!("configuration: {e}")))?;
    Ok(config)
}

pub(crate) fn run(args: NegotiateArgs) -> Result<ExitCode, CliError> {
    if !args.simulate {
        return Err(CliError::Usage(
            "mox negotiate --simulate [options] (see --help)".into(),
        ));
    }
    let a = config(&args.a_offers, &args)?;
    let mut b = config(&args.b_offers, &args)?;
    b.initiate = !args.b_answer_only;
    let impairment = Impairment {
        loss_pct: args.loss,
        duplicate_pct: args.duplicate,
        delay_min_ms: args.delay.0.try_into().unwrap_or(u32::MAX),
        delay_max_ms: args.delay.1.try_into().unwrap_or(u32::MAX),
        partition: args.partition,
        reboot_a_at: args.reboot_a,
        reboot_b_at: args.reboot_b,
        faults_until: args.heal_at,
    };
    println!(
        "seed {}  loss {} %  duplicate {} %  delay {}-{} ms{}{}{}  {:?} timers, {:?}",
        args.seed,
        args.loss,
        args.duplicate,
        args.delay.0,
        args.delay.1,
        args.partition
            .map(|(f, t)| format!("  partition {f}-{t} ms"))
            .unwrap_or_default(),
        args.reboot_a
            .map(|t| format!("  A reboots at {t} ms"))
            .unwrap_or_default(),
        args.reboot_b
            .map(|t| format!("  B reboots at {t} ms"))
            .unwrap_or_default(),
        args.timers,
        args.binding,
    );
    println!("A offers {}", args.a_offers.join("  "));
    println!(
        "B offers {}{}",
        args.b_offers.join("  "),
        if args.b_answer_only {
            "  (answer-only)"
        } else {
            ""
        }
    );
    println!();
    let mut sim = Simulation::new(a, b, args.seed, impairment).with_app_traffic(args.app_every);
    let result = sim.run(args.duration);
    for entry in sim.timeline() {
        println!("{entry}");
    }
    println!();
    if let Err(violation) = result {
        return Err(CliError::CheckFailed(format!(
            "a property of spec chapter 8 broke: {violation}"
        )));
    }
    let side = |s| sim.machine(s);
    use mox_negotiate::sim::Side;
    if sim.established_together() {
        let agreement = side(Side::A).agreement();
        let list: Vec<String> = agreement
            .map(|a| {
                a.extensions
                    .iter()
                    .map(|x| format!("{} major {}", mox_negotiate::sim::ext_name(&x.ext), x.major))
                    .collect()
            })
            .unwrap_or_default();
        println!(
            "result at {} ms: established together; agreed {}",
            args.duration,
            if list.is_empty() {
                "nothing".to_owned()
            } else {
                list.join(", ")
            }
        );
    } else {
        println!(
            "result at {} ms: not established together (A {:?}, B {:?}): both speak plain MIDI/OSC until a handshake completes",
            args.duration,
            side(Side::A).state(),
            side(Side::B).state()
        );
    }
    Ok(ExitCode::SUCCESS)
}
