//! The scalar forms of the format: byte strings as hex, float bit patterns, 64-bit integers
//! as decimal strings, human-readable float values, and error classes. Each checks its
//! spelling when it is read, so a malformed corpus fails to load with a precise message.
use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// How much of an offending string an error message quotes.
const QUOTE_LIMIT: usize = 40;

fn quote(s: &str) -> String {
    match s.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{:?}…", &s[..cut]),
        None => format!("{s:?}"),
    }
}

/// Reads a string with `parse` and reports its error message as the serde error.
fn deserialize_str<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<T> {
        expecting: &'static str,
        parse: fn(&str) -> Result<T, String>,
    }
    impl<T> Visitor<'_> for StrVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).map_err(E::custom)
        }
    }
    deserializer.deserialize_str(StrVisitor { expecting, parse })
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    if let Some(bad) = s.chars().find(|c| !matches!(c, '0'..='9' | 'a'..='f')) {
        return Err(format!(
            "invalid hex {}: {bad:?} is not a lower-case hex digit (write bytes as lower-case \
             hex without separators)",
            quote(s)
        ));
    }
    if s.len() % 2 != 0 {
        return Err(format!(
            "invalid hex {}: odd number of digits ({})",
            quote(s),
            s.len()
        ));
    }
    Ok((0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_default())
        .collect())
}

/// A byte string, written as lower-case hex without separators (`"2f6100"`).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Hex(pub Vec<u8>);

impl Hex {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hex({})", hex_string(&self.0))
    }
}

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_string(&self.0))
    }
}

impl From<&[u8]> for Hex {
    fn from(bytes: &[u8]) -> Self {
        Hex(bytes.to_vec())
    }
}

impl Serialize for Hex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex_string(&self.0))
    }
}

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_str(deserializer, "a lower-case hex string", |s| {
            parse_hex(s).map(Hex)
        })
    }
}

impl JsonSchema for Hex {
    fn schema_name() -> Cow<'static, str> {
        "Hex".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Bytes as lower-case hex without separators.",
            "type": "string",
            "pattern": "^([0-9a-f]{2})*$"
        })
    }
}

macro_rules! bits_type {
    ($name:ident, $int:ty, $digits:literal, $float:literal) => {
        #[doc = concat!("The exact bit pattern of an ", $float, ", written as exactly ", $digits,
                        " lower-case hex digits (big-endian, as on the wire).")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(pub $int);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&format!("{:0w$x}", self.0, w = $digits))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_str(deserializer, concat!($digits, " lower-case hex digits"), |s| {
                    let ok = s.len() == $digits
                        && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
                    match <$int>::from_str_radix(s, 16) {
                        Ok(bits) if ok => Ok($name(bits)),
                        _ => Err(format!(
                            concat!("invalid ", $float, " bits {}: write exactly ", $digits,
                                    " lower-case hex digits"),
                            quote(s)
                        )),
                    }
                })
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": concat!("The exact bit pattern of an ", $float, ": ",
                                           $digits, " lower-case hex digits."),
                    "type": "string",
                    "pattern": concat!("^[0-9a-f]{", $digits, "}$")
                })
            }
        }
    };
}

bits_type!(Bits32, u32, 8, "IEEE 754 binary32 float");
bits_type!(Bits64, u64, 16, "IEEE 754 binary64 float");

/// A 64-bit signed integer written as a canonical decimal string (`"-9223372036854775808"`),
/// since JSON numbers lose precision past 2⁵³ in many readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecimalI64(pub i64);

impl Serialize for DecimalI64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for DecimalI64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_str(deserializer, "a decimal string", |s| {
            match s.parse::<i64>() {
                Ok(v) if v.to_string() == s => Ok(DecimalI64(v)),
                _ => Err(format!(
                    "invalid 64-bit integer {}: write a canonical decimal string such as \"-42\"",
                    quote(s)
                )),
            }
        })
    }
}

impl JsonSchema for DecimalI64 {
    fn schema_name() -> Cow<'static, str> {
        "DecimalI64".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A 64-bit signed integer as a canonical decimal string.",
            "type": "string",
            "pattern": "^(0|-?[1-9][0-9]{0,18})$"
        })
    }
}

/// The human-readable value of a float: a JSON number, or a string such as `"NaN"`,
/// `"inf"` or `"-inf"`. Readers of the corpus ignore it whenever `bits` are present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum HumanFloat {
    /// A number.
    Number(f64),
    /// A number JSON cannot write, such as `NaN`, `inf` or `-inf`.
    Text(String),
}

impl HumanFloat {
    /// The human form of an `f32`: its shortest decimal spelling, or a text for NaN and
    /// infinities.
    pub fn from_f32(v: f32) -> Self {
        match format!("{v}").parse::<f64>() {
            Ok(n) if v.is_finite() => HumanFloat::Number(n),
            _ => HumanFloat::Text(format!("{v}")),
        }
    }

    /// The human form of an `f64`.
    pub fn from_f64(v: f64) -> Self {
        if v.is_finite() {
            HumanFloat::Number(v)
        } else {
            HumanFloat::Text(format!("{v}"))
        }
    }

    /// The nearest `f32` (a number is rounded through `f64`), or `None` for a text that is
    /// not a number.
    pub fn to_f32(&self) -> Option<f32> {
        match self {
            HumanFloat::Number(n) => Some(*n as f32),
            HumanFloat::Text(s) => s.trim().parse().ok(),
        }
    }

    /// The `f64`, or `None` for a text that is not a number.
    pub fn to_f64(&self) -> Option<f64> {
        match self {
            HumanFloat::Number(n) => Some(*n),
            HumanFloat::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// The error classes of OSC packet decoding (kind `osc-packet`).
pub const PACKET_ERROR_CLASSES: &[&str] = &[
    "empty-packet",
    "misaligned-size",
    "unknown-packet-type",
    "bad-bundle-header",
    "bad-address",
    "truncated",
    "unterminated-string",
    "nonzero-padding",
    "invalid-utf8",
    "unknown-type-tag",
    "unbalanced-array",
    "array-too-deep",
    "bundle-too-deep",
    "bad-element-size",
    "element-overrun",
    "bad-blob-size",
    "blob-too-large",
    "invalid-char",
    "packet-too-large",
    "too-many-arguments",
    "trailing-data",
];

/// The error classes of OSC stream framing (kind `osc-stream`).
pub const STREAM_ERROR_CLASSES: &[&str] = &[
    "slip-bad-escape",
    "frame-too-large",
    "bad-length-prefix",
    "truncated-frame",
];

/// The error classes of OSC address-pattern matching (kind `osc-match`).
pub const MATCH_ERROR_CLASSES: &[&str] =
    &["invalid-pattern", "invalid-address", "pattern-too-complex"];

/// A language-neutral error class (`"truncated"`, `"slip-bad-escape"`, …): what every
/// implementation must report for an invalid input, whatever its own error types.
///
/// Only the classes the format defines ([`PACKET_ERROR_CLASSES`], [`STREAM_ERROR_CLASSES`],
/// [`MATCH_ERROR_CLASSES`]) can be read from a corpus file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorClass(&'static str);

impl ErrorClass {
    /// Every class the format defines, each once (a class such as `not-seven-bit` can belong to
    /// several kinds).
    pub fn all() -> impl Iterator<Item = ErrorClass> {
        let lists = [
            PACKET_ERROR_CLASSES,
            STREAM_ERROR_CLASSES,
            MATCH_ERROR_CLASSES,
        ]
        .into_iter()
        .chain(crate::sysex::ALL_CLASS_LISTS.iter().copied())
        .chain(crate::envelope::ALL_CLASS_LISTS.iter().copied());
        let mut seen = std::collections::BTreeSet::new();
        lists
            .flatten()
            .filter(move |name| seen.insert(**name))
            .map(|&name| ErrorClass(name))
    }

    /// The class named `name`, if the format defines it.
    pub fn new(name: &str) -> Option<Self> {
        Self::all().find(|class| class.0 == name)
    }

    /// The class an implementation reported (for example [`DecodeError::class`]), taken as
    /// it is even if the format does not define it, so that a comparison shows it.
    ///
    /// [`DecodeError::class`]: mox_codec::osc::DecodeError::class
    pub const fn reported(name: &'static str) -> Self {
        ErrorClass(name)
    }

    /// The class's name.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErrorClass({})", self.0)
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for ErrorClass {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ErrorClass {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_str(deserializer, "an error class", |s| {
            ErrorClass::new(s).ok_or_else(|| {
                let known: Vec<_> = ErrorClass::all().map(|c| c.0).collect();
                format!(
                    "unknown error class {}; the format defines {}",
                    quote(s),
                    known.join(", ")
                )
            })
        })
    }
}

impl JsonSchema for ErrorClass {
    fn schema_name() -> Cow<'static, str> {
        "ErrorClass".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<_> = ErrorClass::all().map(|c| c.0).collect();
        json_schema!({
            "description": "A language-neutral error class.",
            "type": "string",
            "enum": names
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn hex_is_lower_case_and_even() {
        assert_eq!(read::<Hex>(r#""00ff2f""#), Ok(Hex(vec![0, 0xff, 0x2f])));
        assert_eq!(read::<Hex>(r#""""#), Ok(Hex(vec![])));
        assert!(read::<Hex>(r#""0F""#)
            .unwrap_err()
            .contains("not a lower-case hex digit"));
        assert!(read::<Hex>(r#""abc""#)
            .unwrap_err()
            .contains("odd number of digits"));
        assert!(read::<Hex>(r#""ab cd""#).is_err());
        assert_eq!(
            serde_json::to_string(&Hex(vec![0xab, 1])).unwrap(),
            r#""ab01""#
        );
    }

    #[test]
    fn bits_have_their_width() {
        assert_eq!(read::<Bits32>(r#""40000000""#), Ok(Bits32(0x4000_0000)));
        assert!(read::<Bits32>(r#""4000""#)
            .unwrap_err()
            .contains("exactly 8"));
        assert!(read::<Bits32>(r#""4000000A""#).is_err());
        assert!(read::<Bits64>(r#""40000000""#)
            .unwrap_err()
            .contains("exactly 16"));
        assert_eq!(
            serde_json::to_string(&Bits64(1)).unwrap(),
            r#""0000000000000001""#
        );
    }

    #[test]
    fn i64_is_a_canonical_decimal_string() {
        let min = r#""-9223372036854775808""#;
        assert_eq!(read::<DecimalI64>(min), Ok(DecimalI64(i64::MIN)));
        assert!(
            read::<DecimalI64>("5").is_err(),
            "a JSON number is not accepted"
        );
        assert!(read::<DecimalI64>(r#""+5""#).is_err());
        assert!(read::<DecimalI64>(r#""05""#).is_err());
        assert!(read::<DecimalI64>(r#""9223372036854775808""#).is_err());
    }

    #[test]
    fn error_classes_are_the_defined_ones() {
        assert_eq!(
            read::<ErrorClass>(r#""truncated""#).map(|c| c.as_str()),
            Ok("truncated")
        );
        assert!(read::<ErrorClass>(r#""truncation""#)
            .unwrap_err()
            .contains("unknown error class"));
        let all: Vec<_> = ErrorClass::all().map(|c| c.as_str()).collect();
        let unique: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(all.len(), unique.len(), "all() lists each class once");
        for kind in crate::Kind::ALL {
            for class in kind.error_classes() {
                assert!(all.contains(class), "{kind}: {class} missing from all()");
            }
        }
        assert!(
            all.iter().all(|c| crate::load::is_flag(c)),
            "classes are kebab-case"
        );
    }

    #[test]
    fn human_floats() {
        assert_eq!(HumanFloat::from_f32(0.1), HumanFloat::Number(0.1));
        assert_eq!(
            HumanFloat::from_f32(f32::NAN),
            HumanFloat::Text("NaN".into())
        );
        assert_eq!(
            HumanFloat::Text("-inf".into()).to_f32(),
            Some(f32::NEG_INFINITY)
        );
        assert_eq!(
            HumanFloat::from_f64(f64::INFINITY),
            HumanFloat::Text("inf".into())
        );
    }
}
