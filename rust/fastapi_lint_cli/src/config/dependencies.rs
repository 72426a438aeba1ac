//! The Pydantic major version a project declares in its packaging metadata, so that projects
//! still on Pydantic 1 get no Pydantic 2 advice.
//!
//! The metadata files of one directory are read in this order of trust, and the first that
//! decides wins:
//!
//! 1. lock files, which are exact: `uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`;
//! 2. `pyproject.toml` (PEP 621 dependencies and extras, PEP 735 dependency groups, Poetry's
//!    dependency tables, uv's and PDM's dev dependencies), then `Pipfile`;
//! 3. `requirements*.txt` and `requirements/*.txt`, read together;
//! 4. `setup.cfg` (`install_requires`, `extras_require`), then `setup.py` (its string literals).
//!
//! Within one source, Pydantic's own requirements decide when those that decide agree. When
//! none decides (or they disagree, as alternatives in extras or under markers do), the packages
//! that imply a major decide the same way: FastAPI (before 0.100 it supports only Pydantic 1;
//! from 0.126 it requires Pydantic 2), SQLModel (before 0.0.14: Pydantic 1 only; from 0.0.31:
//! Pydantic 2 only), `pydantic-settings`, `pydantic-extra-types` and `pydantic-core` 2.
//!
//! A version constraint decides a major when it allows versions of one major and none of the
//! other: `==1.10.2`, `~=1.10`, `^1.10`, `<2` and `>=1.8,<2.0` decide 1; `>=2`, `==2.*` and
//! `^2.1` decide 2; `>=1.8,<3`, `>=1.10` and no constraint leave it open. `!=` never decides.
//!
//! Malformed, unreadable and oversized (over 5 MB) files are skipped, as are files whose real
//! path (symbolic links resolved) is outside the directory.

use std::cmp::Ordering;
use std::fmt::Write;
use std::fs::{self, File};
use std::io::Read;
use std::path::Path;

/// The Pydantic major version a project's metadata declares, with where it was read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeclaredPydantic {
    /// 1 or 2.
    pub major: u8,
    /// E.g. "`pydantic==1.10.13` in requirements.txt", "`pydantic` 2.11.7 in uv.lock",
    /// "`fastapi>=0.126` in pyproject.toml (FastAPI 0.126 requires Pydantic 2)".
    pub evidence: String,
}

/// Reads the project metadata files in `dir` (only that directory, not its parents) and
/// returns `Some(Some(..))` when they declare a Pydantic major version, `Some(None)` when the
/// directory holds project metadata that leaves the version open, and `None` when it holds no
/// project metadata at all (the caller then looks in the parent directory).
#[allow(
    clippy::option_option,
    reason = "no metadata, metadata leaving the version open, and a declared version differ"
)]
pub fn declared_pydantic(dir: &Path) -> Option<Option<DeclaredPydantic>> {
    let root = fs::canonicalize(dir).ok()?;
    let sources: [Source; 9] = [
        |root| toml_lock(root, "uv.lock"),
        |root| toml_lock(root, "poetry.lock"),
        |root| toml_lock(root, "pdm.lock"),
        pipfile_lock,
        pyproject,
        pipfile,
        requirements_files,
        setup_cfg,
        setup_py,
    ];
    let mut has_metadata = false;
    for source in sources {
        let Some(requirements) = source(&root) else {
            continue;
        };
        has_metadata = true;
        if let Some(declared) = decide(&requirements) {
            return Some(Some(declared));
        }
    }
    has_metadata.then_some(None)
}

/// The requirements of one source of metadata in a directory: `None` when it has none.
type Source = fn(&Path) -> Option<Vec<Requirement>>;

/// Files larger than this are not read.
const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Deeper JSON than this is malformed here (it bounds the parser's recursion).
const MAX_JSON_DEPTH: usize = 64;

/// The packages whose requirements can decide the major (PEP 503 normalized names).
const RELEVANT: [&str; 7] = [
    "pydantic",
    "pydantic-core",
    "pydantic-settings",
    "pydantic-extra-types",
    "fastapi",
    "fastapi-slim",
    "sqlmodel",
];

/// One requirement on a relevant package, as one metadata file states it.
#[derive(Clone, Debug)]
struct Requirement {
    /// PEP 503 normalized.
    name: String,
    constraint: Constraint,
    /// The requirement as the evidence shows it, e.g. "`pydantic==1.10.13`".
    shown: String,
    /// The file, relative to the directory.
    file: String,
}

impl Requirement {
    /// A PEP 508 requirement string, if it is one on a relevant package.
    fn pep508(text: &str, file: &str) -> Option<Self> {
        let (name, constraint, shown) = parse_pep508(text)?;
        is_relevant(&name).then(|| Self {
            name,
            constraint,
            shown: format!("`{shown}`"),
            file: file.to_owned(),
        })
    }

    /// A locked package, if it is a relevant one.
    fn locked(name: &str, version: &str, file: &str) -> Option<Self> {
        let name = normalize(name);
        if !is_relevant(&name) {
            return None;
        }
        let (release, _) = parse_release(version)?;
        Some(Self {
            shown: format!("`{name}` {}", version.trim()),
            name,
            constraint: Constraint(vec![vec![Clause::Eq(release)]]),
            file: file.to_owned(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Deciding.

/// The major the requirements of one source declare.
fn decide(requirements: &[Requirement]) -> Option<DeclaredPydantic> {
    let direct = requirements
        .iter()
        .filter(|requirement| requirement.name == "pydantic")
        .filter_map(|requirement| {
            Some((pydantic_major(&requirement.constraint)?, requirement, None))
        });
    agreed(direct).or_else(|| {
        agreed(requirements.iter().filter_map(|requirement| {
            let (major, reason) = implied_major(requirement)?;
            Some((major, requirement, Some(reason)))
        }))
    })
}

/// The first decision, when every other agrees with it.
fn agreed<'a>(
    mut decisions: impl Iterator<Item = (u8, &'a Requirement, Option<&'static str>)>,
) -> Option<DeclaredPydantic> {
    let (major, requirement, reason) = decisions.next()?;
    if decisions.any(|(other, _, _)| other != major) {
        return None;
    }
    let mut evidence = format!("{} in {}", requirement.shown, requirement.file);
    if let Some(reason) = reason {
        let _ = write!(evidence, " ({reason})");
    }
    Some(DeclaredPydantic { major, evidence })
}

/// The major a constraint on `pydantic` itself allows, when it allows only one.
fn pydantic_major(constraint: &Constraint) -> Option<u8> {
    only_below_or_from(constraint, &[2], &[2]).map(|below| if below { 1 } else { 2 })
}

/// `Some(true)` when the constraint allows versions below `low` and none from `low` on,
/// `Some(false)` when it allows versions from `high` on and none below `high`.
fn only_below_or_from(constraint: &Constraint, low: &[u64], high: &[u64]) -> Option<bool> {
    if constraint.allows_below(low) && !constraint.allows_from(low) {
        Some(true)
    } else if constraint.allows_from(high) && !constraint.allows_below(high) {
        Some(false)
    } else {
        None
    }
}

/// The major another package's requirement implies, and why.
fn implied_major(requirement: &Requirement) -> Option<(u8, &'static str)> {
    let constraint = &requirement.constraint;
    match requirement.name.as_str() {
        "pydantic-settings" => Some((2, "pydantic-settings requires Pydantic 2")),
        "pydantic-extra-types" => Some((2, "pydantic-extra-types requires Pydantic 2")),
        "pydantic-core" => (only_below_or_from(constraint, &[2], &[2]) == Some(false))
            .then_some((2, "pydantic-core 2 is part of Pydantic 2")),
        "fastapi" | "fastapi-slim" => {
            only_below_or_from(constraint, &[0, 100], &[0, 126]).map(|below| {
                if below {
                    (1, "FastAPI before 0.100 supports only Pydantic 1")
                } else {
                    (2, "FastAPI 0.126 requires Pydantic 2")
                }
            })
        }
        "sqlmodel" => only_below_or_from(constraint, &[0, 0, 14], &[0, 0, 31]).map(|below| {
            if below {
                (1, "SQLModel before 0.0.14 supports only Pydantic 1")
            } else {
                (2, "SQLModel 0.0.31 requires Pydantic 2")
            }
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Versions and constraints.

/// One comparison of a constraint, on release numbers (`1.10.2` of `1.10.2rc1`). Pre-releases
/// count as their release, so `<2.0.0a0` and `>=2.0.0b1` split at 2 as meant.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Clause {
    Lt(Vec<u64>),
    Le(Vec<u64>),
    Gt(Vec<u64>),
    Ge(Vec<u64>),
    Eq(Vec<u64>),
    /// `==1.10.*`: the versions whose release starts with these numbers (never empty).
    Prefix(Vec<u64>),
}

impl Clause {
    /// Whether some version below `bound` satisfies the clause.
    fn allows_below(&self, bound: &[u64]) -> bool {
        match self {
            Self::Lt(version) => version.iter().any(|&number| number > 0),
            Self::Le(_) => true,
            Self::Gt(version) | Self::Ge(version) | Self::Eq(version) | Self::Prefix(version) => {
                compare(version, bound).is_lt()
            }
        }
    }

    /// Whether some version at or above `bound` satisfies the clause.
    fn allows_from(&self, bound: &[u64]) -> bool {
        match self {
            Self::Gt(_) | Self::Ge(_) => true,
            Self::Lt(version) => compare(version, bound).is_gt(),
            Self::Le(version) | Self::Eq(version) => compare(version, bound).is_ge(),
            Self::Prefix(prefix) => compare(&bump(prefix, prefix.len() - 1), bound).is_gt(),
        }
    }
}

/// Alternatives (Poetry's `||`, or several Poetry entries), each a conjunction of clauses.
/// `[[]]` allows every version.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Constraint(Vec<Vec<Clause>>);

impl Constraint {
    fn any() -> Self {
        Self(vec![Vec::new()])
    }

    // Each clause is an interval, so a conjunction reaches a region when each clause does
    // (short of contradictory clauses, which no resolver would accept either).
    fn allows_below(&self, bound: &[u64]) -> bool {
        self.0
            .iter()
            .any(|clauses| clauses.iter().all(|clause| clause.allows_below(bound)))
    }

    fn allows_from(&self, bound: &[u64]) -> bool {
        self.0
            .iter()
            .any(|clauses| clauses.iter().all(|clause| clause.allows_from(bound)))
    }
}

/// Release numbers compared as PEP 440 does, the shorter padded with zeros.
fn compare(left: &[u64], right: &[u64]) -> Ordering {
    (0..left.len().max(right.len()))
        .map(|index| {
            let left = left.get(index).copied().unwrap_or(0);
            left.cmp(&right.get(index).copied().unwrap_or(0))
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `release` cut after `index`, with that number increased: `bump([1, 10, 2], 1)` is `[1, 11]`.
fn bump(release: &[u64], index: usize) -> Vec<u64> {
    let mut bumped = release[..=index].to_vec();
    bumped[index] = bumped[index].saturating_add(1);
    bumped
}

/// The release numbers of a version (`[1, 10, 2]` of `v1.10.2rc1+local`; `1.10.x` gives
/// `[1, 10]`), and whether it ends in `.*`. `None` without a number, or with a non-zero epoch.
fn parse_release(text: &str) -> Option<(Vec<u64>, bool)> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let text = match text.split_once('!') {
        Some((epoch, rest)) if epoch.parse::<u64>().ok()? == 0 => rest,
        Some(_) => return None,
        None => text,
    };
    let mut release = Vec::new();
    let mut wildcard = false;
    for part in text.split('.') {
        if part == "*" {
            wildcard = true;
            break;
        }
        let digits = part.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        release.push(part[..digits].parse().ok()?);
        if digits < part.len() {
            break;
        }
    }
    (!release.is_empty()).then_some((release, wildcard))
}

/// `~=V`: at least `V`, and the same release but for its last number.
fn compatible(release: Vec<u64>) -> Vec<Clause> {
    if release.len() < 2 {
        return vec![Clause::Ge(release)];
    }
    let prefix = release[..release.len() - 1].to_vec();
    vec![Clause::Ge(release), Clause::Prefix(prefix)]
}

/// Poetry's `^V`: up to the next change of the first non-zero number given.
fn caret(release: Vec<u64>) -> Vec<Clause> {
    let index = release
        .iter()
        .position(|&number| number != 0)
        .unwrap_or(release.len() - 1);
    let upper = bump(&release, index);
    vec![Clause::Ge(release), Clause::Lt(upper)]
}

/// Poetry's `~V`: up to the next minor (or major, when only the major is given).
fn tilde(release: Vec<u64>) -> Vec<Clause> {
    let upper = bump(&release, usize::from(release.len() >= 2));
    vec![Clause::Ge(release), Clause::Lt(upper)]
}

/// A comparison (`<`, `==`, ...) and a version, as clauses.
fn comparison(operator: &str, release: Vec<u64>, wildcard: bool) -> Vec<Clause> {
    match operator {
        "~=" => compatible(release),
        "^" => caret(release),
        "~" => tilde(release),
        "" | "=" | "==" | "===" if wildcard => vec![Clause::Prefix(release)],
        "" | "=" | "==" | "===" => vec![Clause::Eq(release)],
        "<" => vec![Clause::Lt(release)],
        "<=" => vec![Clause::Le(release)],
        ">" => vec![Clause::Gt(release)],
        ">=" => vec![Clause::Ge(release)],
        // `!=`.
        _ => Vec::new(),
    }
}

/// A PEP 440 specifier set (`>=1.8,<2`); `None` when it is not one.
fn pep440_clauses(spec: &str) -> Option<Vec<Clause>> {
    const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];
    let mut clauses = Vec::new();
    for part in spec
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let operator = OPERATORS
            .into_iter()
            .find(|operator| part.starts_with(operator))?;
        let version = &part[operator.len()..];
        match parse_release(version) {
            Some((release, wildcard)) => clauses.extend(comparison(operator, release, wildcard)),
            // Arbitrary equality may compare any string.
            None if operator == "===" => {}
            None => return None,
        }
    }
    Some(clauses)
}

/// A Poetry constraint (`^1.10`, `~1.10`, `>=1.8,<2.0`, `>=1.8 <2.0`, `1.10.*`, `*`, with `||`
/// between alternatives); `None` when it is not one.
fn poetry_constraint(text: &str) -> Option<Constraint> {
    const OPERATORS: [&str; 10] = ["~=", "==", "!=", "<=", ">=", "^", "~", "<", ">", "="];
    let mut alternatives = Vec::new();
    for alternative in text
        .split('|')
        .filter(|alternative| !alternative.trim().is_empty())
    {
        let mut clauses = Vec::new();
        let mut rest = alternative.trim();
        while !rest.is_empty() {
            let operator = OPERATORS
                .into_iter()
                .find(|operator| rest.starts_with(operator))
                .unwrap_or("");
            rest = rest[operator.len()..].trim_start();
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ',')
                .unwrap_or(rest.len());
            let version = &rest[..end];
            rest = rest[end..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            if version == "*" && operator.is_empty() {
                continue;
            }
            let (release, wildcard) = parse_release(version)?;
            clauses.extend(comparison(operator, release, wildcard));
        }
        alternatives.push(clauses);
    }
    if alternatives.is_empty() {
        return Some(Constraint::any());
    }
    Some(Constraint(alternatives))
}

/// A PEP 508 requirement: its normalized name, its version constraint (extras, URLs and
/// markers aside) and its text without markers. `None` when it is not one.
fn parse_pep508(text: &str) -> Option<(String, Constraint, &str)> {
    let text = text.split(';').next().unwrap_or_default().trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let name = &text[..name_end];
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut rest = text[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        rest = extras.split_once(']')?.1.trim_start();
    }
    let constraint = if rest.starts_with('@') {
        Constraint::any()
    } else {
        let spec = match rest.strip_prefix('(') {
            Some(inner) => inner.strip_suffix(')')?,
            None => rest,
        };
        Constraint(vec![pep440_clauses(spec)?])
    };
    Some((normalize(name), constraint, text))
}

/// PEP 503: lower case, each run of `-`, `_` and `.` one `-`.
fn normalize(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
        } else {
            if separator && !normalized.is_empty() {
                normalized.push('-');
            }
            separator = false;
            normalized.push(c.to_ascii_lowercase());
        }
    }
    normalized
}

fn is_relevant(name: &str) -> bool {
    RELEVANT.contains(&name)
}

// ---------------------------------------------------------------------------------------------
// Reading files.

/// The text of `relative` in `root` (canonical), unless it is missing, not a regular file,
/// outside `root` once symbolic links are resolved, or larger than [`MAX_FILE_SIZE`].
fn read(root: &Path, relative: &str) -> Option<String> {
    let path = fs::canonicalize(root.join(relative)).ok()?;
    if !path.starts_with(root) {
        return None;
    }
    let metadata = fs::metadata(&path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_FILE_SIZE {
        return None;
    }
    let mut bytes = Vec::new();
    File::open(&path)
        .ok()?
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if u64::try_from(bytes.len()).map_or(true, |size| size > MAX_FILE_SIZE) {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// A TOML file, parsed.
fn read_toml(root: &Path, relative: &str) -> Option<toml::Table> {
    read(root, relative)?.parse().ok()
}

/// The names in a directory.
fn list_dir(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect()
}

fn as_table(value: &toml::Value) -> Option<&toml::Table> {
    value.as_table()
}

fn as_array(value: &toml::Value) -> Option<&Vec<toml::Value>> {
    value.as_array()
}

/// The values of a table, if there is one.
fn values(table: Option<&toml::Table>) -> impl Iterator<Item = &toml::Value> {
    table.into_iter().flat_map(toml::Table::values)
}

// ---------------------------------------------------------------------------------------------
// Lock files.

/// `uv.lock`, `poetry.lock`, `pdm.lock`: `[[package]]` tables with `name` and `version`.
fn toml_lock(root: &Path, file: &str) -> Option<Vec<Requirement>> {
    let lock = read_toml(root, file)?;
    let packages = lock.get("package").and_then(as_array);
    Some(
        packages
            .into_iter()
            .flatten()
            .filter_map(|package| {
                let package = package.as_table()?;
                let name = package.get("name")?.as_str()?;
                let version = package.get("version")?.as_str()?;
                Requirement::locked(name, version, file)
            })
            .collect(),
    )
}

/// `Pipfile.lock`: `{"default": {"pydantic": {"version": "==1.10.2"}}, "develop": {...}}`.
fn pipfile_lock(root: &Path) -> Option<Vec<Requirement>> {
    const FILE: &str = "Pipfile.lock";
    let Json::Object(lock) = parse_json(&read(root, FILE)?)? else {
        return None;
    };
    let mut requirements = Vec::new();
    for (section, packages) in &lock {
        let Json::Object(packages) = packages else {
            continue;
        };
        if !matches!(section.as_str(), "default" | "develop") {
            continue;
        }
        for (name, entry) in packages {
            let name = normalize(name);
            let Json::Object(fields) = entry else {
                continue;
            };
            let version = fields.iter().find_map(|(key, value)| match value {
                Json::String(version) if key == "version" => Some(version.trim()),
                _ => None,
            });
            // Pipenv locks `==` versions, but any specifier is read as one.
            let (true, Some(version)) = (is_relevant(&name), version) else {
                continue;
            };
            let Some(clauses) = pep440_clauses(version) else {
                continue;
            };
            requirements.push(Requirement {
                shown: format!("`{name}` {}", version.strip_prefix("==").unwrap_or(version)),
                name,
                constraint: Constraint(vec![clauses]),
                file: FILE.to_owned(),
            });
        }
    }
    Some(requirements)
}

/// Just enough JSON for `Pipfile.lock`.
#[derive(Debug)]
enum Json {
    Object(Vec<(String, Json)>),
    Array,
    String(String),
    Scalar,
}

/// A whole JSON document; `None` when it is malformed.
fn parse_json(text: &str) -> Option<Json> {
    let mut parser = JsonParser { text, position: 0 };
    let value = parser.value(0)?;
    parser.skip_whitespace();
    (parser.position == text.len()).then_some(value)
}

struct JsonParser<'a> {
    text: &'a str,
    position: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.position += 1;
        }
    }

    /// Consumes `byte` after any whitespace.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek()? == byte).then(|| self.position += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        self.skip_whitespace();
        match self.peek()? {
            b'{' => {
                self.position += 1;
                let mut members = Vec::new();
                self.skip_whitespace();
                if self.peek()? == b'}' {
                    self.position += 1;
                    return Some(Json::Object(members));
                }
                loop {
                    self.skip_whitespace();
                    let key = self.string()?;
                    self.expect(b':')?;
                    members.push((key, self.value(depth + 1)?));
                    self.skip_whitespace();
                    match self.peek()? {
                        b',' => self.position += 1,
                        b'}' => {
                            self.position += 1;
                            return Some(Json::Object(members));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.position += 1;
                self.skip_whitespace();
                if self.peek()? == b']' {
                    self.position += 1;
                    return Some(Json::Array);
                }
                loop {
                    self.value(depth + 1)?;
                    self.skip_whitespace();
                    match self.peek()? {
                        b',' => self.position += 1,
                        b']' => {
                            self.position += 1;
                            return Some(Json::Array);
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Json::String),
            _ => {
                let start = self.position;
                while self.peek().is_some_and(|byte| {
                    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.')
                }) {
                    self.position += 1;
                }
                (self.position > start).then_some(Json::Scalar)
            }
        }
    }

    /// A string, its escapes decoded (an escaped surrogate becomes U+FFFD).
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        self.position += 1;
        let mut value = String::new();
        let mut chars = self.text[self.position..].char_indices();
        while let Some((offset, c)) = chars.next() {
            match c {
                '"' => {
                    self.position += offset + 1;
                    return Some(value);
                }
                '\\' => {
                    let (_, escaped) = chars.next()?;
                    value.push(match escaped {
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'u' => {
                            let mut code = 0;
                            for _ in 0..4 {
                                code = code * 16 + chars.next()?.1.to_digit(16)?;
                            }
                            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                        }
                        other => other,
                    });
                }
                c => value.push(c),
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Manifests.

/// `pyproject.toml`: `None` unless it has `[project]`, `[tool.poetry]` or a table of
/// dependencies.
fn pyproject(root: &Path) -> Option<Vec<Requirement>> {
    const FILE: &str = "pyproject.toml";
    let pyproject = read_toml(root, FILE)?;
    let project = pyproject.get("project").and_then(as_table);
    let tool = pyproject.get("tool").and_then(as_table);
    let tool_table = |name: &str| tool.and_then(|tool| tool.get(name)).and_then(as_table);
    let poetry = tool_table("poetry");
    let groups = pyproject.get("dependency-groups").and_then(as_table);
    let uv_dev = tool_table("uv")
        .and_then(|uv| uv.get("dev-dependencies"))
        .and_then(as_array);
    let pdm_dev = tool_table("pdm")
        .and_then(|pdm| pdm.get("dev-dependencies"))
        .and_then(as_table);
    if project.is_none()
        && poetry.is_none()
        && groups.is_none()
        && uv_dev.is_none()
        && pdm_dev.is_none()
    {
        return None;
    }

    let project_entry = |key: &str| project.and_then(|project| project.get(key));
    let poetry_table = |key: &str| poetry.and_then(|poetry| poetry.get(key)).and_then(as_table);

    // PEP 508 strings, main dependencies first (an `{include-group = ...}` is no requirement).
    let main = project_entry("dependencies").and_then(as_array);
    let optional = values(project_entry("optional-dependencies").and_then(as_table));
    let grouped = optional
        .chain(values(groups))
        .chain(values(pdm_dev))
        .filter_map(as_array);
    let mut requirements: Vec<Requirement> = main
        .into_iter()
        .chain(grouped)
        .chain(uv_dev)
        .flatten()
        .filter_map(|item| Requirement::pep508(item.as_str()?, FILE))
        .collect();

    let poetry_tables = poetry_table("dependencies")
        .into_iter()
        .chain(poetry_table("dev-dependencies"))
        .chain(
            values(poetry_table("group")).filter_map(|group| group.get("dependencies")?.as_table()),
        );
    for (key, value) in poetry_tables.flatten() {
        requirements.extend(poetry_requirement(key, value, FILE));
    }
    Some(requirements)
}

/// One entry of a Poetry dependency table: `"^1.10"`, `{version = "^1.10", ...}`, or a list of
/// such tables (alternatives, by marker or Python version).
fn poetry_requirement(key: &str, value: &toml::Value, file: &str) -> Option<Requirement> {
    let name = normalize(key);
    if !is_relevant(&name) {
        return None;
    }
    let version = |value: &toml::Value| match value {
        toml::Value::String(version) => Some(version.clone()),
        // `git`, `path` and `url` sources pin no version.
        toml::Value::Table(table) => Some(
            table
                .get("version")
                .and_then(toml::Value::as_str)
                .unwrap_or("*")
                .to_owned(),
        ),
        _ => None,
    };
    let versions: Vec<String> = match value {
        toml::Value::Array(items) => items.iter().filter_map(version).collect(),
        value => vec![version(value)?],
    };
    if versions.is_empty() {
        return None;
    }
    let mut alternatives = Vec::new();
    for version in &versions {
        alternatives.extend(poetry_constraint(version)?.0);
    }
    Some(Requirement {
        name,
        constraint: Constraint(alternatives),
        shown: format!("`{key} = \"{}\"`", versions.join(" || ")),
        file: file.to_owned(),
    })
}

/// `Pipfile`: `[packages]` and `[dev-packages]`, each entry `"*"`, a PEP 440 specifier, or a
/// table with `version`.
fn pipfile(root: &Path) -> Option<Vec<Requirement>> {
    const FILE: &str = "Pipfile";
    let pipfile = read_toml(root, FILE)?;
    let mut requirements = Vec::new();
    for section in ["packages", "dev-packages"] {
        for (key, value) in pipfile
            .get(section)
            .and_then(as_table)
            .into_iter()
            .flatten()
        {
            let name = normalize(key);
            if !is_relevant(&name) {
                continue;
            }
            let version = match value {
                toml::Value::String(version) => version.as_str(),
                toml::Value::Table(table) => table
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .unwrap_or("*"),
                _ => continue,
            };
            let constraint = if version.trim() == "*" {
                Constraint::any()
            } else {
                let Some(clauses) = pep440_clauses(version) else {
                    continue;
                };
                Constraint(vec![clauses])
            };
            requirements.push(Requirement {
                name,
                constraint,
                shown: format!("`{key} = \"{version}\"`"),
                file: FILE.to_owned(),
            });
        }
    }
    Some(requirements)
}

/// `requirements*.txt` and `requirements/*.txt`, `requirements.txt` first: `None` when there
/// are none.
fn requirements_files(root: &Path) -> Option<Vec<Requirement>> {
    let mut files: Vec<String> = list_dir(root)
        .into_iter()
        .filter(|name| {
            name.to_ascii_lowercase().starts_with("requirements") && has_txt_extension(name)
        })
        .collect();
    files.sort_by(|left, right| {
        (left != "requirements.txt", left).cmp(&(right != "requirements.txt", right))
    });
    let mut nested: Vec<String> = list_dir(&root.join("requirements"))
        .into_iter()
        .filter(|name| has_txt_extension(name))
        .map(|name| format!("requirements/{name}"))
        .collect();
    nested.sort();
    files.extend(nested);

    let mut found = false;
    let mut requirements = Vec::new();
    for file in &files {
        let Some(text) = read(root, file) else {
            continue;
        };
        found = true;
        requirements.extend(
            requirement_lines(&text)
                .iter()
                .filter_map(|line| Requirement::pep508(line, file)),
        );
    }
    found.then_some(requirements)
}

fn has_txt_extension(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("txt"))
}

/// The requirements of a pip requirements file: lines joined at a trailing `\` (as pip does,
/// not comment lines), comments and per-requirement options (`--hash=...`) removed, option
/// lines (`-r`, `-e`, `--index-url`) dropped.
fn requirement_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let comment = line.trim_start().starts_with('#');
        if let (false, Some(continued)) = (comment, line.strip_suffix('\\')) {
            current.push_str(continued);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let logical = std::mem::take(&mut current);
        if let Some(line) = requirement_line(&logical) {
            lines.push(line.to_owned());
        }
    }
    if let Some(line) = requirement_line(&current) {
        lines.push(line.to_owned());
    }
    lines
}

/// One logical line of a requirements file, without its comment and options.
fn requirement_line(line: &str) -> Option<&str> {
    let line = strip_comment(line).trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let options = line
        .match_indices("--")
        .find(|(index, _)| line[..*index].ends_with(char::is_whitespace))
        .map_or(line.len(), |(index, _)| index);
    Some(line[..options].trim())
}

/// `line` up to a `#` that starts it or follows whitespace.
fn strip_comment(line: &str) -> &str {
    line.match_indices('#')
        .find(|(index, _)| *index == 0 || line[..*index].ends_with(char::is_whitespace))
        .map_or(line, |(index, _)| &line[..index])
}

/// `setup.cfg`: `[options] install_requires` and `[options.extras_require]`. `None` unless it
/// has a `[metadata]` or `[options]` section (a file of tool settings only is no metadata).
fn setup_cfg(root: &Path) -> Option<Vec<Requirement>> {
    const FILE: &str = "setup.cfg";
    let text = read(root, FILE)?;
    let mut is_metadata = false;
    let mut section = "";
    // Each value read: its first line, then its continuation lines.
    let mut values: Vec<Vec<&str>> = Vec::new();
    let mut collecting = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if collecting {
                if let Some(value) = values.last_mut() {
                    value.push(trimmed);
                }
            }
            continue;
        }
        if let Some(name) = trimmed
            .strip_prefix('[')
            .and_then(|name| name.strip_suffix(']'))
        {
            section = name.trim();
            is_metadata |= matches!(section, "metadata" | "options");
            collecting = false;
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            collecting = false;
            continue;
        };
        let key = key.trim().to_ascii_lowercase().replace('-', "_");
        collecting = (section == "options" && key == "install_requires")
            || section == "options.extras_require";
        if collecting {
            values.push(vec![value.trim()]);
        }
    }
    if !is_metadata {
        return None;
    }
    let mut requirements = Vec::new();
    for value in &values {
        let items: Vec<&str> = match value.as_slice() {
            // As setuptools reads a one-line list: separated by `;`.
            [line] => line.split(';').collect(),
            lines => lines.to_vec(),
        };
        requirements.extend(
            items
                .into_iter()
                .map(|item| strip_comment(item).trim())
                .filter(|item| !item.starts_with("file:"))
                .filter_map(|item| Requirement::pep508(item, FILE)),
        );
    }
    Some(requirements)
}

/// `setup.py`: every one-line string literal that is a requirement on a relevant package.
fn setup_py(root: &Path) -> Option<Vec<Requirement>> {
    const FILE: &str = "setup.py";
    let text = read(root, FILE)?;
    Some(
        string_literals(&text)
            .into_iter()
            .filter_map(|literal| Requirement::pep508(literal, FILE))
            .collect(),
    )
}

/// The contents of the one-line string literals of Python source (triple-quoted strings and
/// comments are skipped; escapes are left as written).
fn string_literals(source: &str) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut literals = Vec::new();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'#' => {
                while bytes.get(index).is_some_and(|&byte| byte != b'\n') {
                    index += 1;
                }
            }
            b'"' | b'\'' if bytes[index..].starts_with(&[byte; 3]) => {
                index += 3;
                while index < bytes.len() && !bytes[index..].starts_with(&[byte; 3]) {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
                index += 3;
            }
            b'"' | b'\'' => {
                let start = index + 1;
                let mut end = start;
                while let Some(&next) = bytes.get(end) {
                    if next == byte || next == b'\n' {
                        break;
                    }
                    end += if next == b'\\' { 2 } else { 1 };
                }
                if bytes.get(end) == Some(&byte) {
                    literals.push(&source[start..end]);
                }
                index = end + 1;
            }
            _ => index += 1,
        }
    }
    literals
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// A directory holding `files` (paths relative to it, parents created).
    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    #[expect(clippy::option_option, reason = "what `declared_pydantic` returns")]
    fn declared(files: &[(&str, &str)]) -> Option<Option<DeclaredPydantic>> {
        declared_pydantic(project(files).path())
    }

    /// The major the files declare; panics when they hold no metadata.
    fn major(files: &[(&str, &str)]) -> Option<u8> {
        declared(files)
            .expect("project metadata")
            .map(|declared| declared.major)
    }

    fn evidence(files: &[(&str, &str)]) -> String {
        declared(files)
            .expect("project metadata")
            .expect("a major")
            .evidence
    }

    /// The major a PEP 508 requirement on its own decides.
    fn pep508_major(requirement: &str) -> Option<u8> {
        let (name, constraint, _) = parse_pep508(requirement).expect(requirement);
        let requirement = Requirement {
            name,
            constraint,
            shown: String::new(),
            file: String::new(),
        };
        decide(&[requirement]).map(|declared| declared.major)
    }

    fn poetry_major(constraint: &str) -> Option<u8> {
        pydantic_major(&poetry_constraint(constraint).expect(constraint))
    }

    #[test]
    fn exact_specifiers() {
        for (spec, expected) in [
            ("pydantic==1.10.2", Some(1)),
            ("pydantic===1.10.2", Some(1)),
            ("pydantic==1.*", Some(1)),
            ("pydantic==1.10.*", Some(1)),
            ("pydantic==2.*", Some(2)),
            ("pydantic==2.5", Some(2)),
            ("pydantic==2.0b3", Some(2)),
            ("pydantic==1.10.2+local", Some(1)),
            ("pydantic==v1.10.2", Some(1)),
            ("pydantic==0.32.2", Some(1)),
            ("pydantic===foo", None),
        ] {
            assert_eq!(pep508_major(spec), expected, "{spec}");
        }
    }

    #[test]
    fn compatible_release_specifiers() {
        for (spec, expected) in [
            ("pydantic~=1.10", Some(1)),
            ("pydantic~=1.10.2", Some(1)),
            ("pydantic ~= 1.10", Some(1)),
            ("pydantic~=2.0", Some(2)),
            ("pydantic~=2.11.7", Some(2)),
            // `~=1` is not valid PEP 440; read as `>=1`.
            ("pydantic~=1", None),
        ] {
            assert_eq!(pep508_major(spec), expected, "{spec}");
        }
    }

    #[test]
    fn bounds() {
        for (spec, expected) in [
            ("pydantic<2", Some(1)),
            ("pydantic<2.0", Some(1)),
            ("pydantic<2.0.0a0", Some(1)),
            ("pydantic<=1.10.13", Some(1)),
            ("pydantic<=1.10.x", Some(1)),
            ("pydantic>=1.8,<2.0", Some(1)),
            ("pydantic>=1.8, <2.0.0", Some(1)),
            ("pydantic (>=1.8,<2)", Some(1)),
            ("pydantic>=2", Some(2)),
            ("pydantic>2.0", Some(2)),
            ("pydantic>=2.0.0b1", Some(2)),
            ("pydantic>=2.7,<3", Some(2)),
            ("pydantic>=3", Some(2)),
            // Allowing both, or nothing said.
            ("pydantic>=1.8,<3", None),
            ("pydantic>=1.10", None),
            ("pydantic>1.99", None),
            ("pydantic<2.0.1", None),
            ("pydantic<=2.0", None),
            ("pydantic", None),
            (
                "pydantic @ https://example.com/pydantic-1.10.2.tar.gz",
                None,
            ),
            // `!=` decides nothing.
            ("pydantic!=1.10.3", None),
            ("pydantic!=2.*", None),
            ("pydantic!=1.10.3,<2", Some(1)),
        ] {
            assert_eq!(pep508_major(spec), expected, "{spec}");
        }
    }

    #[test]
    fn extras_markers_and_names() {
        for (spec, expected) in [
            ("pydantic[email]>=2.0,<3", Some(2)),
            ("pydantic [email, dotenv] >= 2.0", Some(2)),
            ("pydantic<2; python_version < \"3.8\"", Some(1)),
            ("Pydantic==1.10.2", Some(1)),
            ("PYDANTIC>=2", Some(2)),
        ] {
            assert_eq!(pep508_major(spec), expected, "{spec}");
        }
        assert_eq!(normalize("Pydantic_Settings"), "pydantic-settings");
        assert_eq!(normalize("pydantic.-_extra__types"), "pydantic-extra-types");
        assert!(parse_pep508("pydantic is great").is_none());
        assert!(parse_pep508("pydantic>=").is_none());
        assert!(parse_pep508("pydantic[email>=2").is_none());
        assert!(parse_pep508("./local/package").is_none());
        assert!(parse_pep508("pydantic>={VERSION}").is_none());
    }

    #[test]
    fn poetry_constraints() {
        for (constraint, expected) in [
            ("^1.10", Some(1)),
            ("^1", Some(1)),
            ("^2", Some(2)),
            ("^2.1", Some(2)),
            ("~1.10", Some(1)),
            ("~1.10.2", Some(1)),
            ("~2", Some(2)),
            ("~=1.10", Some(1)),
            ("1.10.2", Some(1)),
            ("=1.10.2", Some(1)),
            ("1.10.*", Some(1)),
            ("2.*", Some(2)),
            (">=1.8,<2.0", Some(1)),
            (">=1.8 <2.0", Some(1)),
            (">= 1.8, < 2.0", Some(1)),
            (">=2.0.0b1", Some(2)),
            ("^1.10 || ^2", None),
            ("^2.1 || ^2.5", Some(2)),
            ("*", None),
            ("", None),
            (">=1.8", None),
            ("!=1.10.3", None),
        ] {
            assert_eq!(poetry_major(constraint), expected, "{constraint:?}");
        }
        assert_eq!(
            poetry_constraint("^0.95"),
            Some(Constraint(vec![vec![
                Clause::Ge(vec![0, 95]),
                Clause::Lt(vec![0, 96]),
            ]]))
        );
        assert_eq!(
            poetry_constraint("^0.0.3"),
            Some(Constraint(vec![vec![
                Clause::Ge(vec![0, 0, 3]),
                Clause::Lt(vec![0, 0, 4]),
            ]]))
        );
        assert_eq!(
            poetry_constraint("^0"),
            Some(Constraint(vec![vec![
                Clause::Ge(vec![0]),
                Clause::Lt(vec![1]),
            ]]))
        );
        assert_eq!(poetry_constraint("nonsense"), None);
        assert_eq!(poetry_constraint("^"), None);
    }

    #[test]
    fn fastapi_decides_when_pydantic_does_not() {
        for (spec, expected) in [
            ("fastapi<0.100", Some(1)),
            ("fastapi<0.100.0", Some(1)),
            ("fastapi==0.95.2", Some(1)),
            ("fastapi~=0.95.0", Some(1)),
            ("fastapi>=0.68,<0.99", Some(1)),
            ("fastapi>=0.126", Some(2)),
            ("fastapi>=0.126.0", Some(2)),
            ("fastapi==0.128.0", Some(2)),
            ("fastapi~=0.130", Some(2)),
            ("fastapi-slim>=0.128", Some(2)),
            ("fastapi[standard]>=0.126", Some(2)),
            ("fastapi", None),
            ("fastapi>=0.100", None),
            ("fastapi>=0.95", None),
            ("fastapi<0.126", None),
            ("fastapi==0.115.0", None),
            ("fastapi<0.100.1", None),
        ] {
            assert_eq!(pep508_major(spec), expected, "{spec}");
        }
        let poetry = |constraint: &str| {
            let requirement = poetry_requirement(
                "fastapi",
                &toml::Value::String(constraint.to_owned()),
                "pyproject.toml",
            )
            .unwrap();
            decide(&[requirement]).map(|declared| declared.major)
        };
        assert_eq!(poetry("^0.95"), Some(1));
        assert_eq!(poetry("^0.128"), Some(2));
        assert_eq!(poetry("^0.115"), None);
    }

    #[test]
    fn other_packages_that_imply_a_major() {
        for (spec, expected) in [
            ("pydantic-settings", Some(2)),
            ("pydantic-settings>=2.1", Some(2)),
            ("pydantic_settings", Some(2)),
            ("pydantic-extra-types", Some(2)),
            ("pydantic-core>=2.14", Some(2)),
            ("pydantic-core==2.33.2", Some(2)),
            ("pydantic-core", None),
            ("sqlmodel<0.0.14", Some(1)),
            ("sqlmodel==0.0.8", Some(1)),
            ("sqlmodel>=0.0.31", Some(2)),
            ("sqlmodel>=0.0.14", None),
            ("sqlmodel==0.0.24", None),
            ("sqlmodel", None),
            ("email-validator>=2", None),
        ] {
            assert_eq!(pep508_major(spec), expected, "{spec}");
        }
    }

    #[test]
    fn pydantic_itself_wins_over_what_other_packages_imply() {
        let files = [("requirements.txt", "fastapi>=0.126\npydantic==1.10.13\n")];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`pydantic==1.10.13` in requirements.txt");
        // Open Pydantic: FastAPI decides.
        let files = [("requirements.txt", "pydantic>=1.8\nfastapi<0.100\n")];
        assert_eq!(
            evidence(&files),
            "`fastapi<0.100` in requirements.txt (FastAPI before 0.100 supports only Pydantic 1)"
        );
        assert_eq!(major(&files), Some(1));
        let files = [(
            "pyproject.toml",
            "[project]\ndependencies = [\"fastapi>=0.126\"]\n",
        )];
        assert_eq!(
            evidence(&files),
            "`fastapi>=0.126` in pyproject.toml (FastAPI 0.126 requires Pydantic 2)"
        );
        // Implications that disagree leave it open.
        assert_eq!(
            major(&[("requirements.txt", "fastapi<0.100\npydantic-settings\n")]),
            None
        );
    }

    #[test]
    fn disagreeing_requirements_of_one_source_leave_it_open() {
        let pyproject = r#"
[project]
dependencies = ["pydantic>=1.8"]
[project.optional-dependencies]
v1 = ["pydantic<2"]
v2 = ["pydantic>=2"]
"#;
        assert_eq!(major(&[("pyproject.toml", pyproject)]), None);
        let markers = "pydantic<2; python_version < '3.8'\npydantic>=2; python_version >= '3.8'\n";
        assert_eq!(major(&[("requirements.txt", markers)]), None);
        // Requirements that agree, or that do not decide, do not get in the way.
        assert_eq!(
            major(&[(
                "requirements.txt",
                "pydantic>=1.8\npydantic<2\npydantic!=1.10.3\n"
            )]),
            Some(1)
        );
    }

    #[test]
    fn uv_lock() {
        let lock = r#"
version = 1
requires-python = ">=3.12"

[[package]]
name = "annotated-types"
version = "0.7.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pydantic"
version = "2.11.7"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pydantic-core" }]

[[package]]
name = "pydantic-core"
version = "2.33.2"

[[package]]
name = "app"
source = { editable = "." }
"#;
        let files = [("uv.lock", lock)];
        assert_eq!(major(&files), Some(2));
        assert_eq!(evidence(&files), "`pydantic` 2.11.7 in uv.lock");
    }

    #[test]
    fn uv_lock_forked_across_majors_is_open() {
        let lock = r#"
[[package]]
name = "pydantic"
version = "1.10.21"
resolution-markers = ["python_full_version < '3.9'"]

[[package]]
name = "pydantic"
version = "2.11.7"
resolution-markers = ["python_full_version >= '3.9'"]
"#;
        assert_eq!(declared(&[("uv.lock", lock)]), Some(None));
    }

    #[test]
    fn poetry_and_pdm_locks() {
        let poetry = "[[package]]\nname = \"pydantic\"\nversion = \"1.10.13\"\ndescription = \"Data validation\"\noptional = false\n\n[metadata]\nlock-version = \"2.0\"\n";
        let files = [("poetry.lock", poetry)];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`pydantic` 1.10.13 in poetry.lock");
        let pdm = "[metadata]\ngroups = [\"default\"]\n\n[[package]]\nname = \"Pydantic\"\nversion = \"2.5.3\"\n";
        let files = [("pdm.lock", pdm)];
        assert_eq!(major(&files), Some(2));
        assert_eq!(evidence(&files), "`pydantic` 2.5.3 in pdm.lock");
        // A lock without Pydantic: FastAPI's locked version decides.
        let fastapi = "[[package]]\nname = \"fastapi\"\nversion = \"0.95.2\"\n";
        assert_eq!(
            evidence(&[("poetry.lock", fastapi)]),
            "`fastapi` 0.95.2 in poetry.lock (FastAPI before 0.100 supports only Pydantic 1)"
        );
        // A lock that decides nothing is still metadata.
        assert_eq!(
            declared(&[(
                "poetry.lock",
                "[[package]]\nname = \"httpx\"\nversion = \"0.27.0\"\n"
            )]),
            Some(None)
        );
    }

    #[test]
    fn pipfile_lock() {
        let lock = r#"{
    "_meta": {"hash": {"sha256": "abc"}, "pipfile-spec": 6, "requires": {"python_version": "3.8"},
              "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]},
    "default": {
        "fastapi": {"hashes": ["sha256:1", "sha256:2"], "index": "pypi", "version": "==0.95.2"},
        "pydantic": {"extras": ["email"], "hashes": [], "markers": "python_version >= '3.7'", "version": "==1.10.2"}
    },
    "develop": {"pytest": {"version": "==7.4.0"}, "note": {"version": "\u00e9\"\\\/\n"}}
}"#;
        let files = [("Pipfile.lock", lock)];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`pydantic` 1.10.2 in Pipfile.lock");
        let develop = r#"{"default": {}, "develop": {"pydantic": {"version": "==2.4.0"}}}"#;
        assert_eq!(major(&[("Pipfile.lock", develop)]), Some(2));
        assert_eq!(
            declared(&[("Pipfile.lock", r#"{"default": {}}"#)]),
            Some(None)
        );
    }

    #[test]
    fn json_parser() {
        assert!(matches!(
            parse_json(" {\"a\": [1, -2.5e3, true, null, {}, []]} "),
            Some(Json::Object(_))
        ));
        let Some(Json::String(text)) = parse_json(r#""a\u0041\n\"""#) else {
            panic!("a string");
        };
        assert_eq!(text, "aA\n\"");
        for malformed in [
            "",
            "{",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "[1 2]",
            "\"open",
            "{} extra",
            "{\"a\": }",
        ] {
            assert!(parse_json(malformed).is_none(), "{malformed:?}");
        }
        // Deep nesting is refused, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_json(&deep).is_none());
    }

    #[test]
    fn pyproject_pep621() {
        let pyproject = r#"
[project]
name = "app"
dependencies = ["fastapi>=0.100", "pydantic[email]>=2.0,<3", "httpx"]
"#;
        let files = [("pyproject.toml", pyproject)];
        assert_eq!(major(&files), Some(2));
        assert_eq!(
            evidence(&files),
            "`pydantic[email]>=2.0,<3` in pyproject.toml"
        );
        let optional = "[project]\nname = \"lib\"\n[project.optional-dependencies]\nsettings = [\"pydantic-settings>=2\"]\n";
        assert_eq!(major(&[("pyproject.toml", optional)]), Some(2));
    }

    #[test]
    fn pyproject_dependency_groups() {
        let pyproject = r#"
[project]
name = "app"
dependencies = ["fastapi"]

[dependency-groups]
test = ["pytest"]
dev = [{ include-group = "test" }, "pydantic<2"]
"#;
        assert_eq!(major(&[("pyproject.toml", pyproject)]), Some(1));
        // Dependency groups alone are metadata.
        let groups = "[dependency-groups]\ndev = [\"pydantic>=2\"]\n";
        assert_eq!(major(&[("pyproject.toml", groups)]), Some(2));
        let uv =
            "[project]\nname = \"app\"\n[tool.uv]\ndev-dependencies = [\"pydantic==1.10.13\"]\n";
        assert_eq!(major(&[("pyproject.toml", uv)]), Some(1));
        let pdm =
            "[project]\nname = \"app\"\n[tool.pdm.dev-dependencies]\ntest = [\"pydantic~=2.5\"]\n";
        assert_eq!(major(&[("pyproject.toml", pdm)]), Some(2));
    }

    #[test]
    fn pyproject_poetry() {
        let string = "[tool.poetry]\nname = \"app\"\n[tool.poetry.dependencies]\npython = \"^3.8\"\nPydantic = \"^1.10\"\n";
        let files = [("pyproject.toml", string)];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`Pydantic = \"^1.10\"` in pyproject.toml");
        let table =
            "[tool.poetry.dependencies]\npydantic = { version = \"^2.1\", extras = [\"email\"] }\n";
        assert_eq!(major(&[("pyproject.toml", table)]), Some(2));
        let list = r#"
[tool.poetry.dependencies]
pydantic = [
    { version = "^1.10", python = "<3.8" },
    { version = "^2.5", python = ">=3.8" },
]
"#;
        assert_eq!(major(&[("pyproject.toml", list)]), None);
        let same = "[tool.poetry.dependencies]\npydantic = [{ version = \"^2.1\", python = \"<3.8\" }, { version = \">=2.5\", python = \">=3.8\" }]\n";
        assert_eq!(major(&[("pyproject.toml", same)]), Some(2));
        let git = "[tool.poetry.dependencies]\npydantic = { git = \"https://github.com/pydantic/pydantic.git\" }\n";
        assert_eq!(major(&[("pyproject.toml", git)]), None);
        let group = "[tool.poetry]\nname = \"app\"\n[tool.poetry.group.dev.dependencies]\npydantic = \"~1.10\"\n";
        assert_eq!(major(&[("pyproject.toml", group)]), Some(1));
        let dev = "[tool.poetry.dev-dependencies]\nfastapi = \"^0.95\"\n";
        assert_eq!(major(&[("pyproject.toml", dev)]), Some(1));
        let star = "[tool.poetry.dependencies]\npydantic = \"*\"\n";
        assert_eq!(major(&[("pyproject.toml", star)]), None);
        // A constraint Poetry would reject decides nothing.
        let invalid = "[tool.poetry.dependencies]\npydantic = \"latest\"\n";
        assert_eq!(major(&[("pyproject.toml", invalid)]), None);
    }

    #[test]
    fn pyproject_that_is_or_is_not_metadata() {
        // Tool settings only: no metadata, the caller looks further up.
        assert_eq!(
            declared(&[("pyproject.toml", "[tool.ruff]\nline-length = 100\n")]),
            None
        );
        assert_eq!(declared(&[("pyproject.toml", "")]), None);
        // A project (PEP 621 or Poetry) that leaves the version open.
        assert_eq!(
            declared(&[("pyproject.toml", "[project]\nname = \"app\"\n")]),
            Some(None)
        );
        assert_eq!(
            declared(&[("pyproject.toml", "[tool.poetry]\nname = \"app\"\n")]),
            Some(None)
        );
        assert_eq!(
            declared(&[(
                "pyproject.toml",
                "[project]\ndependencies = [\"fastapi>=0.100\", \"pydantic>=1.10\"]\n"
            )]),
            Some(None)
        );
        // No files, or a directory that does not exist.
        assert_eq!(declared(&[]), None);
        assert_eq!(
            declared_pydantic(Path::new("/nonexistent/fastapi-lint/project")),
            None
        );
    }

    #[test]
    fn pipfile() {
        let files = [(
            "Pipfile",
            "[packages]\nfastapi = \"*\"\npydantic = \"==1.10.2\"\n\n[dev-packages]\npytest = \"*\"\n",
        )];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`pydantic = \"==1.10.2\"` in Pipfile");
        let table = "[dev-packages]\npydantic = { version = \">=2\", extras = [\"email\"] }\n";
        assert_eq!(major(&[("Pipfile", table)]), Some(2));
        assert_eq!(
            declared(&[("Pipfile", "[packages]\npydantic = \"*\"\n")]),
            Some(None)
        );
    }

    #[test]
    fn requirements_files() {
        let text = r#"
# Production dependencies.
--index-url https://pypi.org/simple
-r base.txt
-c constraints.txt
-e git+https://github.com/pydantic/pydantic.git#egg=pydantic
fastapi==0.95.2  # pinned
pydantic==1.10.2 \
    --hash=sha256:0123 \
    --hash=sha256:4567
"#;
        let files = [("requirements.txt", text)];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`pydantic==1.10.2` in requirements.txt");
        // `-r base.txt` is not followed: the file it names is not read.
        let files = [
            ("requirements.txt", "-r elsewhere/base.txt\n"),
            ("elsewhere/base.txt", "pydantic==1.10.2\n"),
        ];
        assert_eq!(major(&files), None);
        let files = [("requirements-dev.txt", "pydantic ~= 2.5  # comment\n")];
        assert_eq!(
            evidence(&files),
            "`pydantic ~= 2.5` in requirements-dev.txt"
        );
        let files = [(
            "requirements/base.txt",
            "pydantic>=1.8,<2.0 ; python_version < \"3.12\"\n",
        )];
        assert_eq!(
            evidence(&files),
            "`pydantic>=1.8,<2.0` in requirements/base.txt"
        );
        // A `#` inside a URL is not a comment, and a URL requirement decides nothing.
        assert_eq!(
            major(&[(
                "requirements.txt",
                "pydantic @ https://example.com/p.zip#sha256=1\n"
            )]),
            None
        );
        // Files read together: they agree, or the first that decides disagrees with another.
        let files = [
            ("requirements.txt", "fastapi\n"),
            ("requirements-test.txt", "pydantic>=2\n"),
            ("requirements/prod.txt", "pydantic>=2.5\n"),
        ];
        assert_eq!(evidence(&files), "`pydantic>=2` in requirements-test.txt");
        let files = [
            ("requirements-v1.txt", "pydantic<2\n"),
            ("requirements-v2.txt", "pydantic>=2\n"),
        ];
        assert_eq!(major(&files), None);
        // Empty requirements are still metadata; other text files are not requirements.
        assert_eq!(declared(&[("requirements.txt", "")]), Some(None));
        assert_eq!(declared(&[("notes.txt", "pydantic==1.10.2\n")]), None);
    }

    #[test]
    fn requirement_line_syntax() {
        assert_eq!(
            requirement_lines("a \\\n  >=1 \\\n  --hash=x\nb # c\n#d\n  \n-e .\nlast"),
            vec!["a    >=1".to_owned(), "b".to_owned(), "last".to_owned()]
        );
        assert_eq!(
            requirement_lines("# a comment \\\npydantic<2\n"),
            vec!["pydantic<2".to_owned()]
        );
        assert_eq!(
            requirement_line("pydantic==1.10.2#not-a-comment"),
            Some("pydantic==1.10.2#not-a-comment")
        );
        assert_eq!(requirement_line("--requirement other.txt"), None);
    }

    #[test]
    fn setup_cfg() {
        let text = r#"
[metadata]
name = app

[options]
packages = find:
install_requires =
    fastapi>=0.68
    # A comment line.
    pydantic>=1.8,<2.0 ; python_version >= "3.7"
python_requires = >=3.7

[options.extras_require]
email = email-validator

[flake8]
max-line-length = 100
"#;
        let files = [("setup.cfg", text)];
        assert_eq!(major(&files), Some(1));
        assert_eq!(evidence(&files), "`pydantic>=1.8,<2.0` in setup.cfg");
        let one_line = "[options]\ninstall_requires = fastapi; pydantic>=2\n";
        assert_eq!(major(&[("setup.cfg", one_line)]), Some(2));
        let extras = "[options]\ninstall_requires = fastapi\n[options.extras_require]\nsettings =\n    pydantic-settings\n";
        assert_eq!(major(&[("setup.cfg", extras)]), Some(2));
        assert_eq!(
            declared(&[("setup.cfg", "[metadata]\nname = app\n")]),
            Some(None)
        );
        // Tool settings only.
        assert_eq!(
            declared(&[(
                "setup.cfg",
                "[flake8]\nmax-line-length = 100\n[tool:pytest]\ntestpaths = tests\n"
            )]),
            None
        );
        // `install_requires` in another section is not read.
        assert_eq!(
            major(&[(
                "setup.cfg",
                "[options]\nzip_safe = False\n[other]\ninstall_requires = pydantic<2\n"
            )]),
            None
        );
    }

    #[test]
    fn setup_py() {
        let text = r#"
"""Set up: "pydantic<2" in a docstring is not read."""
from setuptools import setup

# "pydantic<2" in a comment is not read.
REQUIRES = [
    'fastapi>=0.68',
    "pydantic[dotenv]>=2.0,<3.0",
    f"other>={VERSION}",
]

setup(
    name="app",
    keywords=["fastapi", "pydantic"],
    description='An "app" \'quoted\'',
    install_requires=REQUIRES,
)
"#;
        let files = [("setup.py", text)];
        assert_eq!(major(&files), Some(2));
        assert_eq!(evidence(&files), "`pydantic[dotenv]>=2.0,<3.0` in setup.py");
        assert_eq!(
            declared(&[("setup.py", "from setuptools import setup\nsetup()\n")]),
            Some(None)
        );
        assert_eq!(
            string_literals("a = 'x' + \"y\\\"z\" # 'c'\n'''t''' \"open\n'q'"),
            vec!["x", "y\\\"z", "q"]
        );
    }

    #[test]
    fn sources_in_order_of_trust() {
        let lock = "[[package]]\nname = \"pydantic\"\nversion = \"1.10.13\"\n";
        let pyproject = "[project]\nname = \"app\"\ndependencies = [\"pydantic>=2\"]\n";
        let requirements = "pydantic<2\n";
        let setup_cfg = "[options]\ninstall_requires =\n    pydantic>=2\n";
        let setup_py = "setup(install_requires=['pydantic<2'])\n";
        // The lock file's exact version wins over everything.
        let files = [
            ("uv.lock", lock),
            ("pyproject.toml", pyproject),
            ("requirements.txt", requirements),
        ];
        assert_eq!(evidence(&files), "`pydantic` 1.10.13 in uv.lock");
        // Then pyproject.toml, requirements files, setup.cfg, setup.py.
        let files = [
            ("pyproject.toml", pyproject),
            ("requirements.txt", requirements),
            ("setup.cfg", setup_cfg),
        ];
        assert_eq!(major(&files), Some(2));
        let files = [("requirements.txt", requirements), ("setup.cfg", setup_cfg)];
        assert_eq!(major(&files), Some(1));
        let files = [("setup.cfg", setup_cfg), ("setup.py", setup_py)];
        assert_eq!(major(&files), Some(2));
        assert_eq!(major(&[("setup.py", setup_py)]), Some(1));
        // A source that leaves the version open does not hide the next one.
        let files = [
            (
                "pyproject.toml",
                "[project]\ndependencies = [\"pydantic>=1.8\"]\n",
            ),
            ("requirements.txt", "pydantic==1.10.13\n"),
        ];
        assert_eq!(evidence(&files), "`pydantic==1.10.13` in requirements.txt");
        // What a trusted source implies through FastAPI wins over a less trusted pin.
        let files = [
            (
                "pyproject.toml",
                "[project]\ndependencies = [\"fastapi>=0.126\"]\n",
            ),
            ("requirements.txt", "pydantic==1.10.13\n"),
        ];
        assert_eq!(major(&files), Some(2));
    }

    #[test]
    fn malformed_files_are_skipped() {
        let garbage = "[[package\nname = = \"pydantic\"\n\u{0}\u{1}";
        // Malformed files alone: no metadata.
        for file in [
            "uv.lock",
            "poetry.lock",
            "pdm.lock",
            "Pipfile.lock",
            "pyproject.toml",
            "Pipfile",
        ] {
            assert_eq!(declared(&[(file, garbage)]), None, "{file}");
        }
        // The others still decide.
        let files = [
            ("uv.lock", garbage),
            ("Pipfile.lock", "{\"default\": {\"pydantic\": "),
            (
                "pyproject.toml",
                "[project\ndependencies = [\"pydantic>=2\"]",
            ),
            ("requirements.txt", "pydantic==1.10.2\n"),
        ];
        assert_eq!(major(&files), Some(1));
        // Wrong types where lists and tables are expected.
        let odd = r#"
package = "pydantic"
[project]
dependencies = "pydantic<2"
optional-dependencies = ["pydantic<2"]
[tool.poetry]
dependencies = ["pydantic<2"]
group = "dev"
[tool.poetry.dev-dependencies]
pydantic = 1
"#;
        assert_eq!(
            declared(&[("pyproject.toml", odd), ("uv.lock", odd)]),
            Some(None)
        );
        let lock =
            "[[package]]\nname = \"pydantic\"\nversion = \"latest\"\n[[package]]\nname = 1\n";
        assert_eq!(declared(&[("poetry.lock", lock)]), Some(None));
        // Lines that are no requirements, and bytes that are no UTF-8.
        let files = [
            (
                "requirements.txt",
                "pydantic is great\n==2\n[extra]\npydantic[email>=2\n",
            ),
            ("requirements-dev.txt", "pydantic\u{fffd}>=2\n"),
        ];
        assert_eq!(major(&files), None);
        let dir = project(&[]);
        fs::write(
            dir.path().join("requirements.txt"),
            b"\xff\xfe\x00pydantic<2\n\xc3",
        )
        .unwrap();
        assert_eq!(declared_pydantic(dir.path()), Some(None));
        let dir = project(&[]);
        fs::write(
            dir.path().join("requirements.txt"),
            b"\xef\xbb\xbfpydantic<2\n",
        )
        .unwrap();
        assert_eq!(declared_pydantic(dir.path()).unwrap().unwrap().major, 1);
        // Directories where files are expected.
        let dir = project(&[
            ("pyproject.toml/x", ""),
            ("requirements.txt/y", ""),
            ("requirements/z/a.txt", ""),
        ]);
        assert_eq!(declared_pydantic(dir.path()), None);
    }

    #[test]
    fn large_files_are_not_read() {
        let mut text = "pydantic<2\n".to_owned();
        text.push_str(&"# padding\n".repeat(600_000));
        assert!(u64::try_from(text.len()).unwrap() > MAX_FILE_SIZE);
        assert_eq!(
            declared(&[("requirements.txt", &text), ("setup.py", "'pydantic>=2'")]),
            Some(Some(DeclaredPydantic {
                major: 2,
                evidence: "`pydantic>=2` in setup.py".to_owned(),
            }))
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed_only_within_the_directory() {
        use std::os::unix::fs::symlink;

        let outside = project(&[
            ("requirements.txt", "pydantic<2\n"),
            ("requirements/base.txt", "pydantic<2\n"),
        ]);
        let dir = project(&[]);
        symlink(
            outside.path().join("requirements.txt"),
            dir.path().join("requirements.txt"),
        )
        .unwrap();
        symlink(
            outside.path().join("requirements"),
            dir.path().join("requirements"),
        )
        .unwrap();
        assert_eq!(declared_pydantic(dir.path()), None);

        // Within the directory: read.
        let dir = project(&[("deps/pinned.txt", "pydantic==2.5.0\n")]);
        symlink(
            dir.path().join("deps/pinned.txt"),
            dir.path().join("requirements.txt"),
        )
        .unwrap();
        assert_eq!(declared_pydantic(dir.path()).unwrap().unwrap().major, 2);

        // The directory itself reached through a link.
        let real = project(&[("requirements.txt", "pydantic<2\n")]);
        let links = tempfile::tempdir().unwrap();
        let link: PathBuf = links.path().join("project");
        symlink(real.path(), &link).unwrap();
        assert_eq!(declared_pydantic(&link).unwrap().unwrap().major, 1);
    }
}
