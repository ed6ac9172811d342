//! The crate's codes as published in docs/errors.md (601–659).
use mox_codec::envelope::EncodeError;
use mox_negotiate::{ConfigError as C, Ignored as I, TransmitError as T};

#[test]
fn codes_and_classes_match_docs_errors_md() {
    let config = [
        C::RtoInitial,
        C::RtoMax,
        C::SendCount,
        C::ReprobeInitial,
        C::ReprobeMax,
        C::Jitter,
        C::MinRetryAfter,
        C::MaxSize,
        C::Reassembly,
        C::InvalidExtension,
        C::Grease,
        C::DuplicateOffer,
        C::EmptyOffer,
        C::TooManyMajors,
        C::InvalidMajor,
        C::DuplicateMajor,
        C::SunsetOffered,
        C::InvalidFeature,
        C::DuplicateFeature,
        C::TooLarge,
    ];
    let codes: Vec<u16> = config.iter().map(|e| e.code()).collect();
    assert_eq!(codes, (601..=620).collect::<Vec<_>>());
    assert_eq!(
        (C::RtoInitial.class(), C::TooLarge.class()),
        ("rto-initial", "hello-too-large")
    );
    let ignored = [
        I::NotStarted,
        I::Closed,
        I::TooLarge,
        I::Malformed,
        I::NotCore,
        I::OtherDestination,
        I::Echo,
        I::UnknownCritical,
        I::NotNegotiation,
        I::BadHello,
        I::Duplicate,
        I::RateLimited,
        I::TieBreak,
        I::Stale,
        I::OtherGoodbye,
        I::NotExpected,
    ];
    let codes: Vec<u16> = ignored.iter().map(|e| e.code()).collect();
    assert_eq!(codes, (631..=646).collect::<Vec<_>>());
    assert_eq!(
        (I::NotStarted.class(), I::NotExpected.class()),
        ("not-started", "not-expected")
    );
    let mut classes: Vec<&str> = config.iter().map(|e| e.class()).collect();
    classes.extend(ignored.iter().map(|e| e.class()));
    let count = classes.len();
    classes.sort_unstable();
    classes.dedup();
    assert_eq!(classes.len(), count, "classes are unique");
    assert_eq!(T::BufferTooSmall { needed: 1 }.code(), 621);
    assert_eq!(T::Encode(EncodeError::OutOfRange).code(), 622);
    assert_eq!(
        T::BufferTooSmall { needed: 9 }.to_string(),
        "buffer too small: 9 bytes needed"
    );
}
