//! Loading and checking a corpus: `manifest.json` and the files it lists.
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::envelope::Receiver;
use crate::model::{
    Case, Expected, Framing, Item, Kind, Manifest, PacketValue, StreamEvent, Verdict,
};
use crate::negotiate::NegotiateConfig;
use crate::scalar::ErrorClass;

/// The largest `max_frame` a stream case may ask for: the runner allocates a buffer that
/// size.
pub const MAX_STREAM_FRAME: u32 = 16 << 20;

/// A loaded, checked corpus.
#[derive(Clone, Debug, PartialEq)]
pub struct Corpus {
    /// The directory holding `manifest.json`.
    pub dir: PathBuf,
    /// The corpus's SemVer version, the same in the manifest and every file.
    pub corpus_version: String,
    /// The files, in manifest order.
    pub files: Vec<CorpusFile>,
}

/// One loaded corpus file.
#[derive(Clone, Debug, PartialEq)]
pub struct CorpusFile {
    /// The path as the manifest lists it (`osc/packet.json`).
    pub path: String,
    /// The receiver descriptions its envelope cases refer to by name.
    pub receivers: BTreeMap<String, Receiver>,
    /// The machine configurations its negotiation transcripts refer to by name.
    pub configs: BTreeMap<String, NegotiateConfig>,
    /// Its cases, in file order.
    pub cases: Vec<Case>,
}

/// Why a corpus did not load: every problem found, each naming its file and case.
#[derive(Debug)]
pub struct LoadError {
    /// The corpus directory.
    pub dir: PathBuf,
    /// The problems, in the order found.
    pub problems: Vec<Problem>,
}

/// One problem in a corpus.
#[derive(Debug)]
pub struct Problem {
    /// The file, as the manifest lists it (`manifest.json` for the manifest itself).
    pub file: String,
    /// The case's id (or `#N`, its position, when it has no readable id).
    pub case: Option<String>,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a corpus.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    Io(io::Error),
    /// The file is not JSON of the right overall shape.
    Json(serde_json::Error),
    /// A case does not follow the format: an unknown field or kind, a missing field, bad hex,
    /// float bits of the wrong width, an unknown error class, …
    Case(serde_json::Error),
    /// `corpus_version` is not a SemVer version.
    BadVersion {
        /// The version given.
        version: String,
    },
    /// A file's `corpus_version` differs from the manifest's.
    VersionMismatch {
        /// The manifest's version.
        manifest: String,
        /// The file's version.
        file: String,
    },
    /// A manifest entry is not a relative path to a `.json` file inside the corpus, or is
    /// listed twice.
    BadFilePath {
        /// The entry.
        path: String,
    },
    /// A case id does not match `^[a-z0-9]+(::[a-z0-9-]+)+$`.
    BadId {
        /// The id.
        id: String,
    },
    /// A case id is used twice in the corpus.
    DuplicateId {
        /// The id.
        id: String,
        /// The file of its first use.
        first_file: String,
    },
    /// A case breaks one of the format's rules that the types cannot express.
    Rule(String),
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::Io(e) => write!(f, "cannot read: {e}"),
            ProblemKind::Json(e) => write!(f, "not a valid corpus file: {e}"),
            ProblemKind::Case(e) => write!(f, "does not follow the format: {e}"),
            ProblemKind::BadVersion { version } => {
                write!(
                    f,
                    "corpus_version {version:?} is not a SemVer version (MAJOR.MINOR.PATCH)"
                )
            }
            ProblemKind::VersionMismatch { manifest, file } => write!(
                f,
                "corpus_version {file:?} differs from the manifest's {manifest:?}"
            ),
            ProblemKind::BadFilePath { path } => write!(
                f,
                "manifest entry {path:?} must be a relative path to a .json file inside the \
                 corpus, listed once"
            ),
            ProblemKind::BadId { id } => write!(
                f,
                "id {id:?} does not match {} (lower-case namespaces joined by `::`)",
                crate::ID_PATTERN
            ),
            ProblemKind::DuplicateId { id, first_file } => {
                write!(f, "id {id:?} is already used in {first_file}")
            }
            ProblemKind::Rule(rule) => f.write_str(rule),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.case {
            Some(case) => write!(f, "{}: case {case}: {}", self.file, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the vector corpus in {} did not load:",
            self.dir.display()
        )?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A corpus file as first read: cases are read one by one so each problem names its case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    corpus_version: String,
    #[serde(default)]
    receivers: BTreeMap<String, Receiver>,
    #[serde(default)]
    configs: BTreeMap<String, NegotiateConfig>,
    cases: Vec<serde_json::Value>,
}

const MANIFEST: &str = "manifest.json";

impl Corpus {
    /// The corpus shipped in this repository: the `vectors/` directory.
    pub fn default_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Loads [`Corpus::default_dir`].
    ///
    /// # Errors
    /// As [`Corpus::load`].
    pub fn load_default() -> Result<Corpus, LoadError> {
        Corpus::load(&Corpus::default_dir())
    }

    /// Loads `dir/manifest.json` and every file it lists, and checks them.
    ///
    /// # Errors
    /// Every problem found (see [`ProblemKind`]); nothing is returned unless the whole corpus
    /// is well-formed.
    pub fn load(dir: &Path) -> Result<Corpus, LoadError> {
        Corpus::load_with(dir, |path| std::fs::read_to_string(dir.join(path)))
    }

    /// Loads a corpus whose files `read` returns by their manifest path (`manifest.json`,
    /// `osc/packet.json`); `dir` only labels it.
    ///
    /// # Errors
    /// As [`Corpus::load`].
    pub fn load_with(
        dir: &Path,
        mut read: impl FnMut(&str) -> io::Result<String>,
    ) -> Result<Corpus, LoadError> {
        let mut problems = Vec::new();
        let fail = |problems| LoadError {
            dir: dir.to_path_buf(),
            problems,
        };
        let problem = |file: &str, case: Option<&str>, kind| Problem {
            file: file.to_owned(),
            case: case.map(str::to_owned),
            kind,
        };
        let manifest = match read(MANIFEST) {
            Err(e) => return Err(fail(vec![problem(MANIFEST, None, ProblemKind::Io(e))])),
            Ok(text) => match serde_json::from_str::<Manifest>(&text) {
                Err(e) => return Err(fail(vec![problem(MANIFEST, None, ProblemKind::Json(e))])),
                Ok(manifest) => manifest,
            },
        };
        let version = manifest.corpus_version;
        if !is_semver(&version) {
            let kind = ProblemKind::BadVersion {
                version: version.clone(),
            };
            problems.push(problem(MANIFEST, None, kind));
        }
        let mut files = Vec::new();
        let mut first_use: HashMap<String, String> = HashMap::new();
        for (index, path) in manifest.files.iter().enumerate() {
            if !is_file_path(path) || manifest.files[..index].contains(path) {
                let kind = ProblemKind::BadFilePath { path: path.clone() };
                problems.push(problem(MANIFEST, None, kind));
                continue;
            }
            let raw = match read(path).map(|text| serde_json::from_str::<RawFile>(&text)) {
                Err(e) => {
                    problems.push(problem(path, None, ProblemKind::Io(e)));
                    continue;
                }
                Ok(Err(e)) => {
                    problems.push(problem(path, None, ProblemKind::Json(e)));
                    continue;
                }
                Ok(Ok(raw)) => raw,
            };
            if raw.corpus_version != version {
                let kind = ProblemKind::VersionMismatch {
                    manifest: version.clone(),
                    file: raw.corpus_version.clone(),
                };
                problems.push(problem(path, None, kind));
            }
            for rule in crate::envelope::check_receivers(&raw.receivers) {
                problems.push(problem(path, None, ProblemKind::Rule(rule)));
            }
            for rule in crate::negotiate::check_configs(&raw.configs) {
                problems.push(problem(path, None, ProblemKind::Rule(rule)));
            }
            let mut cases = Vec::with_capacity(raw.cases.len());
            for (position, value) in raw.cases.into_iter().enumerate() {
                let label = match value.get("id").and_then(|id| id.as_str()) {
                    Some(id) => id.to_owned(),
                    None => format!("#{position}"),
                };
                let case = match Case::deserialize(value) {
                    Ok(case) => case,
                    Err(e) => {
                        problems.push(problem(path, Some(&label), ProblemKind::Case(e)));
                        continue;
                    }
                };
                let id = case.id().to_owned();
                if !is_id(&id) {
                    problems.push(problem(
                        path,
                        Some(&label),
                        ProblemKind::BadId { id: id.clone() },
                    ));
                }
                if let Some(first_file) = first_use.get(&id) {
                    let kind = ProblemKind::DuplicateId {
                        id: id.clone(),
                        first_file: first_file.clone(),
                    };
                    problems.push(problem(path, Some(&label), kind));
                } else {
                    first_use.insert(id, path.clone());
                }
                let mut rules = check_case(&case);
                crate::envelope::check_case(&case, &raw.receivers, &mut rules);
                crate::negotiate::check_case(&case, &raw.configs, &mut rules);
                for rule in rules {
                    problems.push(problem(path, Some(&label), ProblemKind::Rule(rule)));
                }
                cases.push(case);
            }
            files.push(CorpusFile {
                path: path.clone(),
                receivers: raw.receivers,
                configs: raw.configs,
                cases,
            });
        }
        if problems.is_empty() {
            Ok(Corpus {
                dir: dir.to_path_buf(),
                corpus_version: version,
                files,
            })
        } else {
            Err(fail(problems))
        }
    }

    /// Every case with the file it is in, in corpus order.
    pub fn cases(&self) -> impl Iterator<Item = (&CorpusFile, &Case)> {
        self.files
            .iter()
            .flat_map(|file| file.cases.iter().map(move |case| (file, case)))
    }

    /// The number of cases.
    pub fn len(&self) -> usize {
        self.files.iter().map(|file| file.cases.len()).sum()
    }

    /// Whether the corpus has no case.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The case with this id.
    pub fn get(&self, id: &str) -> Option<&Case> {
        self.cases()
            .map(|(_, case)| case)
            .find(|case| case.id() == id)
    }
}

/// `MAJOR.MINOR.PATCH`, numbers without leading zeros, with an optional `-pre` / `+build`.
fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let rest = &version[core.len()..];
    let numbers: Vec<_> = core.split('.').collect();
    let number_ok = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    let suffix_ok = rest.is_empty()
        || (rest.len() > 1
            && rest[1..]
                .split(['.', '+', '-'])
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric())));
    numbers.len() == 3 && numbers.iter().all(number_ok) && suffix_ok
}

/// `^[a-z0-9]+(::[a-z0-9-]+)+$`
fn is_id(id: &str) -> bool {
    let mut parts = id.split("::");
    let first_ok = parts.next().is_some_and(|p| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    let mut rest = parts.peekable();
    first_ok
        && rest.peek().is_some()
        && rest.all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`
pub(crate) fn is_flag(flag: &str) -> bool {
    flag.split('-').all(|p| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

fn is_file_path(path: &str) -> bool {
    let p = Path::new(path);
    path.ends_with(".json")
        && path != MANIFEST
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The rules the types cannot express.
fn check_case(case: &Case) -> Vec<String> {
    let mut rules = Vec::new();
    if case.description().trim().is_empty() {
        rules.push("description is empty".to_owned());
    }
    if case.source().trim().is_empty() {
        rules.push("source is empty".to_owned());
    }
    match case {
        Case::OscPacket(c) => {
            check_expected(
                &c.expected,
                case.kind(),
                &mut rules,
                |verdict, rules| match verdict {
                    Verdict::Valid { value } => {
                        check_packet_value(value, rules);
                        if let Some(error) = value.first_error() {
                            rules.push(format!("a valid value contains an error marker ({error})"));
                        }
                    }
                    Verdict::Invalid {
                        error,
                        partial: Some(partial),
                    } => {
                        check_packet_value(partial, rules);
                        match partial.first_error() {
                        Some(first) if first == *error => {}
                        Some(first) => rules.push(format!(
                            "the partial value's first error marker is {first}, but error is {error}"
                        )),
                        None => rules.push(format!(
                            "the partial value has no error marker; mark where decoding stopped \
                             with {{\"error\": \"{error}\"}}"
                        )),
                    }
                    }
                    Verdict::Invalid { partial: None, .. } => {}
                },
            );
            let any_valid = c
                .expected
                .outcomes()
                .iter()
                .any(|v| matches!(v, Verdict::Valid { .. }));
            if c.reencode.is_some() && !any_valid {
                rules.push("reencode is given but no outcome is valid".to_owned());
            }
        }
        Case::OscStream(c) => {
            check_expected(&c.expected, case.kind(), &mut rules, |verdict, rules| {
                if let Verdict::Invalid {
                    error,
                    partial: Some(events),
                } = verdict
                {
                    let first = events.iter().find_map(|event| match event {
                        StreamEvent::Error(class) => Some(*class),
                        StreamEvent::Frame(_) => None,
                    });
                    if first != Some(*error) {
                        rules.push(format!(
                            "the partial events' first error is {}, but error is {error}",
                            first.map_or("absent".to_owned(), |c| c.to_string())
                        ));
                    }
                }
                if let Verdict::Valid { value: events }
                | Verdict::Invalid {
                    partial: Some(events),
                    ..
                } = verdict
                {
                    for event in events {
                        if let StreamEvent::Error(class) = event {
                            check_class(*class, Kind::OscStream, rules);
                        }
                    }
                }
            });
            if c.max_frame.is_some_and(|max| max > MAX_STREAM_FRAME) {
                rules.push(format!("max_frame is over {MAX_STREAM_FRAME}"));
            }
        }
        Case::OscStreamEncode(c) => {
            check_expected(&c.expected, case.kind(), &mut rules, |_, _| {});
            if c.framing == Framing::Auto {
                rules.push("osc-stream-encode needs framing slip or length-prefix".to_owned());
            }
        }
        Case::OscMatch(c) => check_expected(&c.expected, case.kind(), &mut rules, |_, _| {}),
        other => crate::sysex::check_case(other, &mut rules),
    }
    rules
}

pub(crate) fn check_class(class: ErrorClass, kind: Kind, rules: &mut Vec<String>) {
    if !kind.error_classes().contains(&class.as_str()) {
        let known = kind.error_classes();
        if known.is_empty() {
            rules.push(format!(
                "a {kind} case cannot be invalid (error class {class})"
            ));
        } else {
            rules.push(format!(
                "{class} is not an error class of {kind} ({})",
                known.join(", ")
            ));
        }
    }
}

pub(crate) fn check_expected<V: Clone + PartialEq>(
    expected: &Expected<V>,
    kind: Kind,
    rules: &mut Vec<String>,
    mut check: impl FnMut(&Verdict<V>, &mut Vec<String>),
) {
    if let Expected::Acceptable { flag, outcomes } = expected {
        if !is_flag(flag) {
            rules.push(format!(
                "flag {flag:?} does not match {}",
                crate::FLAG_PATTERN
            ));
        }
        if outcomes.len() < 2 {
            rules.push("an acceptable result needs at least two outcomes".to_owned());
        }
        for (i, outcome) in outcomes.iter().enumerate() {
            if outcomes[..i].contains(outcome) {
                rules.push(format!(
                    "acceptable outcome {} repeats an earlier one",
                    i + 1
                ));
            }
        }
    }
    for verdict in expected.outcomes().iter() {
        if let Verdict::Invalid { error, .. } = verdict {
            check_class(*error, kind, rules);
        }
        check(verdict, rules);
    }
}

/// Floats carry `bits`; a message has exactly one of `args` and `untyped_payload`.
fn check_packet_value(value: &PacketValue, rules: &mut Vec<String>) {
    match value {
        PacketValue::Message(m) => {
            if m.args.is_some() == m.untyped_payload.is_some() {
                rules.push(format!(
                    "message {:?} needs exactly one of args and untyped_payload",
                    m.address
                ));
            }
            for item in m.args.iter().flatten() {
                match item {
                    Item::Value(arg) => check_arg(arg, rules),
                    Item::Error { error } => check_class(*error, Kind::OscPacket, rules),
                }
            }
        }
        PacketValue::Bundle(b) => {
            for item in &b.elements {
                match item {
                    Item::Value(packet) => check_packet_value(packet, rules),
                    Item::Error { error } => check_class(*error, Kind::OscPacket, rules),
                }
            }
        }
    }
}

fn check_arg(arg: &crate::ArgValue, rules: &mut Vec<String>) {
    use crate::ArgValue;
    match arg {
        ArgValue::Float(f) if f.bits.is_none() => rules.push(
            "an f argument has no bits (only `mox osc encode` input may omit them)".to_owned(),
        ),
        ArgValue::Double(d) if d.bits.is_none() => rules.push(
            "a d argument has no bits (only `mox osc encode` input may omit them)".to_owned(),
        ),
        ArgValue::Array { items } => items.iter().for_each(|item| check_arg(item, rules)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST_JSON: &str =
        r#"{"corpus_version": "1.0.0", "files": ["osc/a.json", "osc/b.json"]}"#;

    fn case(id: &str, hex: &str) -> String {
        format!(
            r#"{{"id": "{id}", "description": "d", "source": "s", "kind": "osc-packet",
                "hex": "{hex}", "expected": {{"result": "invalid", "error": "empty-packet"}}}}"#
        )
    }

    fn file(version: &str, cases: &[String]) -> String {
        format!(
            r#"{{"corpus_version": "{version}", "cases": [{}]}}"#,
            cases.join(",")
        )
    }

    fn load(files: &[(&str, String)]) -> Result<Corpus, LoadError> {
        Corpus::load_with(Path::new("test"), |path| {
            files
                .iter()
                .find(|(name, _)| *name == path)
                .map(|(_, text)| text.clone())
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_owned()))
        })
    }

    fn problems(files: &[(&str, String)]) -> Vec<Problem> {
        load(files).expect_err("should not load").problems
    }

    #[test]
    fn a_good_corpus_loads() {
        let corpus = load(&[
            ("manifest.json", MANIFEST_JSON.to_owned()),
            ("osc/a.json", file("1.0.0", &[case("osc::a::one", "")])),
            (
                "osc/b.json",
                file(
                    "1.0.0",
                    &[case("osc::b::two", ""), case("osc::b::three", "")],
                ),
            ),
        ])
        .unwrap();
        assert_eq!(corpus.corpus_version, "1.0.0");
        assert_eq!(corpus.len(), 3);
        assert_eq!(
            corpus.get("osc::b::two").map(Case::kind),
            Some(Kind::OscPacket)
        );
    }

    #[test]
    fn bad_id() {
        let p = problems(&[
            ("manifest.json", MANIFEST_JSON.to_owned()),
            ("osc/a.json", file("1.0.0", &[case("osc::a::Bad_Id", "")])),
            ("osc/b.json", file("1.0.0", &[case("single", "")])),
        ]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(matches!(&p[0].kind, ProblemKind::BadId { id } if id == "osc::a::Bad_Id"));
        assert_eq!(
            (p[0].file.as_str(), p[0].case.as_deref()),
            ("osc/a.json", Some("osc::a::Bad_Id"))
        );
        assert!(matches!(&p[1].kind, ProblemKind::BadId { id } if id == "single"));
        assert_eq!(
            p[0].to_string(),
            "osc/a.json: case osc::a::Bad_Id: id \"osc::a::Bad_Id\" does not match \
             ^[a-z0-9]+(::[a-z0-9-]+)+$ (lower-case namespaces joined by `::`)"
        );
    }

    #[test]
    fn duplicate_id_across_files() {
        let p = problems(&[
            ("manifest.json", MANIFEST_JSON.to_owned()),
            ("osc/a.json", file("1.0.0", &[case("osc::x::same", "")])),
            ("osc/b.json", file("1.0.0", &[case("osc::x::same", "")])),
        ]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].file, "osc/b.json");
        assert!(matches!(&p[0].kind,
            ProblemKind::DuplicateId { id, first_file } if id == "osc::x::same" && first_file == "osc/a.json"));
    }

    #[test]
    fn bad_hex() {
        let p = problems(&[
            ("manifest.json", MANIFEST_JSON.to_owned()),
            (
                "osc/a.json",
                file("1.0.0", &[case("osc::a::upper", "2F00")]),
            ),
            ("osc/b.json", file("1.0.0", &[case("osc::b::odd", "2f0")])),
        ]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].case.as_deref(), Some("osc::a::upper"));
        assert!(
            matches!(&p[0].kind, ProblemKind::Case(e) if e.to_string().contains("not a lower-case hex digit"))
        );
        assert_eq!(p[1].case.as_deref(), Some("osc::b::odd"));
        assert!(
            matches!(&p[1].kind, ProblemKind::Case(e) if e.to_string().contains("odd number of digits"))
        );
    }

    #[test]
    fn wrong_corpus_version() {
        let p = problems(&[
            ("manifest.json", MANIFEST_JSON.to_owned()),
            ("osc/a.json", file("1.0.0", &[case("osc::a::one", "")])),
            ("osc/b.json", file("1.1.0", &[case("osc::b::one", "")])),
        ]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            (p[0].file.as_str(), p[0].case.as_deref()),
            ("osc/b.json", None)
        );
        assert!(matches!(&p[0].kind,
            ProblemKind::VersionMismatch { manifest, file } if manifest == "1.0.0" && file == "1.1.0"));

        let p = problems(&[(
            "manifest.json",
            r#"{"corpus_version": "1.0", "files": []}"#.to_owned(),
        )]);
        assert!(matches!(&p[0].kind, ProblemKind::BadVersion { version } if version == "1.0"));
    }

    #[test]
    fn semver_and_patterns() {
        for ok in ["1.0.0", "0.10.3", "2.0.0-rc.1", "1.2.3+build.5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0.0", ""] {
            assert!(!is_semver(bad), "{bad}");
        }
        for ok in ["osc::packet::float-bits-nan", "osc::a", "a1::b-2::c"] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in [
            "osc",
            "osc::",
            "::a",
            "osc::Packet",
            "osc-x::a",
            "osc::a b",
            "osc:::a",
        ] {
            assert!(!is_id(bad), "{bad}");
        }
        assert!(is_flag("reversed-range") && !is_flag("Reversed") && !is_flag("a--b"));
    }

    #[test]
    fn rules_the_types_cannot_express() {
        let acceptable_one = r#"{"id": "osc::a::one", "description": "d", "source": "s",
            "kind": "osc-match", "pattern": "/a", "address": "/a",
            "expected": {"result": "acceptable", "flag": "x", "outcomes": [{"result": "valid", "value": true}]}}"#;
        let wrong_area = r#"{"id": "osc::a::two", "description": "d", "source": "s",
            "kind": "osc-match", "pattern": "/a", "address": "/a",
            "expected": {"result": "invalid", "error": "truncated"}}"#;
        let no_bits = r#"{"id": "osc::a::three", "description": "d", "source": "s",
            "kind": "osc-packet", "hex": "",
            "expected": {"result": "valid", "value": {"message": {"address": "/a", "args": [{"type": "f", "value": 1.0}]}}}}"#;
        let bad_partial = r#"{"id": "osc::a::four", "description": "d", "source": "s",
            "kind": "osc-packet", "hex": "",
            "expected": {"result": "invalid", "error": "truncated", "partial": {"message": {"address": "/a", "args": []}}}}"#;
        let auto_encode = r#"{"id": "osc::a::five", "description": "", "source": "s",
            "kind": "osc-stream-encode", "framing": "auto", "packets": [],
            "expected": {"result": "valid", "value": ""}}"#;
        let p = problems(&[
            (
                "manifest.json",
                r#"{"corpus_version": "1.0.0", "files": ["a.json"]}"#.to_owned(),
            ),
            (
                "a.json",
                file(
                    "1.0.0",
                    &[
                        acceptable_one,
                        wrong_area,
                        no_bits,
                        bad_partial,
                        auto_encode,
                    ]
                    .map(str::to_owned),
                ),
            ),
        ]);
        let rules: Vec<_> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            rules,
            [
                "a.json: case osc::a::one: an acceptable result needs at least two outcomes",
                "a.json: case osc::a::two: truncated is not an error class of osc-match \
                 (invalid-pattern, invalid-address, pattern-too-complex)",
                "a.json: case osc::a::three: an f argument has no bits (only `mox osc encode` \
                 input may omit them)",
                "a.json: case osc::a::four: the partial value has no error marker; mark where \
                 decoding stopped with {\"error\": \"truncated\"}",
                "a.json: case osc::a::five: description is empty",
                "a.json: case osc::a::five: osc-stream-encode needs framing slip or length-prefix",
            ]
        );
    }

    #[test]
    fn unknown_fields_and_missing_files_name_their_place() {
        let typo = r#"{"id": "osc::a::typo", "description": "d", "source": "s", "kind": "osc-packet",
            "hexx": "", "expected": {"result": "invalid", "error": "empty-packet"}}"#;
        let p = problems(&[
            ("manifest.json", MANIFEST_JSON.to_owned()),
            ("osc/a.json", file("1.0.0", &[typo.to_owned()])),
        ]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].case.as_deref(), Some("osc::a::typo"));
        assert!(
            matches!(&p[0].kind, ProblemKind::Case(e) if e.to_string().contains("unknown field `hexx`"))
        );
        assert_eq!(p[1].file, "osc/b.json");
        assert!(matches!(&p[1].kind, ProblemKind::Io(e) if e.kind() == io::ErrorKind::NotFound));

        let p = problems(&[(
            "manifest.json",
            r#"{"corpus_version": "1.0.0", "files": ["../x.json", "a.txt", "/abs.json"]}"#
                .to_owned(),
        )]);
        assert_eq!(p.len(), 3);
        assert!(p
            .iter()
            .all(|p| matches!(p.kind, ProblemKind::BadFilePath { .. })));
    }
}
