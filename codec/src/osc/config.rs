//! Decoder limits.

/// Limits that bound the work and nesting a decoder accepts. Every limit exists so that a
/// hostile packet cannot make a receiver do unbounded work; the defaults suit a desktop
/// receiver and a microcontroller alike because decoding allocates nothing.
///
/// ```
/// let mut config = mox_codec::osc::DecodeConfig::default();
/// config.max_bundle_depth = 2;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DecodeConfig {
    /// Largest packet accepted, in bytes. Default 65 536 (a UDP datagram is at most 65 507).
    pub max_packet_size: u32,
    /// Largest blob accepted, in bytes. Default 65 536. A blob's declared size is always
    /// checked against the data present too, so this only matters for receivers that want
    /// a tighter bound than the packet size.
    pub max_blob_size: u32,
    /// Most type tags (array brackets included) in one message. Default 1 024.
    pub max_arguments: u16,
    /// Deepest bundle nesting; the outermost bundle is depth 1. Default 8.
    pub max_bundle_depth: u8,
    /// Deepest array nesting; an array directly in a message is depth 1. Default 8.
    pub max_array_depth: u8,
}

impl DecodeConfig {
    /// The documented defaults.
    pub const DEFAULT: DecodeConfig = DecodeConfig {
        max_packet_size: 65_536,
        max_blob_size: 65_536,
        max_arguments: 1_024,
        max_bundle_depth: 8,
        max_array_depth: 8,
    };
}

impl Default for DecodeConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}
