//! Human-readable dumps (`Display`), one line per message, bundles indented by depth:
//!
//! ```text
//! #bundle immediately
//!   /feeooblah ,sif "beans" 1 2.0
//!   <error: truncated at byte 60>
//! ```
//!
//! Values are written so that the type is visible: strings and symbols quoted, floats always
//! with a decimal point (`{:?}`; a NaN with its bits), blobs as `<hex>`, colours as `#rrggbbaa`, MIDI as
//! `midi(port status data1 data2)` in hex. A read error is shown where it stopped reading.
use core::fmt::{self, Display, Formatter, Write};

use super::{Arg, Array, Bundle, DecodeError, Message, Packet};

impl Display for DecodeErrorMarker {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "<error: {} at byte {}>", self.0.class(), self.0.offset())
    }
}

struct DecodeErrorMarker(DecodeError);

fn hex(f: &mut Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

fn write_items<'a>(
    f: &mut Formatter<'_>,
    items: impl Iterator<Item = Result<Arg<'a>, DecodeError>>,
) -> fmt::Result {
    for item in items {
        f.write_char(' ')?;
        match item {
            Ok(arg) => write!(f, "{arg}")?,
            Err(error) => write!(f, "{}", DecodeErrorMarker(error))?,
        }
    }
    Ok(())
}

fn write_tags<'a>(
    f: &mut Formatter<'_>,
    items: impl Iterator<Item = Result<Arg<'a>, DecodeError>>,
) -> fmt::Result {
    for arg in items.flatten() {
        f.write_char(char::from(arg.tag()))?;
        if let Arg::Array(array) = arg {
            write_tags(f, array.iter())?;
            f.write_char(']')?;
        }
    }
    Ok(())
}

impl Display for Arg<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Int(v) => write!(f, "{v}"),
            // A NaN's payload is data too: show its bits.
            Arg::Float(v) if v.is_nan() => write!(f, "NaN({:#010x})", v.to_bits()),
            Arg::Float(v) => write!(f, "{v:?}"),
            Arg::String(s) | Arg::Symbol(s) => write!(f, "{s:?}"),
            Arg::Blob(b) => {
                f.write_char('<')?;
                hex(f, b)?;
                f.write_char('>')
            }
            Arg::Long(v) => write!(f, "{v}"),
            Arg::TimeTag(t) => write!(f, "{t}"),
            Arg::Double(v) if v.is_nan() => write!(f, "NaN({:#018x})", v.to_bits()),
            Arg::Double(v) => write!(f, "{v:?}"),
            Arg::Char(c) => write!(f, "{c:?}"),
            Arg::Color(c) => {
                f.write_char('#')?;
                hex(f, &c.to_bytes())
            }
            Arg::Midi(m) => {
                write!(
                    f,
                    "midi({:02x} {:02x} {:02x} {:02x})",
                    m.port, m.status, m.data1, m.data2
                )
            }
            Arg::True => f.write_str("true"),
            Arg::False => f.write_str("false"),
            Arg::Nil => f.write_str("nil"),
            Arg::Impulse => f.write_str("impulse"),
            Arg::Array(array) => write!(f, "{array}"),
        }
    }
}

impl Display for Array<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        let mut first = true;
        for item in self.iter() {
            if !first {
                f.write_char(' ')?;
            }
            first = false;
            match item {
                Ok(arg) => write!(f, "{arg}")?,
                Err(error) => write!(f, "{}", DecodeErrorMarker(error))?,
            }
        }
        f.write_char(']')
    }
}

impl Display for Message<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.address())?;
        if let Some(payload) = self.untyped_payload() {
            write!(f, " <no type tags; {} bytes", payload.len())?;
            if !payload.is_empty() {
                f.write_str(": ")?;
                hex(f, payload)?;
            }
            return f.write_char('>');
        }
        f.write_str(" ,")?;
        match self.type_tags() {
            Some(tags) => f.write_str(tags)?,
            None => write_tags(f, self.args())?,
        }
        write_items(f, self.args())
    }
}

fn write_packet(f: &mut Formatter<'_>, packet: &Packet<'_>, indent: usize) -> fmt::Result {
    match packet {
        Packet::Message(message) => write!(f, "{:indent$}{message}", ""),
        Packet::Bundle(bundle) => write_bundle(f, bundle, indent),
    }
}

fn write_bundle(f: &mut Formatter<'_>, bundle: &Bundle<'_>, indent: usize) -> fmt::Result {
    write!(f, "{:indent$}#bundle {}", "", bundle.timetag())?;
    for element in bundle.elements() {
        f.write_char('\n')?;
        match element {
            // Recursion depth is bounded by the decoder's bundle depth limit.
            Ok(packet) => write_packet(f, &packet, indent + 2)?,
            Err(error) => write!(f, "{:w$}{}", "", DecodeErrorMarker(error), w = indent + 2)?,
        }
    }
    Ok(())
}

impl Display for Bundle<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_bundle(f, self, 0)
    }
}

impl Display for Packet<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_packet(f, self, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Arg, Array, Bundle, Message, MidiMessage, Packet, Rgba, TimeTag};

    #[test]
    fn message_dump() {
        let items = [Arg::Int(1), Arg::Symbol("s")];
        let args = [
            Arg::String("beans"),
            Arg::Float(2.0),
            Arg::Blob(&[1, 0xab]),
            Arg::Color(Rgba {
                r: 1,
                g: 2,
                b: 3,
                a: 4,
            }),
            Arg::Midi(MidiMessage {
                port: 0,
                status: 0x90,
                data1: 60,
                data2: 127,
            }),
            Arg::Array(Array::new(&items)),
            Arg::Char('é'),
            Arg::Impulse,
            Arg::Float(f32::from_bits(0x7f80_0001)),
        ];
        let m = Message::new("/x", &args);
        assert_eq!(
            m.to_string(),
            r#"/x ,sfbrm[iS]cIf "beans" 2.0 <01ab> #01020304 midi(00 90 3c 7f) [1 "s"] 'é' impulse NaN(0x7f800001)"#
        );
    }

    #[test]
    fn bundle_dump_with_error() {
        let bytes = b"#bundle\0\0\0\0\0\0\0\0\x01\0\0\0\x08/a\0\0,i\0\0\0\0\0\x08/b\0\0,\0\0\0";
        let packet = Packet::decode(bytes).unwrap();
        assert_eq!(
            packet.to_string(),
            "#bundle immediately\n  /a ,i <error: truncated at byte 28>\n  /b ,"
        );
        let inner = [Packet::Message(Message::new("/c", &[]))];
        let outer = [Packet::Bundle(Bundle::new(TimeTag::new(1, 0), &inner))];
        let b = Bundle::new(TimeTag::IMMEDIATELY, &outer);
        assert_eq!(
            b.to_string(),
            "#bundle immediately\n  #bundle 0x0000000100000000\n    /c ,"
        );
    }
}
