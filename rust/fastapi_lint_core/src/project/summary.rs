//! What one module tells the rest of the project: a compact summary extracted during the lint
//! pass, from the same parse and semantic model.

use std::collections::HashMap;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange, TextSize};
use serde::{Deserialize, Serialize};

use super::name_table::{Name, NameTable, NameTableBuilder};
use super::names::{callee_reference_name, definition_name, reference_name, returned_class_name};
use crate::checker::{Checker, Frame};
use crate::fastapi::{
    APP_CLASSES, BACKGROUND_TASKS, DEPENDS, FastApiContext, FunctionRole, ROUTER_CLASSES, SECURITY,
};
use crate::message::SourceLocation;
use crate::registry::Rule;
use crate::roles::LocalRole;
use crate::rules::blocking::resource::Resource;
use crate::rules::{blocking, heavy, pydantic};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

/// A call that blocks or does heavy work, where a chain ends.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Leaf {
    /// The rule the call belongs to when made directly in async code (FAPI101–105, 201, 202).
    pub rule: Rule,
    /// How messages name it: `` `requests.get` ``, `` `execute` on a `sqlite3` cursor ``.
    pub what: String,
    /// Where the call is.
    pub location: SourceLocation,
    pub end_location: SourceLocation,
}

/// One module-level function or method of a module-level class. Summaries stay in memory for
/// the whole run (the index reads them after every file is linted), so names are
/// [`Name`]s into the module's [`NameTable`], the rare parts are boxed and nothing keeps
/// spare capacity.
#[derive(Clone, Debug, Default, Hash, Serialize, Deserialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts of a function, each read on its own"
)]
pub struct FunctionSummary {
    /// `app.services.users.load`, `app.services.users.Repo.get`.
    pub name: Name,
    pub is_async: bool,
    /// Whether it runs once, outside requests: a lifespan or a start-up or shutdown handler.
    pub once: bool,
    /// Whether it is a generator: what it does happens as it is iterated.
    pub generator: bool,
    /// Whether its result is cached for the process (`@functools.cache`, `@lru_cache`, ...):
    /// what it does runs once, not on every call.
    pub cached: bool,
    /// Its first direct blocking call (the FAPI101–105 and FAPI201 catalogues).
    pub blocking: Option<Box<Leaf>>,
    /// Its first direct heavy work for a background task: FAPI201/202 work, or a sleep in a loop.
    pub heavy: Option<Box<Leaf>>,
    /// The project names it calls, in source order, without repeats.
    pub calls: Box<[Name]>,
    /// The class its return annotation names (`-> UserService`): a call's result has its
    /// methods (`get_service().start()`).
    pub returns: Option<Name>,
    /// The resource it provides, to `Depends(...)` or its callers: a `get_db` that yields a
    /// sync `Session` ([`blocking::resource::provided_to_project`]).
    pub provides: Option<Resource>,
}

/// A module-level class and what it derives from.
#[derive(Clone, Debug, Hash, Serialize, Deserialize)]
pub struct ClassSummary {
    pub name: Name,
    /// Base classes by project or qualified name (`pydantic.BaseModel`, `app.models.Base`).
    pub bases: Box<[Name]>,
    /// Whether the body declares annotated fields (a base model only configures).
    pub declares_fields: bool,
    /// Whether the body configures the model (`model_config = ...` or a `class Config:`): what
    /// a project base model is for (seed practice 7).
    pub configures: bool,
    /// Its attributes that hold a resource (`upload_dir: Path`), for the modules that read
    /// them (`settings.upload_dir.write_bytes(...)`).
    pub resources: Box<[(Name, Resource)]>,
}

/// A module-level import: the name it binds and what that name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Import {
    /// `app.services.load` (relative imports keep their dots).
    pub qualified: Name,
    /// The bound name when it is not the qualified name's last part (`import x as y`): most
    /// imports bind that part (`from m import x`), whose text the qualified name holds already.
    pub alias: Option<Name>,
}

/// Everything the project index needs from one module; the CLI's cache keeps it, so that an
/// unchanged file is not parsed again to build the index.
#[derive(Clone, Debug, Default, Hash, Serialize, Deserialize)]
pub struct ModuleSummary {
    /// `app.services.users`.
    pub module: String,
    /// The text of every [`Name`] below.
    pub names: NameTable,
    pub functions: Box<[FunctionSummary]>,
    pub classes: Box<[ClassSummary]>,
    /// Whether the module defines any `async def` (nested ones too): the blocking rules look
    /// nowhere else, so the facts they read are only worth a relint for such a module.
    pub has_async: bool,
    /// The project names called by async functions nested in others (routes declared in
    /// `create_app()`), which have no summary of their own; sorted, without repeats.
    pub nested_async_calls: Box<[Name]>,
    /// Module-level imports: how re-exports are followed.
    pub imports: Box<[Import]>,
    /// Module-level names bound to `FastAPI()` or `APIRouter()`.
    pub apps: Box<[Name]>,
    /// Other module-level names bound to a call of a project name (`settings = Settings()`,
    /// `settings = get_settings()`), with the name called: instances of a class, or of what a
    /// function returns.
    pub instances: Box<[(Name, Name)]>,
    /// Project names handed to `Depends(...)` / `Security(...)`.
    pub dependencies: Box<[Name]>,
    /// Project names handed to `add_task(...)` / `BackgroundTask(...)`.
    pub tasks: Box<[Name]>,
    /// What the module's own code and path say of its role.
    pub role: LocalRole,
    /// Whether its text mentions `environ` or `getenv`: it may read environment variables
    /// (FAPI702 asks whether the project has a settings class to move them to).
    pub reads_environment: bool,
    /// The modules it imports that `imports` does not name ([`crate::roles::other_imports`]):
    /// an app's imports reach the modules that serve requests.
    pub other_imports: Box<[Name]>,
}

impl ModuleSummary {
    pub fn name(&self, name: Name) -> &str {
        self.names.get(name)
    }

    /// Whether `import` binds `name` in the module. Asked of every import of a module while a
    /// re-export is looked for: the qualified name's end is compared, not split off.
    pub fn binds(&self, import: &Import, name: &str) -> bool {
        match import.alias {
            Some(alias) => self.name(alias) == name,
            None => is_last_part(self.name(import.qualified), name),
        }
    }

    /// The name `import` binds in the module: its alias, or its qualified name's last part.
    pub fn bound_name(&self, import: &Import) -> &str {
        match import.alias {
            Some(alias) => self.name(alias),
            None => self
                .name(import.qualified)
                .rsplit('.')
                .next()
                .unwrap_or_default(),
        }
    }
}

/// Collects per-function call facts while the checker walks the module.
#[derive(Debug)]
pub(crate) struct SummaryBuilder {
    module: String,
    names: NameTableBuilder,
    functions: Vec<FunctionSummary>,
    /// Each function's calls so far (`functions[i].calls` once finished).
    calls: Vec<Vec<Name>>,
    /// [`ModuleSummary::nested_async_calls`] so far, with repeats.
    nested_async_calls: Vec<Name>,
    /// Where each summarized function starts: the checker's frames name functions by node.
    by_start: HashMap<TextSize, usize>,
    /// Leaves found, as ranges until `finish` places them on rows and columns.
    blocking: Vec<(usize, Rule, String, TextRange)>,
    heavy: Vec<(usize, Rule, String, TextRange)>,
}

impl SummaryBuilder {
    pub(crate) fn new(
        semantic: &SemanticModel,
        fastapi: &FastApiContext,
        source: &str,
        module: String,
    ) -> Self {
        // Every name is a function's, a callee's or a binding's (an import one or two, most
        // bindings none): an estimate that is rarely short, and the builder is dropped with
        // the lint.
        let names = NameTableBuilder::with_capacity(
            semantic.functions().len() + semantic.calls().len() + semantic.bindings().len(),
        );
        let mut builder = Self {
            module,
            names,
            functions: Vec::new(),
            calls: Vec::new(),
            nested_async_calls: Vec::new(),
            by_start: HashMap::new(),
            blocking: Vec::new(),
            heavy: Vec::new(),
        };
        for (function, scope) in semantic.functions() {
            let Some(name) =
                definition_name(semantic, &builder.module, function.name.as_str(), *scope)
            else {
                continue;
            };
            builder
                .by_start
                .insert(function.start(), builder.functions.len());
            let name = builder.names.intern(&name);
            let returns = returned_class_name(semantic, &builder.module, function, *scope)
                .map(|class| builder.names.intern(&class));
            builder.functions.push(FunctionSummary {
                name,
                returns,
                is_async: function.is_async,
                once: blocking::handles_lifecycle(fastapi.roles(function)),
                generator: !function.is_async && blocking::resource::is_generator(function, source),
                cached: is_cached(semantic, function, *scope),
                provides: blocking::resource::provided_to_project(semantic, function, source),
                ..FunctionSummary::default()
            });
            builder.calls.push(Vec::new());
        }
        builder
    }

    pub(crate) fn module(&self) -> &str {
        &self.module
    }

    /// The summary, once the checker has visited every call.
    pub(crate) fn finish(
        mut self,
        semantic: &SemanticModel,
        body: &[Stmt],
        source: &str,
        role: LocalRole,
        other_imports: &[String],
    ) -> ModuleSummary {
        if !self.blocking.is_empty() || !self.heavy.is_empty() {
            let index = LineIndex::from_source_text(source);
            let leaf = |rule: Rule, what: String, range: TextRange| {
                Box::new(Leaf {
                    rule,
                    what,
                    location: SourceLocation::of(range.start(), source, &index),
                    end_location: SourceLocation::of(range.end(), source, &index),
                })
            };
            for (function, rule, what, range) in self.blocking.drain(..) {
                self.functions[function]
                    .blocking
                    .get_or_insert_with(|| leaf(rule, what, range));
            }
            for (function, rule, what, range) in self.heavy.drain(..) {
                self.functions[function]
                    .heavy
                    .get_or_insert_with(|| leaf(rule, what, range));
            }
        }
        for (function, calls) in self.functions.iter_mut().zip(self.calls) {
            function.calls = calls.into_boxed_slice();
        }
        // Interned: one name, one number.
        self.nested_async_calls.sort_unstable();
        self.nested_async_calls.dedup();
        let mut summary = ModuleSummary {
            has_async: semantic
                .functions()
                .iter()
                .any(|(function, _)| function.is_async),
            functions: self.functions.into_boxed_slice(),
            nested_async_calls: self.nested_async_calls.into_boxed_slice(),
            ..ModuleSummary::default()
        };
        let (names, module) = (&mut self.names, self.module.as_str());
        collect_module_bindings(semantic, module, names, &mut summary);
        collect_uses(semantic, module, names, &mut summary);
        summary.classes = body
            .iter()
            .filter_map(|stmt| stmt.as_class_def_stmt())
            .map(|class| summarize_class(semantic, module, names, class))
            .collect();
        summary.other_imports = other_imports
            .iter()
            .map(|module| self.names.intern(module))
            .collect();
        summary.role = role;
        summary.reads_environment = source.contains("environ") || source.contains("getenv");
        summary.names = self.names.finish();
        summary.module = self.module;
        summary
    }
}

/// Records what a call tells the index about the function it is made in (not nested
/// functions, lambdas or class bodies: those run elsewhere).
pub(crate) fn record_call(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(Frame::Function(function)) = checker.innermost_frame() else {
        return;
    };
    let Some(builder) = checker.summary() else {
        return;
    };
    let callee = callee_reference_name(checker.semantic(), builder.module(), call, checker.scope());
    let Some(&index) = builder.by_start.get(&function.start()) else {
        // A nested async function (a route declared in `create_app()`) is the module's async
        // code too: what it calls is looked up like the calls of module-level ones.
        if function.is_async
            && let Some(callee) = callee.map(std::borrow::Cow::into_owned)
            && let Some(builder) = checker.summary_mut()
        {
            let callee = builder.names.intern(&callee);
            builder.nested_async_calls.push(callee);
        }
        return;
    };
    let heavy = heavy::heavy_work(checker, call);
    // Only sync functions pass "may block" on (async ones are checked by FAPI101–105 directly).
    // CPU-heavy work blocks the loop like I/O does; loading a model is FAPI302's business only.
    let blocking = if function.is_async {
        None
    } else {
        blocking::blocking_call(checker, call).or_else(|| {
            heavy
                .clone()
                .filter(|(rule, _)| *rule == Rule::CpuHeavyCallInRoute)
        })
    };
    let heavy = heavy.or_else(|| sleep_in_loop(checker, call, function));
    let Some(builder) = checker.summary_mut() else {
        return;
    };
    if let Some(callee) = callee {
        let callee = builder.names.intern(&callee);
        let calls = &mut builder.calls[index];
        if !calls.contains(&callee) {
            calls.push(callee);
        }
    }
    if let Some((rule, what)) = blocking {
        builder.blocking.push((index, rule, what, call.range()));
    }
    if let Some((rule, what)) = heavy {
        builder.heavy.push((index, rule, what, call.range()));
    }
}

/// `time.sleep`/`asyncio.sleep` inside a `for`/`while` of the function: a retry or polling loop.
fn sleep_in_loop(
    checker: &Checker,
    call: &ast::ExprCall,
    function: &ast::StmtFunctionDef,
) -> Option<(Rule, String)> {
    let name = checker
        .callee_name(call)
        .filter(|name| *name == "time.sleep" || *name == "asyncio.sleep")?;
    let in_loop = checker
        .enclosing_statements(call.range())
        .iter()
        .skip_while(|stmt| stmt.range() != function.range())
        .any(|stmt| matches!(stmt, Stmt::For(_) | Stmt::While(_)));
    in_loop.then(|| {
        (
            Rule::BlockingSleepInAsync,
            format!("`{name}` in a retry loop"),
        )
    })
}

/// Module-level imports, app/router objects and instances of project names.
fn collect_module_bindings(
    semantic: &SemanticModel,
    module: &str,
    names: &mut NameTableBuilder,
    summary: &mut ModuleSummary,
) {
    let mut imports = Vec::new();
    let mut apps = Vec::new();
    let mut instances = Vec::new();
    for (_, binding) in semantic
        .bindings()
        .filter(|(_, binding)| binding.scope == ScopeId::MODULE)
    {
        match &binding.kind {
            BindingKind::Import { qualified } | BindingKind::FromImport { qualified } => {
                let alias =
                    (!is_last_part(qualified, binding.name)).then(|| names.intern(binding.name));
                imports.push(Import {
                    qualified: names.intern(qualified),
                    alias,
                });
            }
            BindingKind::Assignment {
                value: Expr::Call(call),
            } if semantic
                .qualified_name(&call.func, ScopeId::MODULE)
                .is_some_and(|class| {
                    APP_CLASSES.contains(&class.as_str())
                        || ROUTER_CLASSES.contains(&class.as_str())
                }) =>
            {
                apps.push(names.intern(binding.name));
            }
            BindingKind::Assignment {
                value: Expr::Call(call),
            } => {
                if let Some(called) = reference_name(semantic, module, &call.func, ScopeId::MODULE)
                {
                    instances.push((names.intern(binding.name), names.intern(&called)));
                }
            }
            _ => {}
        }
    }
    summary.imports = imports.into_boxed_slice();
    summary.apps = apps.into_boxed_slice();
    summary.instances = instances.into_boxed_slice();
}

/// Whether `name` is the last dotted part of `qualified`.
fn is_last_part(qualified: &str, name: &str) -> bool {
    qualified
        .strip_suffix(name)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// Functions handed to `FastAPI` as dependencies and as background tasks.
fn collect_uses(
    semantic: &SemanticModel,
    module: &str,
    names: &mut NameTableBuilder,
    summary: &mut ModuleSummary,
) {
    let mut dependencies = Vec::new();
    let mut tasks = Vec::new();
    for (call, scope) in semantic.calls() {
        let Some((target, role)) = handed_function(semantic, call, *scope) else {
            continue;
        };
        let Some(name) = reference_name(semantic, module, target, *scope) else {
            continue;
        };
        let name = names.intern(&name);
        if role == FunctionRole::BackgroundTask {
            tasks.push(name);
        } else {
            dependencies.push(name);
        }
    }
    summary.dependencies = dependencies.into_boxed_slice();
    summary.tasks = tasks.into_boxed_slice();
}

/// The function a call hands to `FastAPI`: `Depends(f)` / `Security(f)` a dependency,
/// `background_tasks.add_task(f, ...)` / `BackgroundTask(f)` a background task.
pub(crate) fn handed_function<'e>(
    semantic: &SemanticModel,
    call: &'e ast::ExprCall,
    scope: ScopeId,
) -> Option<(&'e Expr, FunctionRole)> {
    match semantic.callee_name(call) {
        Some(name) if DEPENDS.contains(&name) || SECURITY.contains(&name) => {
            return Some((
                call.arguments.find_argument_value("dependency", 0)?,
                FunctionRole::Dependency,
            ));
        }
        Some("starlette.background.BackgroundTask" | "fastapi.background.BackgroundTask") => {
            return Some((
                call.arguments.find_argument_value("func", 0)?,
                FunctionRole::BackgroundTask,
            ));
        }
        _ => {}
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    let adds_task = method.attr.as_str() == "add_task"
        && semantic
            .instance_type(&method.value, scope)
            .is_some_and(|class| BACKGROUND_TASKS.contains(&class.as_str()));
    adds_task
        .then(|| call.arguments.find_argument_value("func", 0))
        .flatten()
        .map(|target| (target, FunctionRole::BackgroundTask))
}

fn summarize_class(
    semantic: &SemanticModel,
    module: &str,
    names: &mut NameTableBuilder,
    class: &ast::StmtClassDef,
) -> ClassSummary {
    let bases = class
        .bases()
        .iter()
        .filter_map(|base| reference_name(semantic, module, base, ScopeId::MODULE))
        .map(|base| names.intern(&base))
        .collect();
    let scope = semantic.class_scope(class).unwrap_or(ScopeId::MODULE);
    let declares_fields = pydantic::declares_fields(semantic, &class.body, scope);
    let configures = pydantic::configures_model(&class.body);
    let resources = blocking::resource::class_resources(semantic, class)
        .into_iter()
        .map(|(attribute, resource)| (names.intern(attribute), resource))
        .collect();
    ClassSummary {
        name: names.intern(&[module, ".", class.name.as_str()].concat()),
        bases,
        declares_fields,
        configures,
        resources,
    }
}

/// Decorators that keep a function's result for the life of the process.
const CACHE_DECORATORS: &[&str] = &[
    "functools.cache",
    "functools.lru_cache",
    "functools.cached_property",
    "cachetools.cached",
    "cachetools.func.ttl_cache",
    "cachetools.func.lru_cache",
    "async_lru.alru_cache",
];

/// Whether the function is decorated with one of [`CACHE_DECORATORS`] (`@lru_cache` or
/// `@lru_cache(maxsize=1)`).
fn is_cached(semantic: &SemanticModel, function: &ast::StmtFunctionDef, scope: ScopeId) -> bool {
    function.decorator_list.iter().any(|decorator| {
        let expr = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            expr => expr,
        };
        semantic.resolves_to(expr, scope, CACHE_DECORATORS)
    })
}
