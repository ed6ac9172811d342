//! Properties of the SysEx 7-bit encodings, checksums and `.syx` files over generated
//! inputs: round trips, exact lengths, rejection offsets and resynchronisation.

use mox_codec::sysex::checksum::{self, Checksum};
use mox_codec::sysex::sevenbit::{self, Encoding, Error};
use mox_codec::sysex::syx::{self, ReadError};
use proptest::prelude::*;

fn any_encoding() -> impl Strategy<Value = Encoding> {
    prop::sample::select(Encoding::ALL.to_vec())
}

fn any_checksum() -> impl Strategy<Value = Checksum> {
    prop::sample::select(Checksum::ALL.to_vec())
}

fn encode(encoding: Encoding, data: &[u8]) -> Vec<u8> {
    let mut wire = vec![0xEE; sevenbit::encoded_len(encoding, data.len()) + 3];
    let n = sevenbit::encode(encoding, data, &mut wire).expect("buffer is large enough");
    assert_eq!(wire[n..], [0xEE; 3], "wrote past encoded_len");
    wire.truncate(n);
    wire
}

fn decode(encoding: Encoding, wire: &[u8]) -> Result<Vec<u8>, Error> {
    let mut data = vec![0xEE; wire.len()];
    let n = sevenbit::decode(encoding, wire, &mut data)?;
    data.truncate(n);
    Ok(data)
}

/// Mcoded7 and its reversed variant work in groups of 7 data bytes; nibbles byte by byte.
fn is_group_packing(encoding: Encoding) -> bool {
    matches!(encoding, Encoding::Mcoded7 | Encoding::Mcoded7Reversed)
}

proptest! {
    #[test]
    fn round_trip(encoding in any_encoding(), data in prop::collection::vec(any::<u8>(), 0..300)) {
        let wire = encode(encoding, &data);
        prop_assert_eq!(wire.len(), sevenbit::encoded_len(encoding, data.len()));
        prop_assert!(wire.iter().all(|&b| b < 0x80));
        prop_assert_eq!(sevenbit::decoded_len(encoding, wire.len()), Ok(data.len()));
        prop_assert_eq!(decode(encoding, &wire), Ok(data));
    }

    #[test]
    fn pieces_encode_and_decode_independently(
        encoding in any_encoding(),
        data in prop::collection::vec(any::<u8>(), 0..200),
        cut in 0usize..30,
    ) {
        // Cut at a group boundary: 7 data / 8 wire bytes, or 1 data / 2 wire bytes.
        let (data_unit, wire_unit) = if is_group_packing(encoding) { (7, 8) } else { (1, 2) };
        let cut = (cut * data_unit).min(data.len() / data_unit * data_unit);
        let whole = encode(encoding, &data);
        let mut joined = encode(encoding, &data[..cut]);
        joined.extend(encode(encoding, &data[cut..]));
        prop_assert_eq!(&joined, &whole);
        let wire_cut = cut / data_unit * wire_unit;
        let mut back = decode(encoding, &whole[..wire_cut]).unwrap();
        back.extend(decode(encoding, &whole[wire_cut..]).unwrap());
        prop_assert_eq!(back, data);
    }

    #[test]
    fn a_byte_with_bit_7_is_rejected_where_it_is(
        encoding in any_encoding(),
        data in prop::collection::vec(any::<u8>(), 1..200),
        position in any::<prop::sample::Index>(),
        high in 0x80u8..=0xFF,
    ) {
        let mut wire = encode(encoding, &data);
        let offset = position.index(wire.len());
        wire[offset] = high;
        prop_assert_eq!(decode(encoding, &wire), Err(Error::NotSevenBit { offset }));
    }

    #[test]
    fn a_byte_above_0f_is_not_a_nibble(
        high_first in any::<bool>(),
        data in prop::collection::vec(any::<u8>(), 1..200),
        position in any::<prop::sample::Index>(),
        byte in 0x10u8..=0x7F,
    ) {
        let encoding = if high_first { Encoding::NibblesHighFirst } else { Encoding::NibblesLowFirst };
        let mut wire = encode(encoding, &data);
        let offset = position.index(wire.len());
        wire[offset] = byte;
        prop_assert_eq!(decode(encoding, &wire), Err(Error::NibbleOutOfRange { offset }));
    }

    /// Strict decoding makes each encoding a bijection: whatever decodes re-encodes to the
    /// same bytes, and whatever fails reports an offset inside the input.
    #[test]
    fn arbitrary_wire_bytes(encoding in any_encoding(), wire in prop::collection::vec(any::<u8>(), 0..120)) {
        match decode(encoding, &wire) {
            Ok(data) => prop_assert_eq!(encode(encoding, &data), wire),
            Err(error) => {
                let offset = error.offset().expect("decode errors carry an offset");
                prop_assert!(offset < wire.len());
            }
        }
    }

    #[test]
    fn too_small_buffers_report_the_exact_size(encoding in any_encoding(), data in prop::collection::vec(any::<u8>(), 1..100)) {
        let needed = sevenbit::encoded_len(encoding, data.len());
        let mut short = vec![0u8; needed - 1];
        prop_assert_eq!(sevenbit::encode(encoding, &data, &mut short), Err(Error::BufferTooSmall { needed }));
        let wire = encode(encoding, &data);
        let mut short = vec![0u8; data.len() - 1];
        prop_assert_eq!(
            sevenbit::decode(encoding, &wire, &mut short),
            Err(Error::BufferTooSmall { needed: data.len() })
        );
    }

    #[test]
    fn checksum_compute_and_verify_agree(
        kind in any_checksum(),
        covered in prop::collection::vec(any::<u8>(), 0..100),
        other in any::<u8>(),
    ) {
        let value = checksum::compute(kind, &covered);
        prop_assert!(value < 0x80);
        prop_assert_eq!(checksum::verify(kind, &covered, value), Ok(()));
        let mut message = covered.clone();
        message.push(value);
        prop_assert_eq!(checksum::verify_trailing(kind, &message), Ok(()));
        if other != value {
            prop_assert_eq!(
                checksum::verify(kind, &covered, other),
                Err(checksum::Error::Mismatch { expected: value, found: other })
            );
        }
        let sum = covered.iter().map(|&b| u32::from(b)).sum::<u32>();
        let expected = match kind {
            Checksum::TwosComplementSum => ((128 - sum % 128) % 128) as u8, // Roland's wording
            Checksum::Sum => (sum % 128) as u8,
            _ => covered.iter().fold(0, |acc, &b| acc ^ b) & 0x7F,
        };
        prop_assert_eq!(value, expected);
    }

    #[test]
    fn syx_write_then_read(messages in prop::collection::vec(prop::collection::vec(0u8..0x80, 0..40), 0..8)) {
        let framed: Vec<Vec<u8>> = messages
            .iter()
            .map(|data| [&[0xF0][..], data, &[0xF7]].concat())
            .collect();
        let slices: Vec<&[u8]> = framed.iter().map(Vec::as_slice).collect();
        let len = syx::written_len(&slices).unwrap();
        prop_assert_eq!(len, framed.iter().map(Vec::len).sum::<usize>());
        let mut file = vec![0u8; len];
        prop_assert_eq!(syx::write(&slices, &mut file), Ok(len));
        let read: Vec<_> = syx::Reader::new(&file).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(read, slices);
    }

    /// Junk between messages (anything but `F0`, which would start a message) costs one
    /// error and no message.
    #[test]
    fn syx_junk_loses_no_message(
        messages in prop::collection::vec(prop::collection::vec(0u8..0x80, 0..20), 1..6),
        junk in prop::collection::vec(prop::collection::vec(any::<u8>().prop_filter("not F0", |&b| b != 0xF0), 0..5), 1..6),
    ) {
        let mut file = Vec::new();
        let mut expected_errors = 0;
        for (i, data) in messages.iter().enumerate() {
            if let Some(gap) = junk.get(i).filter(|gap| !gap.is_empty()) {
                file.extend(gap);
                expected_errors += 1;
            }
            file.push(0xF0);
            file.extend(data);
            file.push(0xF7);
        }
        let items: Vec<_> = syx::Reader::new(&file).collect();
        let read: Vec<&[u8]> = items.iter().filter_map(|item| item.ok()).collect();
        let wanted: Vec<Vec<u8>> = messages.iter().map(|d| [&[0xF0][..], d, &[0xF7]].concat()).collect();
        prop_assert_eq!(read, wanted.iter().map(Vec::as_slice).collect::<Vec<_>>());
        let errors: Vec<ReadError> = items.iter().filter_map(|item| item.err()).collect();
        prop_assert_eq!(errors.len(), expected_errors);
        let all_junk = errors.iter().all(|e| matches!(e, ReadError::Junk { .. }));
        prop_assert!(all_junk, "{:?}", errors);
    }

    #[test]
    fn syx_reader_terminates_and_covers_the_file(file in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut reader = syx::Reader::new(&file);
        let mut last = 0;
        let mut items = 0;
        while let Some(item) = reader.next() {
            prop_assert!(reader.position() > last, "no progress");
            if let Ok(frame) = item {
                prop_assert_eq!(frame.first(), Some(&0xF0));
                prop_assert_eq!(frame.last(), Some(&0xF7));
                prop_assert!(frame[1..frame.len() - 1].iter().all(|&b| b < 0x80));
            }
            last = reader.position();
            items += 1;
        }
        prop_assert_eq!(reader.position(), file.len());
        prop_assert!(items <= file.len());
    }
}
