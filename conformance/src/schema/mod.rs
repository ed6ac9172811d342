//! MOX extension schemas (spec/schema.md, chapter 14): the TOML file format, its checks,
//! its JSON Schema and the Markdown reference pages rendered from it.
//!
//! The model is the single source that docs, vectors and the generated typed views of
//! `mox_codec` (`mox schema gen`, `codec/src/envelope/ext/`) are derived from (BRIEF
//! decision 11).
pub(crate) mod check;
pub(crate) mod compare;
pub(crate) mod doc;
pub(crate) mod example;
pub(crate) mod expr;
pub(crate) mod gen;
pub(crate) mod model;
pub(crate) mod wire;

use std::fmt::Write as _;

use check::{Diagnostic, Seg, Severity};
use model::Extension;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The result of reading and checking one schema file.
pub(crate) struct Checked {
    /// The model, when the file deserialised (it may still have semantic errors).
    pub(crate) extension: Option<Extension>,
    /// Every finding, rendered with `file:line:col` and a caret excerpt.
    pub(crate) rendered: Vec<String>,
    /// How many findings are errors.
    pub(crate) errors: usize,
    /// How many findings are warnings.
    pub(crate) warnings: usize,
}

/// Reads `source` (named `file` in messages) and checks it completely.
pub(crate) fn load(source: &str, file: &str) -> Checked {
    let doc = match DeTable::parse(source) {
        Ok(doc) => doc,
        Err(e) => return unparsed(source, file, "MOX-SCH-001", e.message(), e.span()),
    };
    let extension: Extension = match toml::from_str(source) {
        Ok(ext) => ext,
        Err(e) => return unparsed(source, file, "MOX-SCH-002", e.message(), e.span()),
    };
    let diagnostics = check::check(&extension);
    finish(source, file, &doc, extension, diagnostics)
}

/// The result for a file that does not parse (`requirement` says at which level).
fn unparsed(
    source: &str,
    file: &str,
    requirement: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> Checked {
    Checked {
        extension: None,
        rendered: vec![render(
            source,
            file,
            Severity::Error,
            requirement,
            message.trim(),
            span.unwrap_or(0..0),
        )],
        errors: 1,
        warnings: 0,
    }
}

/// Like [`load`], and when the file is valid also compares it with `previous`, an earlier
/// revision that must itself be valid (MOX-SCH-019).
pub(crate) fn load_against(source: &str, file: &str, previous: &Extension) -> Checked {
    let mut checked = load(source, file);
    let diagnostics = match (&checked.extension, checked.errors) {
        (Some(ext), 0) => compare::compare(previous, ext),
        _ => return checked,
    };
    let Ok(doc) = DeTable::parse(source) else {
        return checked;
    };
    let (rendered, errors) = render_all(source, file, &doc, &diagnostics);
    checked.rendered.extend(rendered);
    checked.errors += errors;
    checked.warnings += diagnostics.len() - errors;
    checked
}

fn finish(
    source: &str,
    file: &str,
    doc: &Spanned<DeTable<'_>>,
    extension: Extension,
    diagnostics: Vec<Diagnostic>,
) -> Checked {
    let (rendered, errors) = render_all(source, file, doc, &diagnostics);
    Checked {
        extension: Some(extension),
        rendered,
        errors,
        warnings: diagnostics.len() - errors,
    }
}

/// Renders diagnostics in order; also returns how many are errors.
fn render_all(
    source: &str,
    file: &str,
    doc: &Spanned<DeTable<'_>>,
    diagnostics: &[Diagnostic],
) -> (Vec<String>, usize) {
    let rendered = diagnostics
        .iter()
        .map(|d| {
            render(
                source,
                file,
                d.severity,
                d.req,
                &d.message,
                locate(source, doc, d),
            )
        })
        .collect();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (rendered, errors)
}

/// The byte range a diagnostic points at: the value at its path (or the nearest ancestor
/// that exists), narrowed to the part of a string the diagnostic names.
fn locate(source: &str, doc: &Spanned<DeTable<'_>>, d: &Diagnostic) -> std::ops::Range<usize> {
    let mut span = doc.span();
    let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    for seg in &d.path {
        let next = match (seg, table, value.map(|v| v.get_ref())) {
            (Seg::Key(k), Some(t), _) => t.get(*k),
            (Seg::Name(k), Some(t), _) => t.get(k.as_str()),
            (Seg::Index(i), _, Some(DeValue::Array(a))) => a.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        span = next.span();
        value = Some(next);
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    if let (Some(inner), Some(v)) = (d.inner, value) {
        // Only a plain one-line string maps text offsets to source offsets one to one.
        let raw = source.get(span.clone()).unwrap_or("");
        let plain = matches!(v.get_ref(), DeValue::String(_))
            && raw.len() >= 2
            && (raw.starts_with('"') && !raw.contains('\\') || raw.starts_with('\''))
            && !raw.starts_with("\"\"\"")
            && !raw.starts_with("'''");
        if plain {
            let start = span.start + 1 + inner.start;
            let end = (span.start + 1 + inner.end).max(start + 1).min(span.end);
            return start..end;
        }
    }
    span
}

/// `file:line:col: error[REQ]: message`, then the line with carets under the span.
fn render(
    source: &str,
    file: &str,
    severity: Severity,
    req: &str,
    message: &str,
    span: std::ops::Range<usize>,
) -> String {
    let start = floor_boundary(source, span.start);
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line_no = source[..start].matches('\n').count() + 1;
    let col = source[line_start..start].chars().count() + 1;
    let text = source[line_start..line_end].trim_end_matches('\r');
    let end = floor_boundary(source, span.end.clamp(start, line_end));
    let width = source[start..end].chars().count().max(1);
    let kind = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let gutter = " ".repeat(line_no.to_string().len());
    let mut out = String::new();
    let _ = writeln!(out, "{file}:{line_no}:{col}: {kind}[{req}]: {message}");
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{line_no} | {text}");
    let _ = write!(
        out,
        "{gutter} | {}{}",
        " ".repeat(col - 1),
        "^".repeat(width)
    );
    out
}

/// The largest char boundary at or below `i` (spans are byte offsets).
fn floor_boundary(source: &str, i: usize) -> usize {
    let mut i = i.min(source.len());
    while !source.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The JSON Schema of the file format, as checked in at `spec/extensions/extension.schema.json`.
pub(crate) fn json_schema() -> String {
    let schema = schemars::schema_for!(Extension);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
