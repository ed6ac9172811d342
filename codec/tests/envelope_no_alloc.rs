//! The envelope allocates nothing: decoding a body, receiving it through both bindings and
//! the pipeline (with every field read), reassembling chunks, and encoding into stack
//! buffers, measured with a counting global allocator (as `no_alloc.rs` does for OSC).
use mox_codec::envelope::{
    encode_body, encode_chunk_body, osc, sysex, Addresses, Body, ChunkReceiver, ExtensionDef,
    ExtensionId, FieldClass, FieldDef, FieldId, FieldType, Header, Limits, MajorDef, MessageDef,
    Outcome, Owner, ReceiverDesc,
};
use mox_codec::osc::Packet;
use mox_codec::sysex::chunk::Splitter;
use mox_codec::sysex::message::ManufacturerId;

fn allocations<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let mut result = None;
    let info = allocation_counter::measure(|| result = Some(f()));
    (info.count_total, result.expect("ran"))
}

static INNER: [FieldDef<'static>; 1] = [FieldDef::new(0x00, FieldType::U7)];
static FIELDS: [FieldDef<'static>; 4] = [
    FieldDef::new(0x00, FieldType::U7),
    FieldDef::new(0x08, FieldType::U14),
    FieldDef::new(0x30, FieldType::Utf8),
    FieldDef::record(0x50, &INNER),
];
static RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
    node_id: 0x42,
    limits: Limits::DEFAULT,
    extensions: &[ExtensionDef {
        owner: Owner::MOX,
        number: 1,
        majors: &[MajorDef {
            major: 1,
            minor: 1,
            messages: &[MessageDef {
                msg_type: 0x01,
                fields: &FIELDS,
            }],
        }],
    }],
};

fn id(value: u32) -> FieldId {
    FieldId::from_value(value).unwrap()
}

fn header() -> Header {
    let mut header = Header::new(ExtensionId::new(Owner::MOX, 1), 1, 1, 0x01);
    header.check = true;
    header.addresses = Some(Addresses {
        source: 0x0123_4567,
        destination: 0x42,
    });
    header
}

#[test]
fn the_counter_sees_allocations() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert_eq!((n, v.len()), (1, 10));
}

#[test]
fn encode_and_receive_on_both_bindings_allocate_nothing() {
    let fields: [(FieldId, &[u8]); 5] = [
        (id(0x00), &[3]),
        (id(0x08), &[0x00, 0x40]),
        (id(0x30), &[0x00, 0x61, 0x62]),
        (id(0x50), &[0x00, 0x01, 0x05]),
        (id(0x98), &[0x7F]), // unknown
    ];
    let header = header();
    let mut body = [0u8; 64];
    let mut sysex_buf = [0u8; 80];
    let mut osc_buf = [0u8; 96];
    let (n, (b, s, o)) = allocations(|| {
        let b = encode_body(&header, &fields, &mut body).unwrap();
        let s = sysex::encode(ManufacturerId::NonCommercial, &body[..b], &mut sysex_buf).unwrap();
        let o = osc::encode(&body[..b], &mut osc_buf).unwrap();
        (b, s, o)
    });
    assert_eq!(n, 0, "encode allocated {n} times");

    let (n, read) = allocations(|| {
        let mut read = 0;
        let decoded = Body::parse(&body[..b], &Limits::DEFAULT).unwrap();
        read += decoded.fields().count();
        let mut text = [0u8; 8];
        for outcome in [
            RECEIVER.receive_sysex(&sysex_buf[..s]),
            match Packet::decode(&osc_buf[..o]) {
                Ok(Packet::Message(message)) => RECEIVER.receive_osc(&message),
                _ => unreachable!(),
            },
        ] {
            let Outcome::Delivered(delivered) = outcome else {
                unreachable!()
            };
            for field in delivered.fields() {
                read += 1;
                if let FieldClass::Known(known) = field {
                    let _ = known.uint();
                    let _ = known.text(&mut text);
                    if let Some(record) = known.record() {
                        read += record.count();
                    }
                }
            }
        }
        read
    });
    assert_eq!(n, 0, "decode and receive allocated {n} times");
    assert_eq!(read, 5 + 2 * (5 + 1));
}

#[test]
fn chunked_receive_allocates_nothing() {
    let fields: [(FieldId, &[u8]); 3] =
        [(id(0x00), &[3]), (id(0x08), &[0, 1]), (id(0x30), &[0; 30])];
    let mut plain = header();
    plain.check = false;
    plain.addresses = None;
    let mut whole = [0u8; 64];
    let w = encode_body(&plain, &fields, &mut whole).unwrap();
    let section = &whole[plain.encoded_len()..w];
    let mut chunked = header();
    chunked.chunked = true;
    let mut units = [[0u8; 40]; 8];
    let mut lens = [0usize; 8];
    let mut count = 0;
    for (i, chunk) in Splitter::new(section, 3, 40, 24).unwrap().enumerate() {
        let mut c = [0u8; 40];
        let n = chunk.encode(&mut c).unwrap();
        let mut b = [0u8; 40];
        let m = encode_chunk_body(&chunked, &c[..n], &mut b).unwrap();
        lens[i] = sysex::encode(ManufacturerId::NonCommercial, &b[..m], &mut units[i]).unwrap();
        count = i + 1;
    }
    assert!(count > 1);
    let mut chunks: ChunkReceiver<2, 128> = ChunkReceiver::new();
    let (n, classes) = allocations(|| {
        let mut delivered = 0;
        for (unit, len) in units.iter().zip(lens).take(count) {
            if let Outcome::Chunk(chunk) = RECEIVER.receive_sysex(&unit[..len]) {
                if let Outcome::Delivered(_) = chunks.accept(&RECEIVER, 0, 0, &chunk) {
                    delivered += 1;
                }
            }
        }
        delivered
    });
    assert_eq!(n, 0, "chunked receive allocated {n} times");
    assert_eq!(classes, 1);
}
