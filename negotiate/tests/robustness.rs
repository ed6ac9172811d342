//! No panic on any input, bounded output per input, timer sanity (design §7 properties 5
//! and 6, on one machine with random inputs; two machines are explored in `tests/explore.rs`
//! and `tests/schedules.rs`).
mod common;
use common::*;
use mox_negotiate::{Gate, Instant, State};
use rand_core::Rng;

/// Bodies from a real exchange and crafted ones, each also without its CRC (`K=0`) so that
/// mutations reach the field parsers.
fn pool() -> Vec<Vec<u8>> {
    let (mut a, mut ra, mut b, mut rb) = established_pair();
    let mut bodies = Vec::new();
    a.reconfigure(t(1), config_a().offers, &mut ra).unwrap();
    for (_, body) in drain(&mut a) {
        b.handle_body(t(2), &body, body.len() + 6, &mut rb).unwrap();
        bodies.push(body);
    }
    for (_, body) in drain(&mut b) {
        a.handle_body(t(3), &body, body.len() + 6, &mut ra).unwrap();
        bodies.push(body);
    }
    bodies.extend(drain(&mut a).into_iter().map(|(_, b)| b));
    a.close(t(4));
    bodies.extend(drain(&mut a).into_iter().map(|(_, b)| b));
    bodies.push(error(
        0x42,
        0x0123_4567,
        0x43,
        &[0x7E, 0x00],
        1,
        0x40,
        Some(300),
    ));
    bodies.push(error(0x42, 0x0123_4567, 0x0A, &[0x7E, 0x01], 1, 0x01, None));
    bodies.push(goodbye(0x42, 0x0FFF_FFFF, 1, 0));
    let unchecked: Vec<Vec<u8>> = bodies
        .iter()
        .map(|b| {
            let mut u = b[..b.len() - 2].to_vec();
            u[0] &= !1;
            u
        })
        .collect();
    bodies.extend(unchecked);
    bodies
}

#[test]
fn random_inputs_never_panic_and_stay_bounded() {
    let pool = pool();
    let mut r = Lcg(0xC0FFEE);
    for round in 0..40 {
        let mut config = if round % 2 == 0 {
            config_a()
        } else {
            config_b()
        };
        config.timers.reprobe_initial = if round % 3 == 0 { 0 } else { 1000 };
        config.timers.reprobe_max = 4000;
        let mut m = M4::try_new(config).unwrap();
        let mut rng = Lcg(round);
        let mut now = 0u64;
        let mut buf = [0u8; 512];
        for _ in 0..2000 {
            let action = r.next_u32() % 16;
            match action {
                0 => m.start(Instant(now), &mut rng),
                1 if r.next_u32() % 8 == 0 => m.close(Instant(now)),
                2 => {
                    let _ = m.reconfigure(Instant(now), config_a().offers, &mut rng);
                }
                3..=5 => {
                    // Forward, backward, or to the deadline.
                    now = match r.next_u32() % 3 {
                        0 => now + u64::from(r.next_u32() % 5000),
                        1 => now.saturating_sub(100),
                        _ => m.poll_timeout().map_or(now, |d| d.0.max(now)),
                    };
                    m.handle_timeout(Instant(now), &mut rng);
                }
                _ => {
                    let mut body = pool[(r.next_u32() as usize) % pool.len()].clone();
                    for _ in 0..(r.next_u32() % 4) {
                        let at = (r.next_u32() as usize) % body.len();
                        body[at] = (r.next_u32() & 0x7F) as u8;
                    }
                    if r.next_u32() % 8 == 0 {
                        body.truncate((r.next_u32() as usize) % (body.len() + 1));
                    }
                    if r.next_u32() % 4 == 0 && body.len() > 14 {
                        // From or to this machine: collisions, echoes, addressed errors.
                        let id = mox_codec::envelope::node_id_bytes(m.node_id().unwrap_or(0));
                        let at = if r.next_u32() % 2 == 0 { 6 } else { 10 };
                        body[at..at + 4].copy_from_slice(&id);
                    }
                    let _ = m.handle_body(Instant(now), &body, body.len() + 6, &mut rng);
                }
            }
            let mut sent = 0;
            while let Ok(Some(_)) = m.poll_transmit(&mut buf) {
                sent += 1;
            }
            assert!(sent <= 2, "{sent} bodies for one input");
            let mut events = 0;
            while m.poll_event().is_some() {
                events += 1;
            }
            assert!(events <= 2);
            if let Some(deadline) = m.poll_timeout() {
                assert!(deadline.0 >= now, "deadline {deadline:?} before {now}");
                assert!(
                    !matches!(m.state(), State::Idle | State::Closed),
                    "a deadline in {:?}",
                    m.state()
                );
            }
        }
    }
}

#[test]
fn mox_neg_080_081_gate() {
    let fader = FADER;
    let (a, _, _, _) = established_pair();
    assert_eq!(a.gate(None, fader, 9), Gate::Accept, "A=0 is never gated");
    assert_eq!(a.gate(Some(0x42), fader, 1), Gate::Accept);
    assert_eq!(a.gate(Some(0x42), fader, 2), Gate::NotNegotiated);
    assert_eq!(a.gate(Some(0x99), fader, 1), Gate::NotNegotiated);
    assert_eq!(
        a.gate(Some(0x99), mox_codec::envelope::ExtensionId::CORE, 1),
        Gate::Accept
    );
    let mut p = M4::try_new(config_a()).unwrap();
    p.start(t(100), &mut Script::then_lcg(&A_DRAWS, 1));
    assert_eq!(
        p.gate(Some(0x42), fader, 1),
        Gate::NotReady { retry_after: 250 }
    );
}
