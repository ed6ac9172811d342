//! The responder's selection (§1.6, MOX-NEG-050, -110, -111, -022, -023) and the hello's
//! own encoding rules (MOX-NEG-014, -042), seen in the bodies the machine sends.
mod common;
use common::*;
use mox_codec::envelope::grease::GreaseConfig;
use mox_negotiate::{Config, Offer};

const A: u32 = 0x0123_4567;

/// B with `offers` answers a hello carrying `offer_values` (+ `extra` fields); returns the
/// reply's fields.
fn answer(
    offers: Vec<Offer<4>>,
    features: &[u16],
    hello_fields: Vec<(u32, Vec<u8>)>,
) -> Vec<(u32, Vec<u8>)> {
    let mut config = config_b();
    config.offers.clear();
    for offer in offers {
        config.offers.push(offer).unwrap();
    }
    config.features.clear();
    for f in features {
        config.features.push(*f).unwrap();
    }
    config.grease = GreaseConfig::OFF;
    let mut b = M4::try_new(config).unwrap();
    let mut rng = Script::new(&[0x42, 1000]);
    b.start(t(0), &mut rng);
    let mut all = vec![(0x00, u(5, 4))];
    all.extend(hello_fields);
    all.extend([(0x18, u(512, 4)), (0x20, u(0, 3)), (0x28, u(0, 1))]);
    if !all.iter().any(|(id, _)| *id == 0x30) {
        all.push((0x30, vec![]));
    }
    let h = body(0x40, A, 0x0FFF_FFFF, &all);
    b.handle_body(t(0), &h, h.len() + 6, &mut rng).unwrap();
    assert!(rng.used_all(), "GREASE off: id and nonce only");
    fields(&drain(&mut b).remove(0).1)
}

fn of(fields: &[(u32, Vec<u8>)], id: u32) -> Vec<Vec<u8>> {
    fields
        .iter()
        .filter(|(i, _)| *i == id)
        .map(|(_, v)| v.clone())
        .collect()
}

fn offer(ext: u8, majors: &[(u8, u8)]) -> Offer<4> {
    Offer::with(
        mox_codec::envelope::ExtensionId::new(mox_codec::envelope::Owner::MOX, u32::from(ext)),
        majors,
    )
}

#[test]
fn mox_neg_050_first_supported_major_in_initiator_order() {
    // [2, 1] against {1, 3}: 2 unsupported, so 1 (with the responder's minor 3).
    let f = answer(
        vec![offer(1, &[(1, 3), (3, 0)])],
        &[],
        vec![(0x08, vec![0x7E, 0x01, 2, 0, 1, 0])],
    );
    assert_eq!(of(&f, 0x18), vec![vec![0x7E, 0x01, 1, 3]]);
    // [1, 2] against {1, 2}: the initiator's order decides.
    let f = answer(
        vec![offer(1, &[(2, 0), (1, 0)])],
        &[],
        vec![(0x08, vec![0x7E, 0x01, 1, 0, 2, 0])],
    );
    assert_eq!(of(&f, 0x18), vec![vec![0x7E, 0x01, 1, 0]]);
}

#[test]
fn mox_neg_110_deprecated_avoided_unless_only_choice() {
    // Initiator marks 2 deprecated: 1 is chosen.
    let hello = vec![
        (0x08, vec![0x7E, 0x01, 2, 0, 1, 0]),
        (0x10, vec![0x7E, 0x01, 2]),
    ];
    let f = answer(vec![offer(1, &[(2, 0), (1, 0)])], &[], hello);
    assert_eq!(of(&f, 0x18), vec![vec![0x7E, 0x01, 1, 0]]);
    // The responder's own deprecation counts too.
    let mut own = offer(1, &[(2, 0), (1, 0)]);
    own.deprecated = 0b01;
    let f = answer(vec![own], &[], vec![(0x08, vec![0x7E, 0x01, 2, 0, 1, 0])]);
    assert_eq!(of(&f, 0x18), vec![vec![0x7E, 0x01, 1, 0]]);
    // Only deprecated majors: the first is still chosen.
    let hello = vec![(0x08, vec![0x7E, 0x01, 2, 0]), (0x10, vec![0x7E, 0x01, 2])];
    let f = answer(vec![offer(1, &[(2, 0), (1, 0)])], &[], hello);
    assert_eq!(of(&f, 0x18), vec![vec![0x7E, 0x01, 2, 0]]);
}

#[test]
fn mox_neg_111_023_sunset_refused_0e_unsupported_02_unknown_nothing() {
    let mut sunset = offer(1, &[(1, 0)]);
    sunset.sunset.push(2).unwrap();
    let hello = vec![
        (0x08, vec![0x7E, 0x01, 2, 0]),    // only sunset 2
        (0x08, vec![0x7E, 0x02, 3, 0]),    // grid 3: unsupported
        (0x08, vec![0x7E, 0x09, 1, 0]),    // unknown extension
        (0x08, vec![0x7E, 0x17, 0x27, 0]), // GREASE extension
    ];
    let f = answer(vec![sunset, offer(2, &[(1, 0)])], &[], hello);
    assert!(of(&f, 0x18).is_empty());
    assert_eq!(
        of(&f, 0x48),
        vec![vec![0x7E, 0x01, 0x0E], vec![0x7E, 0x02, 0x02]]
    );
}

#[test]
fn mox_neg_042_022_grease_never_selected_features_intersected() {
    let hello = vec![
        (0x08, vec![0x7E, 0x01, 0x17, 0, 1, 0]),
        (0x30, vec![0x07, 0x02, 0x05, 0x00, 0x01, 0x00]),
    ];
    let f = answer(vec![offer(1, &[(1, 0)])], &[1, 5, 9], hello);
    assert_eq!(of(&f, 0x18), vec![vec![0x7E, 0x01, 1, 0]]);
    assert_eq!(
        of(&f, 0x40),
        vec![vec![0x05, 0x00, 0x01, 0x00]],
        "hello order, no GREASE"
    );
}

#[test]
fn mox_neg_014_042_hello_deprecated_field_and_grease_off() {
    let mut config: Config<4, 4, 4> = config_a();
    config.offers[0].deprecated = 0b01; // fader 2 deprecated
    config.grease = GreaseConfig::OFF;
    let mut a = M4::try_new(config).unwrap();
    let mut rng = Script::new(&[A, 0x00A1_B2C2]);
    a.start(t(0), &mut rng);
    assert!(rng.used_all(), "GREASE off draws nothing for GREASE (§B.2)");
    let f = fields(&drain(&mut a).remove(0).1);
    let ids: Vec<u32> = f.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        vec![0x00, 0x08, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30],
        "§B.3 order"
    );
    assert_eq!(of(&f, 0x10), vec![vec![0x7E, 0x01, 2]]);
    assert_eq!(of(&f, 0x30), vec![vec![0x01, 0x00]]);
}

#[test]
fn mox_neg_060_061_peer_limits_read_with_floors() {
    // (declared max size, reassembly, transfers) -> as read.
    for (declared, read) in [
        ((64, 2048, 2), (128, 0, 0)), // below the floor: 128, then too small to reassemble
        ((1024, 2048, 0), (1024, 0, 0)), // reassembly without transfers: both 0
        ((1024, 0, 3), (1024, 0, 0)), // transfers without reassembly: 0
        ((1024, 2048, 3), (1024, 2048, 3)),
    ] {
        let mut rng = Script::then_lcg(&A_DRAWS, 3);
        let mut a = M4::try_new(config_a()).unwrap();
        a.start(t(0), &mut rng);
        let h = drain(&mut a).remove(0).1;
        let fields = vec![
            (0x00, u(9, 4)),
            (0x08, u(0x00A1_B2C3, 4)),
            (0x10, u(u32::from(digest(&h)), 2)),
            (0x18, vec![0x7E, 0x01, 1, 0]),
            (0x20, u(declared.0, 4)),
            (0x28, u(declared.1, 3)),
            (0x30, u(declared.2, 1)),
            (0x40, vec![]),
        ];
        let r = body(0x41, 0x42, A, &fields);
        a.handle_body(t(1), &r, r.len() + 6, &mut rng).unwrap();
        let limits = a.peer_limits();
        assert_eq!(
            (
                limits.max_size,
                limits.reassembly,
                u32::from(limits.transfers)
            ),
            read,
            "{declared:?}"
        );
    }
}
