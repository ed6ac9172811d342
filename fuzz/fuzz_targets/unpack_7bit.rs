//! Arbitrary bytes through every 7-bit decoder and the `.syx` reader. Invariants: no panic;
//! a decode succeeds exactly when `decoded_len` does and every byte is valid wire data, it
//! fills exactly `decoded_len` bytes, and re-encoding gives back the input byte for byte
//! (strict decoding makes each encoding a bijection: unused header bits must be zero and
//! nibbles at most `0F`, so no two inputs decode alike); a failed decode points inside the
//! input. The reader makes progress on every item, ends at the end of the input, yields only
//! `F0`, 7-bit data, `F7` slices, and writing those frames back gives the input minus the
//! bytes its errors skipped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::sysex::sevenbit::{self, Encoding};
use mox_codec::sysex::syx;

fuzz_target!(|input: &[u8]| {
    for encoding in Encoding::ALL {
        let mut data = vec![0u8; input.len()];
        match sevenbit::decode(encoding, input, &mut data) {
            Ok(len) => {
                assert_eq!(Ok(len), sevenbit::decoded_len(encoding, input.len()));
                let mut wire = vec![0u8; sevenbit::encoded_len(encoding, len)];
                assert_eq!(
                    sevenbit::encode(encoding, &data[..len], &mut wire),
                    Ok(input.len())
                );
                assert_eq!(wire, input, "{encoding}: re-encoding differs");
            }
            Err(error) => {
                let offset = error
                    .offset()
                    .expect("decode errors other than buffer size have an offset");
                assert!(offset < input.len(), "{encoding}: {error}");
            }
        }
    }

    let mut reader = syx::Reader::new(input);
    let mut frames = Vec::new();
    let mut skipped = 0;
    let mut last = 0;
    while let Some(item) = reader.next() {
        let start = last;
        last = reader.position();
        assert!(last > start, "reader made no progress");
        match item {
            Ok(frame) => {
                assert_eq!(frame, &input[start..last]);
                frames.push(frame);
            }
            Err(error) => {
                assert_eq!(error.offset(), start);
                skipped += last - start;
            }
        }
    }
    assert_eq!(last, input.len());
    let len = syx::written_len(&frames).expect("read frames are well-formed");
    assert_eq!(len + skipped, input.len());
    let mut file = vec![0u8; len];
    assert_eq!(syx::write(&frames, &mut file), Ok(len));
    let again: Vec<_> = syx::Reader::new(&file)
        .collect::<Result<_, _>>()
        .expect("clean file");
    assert_eq!(again, frames);
});
