//! Linting files in parallel: read, resolve per-file settings, lint (and fix) under
//! `catch_unwind`, and turn every failure into an `io-error` diagnostic of that file rather
//! than a crash. With a [`Cache`], unchanged files are not read nor parsed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use fastapi_lint_core::project::{
    FileFacts, IndexedModule, ModuleSummary, module_path, project_facts, project_roles,
};
use fastapi_lint_core::rule_at_work::panic_text;
use fastapi_lint_core::rules::settings::dotenv_not_gitignored::{self, is_dotenv};
use fastapi_lint_core::{
    CodeRole, FileContext, FixTable, LinterSettings, Message, NoqaWarning, RoleDecision, Rule,
    RuleSet, fix_source, lint, to_messages,
};
use rayon::prelude::*;

use crate::cache::{self, Cache, FileEntry, Freshness, Location, PackedSummary};
use crate::config::Settings;
use crate::config::discovery::Resolver;
use crate::metadata::Directories;
use crate::output::{STDIN, Sources};
use crate::write::write_atomically;

/// What happens to fixes, as Ruff's `FixMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FixMode {
    /// Fixes are only reported.
    Generate,
    /// Fixes are applied: files are rewritten (stdin's fixed source is the caller's to print).
    Apply,
    /// Fixes are computed but nothing is written; the caller prints a diff.
    Diff,
}

/// How one run treats fixes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixing {
    pub mode: FixMode,
    pub unsafe_fixes: bool,
}

impl Fixing {
    pub(crate) const REPORT_ONLY: Fixing = Fixing {
        mode: FixMode::Generate,
        unsafe_fixes: false,
    };
}

/// Every message of a run, sorted by file and position, with the sources to quote.
#[derive(Default)]
pub(crate) struct Diagnostics {
    /// What remains after fixing.
    pub messages: Vec<Message>,
    /// Each file's source after fixing.
    pub sources: Sources,
    /// Files fixing changed, sorted by filename.
    pub fixed: Vec<FixedFile>,
    /// Problems the fixer met (rejected fixes, no convergence), for stderr.
    pub fix_warnings: Vec<String>,
    /// Problems that do not change the findings (the cache could not be written), for stderr.
    pub warnings: Vec<String>,
    /// Malformed `# noqa` directives of the files linted (not those served from the cache, as
    /// in Ruff), by file, for stderr.
    pub noqa_warnings: Vec<(Arc<str>, NoqaWarning)>,
}

/// A file whose fixes changed it.
pub(crate) struct FixedFile {
    pub filename: String,
    /// The source before fixing.
    pub original: Arc<str>,
    pub fixes: FixTable,
}

impl FixedFile {
    pub(crate) fn count(&self) -> usize {
        self.fixes.values().sum()
    }
}

impl Diagnostics {
    fn from_files(mut files: Vec<LintedFile>) -> Self {
        // By a cached key: a record is a few hundred bytes, moved once instead of at every
        // step of a comparison sort.
        files.sort_by_cached_key(|file| Arc::clone(&file.filename));
        let mut diagnostics = Diagnostics {
            messages: Vec::with_capacity(files.iter().map(|file| file.messages.len()).sum()),
            ..Diagnostics::default()
        };
        for file in files {
            if let Some(source) = file
                .source
                .filter(|_| !file.messages.is_empty() || file.fixed.is_some())
            {
                diagnostics
                    .sources
                    .insert(file.filename.to_string(), source);
            }
            diagnostics.messages.extend(file.messages);
            diagnostics.fix_warnings.extend(file.fix_warnings);
            diagnostics.noqa_warnings.extend(
                file.noqa_warnings
                    .into_iter()
                    .map(|warning| (Arc::clone(&file.filename), warning)),
            );
            if let Some((original, fixes)) = file.fixed {
                diagnostics.fixed.push(FixedFile {
                    filename: file.filename.to_string(),
                    original,
                    fixes,
                });
            }
        }
        diagnostics
    }

    /// The number of fixes applied (or, for a diff, that would be).
    pub(crate) fn fixed_count(&self) -> usize {
        self.fixed.iter().map(FixedFile::count).sum()
    }
}

struct LintedFile {
    filename: Arc<str>,
    /// `None` when the file could not be read, or was not needed (a cache hit, a file without
    /// findings); read again if wanted.
    source: Option<Arc<str>>,
    messages: Vec<Message>,
    /// Malformed `# noqa` directives the lint met.
    noqa_warnings: Vec<NoqaWarning>,
    /// How the cache knows this file, when a cache is in use.
    cache: Option<CacheState>,
    /// The source before fixing and the fixes applied, when fixing changed the file.
    fixed: Option<(Arc<str>, FixTable)>,
    fix_warnings: Vec<String>,
    /// What the project index needs: the file's summary, and how to lint it again with facts.
    project: Option<ProjectUnit>,
    /// Whether the run reports the file: one asked for, not one of the project's other files
    /// read for the index ([`Files::context`]).
    reported: bool,
}

/// A linted file's part in the project index.
struct ProjectUnit {
    module: IndexedModule,
    /// The file's settings (per-file ignores applied).
    linter: LinterSettings,
    /// The file (its path is the handle a later lint reads it by), its module path, and the
    /// project facts its findings were made with.
    context: FileContext,
    /// The summary as the file's cache entry kept it, until [`unpack_summaries`] reads it into
    /// `module` (whose summary is empty until then): only the project index reads summaries.
    packed: Option<PackedSummary>,
}

/// What the cache records of a file besides its findings.
#[derive(Clone, Copy)]
struct CacheState {
    location: Location,
    freshness: Freshness,
    content_hash: u64,
    summary_hash: u64,
    key: u64,
    /// Whether the entry must be written: the file was linted, or its facts changed.
    changed: bool,
}

impl LintedFile {
    fn new(
        filename: Arc<str>,
        source: Option<Arc<str>>,
        messages: Vec<Message>,
        project: Option<ProjectUnit>,
    ) -> Self {
        LintedFile {
            filename,
            source,
            messages,
            noqa_warnings: Vec::new(),
            cache: None,
            fixed: None,
            fix_warnings: Vec::new(),
            project,
            reported: true,
        }
    }

    fn failed(filename: Arc<str>, message: String) -> Self {
        let messages = vec![Message::io_error(&filename, message)];
        LintedFile::new(filename, None, messages, None)
    }

    /// The file's entry for the cache: its findings and summary, as found.
    fn cache_entry(&self) -> Option<(Location, String, FileEntry)> {
        let state = self.cache?;
        let summary = self.project.as_ref().map(|unit| {
            unit.packed
                .clone()
                .unwrap_or_else(|| PackedSummary::pack(&unit.module.summary))
        });
        let facts = self
            .project
            .as_ref()
            .map(|unit| (*unit.context.facts).clone())
            .unwrap_or_default();
        let entry = FileEntry::new(
            state.freshness,
            state.content_hash,
            state.key,
            facts,
            self.messages.clone(),
            summary,
            state.summary_hash,
        );
        Some((state.location, self.filename.to_string(), entry))
    }
}

impl LintedFile {
    /// The fingerprint of the project facts `messages` were found with: none for a file that
    /// is no module of the project.
    fn facts_key(&self) -> u64 {
        self.project
            .as_ref()
            .map_or_else(cache::no_facts_key, |unit| {
                cache::facts_key(&unit.context.facts)
            })
    }
}

/// How far facts reach: the whole set of linted files, or each file on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IndexMode {
    /// One project index over every file: calls and uses resolve across modules.
    WholeProject,
    /// Each file is its own project (`--no-project`): only same-module helpers are followed.
    PerFile,
}

/// Lints absolute paths in parallel, each with the settings that govern it. With
/// [`FixMode::Apply`], files fixing changed are rewritten. `dotenv_files` are `.env` files
/// the walk found (FAPI704). With `cache_dir`, a run that only reports reads and updates the
/// cache there; fixing runs neither read nor write it.
pub(crate) fn lint_files(
    files: &Files,
    dotenv_files: &[PathBuf],
    resolver: &Resolver,
    fixing: Fixing,
    index_mode: IndexMode,
    cache_dir: Option<&Path>,
) -> Result<Diagnostics> {
    let jobs = files
        .asked
        .iter()
        .map(|path| (path, true))
        .chain(files.context.iter().map(|path| (path, false)))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(path, asked)| Ok((path, asked, resolver.settings_for(path)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut cache = cache_dir
        .filter(|_| fixing.mode == FixMode::Generate)
        .map(|dir| {
            let shards: Vec<u64> = jobs
                .iter()
                .map(|(_, _, settings)| cache::shard_key(settings))
                .collect();
            (Cache::open(dir, shards.iter().copied()), shards)
        });
    // Entries are taken out of the cache, not copied: what stays in it is what this run did
    // not see.
    let lookups: Vec<Option<Lookup>> = (0..jobs.len())
        .map(|job| {
            let (cache, shards) = cache.as_mut()?;
            let filename = jobs[job].0.to_string_lossy();
            let location = Location::of(shards[job], &filename);
            Some(Lookup {
                location,
                entry: cache.take(location, &filename),
            })
        })
        .collect();
    let cache = cache.map(|(cache, _)| cache);
    let directories = Directories::default();
    let mut files: Vec<LintedFile> = jobs
        .into_par_iter()
        .zip(lookups)
        .map(|((path, asked, settings), lookup)| {
            // Files of the project's context are only read: fixes are for the files asked.
            let fixing = if asked { fixing } else { Fixing::REPORT_ONLY };
            let mut linted = match lookup {
                Some(lookup) => lint_with_cache(path, &settings, lookup, &directories),
                None => lint_path(path, &settings, fixing, &directories),
            };
            linted.reported = asked;
            let mut linted = if index_mode == IndexMode::PerFile {
                with_own_facts(linted)
            } else {
                linted
            };
            // Sources are not held for the whole run: a report reads the files it quotes again
            // one at a time, and a later lint with project facts reads its file again.
            if fixing.mode == FixMode::Generate {
                linted.source = None;
            }
            linted
        })
        .collect();
    if index_mode == IndexMode::WholeProject {
        // Files, summaries and the facts of their findings as the last whole-project run left
        // them: its facts hold, and building the index again would only confirm them. A file
        // edited without changing its summary was linted with its last facts, which still hold.
        let unchanged = cache
            .as_ref()
            .and_then(Cache::project)
            .is_some_and(|last| Some(last) == project_fingerprint(&files));
        if !unchanged {
            unpack_summaries(&mut files);
            crate::allocator::release_freed_memory();
            apply_project_facts(&mut files, &[]);
        }
    }
    let warnings = cache
        .map(|cache| write_cache(cache, &files, index_mode))
        .and_then(Result::err)
        .into_iter()
        .collect();
    files.retain(|file| file.reported);
    for path in dotenv_files {
        if let Some(file) = dotenv_not_ignored(path, resolver)? {
            files.push(file);
        }
    }
    Ok(Diagnostics {
        warnings,
        ..Diagnostics::from_files(files)
    })
}

/// The files of a run: those asked for, and the other files of their projects, read so that the
/// project index sees the whole project (a route in the file asked for calls a helper in
/// another module) but neither reported nor fixed.
#[derive(Debug, Default)]
pub(crate) struct Files {
    pub asked: Vec<PathBuf>,
    pub context: Vec<PathBuf>,
}

/// Where a file's entry belongs in the cache, and the entry if it has one.
struct Lookup {
    location: Location,
    entry: Option<FileEntry>,
}

/// The file as messages name it: its path, as text.
fn filename_of(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy())
}

/// Reads and lints one file (fixing it, with [`FixMode::Apply`]).
fn lint_path(
    path: &Path,
    settings: &Settings,
    fixing: Fixing,
    directories: &Directories,
) -> LintedFile {
    let filename = filename_of(path);
    match std::fs::read(path) {
        Ok(bytes) => {
            let place = place_of(Some(path), settings, directories);
            let linted = lint_bytes(bytes, filename, place, fixing);
            if fixing.mode == FixMode::Apply {
                write_fixed(path, linted, settings, directories)
            } else {
                linted
            }
        }
        Err(error) => LintedFile::failed(filename, error.to_string()),
    }
}

/// Lints one file unless the cache holds its findings: its entry is for the same per-file
/// settings, and the file is unchanged by `stat` or, failing that, by content.
fn lint_with_cache(
    path: &Path,
    settings: &Settings,
    Lookup { location, entry }: Lookup,
    directories: &Directories,
) -> LintedFile {
    let filename = filename_of(path);
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => return LintedFile::failed(filename, error.to_string()),
    };
    let freshness = Freshness::of(&metadata);
    let place = place_of(Some(path), settings, directories);
    let key = cache::file_key(&place.linter, &place.context);
    let entry = match entry.filter(|entry| entry.key == key) {
        Some(entry) if entry.freshness == freshness => {
            return from_entry(entry, filename, place, location);
        }
        entry => entry,
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return LintedFile::failed(filename, error.to_string()),
    };
    let content_hash = cache::content_hash(&bytes);
    let entry = match entry {
        Some(entry) if entry.content_hash == content_hash => {
            let mut linted = from_entry(entry, filename, place, location);
            // Only the `stat` shortcut changed: recorded anew so the next run takes it.
            if let Some(state) = &mut linted.cache {
                *state = CacheState {
                    freshness,
                    changed: true,
                    ..*state
                };
            }
            return linted;
        }
        entry => entry,
    };
    // An edit seldom changes what the rest of the project says of a file: linted with its last
    // facts, it is not linted again when the index finds the same.
    let mut place = place;
    if let Some(entry) = entry {
        place.context.facts = Arc::new(entry.facts);
    }
    let state = CacheState {
        location,
        freshness,
        content_hash,
        summary_hash: 0,
        key,
        changed: true,
    };
    lint_into_entry(bytes, filename, place, state)
}

/// Lints a file for its cache entry, to be written: `state` is all known but the summary's
/// hash.
fn lint_into_entry(
    bytes: Vec<u8>,
    filename: Arc<str>,
    place: ProjectPlace,
    state: CacheState,
) -> LintedFile {
    let mut linted = lint_bytes(bytes, filename, place, Fixing::REPORT_ONLY);
    let summary_hash =
        cache::summary_hash(linted.project.as_ref().map(|unit| &unit.module.summary));
    linted.cache = Some(CacheState {
        summary_hash,
        changed: true,
        ..state
    });
    linted
}

/// Reads the summaries cache entries kept, for the index. A summary that does not read back as
/// the one its entry was written with has its file linted again: the index never sees it.
fn unpack_summaries(files: &mut [LintedFile]) {
    files.par_iter_mut().for_each(|file| {
        let (Some(unit), Some(state)) = (&mut file.project, file.cache) else {
            return;
        };
        let Some(packed) = unit.packed.take() else {
            return;
        };
        match packed.unpack(state.summary_hash) {
            Some(summary) => unit.module.summary = summary,
            None => {
                let place = ProjectPlace {
                    linter: unit.linter.clone(),
                    context: unit.context.clone(),
                    root: Arc::clone(&unit.module.root),
                };
                *file = lint_again(&file.filename, place, state);
            }
        }
    });
}

/// A file whose cache entry was found wanting, linted in the place and with the facts it was
/// given.
fn lint_again(filename: &Arc<str>, place: ProjectPlace, state: CacheState) -> LintedFile {
    let read = place.context.path.as_deref().map(std::fs::read);
    match read {
        Some(Ok(bytes)) => {
            let state = CacheState {
                content_hash: cache::content_hash(&bytes),
                ..state
            };
            lint_into_entry(bytes, Arc::clone(filename), place, state)
        }
        Some(Err(error)) => LintedFile::failed(Arc::clone(filename), error.to_string()),
        None => LintedFile::failed(Arc::clone(filename), "the file has no path".to_string()),
    }
}

/// Where a file sits in the project and how it is linted: what its [`ProjectUnit`] is made of.
struct ProjectPlace {
    linter: LinterSettings,
    context: FileContext,
    /// The directory the module path is relative to.
    root: Arc<Path>,
}

impl ProjectPlace {
    /// The file's part in the project index, when it has a summary (it parses).
    fn into_unit(self, summary: Option<ModuleSummary>, filename: &Arc<str>) -> Option<ProjectUnit> {
        summary.map(|summary| ProjectUnit {
            module: IndexedModule {
                root: self.root,
                filename: Arc::clone(filename),
                summary,
            },
            linter: self.linter,
            context: self.context,
            packed: None,
        })
    }
}

/// A file as its cache entry describes it, with the facts its findings were found with.
fn from_entry(
    entry: FileEntry,
    filename: Arc<str>,
    mut place: ProjectPlace,
    location: Location,
) -> LintedFile {
    let state = CacheState {
        location,
        freshness: entry.freshness,
        content_hash: entry.content_hash,
        summary_hash: entry.summary_hash,
        key: entry.key,
        changed: false,
    };
    place.context.facts = Arc::new(entry.facts);
    let project = entry.summary.map(|packed| ProjectUnit {
        module: IndexedModule {
            root: place.root,
            filename: Arc::clone(&filename),
            summary: ModuleSummary::default(),
        },
        linter: place.linter,
        context: place.context,
        packed: Some(packed),
    });
    LintedFile {
        cache: Some(state),
        ..LintedFile::new(filename, None, entry.messages, project)
    }
}

/// This run's [`cache::project_fingerprint`].
fn project_fingerprint(files: &[LintedFile]) -> Option<u64> {
    cache::project_fingerprint(files.iter().map(|file| {
        file.cache.map(|state| {
            (
                &*file.filename,
                state.summary_hash,
                state.key,
                file.facts_key(),
            )
        })
    }))
}

/// Writes back the buckets in which some file changed, with every file of them this run saw,
/// and the fingerprint a whole-project run ends with.
fn write_cache(cache: Cache, files: &[LintedFile], index_mode: IndexMode) -> Result<(), String> {
    let changed: std::collections::HashSet<Location> = files
        .iter()
        .filter_map(|file| file.cache)
        .filter(|state| state.changed)
        .map(|state| state.location)
        .collect();
    let entries = files
        .par_iter()
        .filter(|file| {
            file.cache
                .is_some_and(|state| changed.contains(&state.location))
        })
        .filter_map(LintedFile::cache_entry)
        .collect();
    cache.write(
        entries,
        if index_mode == IndexMode::WholeProject {
            project_fingerprint(files)
        } else {
            None
        },
    )
}

/// Phases 2 and 3 of the project index: facts from every summary (plus `others`, files of the
/// project not linted here), then the files whose findings were made with other facts (a first
/// lint knows none; a cached one, those of its run) are linted again with them.
fn apply_project_facts(files: &mut [LintedFile], others: &[IndexedModule]) {
    let modules: Vec<&IndexedModule> = files
        .iter()
        .filter_map(|file| file.project.as_ref())
        .map(|unit| &unit.module)
        .chain(others)
        .collect();
    // Built on a worker of the pool: the allocator's arena of a worker has room left in the
    // pages its lints used (live summaries keep them), where this thread would take fresh ones
    // (1.5 MiB of the run's peak, which is the index, on the benchmark corpus).
    let facts = rayon::scope(|_| project_facts(&modules));
    // Each file's own role, while the summaries are at hand: the role of its findings unless
    // facts gave it another.
    let local_roles: Vec<CodeRole> = files
        .iter()
        .filter_map(|file| file.project.as_ref())
        .map(|unit| unit.module.summary.role.decision.role)
        .collect();
    // A summary is read again only for a cache entry. Dropped before the relint, whose parses
    // would otherwise sit on top of all of them (the run's memory peak).
    for file in files.iter_mut().filter(|file| file.cache.is_none()) {
        if let Some(unit) = &mut file.project {
            unit.module.summary = ModuleSummary::default();
        }
    }
    // `project_facts` gives the facts of the modules in the order given, and the linted files'
    // modules came first, in the order of `files`.
    let relint: Vec<((&mut LintedFile, FileFacts), CodeRole)> = files
        .iter_mut()
        .filter(|file| file.project.is_some())
        .zip(facts)
        .zip(local_roles)
        .filter(|((file, facts), _)| file.reported && file.facts_key() != cache::facts_key(facts))
        .collect();
    relint
        .into_par_iter()
        .for_each(|((file, facts), local_role)| {
            if !narrow(file, &facts, local_role) {
                relint_with_facts(file, facts);
            }
        });
}

/// When the new facts only narrow the rules that apply to the file (app code found to be
/// library code, a rule the project makes moot), its findings are those of the rules that
/// still apply: they are kept, the others dropped, and the file is not linted again. Not when
/// it reports unused `# noqa` directives, which depend on the rules that ran.
fn narrow(file: &mut LintedFile, facts: &FileFacts, local_role: CodeRole) -> bool {
    let Some(unit) = &mut file.project else {
        return false;
    };
    let old = &*unit.context.facts;
    let role_of = |facts: &FileFacts| facts.role.as_ref().map_or(local_role, |role| role.role);
    let same_otherwise = FileFacts {
        role: old.role.clone(),
        silenced: old.silenced.clone(),
        ..facts.clone()
    } == *old;
    let active = facts.active_rules(role_of(facts));
    let narrower = active.difference(old.active_rules(role_of(old))).is_empty();
    let reports_noqa = file
        .messages
        .iter()
        .any(|message| message.kind.rule() == Some(Rule::UnusedNoqa));
    if !same_otherwise || !narrower || reports_noqa {
        return false;
    }
    file.messages
        .retain(|message| message.kind.rule().is_none_or(|rule| active.contains(rule)));
    unit.context.facts = Arc::new(facts.clone());
    if let Some(state) = &mut file.cache {
        state.changed = true;
    }
    true
}

/// A file as its own project: facts from its own summary only (same-module helpers).
fn with_own_facts(mut file: LintedFile) -> LintedFile {
    unpack_summaries(std::slice::from_mut(&mut file));
    apply_project_facts(std::slice::from_mut(&mut file), &[]);
    file
}

/// Lints a file again with the facts the project gives it; its messages are replaced (fixes
/// were applied in the first pass, and the project rules have none). A source not kept is read
/// again by the file's path, and not kept after either, like the first pass's. A file that
/// cannot be read again, or whose lint panics, is reported as the first pass reports such a
/// file: by an `io-error` in place of its findings.
fn relint_with_facts(file: &mut LintedFile, facts: FileFacts) {
    let Some(unit) = &mut file.project else {
        return;
    };
    unit.context.facts = Arc::new(facts);
    let source = match &file.source {
        Some(source) => Ok(Arc::clone(source)),
        None => read_source(unit.context.path.as_deref()),
    };
    let relinted = source.and_then(|source| {
        catch_lint(|| {
            let result = lint(&source, &unit.context, &unit.linter);
            to_messages(result.diagnostics, &file.filename, &source)
        })
    });
    match relinted {
        Ok(messages) => {
            file.messages = messages;
            if let Some(state) = &mut file.cache {
                state.changed = true;
            }
        }
        Err(message) => {
            file.messages = vec![Message::io_error(&file.filename, message)];
            // A failure is not remembered: the next run lints the file again.
            file.cache = None;
        }
    }
}

/// A file's source read again for a later lint, by its path.
fn read_source(path: Option<&Path>) -> Result<Arc<str>, String> {
    let path = path.ok_or_else(|| "the file has no path to read it again by".to_string())?;
    let bytes = std::fs::read(path).map_err(|error| error.to_string())?;
    String::from_utf8(bytes)
        .map(Arc::from)
        .map_err(|_| NOT_UTF8.to_string())
}

/// Ruff's wording for a file that is not UTF-8.
const NOT_UTF8: &str = "stream did not contain valid UTF-8";

/// Runs one lint, turning a panic into the `io-error` message every phase reports it with.
fn catch_lint<T>(lint: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(lint)).map_err(|panic| {
        format!(
            "Panicked while linting this file: {} (this is a bug in fastapi-lint)",
            panic_text(panic.as_ref())
        )
    })
}

/// A `.env` file the walk found (so not ignored) inside a git repository, when FAPI704 is
/// enabled for it.
fn dotenv_not_ignored(path: &Path, resolver: &Resolver) -> Result<Option<LintedFile>> {
    let settings = resolver.settings_for(path)?;
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let in_repository = path
        .ancestors()
        .skip(1)
        .any(|dir| dir.join(".git").exists());
    if !(settings.respect_gitignore
        && in_repository
        && is_dotenv(name)
        && settings
            .linter_for(path)
            .rules
            .contains(Rule::DotenvNotGitignored))
    {
        return Ok(None);
    }
    let filename = filename_of(path);
    // The file's content (secrets) is never read nor quoted.
    let messages = to_messages(vec![dotenv_not_gitignored::diagnostic(name)], &filename, "");
    Ok(Some(LintedFile::new(
        filename,
        Some("".into()),
        messages,
        None,
    )))
}

/// Writes a file fixing changed. When that fails the file is as it was, and so are its
/// diagnostics, plus an `io-error` saying why.
fn write_fixed(
    path: &Path,
    linted: LintedFile,
    settings: &Settings,
    directories: &Directories,
) -> LintedFile {
    let (Some((original, _)), Some(fixed)) = (&linted.fixed, &linted.source) else {
        return linted;
    };
    if original == fixed {
        return linted;
    }
    let Err(error) = write_atomically(path, fixed.as_bytes()) else {
        return linted;
    };
    let original = original.as_bytes().to_vec();
    let place = place_of(Some(path), settings, directories);
    let mut unchanged = lint_bytes(original, linted.filename, place, Fixing::REPORT_ONLY);
    let message = format!("Failed to write the fixed source: {error}");
    unchanged
        .messages
        .push(Message::io_error(&unchanged.filename, message));
    unchanged
}

/// Lints one buffer (stdin, or a Python caller's string). `path` is absolute when known. Nothing
/// is written: with fixing, the fixed source is in `sources`. `project` holds the summaries of
/// the other files of its project ([`project_modules`]); without, the buffer is its own project.
pub(crate) fn lint_buffer(
    bytes: Vec<u8>,
    path: Option<&Path>,
    settings: &Settings,
    fixing: Fixing,
    project: Option<Vec<IndexedModule>>,
) -> Diagnostics {
    let filename = path.map_or_else(|| Arc::from(STDIN), filename_of);
    let place = place_of(path, settings, &Directories::default());
    let mut linted = lint_bytes(bytes, filename, place, fixing);
    match project {
        Some(others) => apply_project_facts(std::slice::from_mut(&mut linted), &others),
        None => linted = with_own_facts(linted),
    }
    Diagnostics::from_files(vec![linted])
}

/// Whether an excluded file is still linted when it is named explicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exclusion {
    /// As `force-exclude` says: `check --stdin-filename`.
    AsConfigured,
    /// Never: an editor shows no findings in files the configuration excludes, as Ruff's server.
    Always,
}

/// A buffer to lint as the file it stands for ([`lint_buffer_in_project`]).
pub(crate) struct Buffer<'a> {
    /// Absolute, when the buffer has a file name.
    pub path: Option<&'a Path>,
    /// The settings governing `path`.
    pub settings: &'a Arc<Settings>,
    pub fixing: Fixing,
    pub index_mode: IndexMode,
    pub exclusion: Exclusion,
    /// What a language server keeps for the project: its unsaved documents, which the buffer's
    /// findings may depend on, and the summaries of earlier lints.
    pub editor: Option<&'a EditorState>,
}

/// What a language server keeps between lints of its projects (it lints at every pause in
/// typing, each time with the project index).
#[derive(Default)]
pub(crate) struct EditorState {
    /// Texts read instead of the files they stand for (absolute paths): unsaved documents.
    pub unsaved: std::collections::HashMap<PathBuf, Arc<str>>,
    /// Each file's summary with the hash of the text it was made from: a file's summary is
    /// made again only when its text changed. [`EditorState::forget_summaries`] when the
    /// settings or the project's layout (packages, files) may have changed.
    summaries: std::sync::Mutex<std::collections::HashMap<PathBuf, (u64, Option<IndexedModule>)>>,
}

impl EditorState {
    pub(crate) fn forget_summaries(&self) {
        self.lock_summaries().clear();
    }

    fn lock_summaries(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<PathBuf, (u64, Option<IndexedModule>)>>
    {
        self.summaries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Lints a buffer as the file `buffer.path` with its project's other files around it, as a
/// check of the project would lint that file: `check --stdin-filename` and the language
/// server (an editor's unsaved text). An excluded file yields nothing.
pub(crate) fn lint_buffer_in_project(
    bytes: Vec<u8>,
    buffer: &Buffer<'_>,
    resolver: &Arc<Resolver>,
    cwd: &Path,
) -> Result<Diagnostics> {
    let settings = buffer.settings;
    if let Some(path) = buffer.path
        && (settings.force_exclude || buffer.exclusion == Exclusion::Always)
        && crate::walk::is_excluded_with_ancestors(path, resolver)?
    {
        return Ok(Diagnostics::default());
    }
    let project = match (buffer.path, buffer.index_mode) {
        (Some(path), IndexMode::WholeProject) => match crate::walk::project_root(path) {
            Some(root) => {
                let files = crate::walk::python_files(&[root], resolver, cwd)?;
                Some(project_modules(
                    &files,
                    resolver,
                    Some(path),
                    buffer.editor,
                )?)
            }
            None => None,
        },
        _ => None,
    };
    Ok(lint_buffer(
        bytes,
        buffer.path,
        settings,
        buffer.fixing,
        project,
    ))
}

/// Each file's code role, with the evidence for it, as a check of these files gives them
/// (`--show-roles`). Files that cannot be read or do not parse are left out.
pub(crate) fn code_roles(
    files: &[PathBuf],
    resolver: &Resolver,
    index_mode: IndexMode,
) -> Result<Vec<(PathBuf, RoleDecision)>> {
    let modules = project_modules(files, resolver, None, None)?;
    let roles = match index_mode {
        IndexMode::WholeProject => project_roles(&modules.iter().collect::<Vec<_>>()),
        IndexMode::PerFile => modules
            .iter()
            .map(|module| project_roles(&[module]).remove(0))
            .collect(),
    };
    Ok(modules
        .iter()
        .map(|module| PathBuf::from(&*module.filename))
        .zip(roles)
        .collect())
}

/// The summaries of a project's files, `except` the one being edited, for [`lint_buffer`]:
/// a pass without rules, in parallel. Unreadable files are left out. With an `editor`, its
/// unsaved texts are read instead of their files, and its summaries of unchanged texts reused.
pub(crate) fn project_modules(
    files: &[PathBuf],
    resolver: &Resolver,
    except: Option<&Path>,
    editor: Option<&EditorState>,
) -> Result<Vec<IndexedModule>> {
    let directories = Directories::default();
    let modules = files
        .par_iter()
        .filter(|path| Some(path.as_path()) != except)
        .map(|path| {
            let settings = resolver.settings_for(path)?;
            let source = match editor.and_then(|editor| editor.unsaved.get(path)) {
                Some(text) => Arc::clone(text),
                None => match read_source(Some(path)) {
                    Ok(source) => source,
                    Err(_) => return Ok(None),
                },
            };
            let hash = editor.map(|_| xxhash_rust::xxh3::xxh3_64(source.as_bytes()));
            if let (Some(editor), Some(hash)) = (editor, hash)
                && let Some((made_from, module)) = editor.lock_summaries().get(path.as_path())
                && *made_from == hash
            {
                return Ok(module.clone());
            }
            let mut place = place_of(Some(path), &settings, &directories);
            place.linter.rules = RuleSet::empty();
            place.context.summarize = true;
            let summary = catch_lint(|| lint(&source, &place.context, &place.linter).summary)
                .ok()
                .flatten();
            let module = summary.map(|summary| IndexedModule {
                root: place.root,
                filename: filename_of(path),
                summary,
            });
            if let (Some(editor), Some(hash)) = (editor, hash) {
                editor
                    .lock_summaries()
                    .insert(path.clone(), (hash, module.clone()));
            }
            Ok(module)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(modules.into_iter().flatten().collect())
}

/// No facts, shared: what every file is first linted with.
fn no_facts() -> Arc<FileFacts> {
    static NONE: std::sync::LazyLock<Arc<FileFacts>> = std::sync::LazyLock::new(Arc::default);
    Arc::clone(&NONE)
}

/// Where a file sits and how it is linted: its settings (per-file ignores applied), its module
/// path from the source roots, and the directory that path is relative to. A file that cannot
/// be imported is a root of its own, so its names never meet another file's.
fn place_of(path: Option<&Path>, settings: &Settings, directories: &Directories) -> ProjectPlace {
    let linter = path.map_or_else(|| settings.linter.clone(), |path| settings.linter_for(path));
    let (module_path, root) =
        match path.and_then(|path| module_path(path, &settings.src, &directories.packages)) {
            Some((module_path, root)) => (Some(module_path), root),
            None => (None, Arc::from(path.unwrap_or(Path::new("")))),
        };
    // A project's metadata sits at the root its modules are named from, or above it: looked
    // for from there, a run asks about a few directories instead of every package's.
    let metadata_dir = if module_path.is_some() {
        Some(&*root)
    } else {
        path.and_then(Path::parent)
    };
    let context = FileContext {
        path: path.map(Path::to_path_buf),
        project_root: Some(Arc::from(settings.project_root.as_path())),
        module_path,
        facts: no_facts(),
        declared_role: path.and_then(|path| settings.roles.role_of(path)),
        pydantic: settings
            .pydantic
            .clone()
            .or_else(|| metadata_dir.and_then(|dir| directories.declared_pydantic(dir))),
        summarize: true,
    };
    ProjectPlace {
        linter,
        context,
        root,
    }
}

/// Lints (or fixes) a file's bytes in its place; a file that is not UTF-8, or whose lint
/// panics, is reported by an `io-error`.
fn lint_bytes(
    bytes: Vec<u8>,
    filename: Arc<str>,
    place: ProjectPlace,
    fixing: Fixing,
) -> LintedFile {
    let source: Arc<str> = match String::from_utf8(bytes) {
        Ok(source) => source.into(),
        Err(_) => return LintedFile::failed(filename, NOT_UTF8.to_string()),
    };
    let name = Arc::clone(&filename);
    catch_lint(|| lint_or_fix(source, name, place, fixing))
        .unwrap_or_else(|message| LintedFile::failed(filename, message))
}

fn lint_or_fix(
    source: Arc<str>,
    filename: Arc<str>,
    place: ProjectPlace,
    fixing: Fixing,
) -> LintedFile {
    if fixing.mode == FixMode::Generate {
        let result = lint(&source, &place.context, &place.linter);
        let messages = to_messages(result.diagnostics, &filename, &source);
        let unit = place.into_unit(result.summary, &filename);
        return LintedFile {
            noqa_warnings: result.noqa_warnings,
            ..LintedFile::new(filename, Some(source), messages, unit)
        };
    }
    let result = fix_source(&source, &place.context, &place.linter, fixing.unsafe_fixes);
    let mut fix_warnings: Vec<String> = result
        .rejected
        .iter()
        .map(|rejected| {
            format!(
                "Fix for {} (`{}`) in {filename} introduced a syntax error and was not applied: {}. This is a bug in fastapi-lint.",
                rejected.rule.code(),
                rejected.message,
                rejected.syntax_error
            )
        })
        .collect();
    if !result.converged {
        fix_warnings.push(format!(
            "Fixes in {filename} did not settle after {} passes; the file holds the last pass. This is a bug in fastapi-lint.",
            fastapi_lint_core::fix::MAX_ITERATIONS
        ));
    }
    let fixed_source: Arc<str> = result.source.into();
    let messages = to_messages(result.diagnostics, &filename, &fixed_source);
    let fixed = (!result.fixed.is_empty()).then_some((source, result.fixed));
    // The index describes the code as it is after fixing.
    let summary = lint(&fixed_source, &place.context, &place.linter).summary;
    let unit = place.into_unit(summary, &filename);
    LintedFile {
        fixed,
        fix_warnings,
        ..LintedFile::new(filename, Some(fixed_source), messages, unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLEEPING_ROUTE: &str = "import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI(openapi_url=None)\n\n\n@app.get('/')\nasync def index():\n    time.sleep(1)\n";

    /// `app.py`, with `SLEEPING_ROUTE` on disk, as a cache hit whose entry holds no findings
    /// and `packed` as its summary, written with the summary hash of `hashed`, once
    /// [`unpack_summaries`] has read it.
    fn unpacked(packed: &ModuleSummary, hashed: &ModuleSummary) -> LintedFile {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.py");
        std::fs::write(&path, SLEEPING_ROUTE).unwrap();
        let filename = filename_of(&path);
        let context = FileContext {
            path: Some(path.clone()),
            module_path: Some(vec!["app".to_string()]),
            summarize: true,
            ..FileContext::default()
        };
        let module = IndexedModule {
            root: Arc::from(dir.path()),
            filename: Arc::clone(&filename),
            summary: ModuleSummary::default(),
        };
        let project = ProjectUnit {
            module,
            linter: LinterSettings::default(),
            context,
            packed: Some(PackedSummary::pack(packed)),
        };
        let freshness = Freshness::of(&std::fs::metadata(&path).unwrap());
        let state = CacheState {
            location: Location::of(1, &filename),
            freshness,
            content_hash: 0,
            summary_hash: cache::summary_hash(Some(hashed)),
            key: 0,
            changed: false,
        };
        let mut files = [LintedFile {
            cache: Some(state),
            ..LintedFile::new(filename, None, Vec::new(), Some(project))
        }];
        unpack_summaries(&mut files);
        let [file] = files;
        file
    }

    fn summary(module: &str) -> ModuleSummary {
        ModuleSummary {
            module: module.to_string(),
            ..ModuleSummary::default()
        }
    }

    #[test]
    fn a_cached_summary_is_read_as_written() {
        let file = unpacked(&summary("app"), &summary("app"));
        assert!(
            file.messages.is_empty(),
            "the cached findings, not a lint's"
        );
        let unit = file.project.expect("still a module of the project");
        assert_eq!(unit.module.summary.module, "app");
        assert!(unit.packed.is_none());
    }

    #[test]
    fn a_cached_summary_unlike_the_one_written_gets_its_file_linted_again() {
        let file = unpacked(&summary("elsewhere"), &summary("app"));
        let codes: Vec<&str> = file.messages.iter().map(Message::code).collect();
        assert_eq!(codes, ["FAPI101"], "the findings of a lint of the file");
        let state = file.cache.expect("an entry to write");
        assert!(state.changed);
        assert_eq!(
            state.content_hash,
            cache::content_hash(SLEEPING_ROUTE.as_bytes())
        );
        let unit = file.project.expect("a module of the project");
        assert_eq!(
            unit.module.summary.module, "app",
            "the summary of the file, not the one cached"
        );
        assert_eq!(
            state.summary_hash,
            cache::summary_hash(Some(&unit.module.summary))
        );
    }
}
