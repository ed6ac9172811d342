//! Design §2, byte-exact: A's hello, B's reply, A's confirm, from scripted draws.
mod common;
use common::*;
use mox_negotiate::{Event, Role, State};

const HELLO: &str = "F0 7D 4D 4F 58 03 7E 00 01 00 40 67 0A 0D 09 7F 7F 7F 7F 00 04 43 65 06 05 38 01 55 08 08 7E 01 02 00 17 00 01 03 08 04 7E 02 01 00 08 04 7E 17 27 00 18 04 00 04 00 00 20 03 00 08 00 28 01 04 30 04 01 00 07 02 3E 48 F7";
const REPLY: &str = "F0 7D 4D 4F 58 03 7E 00 01 00 41 42 00 00 00 67 0A 0D 09 00 04 2F 3C 74 02 08 04 43 65 06 05 10 02 2E 60 18 04 7E 01 01 03 18 04 7E 02 01 00 20 04 00 02 00 00 28 03 00 00 00 30 01 00 40 01 02 01 00 7C 02 00 40 72 F7";
const CONFIRM: &str = "F0 7D 4D 4F 58 03 7E 00 01 00 03 67 0A 0D 09 42 00 00 00 00 04 2F 3C 74 02 08 02 00 56 7E 00 F7";

#[test]
fn initiator_side_of_the_worked_example() {
    let mut rng = Script::new(&A_DRAWS);
    let mut a = M4::try_new(config_a()).unwrap();
    a.start(t(0), &mut rng);
    assert_eq!(a.node_id(), Some(0x0123_4567));
    let out = drain(&mut a);
    assert_eq!(out, vec![(0x0FFF_FFFF, sysex_body(&hex(HELLO)))]);
    assert_eq!(a.poll_timeout(), Some(t(250)));
    assert!(rng.used_all());

    let reply = sysex_body(&hex(REPLY));
    assert_eq!(
        a.handle_body(t(40), &reply, 72, &mut rng),
        Ok(mox_negotiate::Handled::ReplyOk)
    );
    assert_eq!(drain(&mut a), vec![(0x42, sysex_body(&hex(CONFIRM)))]);
    assert_eq!(
        events(&mut a),
        vec![Event::Established {
            peer: 0x42,
            role: Role::Initiator,
            session: (0x00A1_B2C3, 0x005D_1E2F)
        }]
    );
    let agreement = a.agreement().unwrap();
    let majors: Vec<_> = agreement
        .extensions
        .iter()
        .map(|x| (x.ext, x.major, x.peer_minor))
        .collect();
    assert_eq!(majors, vec![(FADER, 1, 3), (GRID, 1, 0)]);
    assert_eq!(agreement.features.as_slice(), &[1]);
    assert_eq!(a.peer_limits().max_size, 256);
    assert_eq!(a.peer_limits().reassembly, 0);
    assert_eq!(a.state(), State::Established);
    assert_eq!(a.poll_timeout(), None);
    assert!(rng.used_all());
}

#[test]
fn responder_side_of_the_worked_example() {
    let mut rng = Script::new(&B_DRAWS);
    let mut b = M4::try_new(config_b()).unwrap();
    b.start(t(0), &mut rng);
    assert_eq!(b.node_id(), Some(0x42));
    assert!(drain(&mut b).is_empty());
    assert_eq!(b.poll_timeout(), None);

    let hello = sysex_body(&hex(HELLO));
    b.handle_body(t(10), &hello, 73, &mut rng).unwrap();
    assert_eq!(drain(&mut b), vec![(0x0123_4567, sysex_body(&hex(REPLY)))]);
    assert_eq!(b.poll_timeout(), Some(t(260)));
    assert!(events(&mut b).is_empty());

    let confirm = sysex_body(&hex(CONFIRM));
    b.handle_body(t(50), &confirm, 32, &mut rng).unwrap();
    assert!(drain(&mut b).is_empty());
    assert_eq!(
        events(&mut b),
        vec![Event::Established {
            peer: 0x0123_4567,
            role: Role::Responder,
            session: (0x00A1_B2C3, 0x005D_1E2F)
        }]
    );
    assert_eq!(b.peer_limits().max_size, 512);
    assert_eq!(b.peer_limits().reassembly, 1024);
    assert_eq!(b.agreement().unwrap().major(&GRID), Some(1));
    assert!(rng.used_all());
}
