//! Example field values: validation against the field definitions, and their TLV encoding
//! for the documentation's worked hex examples (spec §6.4).
use std::collections::BTreeMap;

use super::check::{tname, Seg};
use super::model::{ExampleValue, Field, FieldType};
use super::wire;

/// An error, with the path below `example` where it is.
pub(crate) type ExampleError = (Vec<Seg>, String);

/// Encodes the example's fields in schema order (the order senders SHOULD use), each
/// repeated occurrence as its own TLV. Fails on unknown names, missing required fields and
/// values the field does not allow.
pub(crate) fn encode(
    fields: &[Field],
    example: &BTreeMap<String, ExampleValue>,
) -> Result<Vec<u8>, ExampleError> {
    for name in example.keys() {
        if !fields.iter().any(|f| &f.name == name) {
            return Err((vec![Seg::Name(name.clone())], format!("no field `{name}`")));
        }
    }
    let mut out = Vec::new();
    for f in fields {
        let here = vec![Seg::Name(f.name.clone())];
        let Some(value) = example.get(&f.name) else {
            if f.required {
                return Err((
                    Vec::new(),
                    format!("the example lacks the required field `{}`", f.name),
                ));
            }
            continue;
        };
        let occurrences: Vec<(Vec<Seg>, &ExampleValue)> = match (f.repeated, value) {
            (true, ExampleValue::List(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (vec![Seg::Name(f.name.clone()), Seg::Index(i)], v))
                .collect(),
            (true, _) => return Err((here, format!("`{}` is repeated: give a list", f.name))),
            (false, v) => vec![(here, v)],
        };
        for (p, v) in occurrences {
            let value = encode_value(f, v).map_err(|(rel, m)| {
                let mut full = p.clone();
                full.extend(rel);
                (full, m)
            })?;
            let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
            out.extend(wire::id_bytes(f));
            if wire::varint(len, &mut out).is_none() {
                return Err((p, "the value is longer than 262143 bytes".into()));
            }
            out.extend(value);
        }
    }
    Ok(out)
}

fn hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

fn encode_value(f: &Field, v: &ExampleValue) -> Result<Vec<u8>, ExampleError> {
    let t = f.field_type;
    let bad = |what: &str| Err((Vec::new(), format!("`{}` is {}: {what}", f.name, tname(t))));
    let mut out = Vec::new();
    match (t, v) {
        (FieldType::Bool, ExampleValue::Bool(b)) => out.push(u8::from(*b)),
        (FieldType::Bool, _) => return bad("give true or false"),
        (FieldType::Enum7, ExampleValue::Integer(n)) => {
            if !f.values.iter().any(|e| i64::from(e.value) == *n) {
                return bad(&format!("{n} is not one of its values"));
            }
            out.push(*n as u8);
        }
        (FieldType::Enum7, ExampleValue::Text(name)) => {
            match f.values.iter().find(|e| &e.name == name) {
                Some(e) => out.push(e.value as u8),
                None => return bad(&format!("`{name}` is not one of its values")),
            }
        }
        (FieldType::Enum7, _) => return bad("give a value name or number"),
        (FieldType::Text7, ExampleValue::Text(s)) => {
            if !s.bytes().all(|b| b <= 0x7F) {
                return bad("the text is not ASCII");
            }
            out.extend(s.bytes());
        }
        (FieldType::Utf8, ExampleValue::Text(s)) => out = wire::mcoded7(s.as_bytes()),
        (FieldType::Bytes7, ExampleValue::Text(s)) => match hex(s) {
            Some(b) if b.iter().all(|x| *x <= 0x7F) => out = b,
            _ => return bad("give hex digits of 7-bit bytes (00–7F)"),
        },
        (FieldType::Bytes, ExampleValue::Text(s)) => match hex(s) {
            Some(b) => out = wire::mcoded7(&b),
            None => return bad("give hex digits"),
        },
        (FieldType::Text7 | FieldType::Utf8 | FieldType::Bytes7 | FieldType::Bytes, _) => {
            return bad("give a string")
        }
        (FieldType::F32, ExampleValue::Float(x)) => out = wire::mcoded7(&(*x as f32).to_be_bytes()),
        (FieldType::F32, ExampleValue::Integer(n)) => {
            out = wire::mcoded7(&(*n as f32).to_be_bytes())
        }
        (FieldType::F32, _) => return bad("give a number"),
        (FieldType::Record, ExampleValue::Record(map)) => out = encode(&f.fields, map)?,
        (FieldType::Record, _) => return bad("give a table"),
        (_, ExampleValue::Integer(n)) => {
            let Some((width, _)) = wire::int_width(t) else {
                return bad("unexpected integer");
            };
            let (lo, hi) = wire::type_range(t).unwrap_or((0, 0));
            let lo = f.min.unwrap_or(lo).max(lo);
            let hi = f.max.unwrap_or(hi).min(hi);
            if *n < lo || *n > hi {
                return bad(&format!("{n} is outside {lo}..={hi}"));
            }
            wire::int_bytes(*n, width, &mut out);
        }
        (_, _) => return bad("give an integer"),
    }
    if let Some(max) = f.max_len {
        // max_len counts data bytes for utf8/bytes, wire bytes for text7/bytes7.
        let data_len = match (t, v) {
            (FieldType::Utf8, ExampleValue::Text(s)) => s.len(),
            (FieldType::Bytes, ExampleValue::Text(s)) => hex(s).map_or(0, |b| b.len()),
            _ => out.len(),
        };
        if data_len > max as usize {
            return bad(&format!("{data_len} bytes, more than max_len {max}"));
        }
    }
    Ok(out)
}
