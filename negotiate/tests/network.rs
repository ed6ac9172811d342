//! Two machines over a tiny lossless in-test network, and the memory bound.
mod common;
use common::*;
use mox_negotiate::{Event, Role, State};

#[test]
fn size_of_machine_4_4_4_is_at_most_1024() {
    let size = core::mem::size_of::<M4>();
    println!("size_of::<Machine<4, 4, 4>>() = {size}");
    assert!(size <= 1024, "{size}");
}

/// Both machines initiate (a simultaneous open): the lower id yields, exactly one handshake
/// completes, and both agree. Time advances to each deadline in turn.
#[test]
fn two_initiators_establish_and_agree() {
    let mut config_b = config_b();
    config_b.initiate = true;
    let mut a = M4::try_new(config_a()).unwrap();
    let mut b = M4::try_new(config_b).unwrap();
    let (mut ra, mut rb) = (Lcg(1), Lcg(2));
    a.start(t(0), &mut ra);
    b.start(t(0), &mut rb);
    let mut now = 0;
    let mut established = (Vec::new(), Vec::new());
    for _ in 0..50 {
        link(&mut a, &mut ra, &mut b, &mut rb, now);
        established.0.extend(events(&mut a));
        established.1.extend(events(&mut b));
        let next = [a.poll_timeout(), b.poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(deadline) => {
                now = deadline.0;
                a.handle_timeout(deadline, &mut ra);
                b.handle_timeout(deadline, &mut rb);
            }
            None => break,
        }
    }
    assert_eq!(a.state(), State::Established);
    assert_eq!(b.state(), State::Established);
    let roles: Vec<_> = [&established.0, &established.1]
        .iter()
        .map(|ev| match ev.as_slice() {
            [Event::Established { role, session, .. }] => (*role, *session),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(roles[0].1, roles[1].1, "one session");
    assert_ne!(roles[0].0, roles[1].0);
    let winner_is_a = a.node_id() > b.node_id();
    assert_eq!(
        roles[0].0 == Role::Initiator,
        winner_is_a,
        "the higher id's hello wins"
    );
    assert_eq!(a.agreement(), b.agreement());
    let agreement = a.agreement().unwrap();
    assert_eq!(agreement.major(&FADER), Some(1));
    assert_eq!(agreement.major(&GRID), Some(1));
    assert_eq!(a.peer_limits().max_size, 256);
    assert_eq!(b.peer_limits().max_size, 512);
}

#[test]
fn too_small_buffer_keeps_the_entry() {
    let mut a = M4::try_new(config_a()).unwrap();
    let mut rng = Script::new(&A_DRAWS);
    a.start(t(0), &mut rng);
    let mut small = [0u8; 10];
    assert_eq!(
        a.poll_transmit(&mut small),
        Err(mox_negotiate::TransmitError::BufferTooSmall { needed: 67 })
    );
    let mut buf = [0u8; 67];
    let sent = a.poll_transmit(&mut buf).unwrap().unwrap();
    assert_eq!((sent.len, sent.dst), (67, 0x0FFF_FFFF));
    assert_eq!(a.poll_transmit(&mut buf), Ok(None));
}
