//! The MOX golden test-vector corpus: the Rust model of its format, the JSON Schema generated
//! from it, a loader that checks a corpus, conversions between `mox-codec` packets and the
//! format's value form, and a runner that checks `mox-codec` against every case.
//!
//! The format is described for people in `vectors/README.md`; this crate is its reference.
//!
//! ```
//! let corpus = mox_vectors::Corpus::load_default()?;
//! let summary = corpus.run();
//! println!("{summary}"); // per kind and per failure, then "N passed, N failed"
//! assert_eq!(summary.passed + summary.failed, corpus.len());
//! # Ok::<(), mox_vectors::LoadError>(())
//! ```
//!
//! Encoding a packet written in the value form (what `mox osc encode` does):
//!
//! ```
//! use mox_vectors::{encode_packet, PacketValue};
//!
//! let value: PacketValue = serde_json::from_str(
//!     r#"{"message": {"address": "/fader", "args": [{"type": "f", "value": 0.5}]}}"#,
//! )?;
//! let bytes = encode_packet(&value)?;
//! assert_eq!(bytes, b"/fader\0\0,f\0\0\x3f\0\0\0");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod convert;
mod load;
#[macro_use]
mod model;
pub mod envelope;
pub mod negotiate;
mod run;
mod scalar;
mod schema;
pub mod sysex;

pub use convert::{encode_packet, EncodeError};
pub use load::{Corpus, CorpusFile, LoadError, Problem, ProblemKind, MAX_STREAM_FRAME};
pub use model::{
    ArgValue, BundleValue, Case, Expected, Float32, Float64, Framing, Item, Kind, Manifest,
    MatchCase, MessageValue, PacketCase, PacketConfig, PacketValue, StreamCase, StreamEncodeCase,
    StreamEvent, TimeTagValue, VectorFile, Verdict,
};
pub use run::{run_case, run_case_with, Failure, KindSummary, Outcome, Summary, DEFAULT_MAX_FRAME};
pub use scalar::{
    Bits32, Bits64, DecimalI64, ErrorClass, Hex, HumanFloat, MATCH_ERROR_CLASSES,
    PACKET_ERROR_CLASSES, STREAM_ERROR_CLASSES,
};
pub use schema::{schema, schema_json, SCHEMA_PATH};

/// What every case id matches: lower-case namespaces joined by `::`, at least two.
pub const ID_PATTERN: &str = "^[a-z0-9]+(::[a-z0-9-]+)+$";

/// What every behaviour flag matches: kebab-case.
pub const FLAG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
