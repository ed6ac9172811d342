//! The semantic rules of spec/schema.md that serde cannot express. Each diagnostic cites
//! its requirement id, and names the TOML path of the offending value so that the caller
//! can point at it in the file.
use std::collections::{BTreeMap, BTreeSet};

use super::expr::{self, Env, Expr, ExprError, Range, Sym};
use super::model::{
    Dedup, Extension, Field, FieldType, Kind, Loop, Major, Message, MidiKind, MidiRule, OscArg,
    OscRule, OscTag, Status,
};
use super::wire;

/// One step of a path into the TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A table key.
    Key(&'static str),
    /// A key chosen by the file (example values).
    Name(String),
    /// An array index.
    Index(usize),
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    /// The file is invalid.
    Error,
    /// The file is valid, but probably not what its author meant.
    Warning,
}

/// One finding.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostic {
    pub(crate) severity: Severity,
    /// The requirement broken, `MOX-SCH-NNN`.
    pub(crate) req: &'static str,
    pub(crate) message: String,
    /// Where: the TOML path of the value.
    pub(crate) path: Vec<Seg>,
    /// For expressions: the byte range inside the string value.
    pub(crate) inner: Option<expr::Span>,
}

/// Deepest record nesting a schema may declare (the receiver default of spec §6.6).
pub(crate) const MAX_RECORD_DEPTH: usize = 4;
/// Most nested loops a fallback rule may have.
pub(crate) const MAX_LOOPS: usize = 2;
/// Largest static bound of a loop count.
pub(crate) const MAX_LOOP_COUNT: i64 = 256;

/// A parsed `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ver {
    pub(crate) major: u32,
    pub(crate) minor: u32,
}

impl std::fmt::Display for Ver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Parses `"M.m"`: decimal, no sign, no leading zeros, major 1–127, minor 0–127.
pub(crate) fn parse_version(text: &str) -> Option<Ver> {
    let (a, b) = text.split_once('.')?;
    let num = |s: &str| -> Option<u32> {
        let ok = !s.is_empty()
            && s.len() <= 3
            && s.bytes().all(|c| c.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'));
        if ok {
            s.parse().ok()
        } else {
            None
        }
    };
    let v = Ver {
        major: num(a)?,
        minor: num(b)?,
    };
    ((1..=127).contains(&v.major) && v.minor <= 127).then_some(v)
}

/// Parses the owner: one byte `01`–`7E` other than `00`, or three bytes `00 xx yy`, all 7-bit.
pub(crate) fn parse_owner(text: &str) -> Option<Vec<u8>> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Vec<u8> = (0..digits.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&digits[i..i + 2], 16).ok())
        .collect();
    let ok = match bytes.as_slice() {
        [b] => (0x01..=0x7E).contains(b),
        [0x00, b, c] => *b <= 0x7F && *c <= 0x7F && (*b, *c) != (0, 0),
        _ => false,
    };
    ok.then_some(bytes)
}

fn is_grease(n: u32) -> bool {
    n % 16 == 7
}

fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            let mut chars = w.chars();
            matches!(chars.next(), Some('a'..='z'))
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn is_dotted(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| is_kebab(p))
}

struct Checker {
    out: Vec<Diagnostic>,
}

fn path(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.extend_from_slice(more);
    p
}

use Seg::{Index as I, Key as K};

impl Checker {
    fn error(&mut self, req: &'static str, p: Vec<Seg>, message: impl Into<String>) {
        self.out.push(Diagnostic {
            severity: Severity::Error,
            req,
            message: message.into(),
            path: p,
            inner: None,
        });
    }

    fn warning(&mut self, req: &'static str, p: Vec<Seg>, message: impl Into<String>) {
        self.out.push(Diagnostic {
            severity: Severity::Warning,
            req,
            message: message.into(),
            path: p,
            inner: None,
        });
    }

    fn expr_error(&mut self, req: &'static str, p: Vec<Seg>, offset: usize, e: ExprError) {
        self.out.push(Diagnostic {
            severity: Severity::Error,
            req,
            message: e.message,
            path: p,
            inner: Some(expr::Span {
                start: e.span.start + offset,
                end: e.span.end + offset,
            }),
        });
    }
}

/// Checks a deserialised schema; returns every finding, errors and warnings, in file order
/// of the checks.
pub(crate) fn check(ext: &Extension) -> Vec<Diagnostic> {
    let mut c = Checker { out: Vec::new() };
    if ext.format != 1 {
        c.error(
            "MOX-SCH-003",
            vec![K("format")],
            format!(
                "unknown schema format {}; this tool reads format 1",
                ext.format
            ),
        );
    }
    if !is_dotted(&ext.id) {
        c.error(
            "MOX-SCH-004",
            vec![K("id")],
            format!(
                "extension id `{}` is not a dotted lower-case name such as `mox.fader`",
                ext.id
            ),
        );
    }
    let owner = parse_owner(&ext.owner);
    if owner.is_none() {
        c.error(
            "MOX-SCH-005",
            vec![K("owner")],
            format!(
                "owner `{}` is not a MIDI manufacturer id (one byte 01–7E, or three bytes 00 xx yy, all 7-bit)",
                ext.owner
            ),
        );
    }
    if ext.number >= 1 << 18 {
        c.error(
            "MOX-SCH-006",
            vec![K("number")],
            format!(
                "extension number {} does not fit 18 bits (0–262143)",
                ext.number
            ),
        );
    } else if is_grease(ext.number) {
        c.error(
            "MOX-SCH-006",
            vec![K("number")],
            format!(
                "extension number {} is ≡ 7 (mod 16), a GREASE value that is never assigned",
                ext.number
            ),
        );
    } else if owner.as_deref() == Some(&[0x7E]) && ext.number == 0 && ext.id != "mox.core" {
        c.error(
            "MOX-SCH-006",
            vec![K("number")],
            "extension 7E 00 is mox.core, defined by the MOX specification",
        );
    }

    // Versions.
    let mut versions: Vec<(Ver, Status)> = Vec::new();
    for (i, v) in ext.versions.iter().enumerate() {
        let p = vec![K("versions"), I(i), K("version")];
        let Some(ver) = parse_version(&v.version) else {
            c.error(
                "MOX-SCH-010",
                p,
                format!(
                    "version `{}` is not `major.minor` with major 1–127 and minor 0–127",
                    v.version
                ),
            );
            continue;
        };
        if is_grease(ver.major) || is_grease(ver.minor) {
            c.error("MOX-SCH-011", p, format!("version {ver}: majors and minors ≡ 7 (mod 16) are GREASE values and are never used"));
            continue;
        }
        if let Some((last, _)) = versions.last() {
            if ver <= *last {
                c.error("MOX-SCH-012", p, format!("version {ver} follows {last}: versions are listed once each, in ascending order"));
                continue;
            }
        }
        versions.push((ver, v.status));
    }
    if ext.versions.is_empty() {
        c.error(
            "MOX-SCH-012",
            vec![K("versions")],
            "an extension has at least one version",
        );
    }
    let majors_in_versions: BTreeSet<u32> = versions.iter().map(|(v, _)| v.major).collect();
    for &m in &majors_in_versions {
        if !versions
            .iter()
            .any(|(v, _)| *v == Ver { major: m, minor: 0 })
        {
            c.error(
                "MOX-SCH-013",
                vec![K("versions")],
                format!("major {m} has no version {m}.0"),
            );
        }
        let statuses: BTreeSet<bool> = versions
            .iter()
            .filter(|(v, _)| v.major == m)
            .map(|(_, s)| *s == Status::Sunset)
            .collect();
        if statuses.len() > 1 {
            c.error("MOX-SCH-014", vec![K("versions")], format!("major {m}: `sunset` applies to a whole major, so either every {m}.x is sunset or none is"));
        }
    }
    let mut seen_majors = BTreeSet::new();
    for (i, major) in ext.majors.iter().enumerate() {
        let p = vec![K("majors"), I(i), K("major")];
        if !majors_in_versions.contains(&major.major) {
            c.error(
                "MOX-SCH-013",
                p,
                format!("major {} has no entry in `versions`", major.major),
            );
            continue;
        }
        if !seen_majors.insert(major.major) {
            c.error(
                "MOX-SCH-013",
                p,
                format!("major {} is described twice", major.major),
            );
            continue;
        }
        let minors: Vec<u32> = versions
            .iter()
            .filter(|(v, _)| v.major == major.major)
            .map(|(v, _)| v.minor)
            .collect();
        check_major(&mut c, vec![K("majors"), I(i)], major, &minors);
    }
    for &m in &majors_in_versions {
        if !seen_majors.contains(&m) {
            c.error(
                "MOX-SCH-013",
                vec![K("majors")],
                format!(
                    "version {m}.x is listed but there is no [[majors]] entry with major = {m}"
                ),
            );
        }
    }
    c.out
}

/// The versions of one major, to resolve `added` and `deprecated`.
struct MajorCtx<'a> {
    major: u32,
    minors: &'a [u32],
}

impl MajorCtx<'_> {
    /// Resolves an `added`/`deprecated` value to a minor of this major.
    fn minor(&self, c: &mut Checker, p: Vec<Seg>, text: &str, what: &str) -> Option<u32> {
        let Some(v) = parse_version(text) else {
            c.error(
                "MOX-SCH-010",
                p,
                format!("{what} `{text}` is not `major.minor`"),
            );
            return None;
        };
        if v.major != self.major || !self.minors.contains(&v.minor) {
            c.error(
                "MOX-SCH-015",
                p,
                format!(
                    "{what} {v} is not a version of major {} listed in `versions`",
                    self.major
                ),
            );
            return None;
        }
        Some(v.minor)
    }
}

fn check_major(c: &mut Checker, base: Vec<Seg>, major: &Major, minors: &[u32]) {
    let ctx = MajorCtx {
        major: major.major,
        minors,
    };
    let mut retired = BTreeSet::new();
    for (i, &t) in major.reserved_types.iter().enumerate() {
        if t > 127 || !retired.insert(t) {
            c.error(
                "MOX-SCH-023",
                path(&base, &[K("reserved_types"), I(i)]),
                format!("reserved type {t} is above 127 or listed twice"),
            );
        }
    }
    let mut types = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (i, msg) in major.messages.iter().enumerate() {
        let mp = path(&base, &[K("messages"), I(i)]);
        let t = msg.msg_type;
        if t > 127 {
            c.error(
                "MOX-SCH-020",
                path(&mp, &[K("type")]),
                format!("message type {t} does not fit 7 bits"),
            );
        } else if is_grease(t) {
            c.error(
                "MOX-SCH-020",
                path(&mp, &[K("type")]),
                format!(
                    "message type {t:02X} is ≡ 7 (mod 16), a GREASE value that is never assigned"
                ),
            );
        } else if retired.contains(&t) {
            c.error(
                "MOX-SCH-023",
                path(&mp, &[K("type")]),
                format!("message type {t:02X} is in `reserved_types` and cannot be reused"),
            );
        } else if let Some(other) = types.insert(t, i) {
            c.error(
                "MOX-SCH-022",
                path(&mp, &[K("type")]),
                format!(
                    "message type {t:02X} is already used by message {} (`{}`)",
                    other + 1,
                    major.messages[other].name
                ),
            );
        }
        if t <= 127 {
            let request = t & 0x40 != 0;
            if request != (msg.kind == Kind::Request) {
                let (is, bit) = if request {
                    ("request", "set")
                } else {
                    ("notification", "clear")
                };
                let kind = if msg.kind == Kind::Request {
                    "request"
                } else {
                    "notification"
                };
                c.error(
                    "MOX-SCH-021",
                    path(&mp, &[K("kind")]),
                    format!("type {t:02X} has bit 6 {bit}, so the message is a {is}, not a {kind}"),
                );
            }
        }
        if !is_kebab(&msg.name) {
            c.error(
                "MOX-SCH-022",
                path(&mp, &[K("name")]),
                format!("message name `{}` is not kebab-case", msg.name),
            );
        } else if names.insert(msg.name.clone(), i).is_some() {
            c.error(
                "MOX-SCH-022",
                path(&mp, &[K("name")]),
                format!(
                    "message name `{}` is used twice in major {}",
                    msg.name, major.major
                ),
            );
        }
        check_message(c, &mp, msg, &ctx, major);
    }
}

fn check_message(c: &mut Checker, mp: &[Seg], msg: &Message, ctx: &MajorCtx<'_>, major: &Major) {
    let added = match &msg.added {
        Some(a) => ctx
            .minor(c, path(mp, &[K("added")]), a, "added")
            .unwrap_or(0),
        None => 0,
    };
    if let Some(d) = &msg.deprecated {
        if let Some(dm) = ctx.minor(c, path(mp, &[K("deprecated")]), d, "deprecated") {
            if dm <= added {
                c.error("MOX-SCH-016", path(mp, &[K("deprecated")]), format!("deprecated in {}.{dm}, which is not after the message was added ({}.{added})", ctx.major, ctx.major));
            }
        }
    }
    check_fields(c, mp, &msg.fields, &msg.reserved, ctx, added, 1);

    // Deduplication (MOX-SCH-024) and answers (MOX-SCH-025).
    match (&msg.dedup, msg.idempotent) {
        (None, false) => c.error(
            "MOX-SCH-024",
            path(mp, &[K("idempotent")]),
            "a message that is not idempotent must say how duplicates are recognised (`dedup`)",
        ),
        (Some(Dedup::Sequence { field, per }), _) => {
            let dp = path(mp, &[K("dedup")]);
            match msg.fields.iter().find(|f| &f.name == field) {
                None => c.error(
                    "MOX-SCH-024",
                    path(&dp, &[K("field")]),
                    format!("unknown field `{field}`"),
                ),
                Some(f) => {
                    let unsigned = matches!(wire::int_width(f.field_type), Some((_, false)));
                    if !unsigned || f.repeated || !f.required {
                        c.error("MOX-SCH-024", path(&dp, &[K("field")]), format!("sequence field `{field}` must be a required, unrepeated unsigned integer (u7–u28)"));
                    }
                }
            }
            for (i, name) in per.iter().enumerate() {
                match msg.fields.iter().find(|f| &f.name == name) {
                    None => c.error("MOX-SCH-024", path(&dp, &[K("per"), I(i)]), format!("unknown field `{name}`")),
                    Some(f) if !f.required || f.repeated || wire::type_range(f.field_type).is_none() => c.error("MOX-SCH-024", path(&dp, &[K("per"), I(i)]), format!("`{name}` scopes a sequence, so it must be a required, unrepeated integer, bool or enum7 field")),
                    Some(_) => {}
                }
            }
        }
        _ => {}
    }
    if let Some(target) = &msg.answers {
        match major.messages.iter().find(|m| &m.name == target) {
            None => c.error(
                "MOX-SCH-025",
                path(mp, &[K("answers")]),
                format!("no message `{target}` in major {}", ctx.major),
            ),
            Some(m) if m.kind != Kind::Request => c.error(
                "MOX-SCH-025",
                path(mp, &[K("answers")]),
                format!("`{target}` is a notification; only requests are answered"),
            ),
            Some(_) if msg.kind != Kind::Notification => c.error(
                "MOX-SCH-025",
                path(mp, &[K("answers")]),
                "an answer is a notification, so that no answer can itself be answered",
            ),
            Some(_) => {}
        }
    }
    if let Some(fb) = &msg.fallback {
        let env = field_env(&msg.fields);
        for (i, rule) in fb.midi.iter().enumerate() {
            check_midi(c, &path(mp, &[K("fallback"), K("midi"), I(i)]), rule, &env);
        }
        for (i, rule) in fb.osc.iter().enumerate() {
            check_osc(
                c,
                &path(mp, &[K("fallback"), K("osc"), I(i)]),
                rule,
                &env,
                &msg.fields,
            );
        }
    }
    if let Some(example) = &msg.example {
        let ep = path(mp, &[K("example")]);
        if let Err((rel, message)) = super::example::encode(&msg.fields, example) {
            c.error("MOX-SCH-060", path(&ep, &rel), message);
        }
    }
}

fn check_fields(
    c: &mut Checker,
    mp: &[Seg],
    fields: &[Field],
    reserved: &[u32],
    ctx: &MajorCtx<'_>,
    parent_added: u32,
    depth: usize,
) {
    let mut retired = BTreeSet::new();
    for (i, &n) in reserved.iter().enumerate() {
        if !retired.insert(n) {
            c.error(
                "MOX-SCH-034",
                path(mp, &[K("reserved"), I(i)]),
                format!("reserved number {n} is listed twice"),
            );
        }
    }
    let mut numbers: BTreeMap<u32, usize> = BTreeMap::new();
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut last_added = parent_added;
    for (i, f) in fields.iter().enumerate() {
        let fp = path(mp, &[K("fields"), I(i)]);
        if !is_snake(&f.name) {
            c.error(
                "MOX-SCH-030",
                path(&fp, &[K("name")]),
                format!(
                    "field name `{}` is not snake_case ([a-z][a-z0-9_]*)",
                    f.name
                ),
            );
        } else if let Some(j) = names.insert(&f.name, i) {
            c.error(
                "MOX-SCH-030",
                path(&fp, &[K("name")]),
                format!("field name `{}` is already used by field {}", f.name, j + 1),
            );
        }
        let n = f.number;
        let np = path(&fp, &[K("number")]);
        if is_grease(n) {
            c.error(
                "MOX-SCH-032",
                np,
                format!("field number {n} is ≡ 7 (mod 16), a GREASE value that is never assigned"),
            );
        } else if (448..=511).contains(&n) {
            c.error("MOX-SCH-031", np, format!("field number {n} is in 448–511, the envelope fields that the MOX specification defines for every message"));
        } else if (16384..=32767).contains(&n) {
            c.error(
                "MOX-SCH-031",
                np,
                format!("field number {n} is in 16384–32767, reserved for MOX"),
            );
        } else if n > 32767 {
            c.error(
                "MOX-SCH-031",
                np,
                format!("field number {n} does not fit 15 bits (0–32767)"),
            );
        } else if retired.contains(&n) {
            c.error(
                "MOX-SCH-034",
                np,
                format!("field number {n} is in `reserved` and cannot be reused"),
            );
        } else if let Some(j) = numbers.insert(n, i) {
            c.error(
                "MOX-SCH-033",
                np,
                format!(
                    "field number {n} is already used by field {} (`{}`)",
                    j + 1,
                    fields[j].name
                ),
            );
        } else if (12288..=16383).contains(&n) {
            c.warning("MOX-SCH-031", np, format!("field number {n} is experimental (12288–16383): shipped firmware never sends it"));
        }
        check_field_shape(c, &fp, f);

        let added = match &f.added {
            Some(a) => ctx.minor(c, path(&fp, &[K("added")]), a, "added"),
            None => Some(parent_added),
        };
        if let Some(added) = added {
            if added < parent_added {
                c.error("MOX-SCH-016", path(&fp, &[K("added")]), format!("field added in {}.{added}, before its message or record ({}.{parent_added})", ctx.major, ctx.major));
            }
            if added < last_added {
                c.error("MOX-SCH-017", path(&fp, &[K("added")]), format!("field added in {}.{added} is listed after a field added in {}.{last_added}: minors only append, so list fields in the order the versions added them", ctx.major, ctx.major));
            }
            last_added = last_added.max(added);
            if f.required && added > parent_added {
                c.error("MOX-SCH-018", path(&fp, &[K("required")]), format!("a field added in {}.{added} cannot be required: senders of earlier minors do not send it", ctx.major));
            }
            if let Some(d) = &f.deprecated {
                if let Some(dm) = ctx.minor(c, path(&fp, &[K("deprecated")]), d, "deprecated") {
                    if dm <= added {
                        c.error("MOX-SCH-016", path(&fp, &[K("deprecated")]), format!("deprecated in {}.{dm}, which is not after the field was added ({}.{added})", ctx.major, ctx.major));
                    }
                }
            }
            let mut last_value = added;
            for (j, v) in f.values.iter().enumerate() {
                if let Some(a) = &v.added {
                    if let Some(vm) =
                        ctx.minor(c, path(&fp, &[K("values"), I(j), K("added")]), a, "added")
                    {
                        if vm < last_value {
                            c.error("MOX-SCH-017", path(&fp, &[K("values"), I(j), K("added")]), format!("enum value added in {}.{vm} is listed after one added in {}.{last_value} (or before its field): minors only append", ctx.major, ctx.major));
                        }
                        last_value = last_value.max(vm);
                    }
                }
            }
            if f.field_type == FieldType::Record {
                if depth >= MAX_RECORD_DEPTH {
                    c.error(
                        "MOX-SCH-037",
                        path(&fp, &[K("fields")]),
                        format!("records nest deeper than {MAX_RECORD_DEPTH} levels"),
                    );
                } else {
                    check_fields(c, &fp, &f.fields, &[], ctx, added, depth + 1);
                }
            }
        }
    }
}

/// The type's name as the schema spells it.
pub(crate) fn tname(t: FieldType) -> String {
    format!("{t:?}").to_lowercase()
}

fn check_field_shape(c: &mut Checker, fp: &[Seg], f: &Field) {
    let t = f.field_type;
    let range = wire::type_range(t);
    let integer = wire::int_width(t).is_some();
    for (key, v) in [("min", f.min), ("max", f.max)] {
        let Some(v) = v else { continue };
        match range {
            Some((lo, hi)) if integer => {
                if v < lo || v > hi {
                    c.error(
                        "MOX-SCH-035",
                        path(fp, &[K(key)]),
                        format!("{key} {v} is outside what {} holds ({lo}..={hi})", tname(t)),
                    );
                }
            }
            _ => c.error(
                "MOX-SCH-035",
                path(fp, &[K(key)]),
                format!("`{key}` applies to integer types only, not {}", tname(t)),
            ),
        }
    }
    if let (Some(lo), Some(hi)) = (f.min, f.max) {
        if lo > hi {
            c.error(
                "MOX-SCH-035",
                path(fp, &[K("max")]),
                format!("max {hi} is below min {lo}"),
            );
        }
    }
    let variable = matches!(
        t,
        FieldType::Text7 | FieldType::Bytes7 | FieldType::Utf8 | FieldType::Bytes
    );
    if let Some(len) = f.max_len {
        if !variable {
            c.error(
                "MOX-SCH-036",
                path(fp, &[K("max_len")]),
                format!(
                    "`max_len` applies to text7, bytes7, utf8 and bytes only, not {}",
                    tname(t)
                ),
            );
        } else {
            let wire_len = if matches!(t, FieldType::Utf8 | FieldType::Bytes) {
                u64::from(len) + u64::from(len).div_ceil(7)
            } else {
                u64::from(len)
            };
            if wire_len > 262_143 {
                c.error("MOX-SCH-036", path(fp, &[K("max_len")]), format!("max_len {len} needs {wire_len} wire bytes; a field value holds at most 262143"));
            }
        }
    }
    if t == FieldType::Enum7 {
        if f.values.is_empty() {
            c.error(
                "MOX-SCH-037",
                path(fp, &[K("type")]),
                "an enum7 field lists its `values`",
            );
        }
        let mut names = BTreeSet::new();
        let mut nums = BTreeSet::new();
        for (j, v) in f.values.iter().enumerate() {
            if !is_snake(&v.name) || !names.insert(v.name.as_str()) {
                c.error(
                    "MOX-SCH-037",
                    path(fp, &[K("values"), I(j), K("name")]),
                    format!(
                        "enum value name `{}` is not snake_case or is used twice",
                        v.name
                    ),
                );
            }
            if v.value > 127 || !nums.insert(v.value) {
                c.error(
                    "MOX-SCH-037",
                    path(fp, &[K("values"), I(j), K("value")]),
                    format!("enum value {} is above 127 or used twice", v.value),
                );
            }
        }
    } else if !f.values.is_empty() {
        c.error(
            "MOX-SCH-037",
            path(fp, &[K("values")]),
            "`values` applies to enum7 fields only",
        );
    }
    if t == FieldType::Record {
        if f.fields.is_empty() {
            c.error(
                "MOX-SCH-037",
                path(fp, &[K("type")]),
                "a record has at least one field",
            );
        }
    } else if !f.fields.is_empty() {
        c.error(
            "MOX-SCH-037",
            path(fp, &[K("fields")]),
            "`fields` applies to record fields only",
        );
    }
}

/// The static meaning of each field of a message inside expressions.
pub(crate) fn field_env(fields: &[Field]) -> Env {
    fields
        .iter()
        .map(|f| (f.name.clone(), field_sym(f)))
        .collect()
}

fn field_sym(f: &Field) -> Sym {
    if f.repeated {
        return Sym::Unusable("a repeated field has no single value");
    }
    match f.field_type {
        FieldType::Text7 | FieldType::Bytes7 => Sym::Bytes,
        FieldType::Utf8 | FieldType::Bytes => {
            Sym::Unusable("8-bit data is not readable in expressions")
        }
        FieldType::F32 => Sym::Unusable("f32 is not an integer"),
        FieldType::Record => Sym::Unusable("a record is not readable in expressions"),
        FieldType::Enum7 => {
            let lo = f
                .values
                .iter()
                .map(|v| i64::from(v.value))
                .min()
                .unwrap_or(0);
            let hi = f
                .values
                .iter()
                .map(|v| i64::from(v.value))
                .max()
                .unwrap_or(0);
            Sym::Int(Range::new(lo, hi))
        }
        t => {
            let (lo, hi) = wire::type_range(t).unwrap_or((0, 0));
            Sym::Int(Range::new(
                f.min.unwrap_or(lo).max(lo),
                f.max.unwrap_or(hi).min(hi),
            ))
        }
    }
}

/// Parses an expression held at `p`, reporting errors against the string's position.
fn parse_at(c: &mut Checker, p: &[Seg], text: &str, offset: usize) -> Option<Expr> {
    match expr::parse(text) {
        Ok(e) => Some(e),
        Err(e) => {
            c.expr_error("MOX-SCH-050", p.to_vec(), offset, e);
            None
        }
    }
}

fn range_at(c: &mut Checker, p: &[Seg], e: &Expr, env: &Env, offset: usize) -> Option<Range> {
    match expr::range(e, env) {
        Ok(r) => Some(r),
        Err(err) => {
            let req = if err.message.contains("32-bit") {
                "MOX-SCH-052"
            } else {
                "MOX-SCH-051"
            };
            c.expr_error(req, p.to_vec(), offset, err);
            None
        }
    }
}

/// Checks `when` and `each` of a rule and returns the environment its parameters see.
fn rule_env(
    c: &mut Checker,
    rp: &[Seg],
    when: Option<&str>,
    each: &[Loop],
    env: &Env,
) -> Option<Env> {
    let mut env = env.clone();
    let cond = match when {
        Some(text) => {
            let p = path(rp, &[K("when")]);
            let e = parse_at(c, &p, text, 0)?;
            // First type-check against the fields alone: loop variables come later.
            let mut names = Vec::new();
            e.names(&mut names);
            let loop_vars: Vec<&str> = each.iter().map(|l| l.var.as_str()).collect();
            if !names.iter().any(|n| loop_vars.contains(&n.as_str())) {
                range_at(c, &p, &e, &env, 0)?;
            }
            Some((p, e))
        }
        None => None,
    };
    // Field-only conjuncts narrow the fields before the loop counts are bounded.
    let mut narrowed = env.clone();
    if let Some((p, e)) = &cond {
        if let Err(err) = expr::narrow(e, &mut narrowed) {
            c.expr_error("MOX-SCH-057", p.clone(), 0, err);
            return None;
        }
    }
    if each.len() > MAX_LOOPS {
        c.error(
            "MOX-SCH-054",
            path(rp, &[K("each")]),
            format!("a rule has at most {MAX_LOOPS} loops"),
        );
        return None;
    }
    for (i, l) in each.iter().enumerate() {
        let lp = path(rp, &[K("each"), I(i)]);
        if !is_snake(&l.var) || env.contains_key(&l.var) {
            c.error("MOX-SCH-054", path(&lp, &[K("var")]), format!("loop variable `{}` must be a snake_case name that is not a field or an outer loop variable", l.var));
            return None;
        }
        let cp = path(&lp, &[K("count")]);
        let e = parse_at(c, &cp, &l.count, 0)?;
        // The loop runs whatever `when` says, so bound it with the un-narrowed fields.
        let bound = range_at(c, &cp, &e, &env, 0)?;
        if bound.hi > MAX_LOOP_COUNT {
            c.error(
                "MOX-SCH-054",
                cp,
                format!(
                    "loop count may reach {}; at most {MAX_LOOP_COUNT} is allowed",
                    bound.hi
                ),
            );
            return None;
        }
        let emitting = range_at(c, &cp, &e, &narrowed, 0)?;
        let var = Sym::Int(Range::new(0, (emitting.hi - 1).max(0)));
        env.insert(l.var.clone(), var.clone());
        narrowed.insert(l.var.clone(), var);
    }
    if let Some((p, e)) = &cond {
        range_at(c, p, e, &narrowed, 0)?;
        if let Err(err) = expr::narrow(e, &mut narrowed) {
            c.expr_error("MOX-SCH-057", p.clone(), 0, err);
            return None;
        }
    }
    Some(narrowed)
}

fn check_midi(c: &mut Checker, rp: &[Seg], rule: &MidiRule, env: &Env) {
    let Some(env) = rule_env(c, rp, rule.when.as_deref(), &rule.each, env) else {
        return;
    };
    let data = Range::new(0, 127);
    let needs: &[(&'static str, Range)] = match rule.kind {
        MidiKind::NoteOn | MidiKind::NoteOff => &[("note", data), ("velocity", data)],
        MidiKind::PolyPressure => &[("note", data), ("value", data)],
        MidiKind::ControlChange => &[("controller", data), ("value", data)],
        MidiKind::ProgramChange => &[("program", data)],
        MidiKind::ChannelPressure => &[("value", data)],
        MidiKind::PitchBend => &[("value", Range::new(0, 16383))],
    };
    let params: [(&'static str, Option<&String>); 6] = [
        ("channel", Some(&rule.channel)),
        ("note", rule.note.as_ref()),
        ("velocity", rule.velocity.as_ref()),
        ("controller", rule.controller.as_ref()),
        ("program", rule.program.as_ref()),
        ("value", rule.value.as_ref()),
    ];
    let kind = format!("{:?}", rule.kind);
    for (key, text) in params {
        let allowed = if key == "channel" {
            Some(Range::new(0, 15))
        } else {
            needs.iter().find(|(k, _)| *k == key).map(|(_, r)| *r)
        };
        match (text, allowed) {
            (None, Some(_)) => c.error(
                "MOX-SCH-053",
                rp.to_vec(),
                format!("a {} rule needs `{key}`", kebab(&kind)),
            ),
            (Some(_), None) => c.error(
                "MOX-SCH-053",
                path(rp, &[K(key)]),
                format!("a {} rule has no `{key}`", kebab(&kind)),
            ),
            (Some(text), Some(allowed)) => {
                let p = path(rp, &[K(key)]);
                let Some(e) = parse_at(c, &p, text, 0) else {
                    continue;
                };
                let Some(r) = range_at(c, &p, &e, &env, 0) else {
                    continue;
                };
                if r.lo < allowed.lo || r.hi > allowed.hi {
                    c.error("MOX-SCH-053", p, format!("`{key}` may be {r}, but MIDI allows {allowed}; narrow it with clamp(), scale() or a `when` condition"));
                }
            }
            (None, None) => {}
        }
    }
}

/// `NoteOn` → `note-on`.
pub(crate) fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The literal and `{expression}` parts of an address template.
pub(crate) enum Part<'a> {
    Lit(&'a str),
    Expr(&'a str, usize),
}

/// Splits a template; `Err((offset, message))` for an unbalanced brace.
pub(crate) fn split_template(t: &str) -> Result<Vec<Part<'_>>, (usize, String)> {
    let mut parts = Vec::new();
    let mut rest = 0;
    while rest < t.len() {
        let tail = &t[rest..];
        match (tail.find('{'), tail.find('}')) {
            (_, Some(close)) if tail.find('{').is_none_or(|open| close < open) => {
                return Err((rest + close, "`}` without `{`".into()));
            }
            (Some(open), _) => {
                if open > 0 {
                    parts.push(Part::Lit(&tail[..open]));
                }
                let inner_start = rest + open + 1;
                let Some(len) = t[inner_start..].find('}') else {
                    return Err((rest + open, "`{` without `}`".into()));
                };
                if t[inner_start..inner_start + len].contains('{') {
                    return Err((rest + open, "`{` inside `{…}`".into()));
                }
                parts.push(Part::Expr(&t[inner_start..inner_start + len], inner_start));
                rest = inner_start + len + 1;
            }
            (None, _) => {
                parts.push(Part::Lit(tail));
                rest = t.len();
            }
        }
    }
    Ok(parts)
}

fn check_osc(c: &mut Checker, rp: &[Seg], rule: &OscRule, env: &Env, fields: &[Field]) {
    let Some(env) = rule_env(c, rp, rule.when.as_deref(), &rule.each, env) else {
        return;
    };
    let ap = path(rp, &[K("address")]);
    let bad_addr = |c: &mut Checker, at: usize, len: usize, msg: String| {
        c.out.push(Diagnostic {
            severity: Severity::Error,
            req: "MOX-SCH-055",
            message: msg,
            path: ap.clone(),
            inner: Some(expr::Span {
                start: at,
                end: at + len,
            }),
        });
    };
    match split_template(&rule.address) {
        Err((at, msg)) => bad_addr(c, at, 1, msg),
        Ok(parts) => {
            if !rule.address.starts_with('/') {
                bad_addr(c, 0, 1, "an OSC address starts with `/`".into());
            }
            if rule.address == "/mox" {
                bad_addr(
                    c,
                    0,
                    4,
                    "`/mox` is the MOX binding's own address (spec §5.1), never a fallback".into(),
                );
            }
            let mut offset = 0;
            for part in &parts {
                match part {
                    Part::Lit(lit) => {
                        for (k, ch) in lit.char_indices() {
                            let bad = !(' '..='~').contains(&ch) || " #*,?[]".contains(ch);
                            if bad {
                                bad_addr(c, offset + k, ch.len_utf8(), format!("`{}` is not allowed in an OSC address (printable ASCII except space # * , ? [ ] {{ }})", ch.escape_default()));
                            }
                        }
                        if lit.contains("//")
                            || lit.ends_with('/') && offset + lit.len() == rule.address.len()
                        {
                            bad_addr(
                                c,
                                offset,
                                lit.len(),
                                "an OSC address has no empty parts (`//` or a trailing `/`)".into(),
                            );
                        }
                        offset += lit.len();
                    }
                    Part::Expr(text, at) => {
                        if let Some(e) = parse_at(c, &ap, text, *at) {
                            range_at(c, &ap, &e, &env, *at);
                        }
                        offset = at + text.len() + 1;
                    }
                }
            }
        }
    }
    for (i, arg) in rule.args.iter().enumerate() {
        check_osc_arg(c, &path(rp, &[K("args"), I(i)]), arg, &env, fields);
    }
}

fn check_osc_arg(c: &mut Checker, p: &[Seg], arg: &OscArg, env: &Env, fields: &[Field]) {
    let vp = path(p, &[K("value")]);
    match arg.tag {
        OscTag::Str => {
            let ok = fields.iter().any(|f| {
                f.name == arg.value
                    && !f.repeated
                    && matches!(f.field_type, FieldType::Text7 | FieldType::Utf8)
            });
            if !ok {
                c.error(
                    "MOX-SCH-056",
                    vp,
                    format!(
                        "an `s` argument names an unrepeated text7 or utf8 field; `{}` is not one",
                        arg.value
                    ),
                );
            }
            if arg.normalise.is_some() {
                c.error(
                    "MOX-SCH-056",
                    path(p, &[K("normalise")]),
                    "`normalise` applies to `f` arguments only",
                );
            }
        }
        OscTag::Int | OscTag::Float => {
            let Some(e) = parse_at(c, &vp, &arg.value, 0) else {
                return;
            };
            let Some(r) = range_at(c, &vp, &e, env, 0) else {
                return;
            };
            match (arg.tag, arg.normalise) {
                (OscTag::Int, Some(_)) => c.error("MOX-SCH-056", path(p, &[K("normalise")]), "`normalise` applies to `f` arguments only"),
                (OscTag::Float, Some([lo, hi])) if lo >= hi => c.error("MOX-SCH-056", path(p, &[K("normalise")]), format!("normalise [{lo}, {hi}] needs lo < hi")),
                (OscTag::Float, Some([lo, hi])) if r.lo < lo || r.hi > hi => c.error("MOX-SCH-056", vp, format!("`f` value may be {r}, outside normalise [{lo}, {hi}]; clamp it first")),
                (OscTag::Float, None) if r.lo < -(1 << 24) || r.hi > 1 << 24 => c.error("MOX-SCH-056", vp, format!("`f` value may be {r}; float32 holds integers exactly only up to 2^24 (use `normalise`)")),
                _ => {}
            }
        }
    }
}
