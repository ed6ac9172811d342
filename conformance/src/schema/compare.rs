//! Comparing two revisions of one schema (`mox schema check NEW --previous OLD`): inside a
//! major, a revision may only append (MOX-SCH-019). A single file cannot show an edit made
//! in place; two revisions can.
use std::collections::BTreeMap;

use super::check::{parse_version, tname, Diagnostic, Seg, Severity};
use super::model::{Extension, Field, Message};

use Seg::{Index as I, Key as K};

const REQ: &str = "MOX-SCH-019";

struct Cmp {
    out: Vec<Diagnostic>,
}

impl Cmp {
    fn error(&mut self, path: Vec<Seg>, message: String) {
        self.out.push(Diagnostic {
            severity: Severity::Error,
            req: REQ,
            message,
            path,
            inner: None,
        });
    }
}

fn minor_of(v: Option<&String>, default: u32) -> u32 {
    v.and_then(|s| parse_version(s))
        .map_or(default, |v| v.minor)
}

/// Every way `new` changes what `old` published. Both must have passed `check`.
pub(crate) fn compare(old: &Extension, new: &Extension) -> Vec<Diagnostic> {
    let mut c = Cmp { out: Vec::new() };
    for (key, a, b) in [("id", &old.id, &new.id), ("owner", &old.owner, &new.owner)] {
        if a != b {
            c.error(
                vec![K(key)],
                format!("`{key}` changed from `{a}`: an extension keeps its identity"),
            );
        }
    }
    if old.number != new.number {
        c.error(
            vec![K("number")],
            format!(
                "`number` changed from {}: an extension keeps its identity",
                old.number
            ),
        );
    }
    for v in &old.versions {
        if !new.versions.iter().any(|n| n.version == v.version) {
            c.error(
                vec![K("versions")],
                format!("version {} was published and cannot be removed", v.version),
            );
        }
    }
    for om in &old.majors {
        let Some((mi, nm)) = new
            .majors
            .iter()
            .enumerate()
            .find(|(_, m)| m.major == om.major)
        else {
            c.error(
                vec![K("majors")],
                format!("major {} was published and cannot be removed", om.major),
            );
            continue;
        };
        let published = old
            .versions
            .iter()
            .filter_map(|v| parse_version(&v.version))
            .filter(|v| v.major == om.major)
            .map(|v| v.minor)
            .max()
            .unwrap_or(0);
        let base = vec![K("majors"), I(mi)];
        for t in &om.reserved_types {
            if !nm.reserved_types.contains(t) {
                c.error(
                    path(&base, &[K("reserved_types")]),
                    format!("retired type {t:02X} must stay in `reserved_types`"),
                );
            }
        }
        let old_msgs: BTreeMap<u32, &Message> =
            om.messages.iter().map(|m| (m.msg_type, m)).collect();
        for (i, msg) in nm.messages.iter().enumerate() {
            let p = path(&base, &[K("messages"), I(i)]);
            match old_msgs.get(&msg.msg_type) {
                Some(o) => compare_message(&mut c, &p, om.major, published, o, msg),
                None => {
                    if minor_of(msg.added.as_ref(), 0) <= published {
                        c.error(path(&p, &[K("type")]), format!("message type {:02X} is new, so its `added` must be a minor after {}.{published}", msg.msg_type, om.major));
                    }
                }
            }
        }
        for o in &om.messages {
            if !nm.messages.iter().any(|m| m.msg_type == o.msg_type) {
                c.error(path(&base, &[K("messages")]), format!("message type {:02X} (`{}`) was published in major {} and cannot be removed (deprecate it)", o.msg_type, o.name, om.major));
            }
        }
    }
    c.out
}

fn path(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.extend_from_slice(more);
    p
}

fn compare_message(c: &mut Cmp, p: &[Seg], major: u32, published: u32, o: &Message, n: &Message) {
    if o.name != n.name
        || o.kind != n.kind
        || minor_of(o.added.as_ref(), 0) != minor_of(n.added.as_ref(), 0)
    {
        c.error(
            path(p, &[K("name")]),
            format!(
                "message type {:02X} changed its name, kind or `added`",
                n.msg_type
            ),
        );
    }
    if o.idempotent != n.idempotent {
        c.error(
            path(p, &[K("idempotent")]),
            format!("message `{}` changed `idempotent`", n.name),
        );
    }
    if o.deprecated.is_some() && o.deprecated != n.deprecated {
        c.error(
            path(p, &[K("deprecated")]),
            format!("message `{}` changed its published `deprecated`", n.name),
        );
    }
    for r in &o.reserved {
        if !n.reserved.contains(r) {
            c.error(
                path(p, &[K("reserved")]),
                format!("retired field number {r} must stay in `reserved`"),
            );
        }
    }
    let added = minor_of(n.added.as_ref(), 0);
    compare_fields(c, p, major, published, added, &o.fields, &n.fields);
}

fn compare_fields(
    c: &mut Cmp,
    p: &[Seg],
    major: u32,
    published: u32,
    parent_added: u32,
    old: &[Field],
    new: &[Field],
) {
    for (i, f) in new.iter().enumerate() {
        let fp = path(p, &[K("fields"), I(i)]);
        let added = minor_of(f.added.as_ref(), parent_added);
        let Some(o) = old.iter().find(|o| o.number == f.number) else {
            if added <= published {
                c.error(path(&fp, &[K("number")]), format!("field {} (`{}`) is new, so its `added` must be a minor after {major}.{published}", f.number, f.name));
            }
            continue;
        };
        let mut changes = field_changes(o, f);
        let old_added = minor_of(o.added.as_ref(), parent_added);
        if old_added != added {
            changes.push(format!("added {major}.{old_added} → {major}.{added}"));
        }
        if !changes.is_empty() {
            c.error(
                path(&fp, &[K("number")]),
                format!(
                    "field {} (`{}`) changed {}: inside a major a published field never changes",
                    f.number,
                    o.name,
                    changes.join(", ")
                ),
            );
        }
        if o.deprecated.is_some() && o.deprecated != f.deprecated {
            c.error(
                path(&fp, &[K("deprecated")]),
                format!("field `{}` changed its published `deprecated`", f.name),
            );
        }
        for ov in &o.values {
            if !f
                .values
                .iter()
                .any(|v| v.name == ov.name && v.value == ov.value && v.added == ov.added)
            {
                c.error(
                    path(&fp, &[K("values")]),
                    format!(
                        "enum value `{}` = {} was published and cannot change",
                        ov.name, ov.value
                    ),
                );
            }
        }
        for (j, v) in f.values.iter().enumerate() {
            if !o.values.iter().any(|ov| ov.value == v.value)
                && minor_of(v.added.as_ref(), added) <= published
            {
                c.error(path(&fp, &[K("values"), I(j)]), format!("enum value `{}` is new, so its `added` must be a minor after {major}.{published}", v.name));
            }
        }
        compare_fields(c, &fp, major, published, added, &o.fields, &f.fields);
    }
    for o in old {
        if !new.iter().any(|f| f.number == o.number) {
            c.error(p.to_vec(), format!("field {} (`{}`) was published and cannot be removed inside its major (deprecate it)", o.number, o.name));
        }
    }
}

fn show<T: std::fmt::Debug>(v: &Option<T>) -> String {
    v.as_ref().map_or("none".to_string(), |v| {
        format!("{v:?}").trim_matches('"').to_string()
    })
}

/// What differs between two revisions of one field, as `key old → new`.
fn field_changes(o: &Field, f: &Field) -> Vec<String> {
    let mut out = Vec::new();
    let mut diff = |key: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{key} {a} → {b}"));
        }
    };
    diff("name", o.name.clone(), f.name.clone());
    diff("type", tname(o.field_type), tname(f.field_type));
    diff("critical", o.critical.to_string(), f.critical.to_string());
    diff("report", o.report.to_string(), f.report.to_string());
    diff("forward", o.forward.to_string(), f.forward.to_string());
    diff("min", show(&o.min), show(&f.min));
    diff("max", show(&o.max), show(&f.max));
    diff("max_len", show(&o.max_len), show(&f.max_len));
    diff("repeated", o.repeated.to_string(), f.repeated.to_string());
    diff("required", o.required.to_string(), f.required.to_string());
    out
}
