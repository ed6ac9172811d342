//! One test (at least) per row of design §3.4, named by its requirement id MOX-NEG-2nn,
//! plus the input classes of §3.2 that are not rows.
mod common;
use common::*;
use mox_negotiate::{Event, FallbackReason, GoodbyeReason, Handled, Ignored, Role, State};

const A: u32 = 0x0123_4567;
const B: u32 = 0x42;
const BC: u32 = 0x0FFF_FFFF;
const NONCE_A: u32 = 0x00A1_B2C3;
const FADER1: &[u8] = &[0x7E, 0x01, 0x01, 0x00];

/// A probing machine (A's §2 config and draws), its rng, and its first hello.
fn probing() -> (M4, Script, Vec<u8>) {
    let mut rng = Script::then_lcg(&A_DRAWS, 5);
    let mut a = M4::try_new(config_a()).unwrap();
    a.start(t(0), &mut rng);
    let hello = drain(&mut a).remove(0).1;
    (a, rng, hello)
}

/// A machine answering a plain hello from `peer` (B's config, listen-only).
fn answering(peer: u32) -> (M4, Script, Vec<u8>, Vec<u8>) {
    let mut rng = Script::then_lcg(&[B], 6);
    let mut b = M4::try_new(config_b()).unwrap();
    b.start(t(0), &mut rng);
    let h = hello(peer, BC, 77, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(0), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let reply = drain(&mut b).remove(0).1;
    (b, rng, h, reply)
}

fn reply_nonce(reply: &[u8]) -> u32 {
    let f = fields(reply);
    mox_codec::envelope::value::decode_uint(&f.iter().find(|(id, _)| *id == 0).unwrap().1).unwrap()
}

#[test]
fn mox_neg_201_start_draws_id_and_probes() {
    let (a, _, hello) = probing();
    assert_eq!(a.state(), State::Probing);
    assert_eq!(a.node_id(), Some(A));
    assert_eq!(msg_type(&hello), 0x40);
    assert_eq!(a.poll_timeout(), Some(t(250)));
}

#[test]
fn mox_neg_202_idle_ignores_everything() {
    let mut a = M4::try_new(config_a()).unwrap();
    let mut rng = Script::new(&[]);
    let h = hello(B, BC, 5, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(0), &h, 40, &mut rng),
        Err(Ignored::NotStarted)
    );
    a.handle_timeout(t(100_000), &mut rng);
    a.close(t(0));
    assert_eq!(a.state(), State::Idle);
    assert!(drain(&mut a).is_empty() && events(&mut a).is_empty());
}

#[test]
fn mox_neg_203_204_retransmit_then_fall_back_silent() {
    let mut rng = Script::new(&[A_DRAWS.as_slice(), &[25]].concat());
    let mut a = M4::try_new(config_a()).unwrap();
    a.start(t(0), &mut rng);
    let first = drain(&mut a).remove(0).1;
    for (at, next) in [(250, 750), (750, 1750), (1750, 3750)] {
        a.handle_timeout(t(at - 1), &mut rng);
        assert!(drain(&mut a).is_empty(), "early at {at}");
        a.handle_timeout(t(at), &mut rng);
        assert_eq!(
            drain(&mut a),
            vec![(BC, first.clone())],
            "MOX-NEG-012 at {at}"
        );
        assert_eq!(a.poll_timeout(), Some(t(next)));
    }
    a.handle_timeout(t(3750), &mut rng);
    assert!(drain(&mut a).is_empty());
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Silent
        }]
    );
    // Jitter draw 25 with j = 25: 10 000 · (75 + 25 mod 51) / 100 = 10 000.
    assert_eq!(a.poll_timeout(), Some(t(13_750)));
    assert_eq!(a.state(), State::Fallback);
    assert!(rng.used_all());
}

#[test]
fn mox_neg_205_empty_agreement_falls_back_no_common_version() {
    let (mut a, mut rng, h) = probing();
    let r = reply(B, A, 9, NONCE_A, digest(&h), &[], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyOk)
    );
    let out = drain(&mut a);
    assert_eq!(msg_type(&out[0].1), 0x03, "the confirm is still sent");
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::NoCommonVersion
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    assert!(a.poll_timeout().is_some());
}

#[test]
fn mox_neg_206_digest_mismatch_counted_then_reason() {
    let (mut a, mut rng, h) = probing();
    let r = reply(B, A, 9, NONCE_A, digest(&h) ^ 1, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyDigestMismatch)
    );
    assert!(drain(&mut a).is_empty());
    for at in [250, 750, 1750, 3750] {
        a.handle_timeout(t(at), &mut rng);
    }
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::DigestMismatch
        }]
    );
}

#[test]
fn mox_neg_207_invalid_reply_error_08_then_garbage() {
    let (mut a, mut rng, h) = probing();
    let bad: &[u8] = &[0x7E, 0x01, 0x03, 0x00]; // fader 3: not offered
    let r = reply(B, A, 9, NONCE_A, digest(&h), &[bad], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyInvalid)
    );
    let out = drain(&mut a);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, B);
    assert_eq!(msg_type(&out[0].1), 0x01);
    let f = fields(&out[0].1);
    assert_eq!(f[0], (0x00, vec![0x08]));
    assert_eq!(f[3], (0x18, vec![0x41]));
    assert_eq!(f[4], (0x20, vec![0x18]), "field 4 names agreed (18)");
    // Broadcast-addressed invalid reply: not eligible, counted only.
    let r2 = reply(B, BC, 9, NONCE_A, digest(&h), &[bad], &[]);
    assert_eq!(
        a.handle_body(t(11), &r2, r2.len() + 6, &mut rng),
        Ok(Handled::ReplyInvalid)
    );
    assert!(drain(&mut a).is_empty());
    for at in [250, 750, 1750, 3750] {
        a.handle_timeout(t(at), &mut rng);
    }
    let ev = events(&mut a);
    assert_eq!(
        ev,
        vec![Event::FellBack {
            reason: FallbackReason::Garbage
        }]
    );
}

#[test]
fn mox_neg_207_other_invalid_replies() {
    let (_, _, h) = probing();
    let grease: &[u8] = &[0x7E, 0x01, 0x17, 0x00];
    let grid: &[u8] = &[0x7E, 0x02, 0x01, 0x00];
    let unknown: &[u8] = &[0x7E, 0x05, 0x01, 0x00];
    for (agreed, features, field) in [
        (vec![grease], vec![], 0x18u8),
        (vec![unknown], vec![], 0x18),
        (vec![FADER1, FADER1], vec![], 0x18),
        (vec![grid, FADER1], vec![], 0x18),
        (vec![FADER1], vec![0x02, 0x00], 0x40),
        (vec![FADER1], vec![0x07, 0x02], 0x40),
    ] {
        let (mut a, mut rng, _) = probing();
        let r = reply(B, A, 9, NONCE_A, digest(&h), &agreed, &features);
        assert_eq!(
            a.handle_body(t(10), &r, r.len() + 6, &mut rng),
            Ok(Handled::ReplyInvalid)
        );
        let out = drain(&mut a);
        let expected = if field == 0x40 {
            vec![0x40, 0x01]
        } else {
            vec![field]
        };
        assert_eq!(fields(&out[0].1)[4], (0x20, expected));
    }
    // Nonce 0 is invalid too (field 00).
    let (mut a, mut rng, _) = probing();
    let r = reply(B, A, 0, NONCE_A, digest(&h), &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyInvalid)
    );
    assert_eq!(fields(&drain(&mut a)[0].1)[4], (0x20, vec![0x00]));
}

#[test]
fn mox_neg_208_probing_ignores_stale_confirm_goodbye() {
    let (mut a, mut rng, h) = probing();
    let r = reply(B, A, 9, NONCE_A + 1, digest(&h), &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
    let c = confirm(B, A, 5, 5);
    assert_eq!(
        a.handle_body(t(10), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
    let g = goodbye(B, A, 0, NONCE_A);
    assert_eq!(
        a.handle_body(t(10), &g, g.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_209_210_tie_break() {
    // Higher id wins: A yields and answers.
    let (mut a, mut rng, _) = probing();
    let h = hello(A + 1, BC, 99, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(5), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let out = drain(&mut a);
    assert_eq!(out[0].0, A + 1);
    assert_eq!(msg_type(&out[0].1), 0x41);
    assert_eq!(a.state(), State::Answering);
    assert_eq!(a.poll_timeout(), Some(t(255)));
    // Lower id: ignored, A keeps probing.
    let (mut a, mut rng, _) = probing();
    let h = hello(A - 1, BC, 99, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(5), &h, h.len() + 6, &mut rng),
        Err(Ignored::TieBreak)
    );
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_211_do_not_retry_error_refuses() {
    let (mut a, mut rng, _) = probing();
    let e = error(B, A, 0x05, &[0x7E, 0x00], 1, 0x40, None);
    assert_eq!(
        a.handle_body(t(5), &e, e.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Refused { code: 5 }
        }]
    );
    assert_eq!(a.state(), State::Fallback);
}

#[test]
fn mox_neg_212_retry_after_and_malformed_once() {
    let (mut a, mut rng, first) = probing();
    let e = error(B, A, 0x43, &[0x7E, 0x00], 1, 0x40, Some(1000));
    assert_eq!(
        a.handle_body(t(5), &e, e.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(1005)));
    a.handle_timeout(t(1005), &mut rng);
    assert_eq!(
        drain(&mut a),
        vec![(BC, first)],
        "the resend counts as a send"
    );
    assert_eq!(a.poll_timeout(), Some(t(1505)));
    // Without field 5: min_retry_after (100 ms). 41 only once.
    let m = error(B, A, 0x41, &[0x7E, 0x00], 1, 0x40, None);
    assert_eq!(
        a.handle_body(t(1100), &m, m.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(1200)));
    assert_eq!(
        a.handle_body(t(1110), &m, m.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    assert_eq!(a.poll_timeout(), Some(t(1200)));
}

#[test]
fn mox_neg_213_214_reply_retransmission_then_goodbye_no_confirm() {
    let (mut b, mut rng, _, reply) = answering(A);
    for (at, next) in [(250, 750), (750, 1750), (1750, 3750)] {
        b.handle_timeout(t(at), &mut rng);
        assert_eq!(drain(&mut b), vec![(A, reply.clone())]);
        assert_eq!(b.poll_timeout(), Some(t(next)));
    }
    b.handle_timeout(t(3750), &mut rng);
    let out = drain(&mut b);
    assert_eq!(msg_type(&out[0].1), 0x02);
    assert_eq!(fields(&out[0].1), vec![(0x00, vec![3]), (0x08, u(77, 4))]);
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::NoConfirm
        }]
    );
    assert_eq!(b.state(), State::Fallback);
    assert_eq!(b.poll_timeout(), None, "listen-only: no re-probe");
}

#[test]
fn mox_neg_215_confirm_establishes_responder() {
    let (mut b, mut rng, _, reply) = answering(A);
    let c = confirm(A, B, reply_nonce(&reply), digest(&reply));
    assert_eq!(
        b.handle_body(t(20), &c, c.len() + 6, &mut rng),
        Ok(Handled::ConfirmOk)
    );
    let ev = events(&mut b);
    assert!(matches!(
        ev[..],
        [Event::Established {
            peer: A,
            role: Role::Responder,
            session: (77, _)
        }]
    ));
    assert_eq!(b.agreement().unwrap().major(&FADER), Some(1));
    // A second confirm is now F-stale.
    assert_eq!(
        b.handle_body(t(21), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
}

#[test]
fn mox_neg_216_confirm_digest_mismatch_then_goodbye_digest() {
    let (mut b, mut rng, _, reply) = answering(A);
    let c = confirm(A, B, reply_nonce(&reply), digest(&reply) ^ 4);
    assert_eq!(
        b.handle_body(t(20), &c, c.len() + 6, &mut rng),
        Ok(Handled::ConfirmDigestMismatch)
    );
    assert!(drain(&mut b).is_empty());
    for at in [250, 750, 1750, 3750] {
        b.handle_timeout(t(at), &mut rng);
    }
    let out = drain(&mut b);
    assert_eq!(fields(&out.last().unwrap().1)[0], (0x00, vec![2]));
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::DigestMismatch
        }]
    );
}

#[test]
fn mox_neg_217_duplicate_hello_rate_limited() {
    let (mut b, mut rng, h, reply) = answering(A);
    assert_eq!(
        b.handle_body(t(10), &h, h.len() + 6, &mut rng),
        Err(Ignored::RateLimited)
    );
    assert!(drain(&mut b).is_empty());
    assert_eq!(
        b.handle_body(t(250), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloDup)
    );
    assert_eq!(drain(&mut b), vec![(A, reply)]);
    assert_eq!(
        b.poll_timeout(),
        Some(t(250)),
        "a duplicate does not move the timer"
    );
}

#[test]
fn mox_neg_218_newer_hello_replaces() {
    let (mut b, mut rng, _, first) = answering(A);
    let h2 = hello(A, BC, 78, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(30), &h2, h2.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let second = drain(&mut b).remove(0).1;
    assert_ne!(reply_nonce(&second), reply_nonce(&first));
    assert_eq!(b.poll_timeout(), Some(t(280)));
    // The old reply's confirm is stale now.
    let c = confirm(A, B, reply_nonce(&first), digest(&first));
    assert_eq!(
        b.handle_body(t(40), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
}

#[test]
fn mox_neg_219_error_about_reply_refuses() {
    let (mut b, mut rng, _, _) = answering(A);
    let e = error(A, B, 0x02, &[0x7E, 0x00], 1, 0x41, None);
    assert_eq!(
        b.handle_body(t(5), &e, e.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::Refused { code: 2 }
        }]
    );
    assert_eq!(b.state(), State::Fallback);
}

#[test]
fn mox_neg_220_duplicate_reply_resends_confirm_rate_limited() {
    let (mut a, mut ra, _, _) = established_pair();
    // A copy of the accepted reply (B's reply of the worked example), as a duplicating link
    // would deliver it.
    let reply = sysex_body(&hex("F0 7D 4D 4F 58 03 7E 00 01 00 41 42 00 00 00 67 0A 0D 09 00 04 2F 3C 74 02 08 04 43 65 06 05 10 02 2E 60 18 04 7E 01 01 03 18 04 7E 02 01 00 20 04 00 02 00 00 28 03 00 00 00 30 01 00 40 01 02 01 00 7C 02 00 40 72 F7"));
    assert_eq!(
        a.handle_body(t(100), &reply, 72, &mut ra),
        Err(Ignored::RateLimited)
    );
    assert_eq!(
        a.handle_body(t(300), &reply, 72, &mut ra),
        Ok(Handled::ReplyDup)
    );
    let out = drain(&mut a);
    assert_eq!(out.len(), 1);
    assert_eq!(msg_type(&out[0].1), 0x03);
    assert!(events(&mut a).is_empty());
}

#[test]
fn mox_neg_221_222_duplicate_ignored_new_hello_answered_in_sub_state() {
    let (_, _, mut b, mut rb) = established_pair();
    let h = sysex_body(&hex("F0 7D 4D 4F 58 03 7E 00 01 00 40 67 0A 0D 09 7F 7F 7F 7F 00 04 43 65 06 05 38 01 55 08 08 7E 01 02 00 17 00 01 03 08 04 7E 02 01 00 08 04 7E 17 27 00 18 04 00 04 00 00 20 03 00 08 00 28 01 04 30 04 01 00 07 02 3E 48 F7"));
    assert_eq!(
        b.handle_body(t(400), &h, 73, &mut rb),
        Err(Ignored::Duplicate)
    );
    assert!(drain(&mut b).is_empty());
    let h2 = hello(A, B, 1234, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(400), &h2, h2.len() + 6, &mut rb),
        Ok(Handled::HelloNew)
    );
    assert_eq!(msg_type(&drain(&mut b)[0].1), 0x41);
    assert_eq!(b.state(), State::Established);
    assert_eq!(
        b.agreement().unwrap().major(&GRID),
        Some(1),
        "old agreement in effect"
    );
    assert_eq!(b.poll_timeout(), Some(t(650)));
}

#[test]
fn mox_neg_223_reboot_confirmed() {
    let (_, _, mut b, mut rb) = established_pair();
    let new_id = 0x0777_0000;
    let h = hello(new_id, BC, 55, &[FADER1], &[]);
    b.handle_body(t(500), &h, h.len() + 6, &mut rb).unwrap();
    let reply = drain(&mut b).remove(0).1;
    let c = confirm(new_id, B, reply_nonce(&reply), digest(&reply));
    assert_eq!(
        b.handle_body(t(510), &c, c.len() + 6, &mut rb),
        Ok(Handled::ConfirmOk)
    );
    let ev = events(&mut b);
    assert_eq!(
        ev[0],
        Event::PeerRebooted {
            old: A,
            new: new_id
        }
    );
    assert!(matches!(
        ev[1],
        Event::Established {
            peer: 0x0777_0000,
            ..
        }
    ));
    assert_eq!(b.agreement().unwrap().major(&GRID), None, "new agreement");
}

#[test]
fn mox_neg_224_225_sub_state_answering_gives_up_silently() {
    let (_, _, mut b, mut rb) = established_pair();
    let h = hello(0x0777_0000, BC, 55, &[FADER1], &[]);
    b.handle_body(t(1000), &h, h.len() + 6, &mut rb).unwrap();
    let reply = drain(&mut b).remove(0).1;
    for at in [1250, 1750, 2750] {
        b.handle_timeout(t(at), &mut rb);
        assert_eq!(
            drain(&mut b),
            vec![(0x0777_0000, reply.clone())],
            "row 25 as row 13"
        );
    }
    b.handle_timeout(t(4750), &mut rb);
    assert!(drain(&mut b).is_empty());
    assert!(events(&mut b).is_empty());
    assert_eq!(b.state(), State::Established);
    assert_eq!(b.peer(), Some(A));
    assert_eq!(b.poll_timeout(), None);
}

#[test]
fn mox_neg_226_228_hitless_renegotiation() {
    let (mut a, mut ra, mut b, mut rb) = established_pair();
    let mut offers = config_a().offers;
    offers[1].majors.push((2, 0)).unwrap(); // grid 1.0 and 2.0: still supports 1
    a.reconfigure(t(100), offers, &mut ra).unwrap();
    let out = drain(&mut a);
    assert_eq!(out[0].0, B, "renegotiation hello to the peer id");
    assert_eq!(msg_type(&out[0].1), 0x40);
    assert_eq!(a.state(), State::Established);
    assert!(a.agreement().is_some());
    // Deliver: B answers in Answering', A confirms (row 28), B switches (row 23).
    for (_, body) in out {
        b.handle_body(t(110), &body, body.len() + 6, &mut rb)
            .unwrap();
    }
    link(&mut a, &mut ra, &mut b, &mut rb, 120);
    assert!(matches!(
        events(&mut a)[..],
        [Event::Established {
            peer: B,
            role: Role::Initiator,
            ..
        }]
    ));
    assert!(matches!(
        events(&mut b)[..],
        [Event::Established {
            peer: A,
            role: Role::Responder,
            ..
        }]
    ));
    assert_eq!(a.agreement(), b.agreement());
}

#[test]
fn mox_neg_227_reconfigure_dropping_a_major_restarts() {
    let (mut a, mut ra, _, _) = established_pair();
    let mut offers = config_a().offers;
    offers.pop(); // grid dropped
    a.reconfigure(t(100), offers, &mut ra).unwrap();
    let out = drain(&mut a);
    assert_eq!(msg_type(&out[0].1), 0x02);
    assert_eq!(
        fields(&out[0].1),
        vec![(0x00, vec![5]), (0x08, u(0x005D_1E2F, 4))]
    );
    assert_eq!((out[1].0, msg_type(&out[1].1)), (B, 0x40));
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Reconfigured
        }]
    );
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_229_sub_state_probing_gives_up() {
    let (mut a, mut ra, _, _) = established_pair();
    a.reconfigure(t(100), config_a().offers, &mut ra).unwrap();
    drain(&mut a);
    for at in [350, 850, 1850, 3850] {
        a.handle_timeout(t(at), &mut ra);
    }
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Silent
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    assert!(a.agreement().is_none());
}

#[test]
fn mox_neg_230_simultaneous_renegotiation_tie_break() {
    let (_, _, mut b, mut rb) = established_pair();
    // B (0x42) renegotiates; A's (0x01234567 > 0x42) hello wins over it.
    b.reconfigure(t(100), config_b().offers, &mut rb).unwrap();
    drain(&mut b);
    let h = hello(A, B, 4321, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(110), &h, h.len() + 6, &mut rb),
        Ok(Handled::HelloNew)
    );
    assert_eq!(msg_type(&drain(&mut b)[0].1), 0x41);
    // And the other way: A in Probing' ignores B's lower-id hello.
    let (mut a, mut ra, _, _) = established_pair();
    a.reconfigure(t(100), config_a().offers, &mut ra).unwrap();
    drain(&mut a);
    let h = hello(B, A, 4321, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(110), &h, h.len() + 6, &mut ra),
        Err(Ignored::TieBreak)
    );
}

#[test]
fn mox_neg_231_goodbye_session_check() {
    let (mut a, mut ra, _, _) = established_pair();
    let stale = goodbye(B, A, 0, NONCE_A + 1);
    assert_eq!(
        a.handle_body(t(10), &stale, stale.len() + 6, &mut ra),
        Err(Ignored::OtherGoodbye)
    );
    let other = goodbye(0x99, A, 0, NONCE_A);
    assert_eq!(
        a.handle_body(t(10), &other, other.len() + 6, &mut ra),
        Err(Ignored::OtherGoodbye)
    );
    assert_eq!(a.state(), State::Established);
    let g = goodbye(B, A, 0, NONCE_A);
    assert_eq!(
        a.handle_body(t(10), &g, g.len() + 6, &mut ra),
        Ok(Handled::Goodbye)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::PeerLeft {
                reason: GoodbyeReason::Shutdown
            }
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    // id-collision from the peer: session 0 accepted, re-probe at now + rto_initial.
    let (mut a, mut ra, _, _) = established_pair();
    let g = goodbye(B, BC, 1, 0);
    assert_eq!(
        a.handle_body(t(10), &g, g.len() + 6, &mut ra),
        Ok(Handled::Goodbye)
    );
    assert_eq!(a.poll_timeout(), Some(t(260)));
}

#[test]
fn mox_neg_232_peer_lost_session() {
    let (mut a, mut ra, _, _) = established_pair();
    let unrelated = error(B, A, 0x0A, &[0x7E, 0x05], 1, 0x01, None);
    assert_eq!(
        a.handle_body(t(10), &unrelated, unrelated.len() + 6, &mut ra),
        Err(Ignored::NotExpected)
    );
    let e = error(B, A, 0x0A, &[0x7E, 0x01], 1, 0x01, None);
    assert_eq!(
        a.handle_body(t(10), &e, e.len() + 6, &mut ra),
        Ok(Handled::ErrorLost)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::PeerLostSession
        }]
    );
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (B, 0x40));
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_233_reprobe_and_backoff() {
    // Jitter 0 to see the doubling exactly.
    let mut config = config_a();
    config.timers.reprobe_jitter_pct = 0;
    config.timers.max_hello = 1;
    let mut rng = Script::then_lcg(&A_DRAWS, 9);
    let mut a = M4::try_new(config).unwrap();
    a.start(t(0), &mut rng);
    drain(&mut a);
    a.handle_timeout(t(250), &mut rng);
    assert_eq!(a.poll_timeout(), Some(t(10_250)));
    a.handle_timeout(t(10_250), &mut rng);
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (BC, 0x40));
    assert_eq!(a.state(), State::Probing);
    a.handle_timeout(t(10_500), &mut rng);
    assert_eq!(
        a.poll_timeout(),
        Some(t(30_500)),
        "the base doubled to 20 s"
    );
}

#[test]
fn mox_neg_234_235_fallback_answers_hellos_ignores_the_rest() {
    let (mut b, mut rng, _, _) = answering(A);
    b.handle_body(
        t(1),
        &error(A, B, 0x02, &[0x7E, 0x00], 1, 0x41, None),
        40,
        &mut rng,
    )
    .unwrap();
    assert_eq!(b.state(), State::Fallback);
    events(&mut b);
    for body in [
        reply(A, B, 1, 2, 3, &[], &[]),
        confirm(A, B, 1, 2),
        goodbye(A, B, 0, 1),
        error(A, B, 0x02, &[0x7E, 0x00], 1, 0x41, None),
    ] {
        assert!(b
            .handle_body(t(2), &body, body.len() + 6, &mut rng)
            .is_err());
    }
    assert!(drain(&mut b).is_empty() && events(&mut b).is_empty());
    let h = hello(A, BC, 3, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(3), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    assert_eq!(b.state(), State::Answering);
}

#[test]
fn mox_neg_236_collision() {
    let (mut a, _, _, _) = established_pair();
    let mut rng = Script::then_lcg(&[A, 0x0000_1000], 3); // first draw equals the old id
    let h = hello(A, BC, 42, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &h, h.len() + 6, &mut rng),
        Ok(Handled::Collision)
    );
    let out = drain(&mut a);
    assert_eq!(
        (out[0].0, src_of(&out[0].1), msg_type(&out[0].1)),
        (BC, A, 0x02)
    );
    assert_eq!(fields(&out[0].1), vec![(0x00, vec![1]), (0x08, u(0, 4))]);
    assert_eq!(
        (out[1].0, src_of(&out[1].1), msg_type(&out[1].1)),
        (BC, 0x1000, 0x40)
    );
    assert_eq!(
        events(&mut a),
        vec![
            Event::IdChanged {
                old: A,
                new: 0x1000
            },
            Event::FellBack {
                reason: FallbackReason::IdCollision
            }
        ]
    );
    assert_eq!(a.node_id(), Some(0x1000));
}

#[test]
fn mox_neg_237_238_239_close_and_restart() {
    let (mut a, mut ra, _, _) = established_pair();
    a.close(t(10));
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (B, 0x02));
    assert_eq!(
        fields(&out[0].1),
        vec![(0x00, vec![0]), (0x08, u(0x005D_1E2F, 4))]
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Closed
        }]
    );
    assert_eq!((a.state(), a.poll_timeout()), (State::Closed, None));
    // Row 39: start again keeps the id.
    a.start(t(20), &mut ra);
    assert_eq!(a.node_id(), Some(A));
    assert_eq!(msg_type(&drain(&mut a)[0].1), 0x40);
    // Row 38: close while probing sends nothing.
    let (mut p, _, _) = probing();
    p.close(t(5));
    assert!(drain(&mut p).is_empty() && events(&mut p).is_empty());
    assert_eq!(p.state(), State::Closed);
}

#[test]
fn mox_neg_240_reconfigure_while_probing_restarts_handshake() {
    let (mut a, mut ra, first) = probing();
    let mut offers = config_a().offers;
    offers.pop();
    a.reconfigure(t(100), offers, &mut ra).unwrap();
    let second = drain(&mut a).remove(0).1;
    assert_ne!(fields(&first)[0], fields(&second)[0], "a new nonce");
    assert_eq!(a.poll_timeout(), Some(t(350)));
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_101_classification_order() {
    let (mut a, mut rng, h) = probing();
    // X-size before anything else.
    assert_eq!(
        a.handle_body(t(1), &h, 513, &mut rng),
        Err(Ignored::TooLarge)
    );
    // X-dst.
    let other = hello(B, 0x555, 1, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(1), &other, 40, &mut rng),
        Err(Ignored::OtherDestination)
    );
    // H-echo: our own hello coming back.
    assert_eq!(
        a.handle_body(t(1), &h, h.len() + 6, &mut rng),
        Err(Ignored::Echo)
    );
    // H-bad: nonce 0, offer with odd pairs.
    let bad = hello(B + 0x0100_0000, BC, 0, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(1), &bad, 40, &mut rng),
        Err(Ignored::BadHello)
    );
    let odd: &[u8] = &[0x7E, 0x01, 0x01];
    let bad = hello(B + 0x0100_0000, BC, 5, &[odd], &[]);
    assert_eq!(
        a.handle_body(t(1), &bad, 40, &mut rng),
        Err(Ignored::BadHello)
    );
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_096_clock_clamp_and_single_fire() {
    let (mut a, mut rng, first) = probing();
    a.handle_timeout(t(100_000), &mut rng);
    assert_eq!(
        drain(&mut a),
        vec![(BC, first)],
        "one resend, no catch-up burst"
    );
    assert_eq!(a.poll_timeout(), Some(t(100_500)));
    a.handle_timeout(t(5), &mut rng); // backwards: read as 100 000
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.poll_timeout(), Some(t(100_500)));
}
