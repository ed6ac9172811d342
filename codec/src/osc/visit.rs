//! Reading a message's arguments through a visitor: each value goes straight from the data
//! to a method for its type.
use super::{Arg, Array, DecodeError, Message, MidiMessage, Rgba, TimeTag};

/// Receives a message's arguments in order, each through the method for its type; see
/// [`Message::visit_args`](super::Message::visit_args).
///
/// Only [`ArgVisitor::arg`] is required: every typed method forwards to it by default, so
/// a visitor can take everything as an [`Arg`], or override the methods for the types it
/// cares about. A typed method is called from exactly one place, with a value already of
/// its type, so it compiles to straight-line code with nothing to dispatch on; that makes
/// the typed methods the fastest way to read a message.
///
/// Returning an error from any method stops the reading and is passed on as it is.
///
/// ```
/// use mox_codec::osc::{Arg, ArgVisitor, DecodeError, Packet};
///
/// /// Sums the numbers, ignores everything else.
/// struct Sum(f64);
///
/// impl<'a> ArgVisitor<'a> for Sum {
///     type Error = DecodeError;
///     fn arg(&mut self, _other: Arg<'a>) -> Result<(), DecodeError> {
///         Ok(())
///     }
///     fn int(&mut self, value: i32) -> Result<(), DecodeError> {
///         self.0 += f64::from(value);
///         Ok(())
///     }
///     fn float(&mut self, value: f32) -> Result<(), DecodeError> {
///         self.0 += f64::from(value);
///         Ok(())
///     }
/// }
///
/// let bytes = b"/mix\0\0\0\0,ifs\0\0\0\0\0\0\0\x07\x3f\0\0\0hi\0\0";
/// let Packet::Message(message) = Packet::decode(bytes)? else { unreachable!() };
/// let mut sum = Sum(0.0);
/// message.visit_args(&mut sum)?;
/// assert_eq!(sum.0, 7.5);
/// # Ok::<(), DecodeError>(())
/// ```
pub trait ArgVisitor<'a> {
    /// What the methods return on error; decode errors convert into it.
    type Error: From<DecodeError>;

    /// Any argument whose typed method is not overridden.
    fn arg(&mut self, arg: Arg<'a>) -> Result<(), Self::Error>;

    /// `i`: 32-bit integer.
    #[inline]
    fn int(&mut self, value: i32) -> Result<(), Self::Error> {
        self.arg(Arg::Int(value))
    }
    /// `f`: 32-bit float.
    #[inline]
    fn float(&mut self, value: f32) -> Result<(), Self::Error> {
        self.arg(Arg::Float(value))
    }
    /// `s`: string.
    #[inline]
    fn string(&mut self, value: &'a str) -> Result<(), Self::Error> {
        self.arg(Arg::String(value))
    }
    /// `b`: blob.
    #[inline]
    fn blob(&mut self, value: &'a [u8]) -> Result<(), Self::Error> {
        self.arg(Arg::Blob(value))
    }
    /// `h`: 64-bit integer.
    #[inline]
    fn long(&mut self, value: i64) -> Result<(), Self::Error> {
        self.arg(Arg::Long(value))
    }
    /// `t`: timetag.
    #[inline]
    fn time_tag(&mut self, value: TimeTag) -> Result<(), Self::Error> {
        self.arg(Arg::TimeTag(value))
    }
    /// `d`: 64-bit float.
    #[inline]
    fn double(&mut self, value: f64) -> Result<(), Self::Error> {
        self.arg(Arg::Double(value))
    }
    /// `S`: symbol.
    #[inline]
    fn symbol(&mut self, value: &'a str) -> Result<(), Self::Error> {
        self.arg(Arg::Symbol(value))
    }
    /// `c`: character.
    #[inline]
    fn char(&mut self, value: char) -> Result<(), Self::Error> {
        self.arg(Arg::Char(value))
    }
    /// `r`: RGBA colour.
    #[inline]
    fn color(&mut self, value: Rgba) -> Result<(), Self::Error> {
        self.arg(Arg::Color(value))
    }
    /// `m`: MIDI message.
    #[inline]
    fn midi(&mut self, value: MidiMessage) -> Result<(), Self::Error> {
        self.arg(Arg::Midi(value))
    }
    /// `T` (`true`) or `F` (`false`).
    #[inline]
    fn bool(&mut self, value: bool) -> Result<(), Self::Error> {
        self.arg(Arg::from(value))
    }
    /// `N`: nil.
    #[inline]
    fn nil(&mut self) -> Result<(), Self::Error> {
        self.arg(Arg::Nil)
    }
    /// `I`: impulse.
    #[inline]
    fn impulse(&mut self) -> Result<(), Self::Error> {
        self.arg(Arg::Impulse)
    }
    /// `[` … `]`: an array, already checked in full (iterate it with [`Array::iter`]).
    #[inline]
    fn array(&mut self, value: Array<'a>) -> Result<(), Self::Error> {
        self.arg(Arg::Array(value))
    }
}

/// Passes `arg` to the method of `visitor` for its type.
#[inline]
pub(super) fn dispatch<'a, V: ArgVisitor<'a> + ?Sized>(
    visitor: &mut V,
    arg: Arg<'a>,
) -> Result<(), V::Error> {
    match arg {
        Arg::Int(v) => visitor.int(v),
        Arg::Float(v) => visitor.float(v),
        Arg::String(v) => visitor.string(v),
        Arg::Blob(v) => visitor.blob(v),
        Arg::Long(v) => visitor.long(v),
        Arg::TimeTag(v) => visitor.time_tag(v),
        Arg::Double(v) => visitor.double(v),
        Arg::Symbol(v) => visitor.symbol(v),
        Arg::Char(v) => visitor.char(v),
        Arg::Color(v) => visitor.color(v),
        Arg::Midi(v) => visitor.midi(v),
        Arg::True => visitor.bool(true),
        Arg::False => visitor.bool(false),
        Arg::Nil => visitor.nil(),
        Arg::Impulse => visitor.impulse(),
        Arg::Array(v) => visitor.array(v),
    }
}

/// A closure as a visitor (everything goes to [`ArgVisitor::arg`]).
pub(super) struct FnVisitor<F>(pub(super) F);

impl<'a, E, F> ArgVisitor<'a> for FnVisitor<F>
where
    E: From<DecodeError>,
    F: FnMut(Arg<'a>) -> Result<(), E>,
{
    type Error = E;
    #[inline(always)]
    fn arg(&mut self, arg: Arg<'a>) -> Result<(), E> {
        (self.0)(arg)
    }
}

/// Receives a packet's contents in reading order; see [`Packet::visit_bytes`] (which decodes
/// and visits in one pass, without building a [`Packet`] for every bundle element) and
/// [`Packet::visit`].
///
/// Only [`PacketVisitor::message`] is required. It gets each message as a view; reading its
/// arguments is up to it (usually with [`Message::visit_args`], which checks each argument
/// as it reads it), so a visitor can look at the address first and skip the arguments of
/// messages it does not want. A bundle is announced with [`PacketVisitor::bundle`], then
/// its elements follow, in order and recursively, then [`PacketVisitor::bundle_end`].
///
/// Returning an error from any method stops the visit and is passed on as it is.
///
/// ```
/// use mox_codec::osc::{Arg, ArgVisitor, DecodeError, Message, Packet, PacketVisitor};
///
/// /// Sums the floats sent to `/fader`.
/// struct Faders(f32);
///
/// impl<'a> ArgVisitor<'a> for Faders {
///     type Error = DecodeError;
///     fn arg(&mut self, _other: Arg<'a>) -> Result<(), DecodeError> {
///         Ok(())
///     }
///     fn float(&mut self, value: f32) -> Result<(), DecodeError> {
///         self.0 += value;
///         Ok(())
///     }
/// }
///
/// impl<'a> PacketVisitor<'a> for Faders {
///     type Error = DecodeError;
///     fn message(&mut self, message: &Message<'a>) -> Result<(), DecodeError> {
///         if message.address() == "/fader" {
///             message.visit_args(self)?;
///         }
///         Ok(())
///     }
/// }
///
/// // A bundle (timetag "immediately") holding `/fader ,f 0.5` and `/mute ,f 1.0`.
/// let bytes = b"#bundle\0\0\0\0\0\0\0\0\x01\
///     \0\0\0\x10/fader\0\0,f\0\0\x3f\0\0\0\
///     \0\0\0\x10/mute\0\0\0,f\0\0\x3f\x80\0\0";
/// let mut faders = Faders(0.0);
/// Packet::visit_bytes(bytes, &mut faders)?;
/// assert_eq!(faders.0, 0.5);
/// # Ok::<(), DecodeError>(())
/// ```
///
/// [`Packet`]: super::Packet
/// [`Packet::visit_bytes`]: super::Packet::visit_bytes
/// [`Packet::visit`]: super::Packet::visit
/// [`Message::visit_args`]: super::Message::visit_args
pub trait PacketVisitor<'a> {
    /// What the methods return on error; decode errors convert into it.
    type Error: From<DecodeError>;

    /// A message (of the packet itself, or an element of a bundle).
    fn message(&mut self, message: &Message<'a>) -> Result<(), Self::Error>;

    /// A bundle starts: its timetag. Its elements follow, then [`PacketVisitor::bundle_end`].
    #[inline]
    fn bundle(&mut self, timetag: TimeTag) -> Result<(), Self::Error> {
        let _ = timetag;
        Ok(())
    }

    /// The bundle last started has no more elements.
    #[inline]
    fn bundle_end(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
