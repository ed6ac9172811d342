//! Re-originating nodes and the `U` bit (spec §13.3, MOX-BRG-020/021). A pass-through
//! bridge needs nothing from here: it copies the body between [`sysex`](super::sysex) and
//! [`osc`](super::osc) framings untouched (MOX-BRG-001/002).
use super::body::Body;
use super::fields::FieldSection;
use super::header::Header;
use super::receiver::{Classified, FieldClass, Outcome, ReceiverDesc, Reply};
use super::FieldId;

/// What a re-originating node may do with one message (spec §13.3).
#[derive(Clone, Debug)]
pub enum Reorigination<'a, 'r> {
    /// Send a new message with these fields, in this order: the known ones (which the node
    /// may change as the extension allows, MOX-BRG-023) and the unknown ones with `U=0`
    /// (copied byte-exact, MOX-BRG-020). Unknown fields with `U=1` are left out.
    Forward {
        /// The received header (the node re-originates under its own ids, MOX-BRG-022).
        header: Header,
        /// The fields to carry over.
        fields: Forwarded<'a, 'r>,
    },
    /// An unknown field with `U=1 C=1`: the message must not be forwarded (MOX-BRG-021).
    CannotForward {
        /// The header.
        header: Header,
        /// The first such field in wire order.
        field: FieldId,
        /// `0B` `cannot-forward` naming it, when the message is eligible as MOX-BRG-021
        /// reads MOX-ERR-020: `A=1`, a destination that is not broadcast or reserved (the
        /// caller checks that it is one the node forwards to), a valid source, not an
        /// error message.
        reply: Option<Reply>,
    },
    /// The message ended earlier in the pipeline: not MOX, ignored, discarded, malformed,
    /// rejected (the node does not know the extension: it can only pass the bytes
    /// through), or a chunk to reassemble first. The outcome is the one a final receiver
    /// at the message's destination would reach.
    Other(Outcome<'a, 'r>),
}

/// The fields a re-originating node carries over; see [`Reorigination::Forward`].
#[derive(Clone, Debug)]
pub struct Forwarded<'a, 'r> {
    fields: Classified<'a, 'r>,
}

impl<'a, 'r> Iterator for Forwarded<'a, 'r> {
    type Item = FieldClass<'a, 'r>;

    fn next(&mut self) -> Option<Self::Item> {
        self.fields.by_ref().find(|field| match field {
            FieldClass::Known(_) => true,
            FieldClass::Unknown(field) => !field.id().is_unsafe_to_forward(),
        })
    }
}

impl<'r> ReceiverDesc<'r> {
    /// Runs the pipeline for a node that re-originates `body` (steps 1a–8 as for a final
    /// receiver, at any destination), then applies the `U` rules to the message's own
    /// unknown fields instead of the `C` rules: an unknown critical field with `U=0` is
    /// carried over for the final receiver to judge. Fields inside known records are part
    /// of their record's value; re-encoding a record is the node's business.
    pub fn reoriginate<'a>(&self, body: &'a [u8]) -> Reorigination<'a, 'r> {
        // As a forwarder the node handles every destination: receive as if addressed to it.
        let as_forwarder = ReceiverDesc {
            node_id: match Body::parse_header(body) {
                Ok((
                    Header {
                        addresses: Some(addresses),
                        ..
                    },
                    _,
                    _,
                )) => addresses.destination,
                _ => self.node_id,
            },
            ..*self
        };
        let outcome = as_forwarder.receive(body);
        let (header, fields) = match outcome {
            Outcome::Delivered(delivered) => (*delivered.header(), delivered.fields()),
            Outcome::Dropped { header, .. } => {
                // Validated by `receive` up to step 8; only the C rule stopped it.
                let Ok((_, header_len, section)) = Body::parse_header(body) else {
                    return Reorigination::Other(outcome);
                };
                let limits = super::fields::Limits {
                    max_fields: u16::MAX,
                    max_depth: u8::MAX,
                };
                let Ok(section) = FieldSection::parse_at(section, header_len, &limits) else {
                    return Reorigination::Other(outcome);
                };
                let Ok(message) = self.message_def_of(&header) else {
                    return Reorigination::Other(outcome);
                };
                (
                    header,
                    Classified::new(section, message.fields, header.minor),
                )
            }
            other => return Reorigination::Other(other),
        };
        let blocked = fields.clone().find_map(|field| match field {
            FieldClass::Unknown(field)
                if field.id().is_unsafe_to_forward() && field.id().is_critical() =>
            {
                Some(field.id())
            }
            _ => None,
        });
        match blocked {
            Some(field) => Reorigination::CannotForward {
                header,
                field,
                reply: as_forwarder.reply_naming(&header, 0x0B, field),
            },
            None => Reorigination::Forward {
                header,
                fields: Forwarded { fields },
            },
        }
    }
}
