//! The second phase: match uses to definitions across modules, propagate "may block" and
//! "does heavy work" through calls, and derive each file's [`FileFacts`].
//!
//! Cheap: it only looks at summaries; the per-module parts run in parallel.

use std::borrow::Borrow;
use std::collections::VecDeque;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::path::PathBuf;

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::facts::{Chain, FileFacts};
use super::summary::{ClassSummary, FunctionSummary, Leaf, ModuleSummary};
use crate::fastapi::FunctionRole;

/// One module of the project: its summary and the directory its name is relative to (two
/// services of a monorepo can both have an `app` package; names resolve within a root first).
#[derive(Clone, Debug)]
pub struct IndexedModule {
    pub root: PathBuf,
    /// The file as messages name it (for related locations in other files' diagnostics).
    pub filename: String,
    pub summary: ModuleSummary,
}

/// `pydantic.BaseModel` as the code imports it.
const BASE_MODEL: &[&str] = &["pydantic.BaseModel", "pydantic.main.BaseModel"];

/// How many re-exports (`from .users import load` in a package `__init__`) a name is followed through.
const MAX_REEXPORTS: u8 = 4;

/// A role a module's uses give a function of another module: `(module, function name, role)`.
type RoleGiven = (usize, String, FunctionRole);

/// A module and an item in it (a function, class or app object).
type ItemId = (usize, usize);

/// The facts for each module, in the order given.
pub fn project_facts(modules: &[&IndexedModule]) -> Vec<FileFacts> {
    let index = Index::new(modules);
    let edges = index.call_edges();
    let blocking = index.propagate(&edges, |function| function.blocking.as_deref(), |function| !function.is_async);
    let heavy = index.propagate(&edges, |function| function.heavy.as_deref(), |_| true);
    // Each module's own facts in parallel (they are most of the work); the roles its uses give
    // functions of other modules are handed over after.
    let (mut facts, roles): (Vec<FileFacts>, Vec<Vec<RoleGiven>>) =
        modules.par_iter().enumerate().map(|(id, module)| index.module_facts(id, module, &blocking, &heavy)).unzip();
    for (target, name, role) in roles.into_iter().flatten() {
        facts[target].roles.entry(name).or_default().insert(role);
    }
    index.add_base_models(&mut facts);
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
        Table { first: sized(capacity), several: HashMap::default() }
    }

    fn insert(&mut self, name: K, item: ItemId) {
        match self.first.entry(name) {
            Entry::Vacant(entry) => {
                entry.insert(item);
            }
            Entry::Occupied(entry) => self.several.entry(entry.key().clone()).or_insert_with(|| vec![*entry.get()]).push(item),
        }
    }

    fn get(&self, name: &str) -> Option<&[ItemId]> {
        if let Some(items) = self.several.get(name) {
            return Some(items);
        }
        self.first.get(name).map(std::slice::from_ref)
    }
}

struct Index<'m> {
    modules: &'m [&'m IndexedModule],
    /// The root of each module, as a small number.
    roots: Vec<usize>,
    modules_by_name: HashMap<&'m str, Vec<usize>>,
    /// Top-level packages per root: a name whose package exists in the user's own root never
    /// resolves into another root.
    packages: HashSet<(usize, &'m str)>,
    /// Items by qualified name; names are borrowed from the summaries where they can be.
    functions: Table<&'m str>,
    classes: Table<&'m str>,
    /// `module.app`, built: a summary names apps within their module.
    apps: Table<String>,
}

impl<'m> Index<'m> {
    fn new(modules: &'m [&'m IndexedModule]) -> Self {
        let mut root_ids: HashMap<&PathBuf, usize> = HashMap::default();
        let roots = modules.iter().map(|module| {
            let next = root_ids.len();
            *root_ids.entry(&module.root).or_insert(next)
        });
        // Sized up front: growing a table holds the old and the new one at once, the run's
        // peak of memory.
        let count = |items: fn(&ModuleSummary) -> usize| modules.iter().map(|module| items(&module.summary)).sum();
        let mut index = Index {
            modules,
            roots: roots.collect(),
            modules_by_name: sized(modules.len()),
            packages: HashSet::default(),
            functions: Table::with_capacity(count(|summary| summary.functions.len())),
            classes: Table::with_capacity(count(|summary| summary.classes.len())),
            apps: Table::with_capacity(count(|summary| summary.apps.len())),
        };
        for (id, module) in modules.iter().enumerate() {
            let summary = &module.summary;
            index.modules_by_name.entry(summary.module.as_str()).or_default().push(id);
            index.packages.insert((index.roots[id], top_package(&summary.module)));
            for (item, function) in summary.functions.iter().enumerate() {
                index.functions.insert(summary.name(function.name), (id, item));
            }
            for (item, class) in summary.classes.iter().enumerate() {
                index.classes.insert(summary.name(class.name), (id, item));
            }
            for (item, app) in summary.apps.iter().enumerate() {
                index.apps.insert([summary.module.as_str(), ".", summary.name(*app)].concat(), (id, item));
            }
        }
        index
    }

    /// What module `id` learns from the project, and the roles its uses give functions of
    /// other modules.
    fn module_facts(&self, id: usize, module: &IndexedModule, blocking: &HashMap<ItemId, Chain>, heavy: &HashMap<ItemId, Chain>) -> (FileFacts, Vec<RoleGiven>) {
        let mut facts = FileFacts::default();
        let summary = &module.summary;
        for function in summary.functions.iter().filter(|function| function.is_async) {
            for call in function.calls.iter().map(|call| summary.name(*call)) {
                if let Some(chain) = self.resolve(&self.functions, call, id).and_then(|callee| blocking.get(&callee)) {
                    facts.blocking_helpers.insert(call.to_string(), chain.clone());
                }
            }
        }
        for task in summary.tasks.iter().map(|task| summary.name(*task)) {
            if let Some(chain) = self.resolve(&self.functions, task, id).and_then(|callee| heavy.get(&callee)) {
                facts.heavy_tasks.insert(task.to_string(), chain.clone());
            }
        }
        let uses = summary.dependencies.iter().map(|name| (name, FunctionRole::Dependency)).chain(summary.tasks.iter().map(|name| (name, FunctionRole::BackgroundTask)));
        let mut roles = Vec::new();
        for (name, role) in uses {
            if let Some((target, function)) = self.resolve(&self.functions, summary.name(*name), id).filter(|(target, _)| *target != id) {
                roles.push((target, self.function_name((target, function)).to_string(), role));
            }
        }
        for qualified in summary.imports.iter().map(|(_, qualified)| summary.name(*qualified)) {
            if self.resolve(&self.apps, qualified, id).is_some_and(|(target, _)| target != id) {
                facts.apps.insert(qualified.to_string());
            }
        }
        (facts, roles)
    }

    fn function(&self, (module, function): ItemId) -> &'m FunctionSummary {
        &self.modules[module].summary.functions[function]
    }

    fn function_name(&self, (module, function): ItemId) -> &'m str {
        let summary = &self.modules[module].summary;
        summary.name(summary.functions[function].name)
    }

    /// The item `name` refers to when used in module `from`, following re-exports.
    fn resolve<K: Hash + Eq + Clone + Borrow<str>>(&self, table: &Table<K>, name: &str, from: usize) -> Option<ItemId> {
        self.resolve_within(table, name, from, MAX_REEXPORTS)
    }

    fn resolve_within<K: Hash + Eq + Clone + Borrow<str>>(&self, table: &Table<K>, name: &str, from: usize, depth: u8) -> Option<ItemId> {
        if let Some(candidates) = table.get(name) {
            return self.pick(candidates, |(module, _)| *module, name, from).copied();
        }
        // `from app.services import load` where `app/services/__init__.py` re-exports `load`.
        let (module_name, attribute) = name.rsplit_once('.')?;
        let module = *self.pick(self.modules_by_name.get(module_name)?, |module| *module, name, from)?;
        let summary = &self.modules[module].summary;
        let (_, qualified) = summary.imports.iter().find(|(bound, _)| summary.name(*bound) == attribute)?;
        self.resolve_within(table, summary.name(*qualified), module, depth.checked_sub(1)?)
    }

    /// The candidate in the root of `from`; one in another root only when it is the only one
    /// and `from`'s root has no package of that name.
    fn pick<'c, T>(&self, candidates: &'c [T], module_of: impl Fn(&T) -> usize, name: &str, from: usize) -> Option<&'c T> {
        let root = self.roots[from];
        if let Some(local) = candidates.iter().find(|candidate| self.roots[module_of(candidate)] == root) {
            return Some(local);
        }
        match candidates {
            [only] if !self.packages.contains(&(root, top_package(name))) => Some(only),
            _ => None,
        }
    }

    /// For each function, the project functions it calls that resolve.
    fn call_edges(&self) -> HashMap<ItemId, Vec<ItemId>> {
        self.modules
            .par_iter()
            .enumerate()
            .flat_map_iter(|(id, module)| {
                module.summary.functions.iter().enumerate().filter_map(move |(item, function)| {
                    let callees: Vec<ItemId> = function.calls.iter().filter_map(|call| self.resolve(&self.functions, module.summary.name(*call), id)).collect();
                    (!callees.is_empty()).then_some(((id, item), callees))
                })
            })
            .collect()
    }

    /// The shortest chain from each function to a leaf, through functions `follows` accepts
    /// (breadth-first from the leaves backwards, so cycles end by themselves).
    fn propagate(
        &self,
        edges: &HashMap<ItemId, Vec<ItemId>>,
        leaf: impl Fn(&FunctionSummary) -> Option<&Leaf>,
        follows: impl Fn(&FunctionSummary) -> bool,
    ) -> HashMap<ItemId, Chain> {
        let mut callers: HashMap<ItemId, Vec<ItemId>> = HashMap::default();
        for (caller, callees) in edges.iter().filter(|(caller, _)| follows(self.function(**caller))) {
            for callee in callees {
                callers.entry(*callee).or_default().push(*caller);
            }
        }
        let mut chains: HashMap<ItemId, Chain> = HashMap::default();
        let mut queue = VecDeque::new();
        for (id, module) in self.modules.iter().enumerate() {
            for (item, function) in module.summary.functions.iter().enumerate() {
                let Some(leaf) = leaf(function).filter(|_| follows(function)) else { continue };
                let chain = Chain {
                    functions: vec![module.summary.name(function.name).to_string()],
                    rule: leaf.rule,
                    what: leaf.what.clone(),
                    module: module.summary.module.clone(),
                    filename: module.filename.clone(),
                    location: leaf.location,
                    end_location: leaf.end_location,
                };
                chains.insert((id, item), chain);
                queue.push_back((id, item));
            }
        }
        while let Some(callee) = queue.pop_front() {
            let mut sorted = callers.get(&callee).cloned().unwrap_or_default();
            sorted.sort_unstable();
            for caller in sorted {
                if chains.contains_key(&caller) {
                    continue;
                }
                let mut chain = chains[&callee].clone();
                chain.functions.insert(0, self.function_name(caller).to_string());
                chains.insert(caller, chain);
                queue.push_back(caller);
            }
        }
        chains
    }

    /// The source root and top-level package a module belongs to.
    fn package_of(&self, module: usize) -> (usize, &str) {
        (self.roots[module], top_package(&self.modules[module].summary.module))
    }

    /// A project base model is a direct `BaseModel` subclass that configures models and has no
    /// fields of its own, which at least two project classes extend. Modules of the same top-level package (`app` for
    /// `app.models`; not the project's `tests` or `docs`) with other direct subclasses learn
    /// of it.
    fn add_base_models(&self, facts: &mut [FileFacts]) {
        let direct = |summary: &ModuleSummary, class: &ClassSummary| class.bases.iter().any(|base| BASE_MODEL.contains(&summary.name(*base)));
        let mut extended: HashMap<ItemId, usize> = HashMap::default();
        for (id, module) in self.modules.iter().enumerate() {
            for class in &module.summary.classes {
                for base in &class.bases {
                    if let Some(base) = self.resolve(&self.classes, module.summary.name(*base), id) {
                        *extended.entry(base).or_default() += 1;
                    }
                }
            }
        }
        let mut bases: Vec<((usize, &str), &str)> = extended
            .iter()
            .filter(|(_, count)| **count >= 2)
            .map(|((module, class), _)| (*module, &self.modules[*module].summary, &self.modules[*module].summary.classes[*class]))
            .filter(|(_, summary, class)| direct(summary, class) && class.configures && !class.declares_fields)
            .map(|(module, summary, class)| (self.package_of(module), summary.name(class.name)))
            .collect();
        if bases.is_empty() {
            return;
        }
        bases.sort_unstable();
        for (id, module) in self.modules.iter().enumerate() {
            let package = self.package_of(id);
            let summary = &module.summary;
            let own: Vec<&str> = bases.iter().filter(|(base_package, _)| *base_package == package).map(|(_, name)| *name).collect();
            let subclasses_directly = summary.classes.iter().any(|class| direct(summary, class) && !own.contains(&summary.name(class.name)));
            if subclasses_directly && !own.is_empty() {
                facts[id].base_models = own.into_iter().map(str::to_string).collect();
            }
        }
    }
}

fn sized<K, V>(capacity: usize) -> HashMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, Default::default())
}

fn top_package(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}
