//! Open Sound Control 1.0 and 1.1.
pub mod pattern;
pub mod stream;
