//! The second phase: match uses to definitions across modules, propagate "may block" and
//! "does heavy work" through calls, and derive each file's [`FileFacts`].
//!
//! Cheap: it only looks at summaries; the per-module parts run in parallel.

use std::borrow::Borrow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, VecDeque};
use std::hash::Hash;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::code_roles;
use super::facts::{BaseModelConvention, Chain, FileFacts};
use super::name_table::Name;
use super::summary::{ClassSummary, FunctionSummary, Import, Leaf, ModuleSummary};
use crate::CodeRole;
use crate::fastapi::FunctionRole;
use crate::registry::Rule;
use crate::rules::settings::BASE_SETTINGS;

/// One module of the project: its summary and the directory its name is relative to (two
/// services of a monorepo can both have an `app` package; names resolve within a root first).
#[derive(Clone, Debug)]
pub struct IndexedModule {
    pub root: Arc<Path>,
    /// The file as messages name it (for related locations in other files' diagnostics),
    /// shared with the CLI's record of the file.
    pub filename: Arc<str>,
    pub summary: ModuleSummary,
}

/// `pydantic.BaseModel` as the code imports it.
const BASE_MODEL: &[&str] = &["pydantic.BaseModel", "pydantic.main.BaseModel"];

/// The fewest models of a package that must subclass a base model for it to be the package's
/// convention.
const CONVENTION_USERS: u32 = 5;

/// How many levels of base classes a method is looked for in.
const MAX_BASES: u8 = 8;

/// How many re-exports (`from .users import load` in a package `__init__`) a name is followed through.
const MAX_REEXPORTS: u8 = 4;
/// Modules with at most this many imports are scanned for the one binding a name; the others
/// get a table (memory for the index, the run's peak, only where a scan would cost).
const SCANNED_IMPORTS: usize = 32;

/// A role a module's uses give a function of another module: `(module, function name, role)`.
type RoleGiven = (usize, String, FunctionRole);

/// A module and an item in it (a function, class or app object), in 8 bytes: the index's
/// tables hold one for every function of the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct ItemId {
    module: u32,
    item: u32,
}

impl ItemId {
    /// Module and item numbers come from the lengths of in-memory lists of files and of a
    /// file's definitions, which stay far below 2^32.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the numbers stay far below 2^32"
    )]
    fn new(module: usize, item: usize) -> Self {
        ItemId {
            module: module as u32,
            item: item as u32,
        }
    }

    fn module(self) -> usize {
        self.module as usize
    }

    fn item(self) -> usize {
        self.item as usize
    }
}

/// Calls between project functions, `(callee, caller)`, sorted: a callee's callers are a run.
type CalledBy = Vec<(ItemId, ItemId)>;

/// The role of each module, in the order given, with why (`--show-roles`).
pub fn project_roles(modules: &[&IndexedModule]) -> Vec<crate::roles::RoleDecision> {
    let index = Index::new(modules);
    let apps: Vec<BTreeSet<String>> = modules
        .par_iter()
        .enumerate()
        .map(|(id, module)| index.imported_apps(id, module))
        .collect();
    code_roles::project_roles(&index, &first_of(&apps))
}

/// The first app or router each module imports from another module, if any.
fn first_of(apps: &[BTreeSet<String>]) -> Vec<Option<&str>> {
    apps.iter()
        .map(|apps| apps.iter().next().map(String::as_str))
        .collect()
}

/// The facts for each module, in the order given.
pub fn project_facts(modules: &[&IndexedModule]) -> Vec<FileFacts> {
    let index = Index::new(modules);
    let calls = index.calls();
    // A sync function passes "may block" on, unless its result is cached: then it blocks once
    // per process, not per request.
    let blocking = index.propagate(
        &calls,
        |function| function.blocking.as_deref(),
        |function| !function.is_async && !function.cached,
    );
    let heavy = index.propagate(&calls, |function| function.heavy.as_deref(), |_| true);
    // Each module's own facts in parallel (they are most of the work); the roles its uses give
    // functions of other modules are handed over after.
    let (mut facts, given): (Vec<FileFacts>, Vec<Vec<RoleGiven>>) = modules
        .par_iter()
        .enumerate()
        .map(|(id, module)| index.module_facts(id, module, &blocking, &heavy))
        .unzip();
    let apps: Vec<BTreeSet<String>> = facts.iter().map(|facts| facts.apps.clone()).collect();
    let roles = code_roles::project_roles(&index, &first_of(&apps));
    // Tests and scripts call start-up code too (a test seeding the database): those calls
    // serve no request.
    let serving: Vec<bool> = roles
        .iter()
        .map(|role| !matches!(role.role, CodeRole::Test | CodeRole::Script))
        .collect();
    // A role is a fact only where the project changes what the module's own code says.
    for ((facts, module), role) in facts.iter_mut().zip(modules).zip(roles) {
        if role.role != module.summary.role.decision.role {
            facts.role = Some(role);
        }
    }
    for (target, name, role) in given.into_iter().flatten() {
        facts[target].roles.entry(name).or_default().insert(role);
    }
    for function in index.runs_once(&calls, &serving) {
        // The blocking rules look only inside async functions.
        if !index.function(function).once && index.function(function).is_async {
            facts[function.module()]
                .runs_once
                .insert(index.function_name(function).to_string());
        }
    }
    index.add_base_models(&mut facts);
    index.silence_moot_rules(&mut facts);
    facts
}

/// Items by qualified name. A name rarely has more than one item (the same module in two
/// roots): those keep all of theirs aside, so that the entry of every other name is a name and
/// one id.
struct Table<K> {
    first: HashMap<K, ItemId>,
    /// Every item of the names that have several, in the order added.
    several: HashMap<K, Vec<ItemId>>,
}

impl<K: Hash + Eq + Clone + Borrow<str>> Table<K> {
    fn with_capacity(capacity: usize) -> Self {
        Table {
            first: sized(capacity),
            several: HashMap::default(),
        }
    }

    fn insert(&mut self, name: K, item: ItemId) {
        match self.first.entry(name) {
            Entry::Vacant(entry) => {
                entry.insert(item);
            }
            Entry::Occupied(entry) => self
                .several
                .entry(entry.key().clone())
                .or_insert_with(|| vec![*entry.get()])
                .push(item),
        }
    }

    fn get(&self, name: &str) -> Option<&[ItemId]> {
        if let Some(items) = self.several.get(name) {
            return Some(items);
        }
        self.first.get(name).map(std::slice::from_ref)
    }
}

pub(super) struct Index<'m> {
    modules: &'m [&'m IndexedModule],
    /// The root of each module, as a small number.
    roots: Vec<usize>,
    modules_by_name: HashMap<&'m str, Vec<usize>>,
    /// Top-level packages per root: a name whose package exists in the user's own root never
    /// resolves into another root.
    packages: HashSet<(usize, &'m str)>,
    /// The top-level packages of all roots: a name under another (`requests.get`, most calls)
    /// is no project function, whatever its shape.
    top_packages: HashSet<&'m str>,
    /// Items by qualified name; names are borrowed from the summaries where they can be.
    functions: Table<&'m str>,
    classes: Table<&'m str>,
    /// `module.app`, built: a summary names apps within their module.
    apps: Table<String>,
    /// `module.settings` for `settings = Settings()`: the module and the name it calls.
    instances: HashMap<String, (usize, Name)>,
    /// The imports of each module with more than [`SCANNED_IMPORTS`] by the name they bind,
    /// made the first time a re-export is looked for in the module: a package's `__init__`
    /// that re-exports hundreds of names is asked for one at nearly every call into the
    /// package, and scanning its imports every time was most of the index's name resolution.
    imports_by_name: Vec<OnceLock<HashMap<&'m str, &'m Import>>>,
}

impl<'m> Index<'m> {
    pub(super) fn modules(&self) -> &'m [&'m IndexedModule] {
        self.modules
    }

    /// The module of the project `name` (`app.routes`) names, seen from module `from`: the one
    /// in `from`'s root first.
    pub(super) fn module_named(&self, name: &str, from: usize) -> Option<usize> {
        self.pick(
            self.modules_by_name.get(name)?,
            |module| *module,
            name,
            from,
        )
        .copied()
    }

    fn new(modules: &'m [&'m IndexedModule]) -> Self {
        let mut root_ids: HashMap<&Path, usize> = HashMap::default();
        let roots = modules.iter().map(|module| {
            let next = root_ids.len();
            *root_ids.entry(&*module.root).or_insert(next)
        });
        // Sized up front: growing a table holds the old and the new one at once, the run's
        // peak of memory.
        let count = |items: fn(&ModuleSummary) -> usize| {
            modules.iter().map(|module| items(&module.summary)).sum()
        };
        let mut index = Index {
            modules,
            roots: roots.collect(),
            modules_by_name: sized(modules.len()),
            packages: HashSet::default(),
            top_packages: HashSet::default(),
            functions: Table::with_capacity(count(|summary| summary.functions.len())),
            classes: Table::with_capacity(count(|summary| summary.classes.len())),
            apps: Table::with_capacity(count(|summary| summary.apps.len())),
            instances: sized(count(|summary| summary.instances.len())),
            imports_by_name: modules.iter().map(|_| OnceLock::new()).collect(),
        };
        for (id, module) in modules.iter().enumerate() {
            let summary = &module.summary;
            index
                .modules_by_name
                .entry(summary.module.as_str())
                .or_default()
                .push(id);
            index
                .packages
                .insert((index.roots[id], top_package(&summary.module)));
            index.top_packages.insert(top_package(&summary.module));
            for (item, function) in summary.functions.iter().enumerate() {
                index
                    .functions
                    .insert(summary.name(function.name), ItemId::new(id, item));
            }
            for (item, class) in summary.classes.iter().enumerate() {
                index
                    .classes
                    .insert(summary.name(class.name), ItemId::new(id, item));
            }
            for (variable, called) in &summary.instances {
                index.instances.insert(
                    [summary.module.as_str(), ".", summary.name(*variable)].concat(),
                    (id, *called),
                );
            }
            for (item, app) in summary.apps.iter().enumerate() {
                index.apps.insert(
                    [summary.module.as_str(), ".", summary.name(*app)].concat(),
                    ItemId::new(id, item),
                );
            }
        }
        index
    }

    /// What module `id` learns from the project, and the roles its uses give functions of
    /// other modules.
    fn module_facts(
        &self,
        id: usize,
        module: &IndexedModule,
        blocking: &HashMap<ItemId, Chain>,
        heavy: &HashMap<ItemId, Chain>,
    ) -> (FileFacts, Vec<RoleGiven>) {
        let mut facts = FileFacts::default();
        let summary = &module.summary;
        let async_calls = summary
            .functions
            .iter()
            .filter(|function| function.is_async)
            .flat_map(|function| function.calls.iter())
            .chain(summary.nested_async_calls.iter());
        for call in async_calls.map(|call| summary.name(*call)) {
            let Some(callee) = self.resolve_function(call, id) else {
                continue;
            };
            if let Some(chain) = blocking.get(&callee) {
                let chain = Chain {
                    generator: self.function(callee).generator,
                    ..chain.clone()
                };
                facts.blocking_helpers.insert(call.to_string(), chain);
            }
            self.add_provided(&mut facts, call, callee, id);
        }
        // Resources matter only where async code uses them: another module's facts are a
        // relint of this one.
        if summary.has_async {
            for dependency in summary.dependencies.iter().map(|name| summary.name(*name)) {
                if let Some(callee) = self.resolve_function(dependency, id) {
                    self.add_provided(&mut facts, dependency, callee, id);
                }
            }
            self.add_imported_attributes(&mut facts, id, module);
        }
        for task in summary.tasks.iter().map(|task| summary.name(*task)) {
            if let Some(chain) = self
                .resolve_function(task, id)
                .and_then(|callee| heavy.get(&callee))
            {
                facts.heavy_tasks.insert(task.to_string(), chain.clone());
            }
        }
        let uses = summary
            .dependencies
            .iter()
            .map(|name| (name, FunctionRole::Dependency))
            .chain(
                summary
                    .tasks
                    .iter()
                    .map(|name| (name, FunctionRole::BackgroundTask)),
            );
        let mut roles = Vec::new();
        for (name, role) in uses {
            if let Some(function) = self
                .resolve_function(summary.name(*name), id)
                .filter(|function| function.module() != id)
            {
                roles.push((
                    function.module(),
                    self.function_name(function).to_string(),
                    role,
                ));
            }
        }
        facts.apps = self.imported_apps(id, module);
        (facts, roles)
    }

    /// Records what `callee`, called as `name` in module `id`, provides, when it is another
    /// module's function (the module's own are looked at where they are used).
    fn add_provided(&self, facts: &mut FileFacts, name: &str, callee: ItemId, id: usize) {
        if callee.module() != id
            && let Some(resource) = self.function(callee).provides
        {
            facts.resources.insert(name.to_string(), resource);
        }
    }

    /// The resources held by attributes of what the module imports: a class's annotated
    /// attributes (`Settings.upload_dir: Path`), as the class and as an instance of it
    /// (`settings = Settings()` or `= get_settings()` for `def get_settings() -> Settings`).
    fn add_imported_attributes(&self, facts: &mut FileFacts, id: usize, module: &IndexedModule) {
        let summary = &module.summary;
        for import in &summary.imports {
            let imported = summary.name(import.qualified);
            let Some(class) = self.class_of(imported, id) else {
                continue;
            };
            let owner = &self.modules[class.module()].summary;
            for (attribute, resource) in &owner.classes[class.item()].resources {
                facts
                    .resources
                    .insert([imported, ".", owner.name(*attribute)].concat(), *resource);
            }
        }
    }

    /// The class `name` (used in module `from`) is, or is an instance of.
    fn class_of(&self, name: &str, from: usize) -> Option<ItemId> {
        if !self.top_packages.contains(top_package(name)) {
            return None;
        }
        if let Some(class) = self.resolve(&self.classes, name, from) {
            return Some(class);
        }
        let &(module, called) = self.instances.get(name)?;
        let called = self.modules[module].summary.name(called);
        if let Some(class) = self.resolve(&self.classes, called, module) {
            return Some(class);
        }
        self.returned_class(self.resolve(&self.functions, called, module)?)
    }

    /// The class a function's return annotation names (`def get_repo() -> Repo`).
    fn returned_class(&self, function: ItemId) -> Option<ItemId> {
        let summary = &self.modules[function.module()].summary;
        let class = summary.name(self.function(function).returns?);
        self.resolve(&self.classes, class, function.module())
    }

    /// The names the module imports that are apps or routers built in another module.
    fn imported_apps(&self, id: usize, module: &IndexedModule) -> BTreeSet<String> {
        let summary = &module.summary;
        summary
            .imports
            .iter()
            .map(|import| summary.name(import.qualified))
            .filter(|qualified| {
                self.resolve(&self.apps, qualified, id)
                    .is_some_and(|app| app.module() != id)
            })
            .map(str::to_string)
            .collect()
    }

    fn function(&self, function: ItemId) -> &'m FunctionSummary {
        &self.modules[function.module()].summary.functions[function.item()]
    }

    fn function_name(&self, function: ItemId) -> &'m str {
        let summary = &self.modules[function.module()].summary;
        summary.name(summary.functions[function.item()].name)
    }

    /// The function a call of `name` runs when made in module `from`: a function or method of
    /// that name (re-exports followed), the `__init__` of a class, a method a class inherits
    /// from its project bases (`app.Repo.get` defined in `app.BaseRepo`), or a method of what
    /// a function's return annotation names (`app.get_repo.get` for `def get_repo() -> Repo`).
    fn resolve_function(&self, name: &str, from: usize) -> Option<ItemId> {
        if !self.top_packages.contains(top_package(name)) {
            return None;
        }
        if let Some(function) = self.resolve(&self.functions, name, from) {
            return Some(function);
        }
        // Every name that is no function comes here (`self.log.info`, `settings.get`): the
        // class lookups, which follow re-exports, are tried only for names spelt as classes
        // are (PEP 8's CapWords, `Repo`, `Repo.get`).
        let (receiver, method) = name.rsplit_once('.')?;
        if is_class_like(method)
            && let Some(class) = self.resolve(&self.classes, name, from)
        {
            return self.method(class, "__init__", MAX_BASES);
        }
        let receiver_name = receiver.rsplit('.').next().unwrap_or(receiver);
        if is_class_like(receiver_name) {
            let class = self.resolve(&self.classes, receiver, from)?;
            return self.method(class, method, MAX_BASES);
        }
        // `get_service().start()`: a method of the class the function says it returns (the
        // function by its own name, not through a re-export).
        let function = *self.functions.get(receiver)?.first()?;
        self.method(self.returned_class(function)?, method, MAX_BASES)
    }

    /// The method `name` of a class: its own, else the first of its bases' (in the order the
    /// bases are listed, each depth first: the method resolution order of most hierarchies).
    fn method(&self, class: ItemId, name: &str, depth: u8) -> Option<ItemId> {
        let summary = &self.modules[class.module()].summary;
        let class_summary = &summary.classes[class.item()];
        let own = [summary.name(class_summary.name), ".", name].concat();
        if let Some(method) = self.functions.get(&own).and_then(|methods| {
            methods
                .iter()
                .find(|method| method.module() == class.module())
        }) {
            return Some(*method);
        }
        let depth = depth.checked_sub(1)?;
        class_summary.bases.iter().find_map(|base| {
            let base = self.resolve(&self.classes, summary.name(*base), class.module())?;
            self.method(base, name, depth)
        })
    }

    /// The item `name` refers to when used in module `from`, following re-exports.
    fn resolve<K: Hash + Eq + Clone + Borrow<str>>(
        &self,
        table: &Table<K>,
        name: &str,
        from: usize,
    ) -> Option<ItemId> {
        self.resolve_within(table, name, from, MAX_REEXPORTS)
    }

    fn resolve_within<K: Hash + Eq + Clone + Borrow<str>>(
        &self,
        table: &Table<K>,
        name: &str,
        from: usize,
        depth: u8,
    ) -> Option<ItemId> {
        if let Some(candidates) = table.get(name) {
            return self
                .pick(candidates, |item| item.module(), name, from)
                .copied();
        }
        // `from app.services import load` where `app/services/__init__.py` re-exports `load`.
        let (module_name, attribute) = name.rsplit_once('.')?;
        let module = *self.pick(
            self.modules_by_name.get(module_name)?,
            |module| *module,
            name,
            from,
        )?;
        let summary = &self.modules[module].summary;
        // The first import of a name binds it (a table is collected from the last: the first
        // stays).
        let import = if summary.imports.len() <= SCANNED_IMPORTS {
            summary
                .imports
                .iter()
                .find(|import| summary.binds(import, attribute))?
        } else {
            let imports = self.imports_by_name[module].get_or_init(|| {
                summary
                    .imports
                    .iter()
                    .rev()
                    .map(|import| (summary.bound_name(import), import))
                    .collect()
            });
            *imports.get(attribute)?
        };
        self.resolve_within(
            table,
            summary.name(import.qualified),
            module,
            depth.checked_sub(1)?,
        )
    }

    /// The candidate in the root of `from`; one in another root only when it is the only one
    /// and `from`'s root has no package of that name.
    fn pick<'c, T>(
        &self,
        candidates: &'c [T],
        module_of: impl Fn(&T) -> usize,
        name: &str,
        from: usize,
    ) -> Option<&'c T> {
        let root = self.roots[from];
        if let Some(local) = candidates
            .iter()
            .find(|candidate| self.roots[module_of(candidate)] == root)
        {
            return Some(local);
        }
        match candidates {
            [only] if !self.packages.contains(&(root, top_package(name))) => Some(only),
            _ => None,
        }
    }

    /// Every call from one project function to another that resolves. A list, not a map: it is
    /// only walked, and the index is the run's memory peak.
    fn calls(&self) -> CalledBy {
        let mut calls: CalledBy = self
            .modules
            .par_iter()
            .enumerate()
            .flat_map_iter(|(id, module)| {
                // A module's functions call the same names again and again (interned: one
                // name, one `Name`): each is resolved once.
                let mut resolved: HashMap<Name, Option<ItemId>> = HashMap::default();
                let mut edges = Vec::new();
                for (item, function) in module.summary.functions.iter().enumerate() {
                    let caller = ItemId::new(id, item);
                    for call in &function.calls {
                        let callee = *resolved.entry(*call).or_insert_with(|| {
                            self.resolve_function(module.summary.name(*call), id)
                        });
                        edges.extend(callee.map(|callee| (callee, caller)));
                    }
                }
                edges
            })
            .collect();
        calls.par_sort_unstable();
        calls.dedup();
        calls
    }

    /// The shortest chain from each function to a leaf, through functions `follows` accepts
    /// (breadth-first from the leaves backwards, so cycles end by themselves).
    fn propagate(
        &self,
        calls: &CalledBy,
        leaf: impl Fn(&FunctionSummary) -> Option<&Leaf>,
        follows: impl Fn(&FunctionSummary) -> bool,
    ) -> HashMap<ItemId, Chain> {
        let mut chains: HashMap<ItemId, Chain> = HashMap::default();
        let mut queue = VecDeque::new();
        for (id, module) in self.modules.iter().enumerate() {
            for (item, function) in module.summary.functions.iter().enumerate() {
                let Some(leaf) = leaf(function).filter(|_| follows(function)) else {
                    continue;
                };
                let chain = Chain {
                    functions: vec![module.summary.name(function.name).to_string()],
                    generator: false,
                    rule: leaf.rule,
                    what: leaf.what.clone(),
                    module: module.summary.module.clone(),
                    filename: module.filename.to_string(),
                    location: leaf.location,
                    end_location: leaf.end_location,
                };
                let function = ItemId::new(id, item);
                chains.insert(function, chain);
                queue.push_back(function);
            }
        }
        while let Some(callee) = queue.pop_front() {
            for caller in paired_with(calls, callee) {
                if chains.contains_key(&caller) || !follows(self.function(caller)) {
                    continue;
                }
                let mut chain = chains[&callee].clone();
                chain
                    .functions
                    .insert(0, self.function_name(caller).to_string());
                chains.insert(caller, chain);
                queue.push_back(caller);
            }
        }
        chains
    }

    /// The functions that run only while the app starts or stops: lifespans and start-up or
    /// shutdown handlers, and the functions only those call, transitively. A function
    /// `FastAPI` also calls (a dependency or a background task) runs per request.
    /// Callers in modules that do not serve (`serving[module]` false: tests, scripts) are not
    /// counted.
    fn runs_once(&self, calls: &CalledBy, serving: &[bool]) -> HashSet<ItemId> {
        let mut once: HashSet<ItemId> = HashSet::default();
        let mut queue = VecDeque::new();
        for (id, module) in self.modules.iter().enumerate() {
            for (item, function) in module.summary.functions.iter().enumerate() {
                if function.once {
                    once.insert(ItemId::new(id, item));
                    queue.push_back(ItemId::new(id, item));
                }
            }
        }
        if once.is_empty() {
            return once;
        }
        let handed: HashSet<ItemId> = self
            .modules
            .iter()
            .enumerate()
            .flat_map(|(id, module)| {
                let summary = &module.summary;
                summary
                    .dependencies
                    .iter()
                    .chain(summary.tasks.iter())
                    .filter_map(move |name| self.resolve_function(summary.name(*name), id))
            })
            .collect();
        let mut callees: Vec<(ItemId, ItemId)> = calls
            .iter()
            .map(|&(callee, caller)| (caller, callee))
            .collect();
        callees.sort_unstable();
        while let Some(caller) = queue.pop_front() {
            for callee in paired_with(&callees, caller) {
                if once.contains(&callee) || handed.contains(&callee) {
                    continue;
                }
                if paired_with(calls, callee)
                    .all(|caller| once.contains(&caller) || !serving[caller.module()])
                {
                    once.insert(callee);
                    queue.push_back(callee);
                }
            }
        }
        once
    }

    /// The source root and top-level package a module belongs to.
    fn package_of(&self, module: usize) -> (usize, &str) {
        (
            self.roots[module],
            top_package(&self.modules[module].summary.module),
        )
    }

    /// FAPI702 tells to move environment reads into the project's `BaseSettings` class: moot
    /// in a project (a root) that has none, whose configuration is another system (Django
    /// settings, its own `conf`, JSON files).
    fn silence_moot_rules(&self, facts: &mut [FileFacts]) {
        let has_settings: HashSet<usize> = self
            .modules
            .iter()
            .enumerate()
            .filter(|(_, module)| {
                let summary = &module.summary;
                summary.classes.iter().any(|class| {
                    class
                        .bases
                        .iter()
                        .any(|base| BASE_SETTINGS.contains(&summary.name(*base)))
                })
            })
            .map(|(id, _)| self.roots[id])
            .collect();
        for (id, module) in self.modules.iter().enumerate() {
            if module.summary.reads_environment && !has_settings.contains(&self.roots[id]) {
                facts[id].silenced.insert(Rule::EnvironOutsideSettings);
            }
        }
    }

    /// A package's base model is a convention when its models use it: a class that subclasses
    /// `BaseModel` directly, configures the models and declares no field, which at least
    /// [`CONVENTION_USERS`] of the package's models subclass and at most a quarter subclass
    /// `BaseModel` directly instead. A helper base a few models share (a manifest parser's, a
    /// layer's) is no convention, and neither is a package where models subclass `BaseModel`
    /// on purpose. Files of the package that subclass `BaseModel` directly get the facts.
    fn add_base_models(&self, facts: &mut [FileFacts]) {
        let direct = |summary: &ModuleSummary, class: &ClassSummary| {
            class
                .bases
                .iter()
                .any(|base| BASE_MODEL.contains(&summary.name(*base)))
        };
        let mut extended: HashMap<ItemId, u32> = HashMap::default();
        for (id, module) in self.modules.iter().enumerate() {
            let summary = &module.summary;
            for class in &summary.classes {
                for base in &class.bases {
                    if let Some(base) = self.resolve(&self.classes, summary.name(*base), id) {
                        *extended.entry(base).or_default() += 1;
                    }
                }
            }
        }
        // Per package: its models that subclass `BaseModel` directly (not bases and mixins,
        // which project classes extend).
        let mut direct_models: HashMap<(usize, &str), u32> = HashMap::default();
        for (id, module) in self.modules.iter().enumerate() {
            let summary = &module.summary;
            for (item, class) in summary.classes.iter().enumerate() {
                if direct(summary, class) && !extended.contains_key(&ItemId::new(id, item)) {
                    *direct_models.entry(self.package_of(id)).or_default() += 1;
                }
            }
        }
        // The most used candidate of each package.
        let mut conventions: HashMap<(usize, &str), BaseModelConvention> = HashMap::default();
        for (class, users) in extended {
            let summary = &self.modules[class.module()].summary;
            let base = &summary.classes[class.item()];
            if !(direct(summary, base) && base.configures && !base.declares_fields) {
                continue;
            }
            let package = self.package_of(class.module());
            let bypassing = direct_models.get(&package).copied().unwrap_or(0);
            if users < CONVENTION_USERS || bypassing * 3 > users {
                continue;
            }
            let candidate = BaseModelConvention {
                name: summary.name(base.name).to_string(),
                users,
                models: users + bypassing,
            };
            match conventions.entry(package) {
                Entry::Occupied(mut entry) if entry.get().users < users => {
                    entry.insert(candidate);
                }
                Entry::Occupied(_) => {}
                Entry::Vacant(entry) => {
                    entry.insert(candidate);
                }
            }
        }
        if conventions.is_empty() {
            return;
        }
        for (id, module) in self.modules.iter().enumerate() {
            let Some(convention) = conventions.get(&self.package_of(id)) else {
                continue;
            };
            let summary = &module.summary;
            let subclasses_directly = summary
                .classes
                .iter()
                .any(|class| direct(summary, class) && summary.name(class.name) != convention.name);
            if subclasses_directly {
                facts[id].base_model = Some(convention.clone());
            }
        }
    }
}

fn sized<K, V>(capacity: usize) -> HashMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, rustc_hash::FxBuildHasher)
}

/// The second items of the pairs whose first is `key`, in pairs sorted by their first item
/// (the callers of a callee in [`CalledBy`]).
fn paired_with(pairs: &[(ItemId, ItemId)], key: ItemId) -> impl Iterator<Item = ItemId> + '_ {
    let start = pairs.partition_point(|(first, _)| *first < key);
    pairs[start..]
        .iter()
        .take_while(move |(first, _)| *first == key)
        .map(|(_, second)| *second)
}

/// Whether a name is spelt as classes are (`Repo`, `HTTPClient`, a private `_Spool`), not as
/// functions, modules and variables (`load`, `users`, `_cache`).
fn is_class_like(name: &str) -> bool {
    name.trim_start_matches('_')
        .starts_with(|c: char| c.is_ascii_uppercase())
}

fn top_package(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}
