//! What the project index tells the linter about one file: facts that come from other modules.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::fastapi::Roles;
use crate::message::{RelatedLocation, SourceLocation};
use crate::registry::Rule;
use crate::roles::RoleDecision;
use crate::rules::blocking::resource::Resource;

/// How a call ends, through project functions, at a blocking or heavy call.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Chain {
    /// The project functions from the callee to the one making the leaf call.
    pub functions: Vec<String>,
    /// Whether the callee is a generator: it blocks as it is iterated, so running the call
    /// in a thread would not help.
    pub generator: bool,
    /// The rule of the leaf call when made directly in async code.
    pub rule: Rule,
    /// The leaf call as messages name it (`` `requests.get` ``).
    pub what: String,
    /// Where the leaf call is: its module (`app.services.users`), its file (as messages name
    /// files) and its range there.
    pub module: String,
    pub filename: String,
    pub location: SourceLocation,
    pub end_location: SourceLocation,
}

impl Chain {
    /// `` `get_user` -> `app.services.users.load` -> `requests.get` (app.services.users:7) ``,
    /// starting at `caller` when given.
    pub fn render(&self, caller: Option<&str>) -> String {
        let hops: Vec<String> = caller
            .into_iter()
            .chain(self.functions.iter().map(String::as_str))
            .map(|hop| format!("`{hop}`"))
            .collect();
        format!(
            "{} -> {} ({}:{})",
            hops.join(" -> "),
            self.what,
            self.module,
            self.location.row
        )
    }

    /// The leaf call, for the diagnostic's related information.
    pub fn leaf_location(&self) -> RelatedLocation {
        let function = self.functions.last().map_or("", String::as_str);
        RelatedLocation {
            message: format!("`{function}` calls {}", self.what),
            filename: self.filename.clone(),
            location: self.location,
            end_location: self.end_location,
        }
    }
}

/// A package's own base model, used by most of its models.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BaseModelConvention {
    /// `app.base.AppModel`.
    pub name: String,
    /// The package's models that subclass it, and all of the package's models (those that
    /// subclass it or `BaseModel` directly).
    pub users: u32,
    pub models: u32,
}

/// Facts from the whole project that the rules of one file consult. Keys are names as the
/// file refers to them (see [`super::names::reference_name`]). Serializable for the CLI's
/// cache, which lints a changed file with the facts it was last linted with. Ordered maps:
/// equal facts hash alike in every run (the cache keeps a file's findings only while the facts
/// they were found with stay the same), and an empty one, what most files get, allocates
/// nothing and is a quarter the size of an empty `HashMap`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileFacts {
    /// Sync project functions called from this file's async code that (transitively) block.
    pub blocking_helpers: BTreeMap<String, Chain>,
    /// Project functions of other modules that this file's async code calls or hands to
    /// `Depends(...)`, and that provide a resource: a `get_db` that yields a sync `Session`.
    pub resources: BTreeMap<String, Resource>,
    /// This file's functions that only lifespans and start-up or shutdown handlers call
    /// (transitively): what they wait for stalls no request.
    pub runs_once: BTreeSet<String>,
    /// Background-task targets of this file that do heavy work (transitively).
    pub heavy_tasks: BTreeMap<String, Chain>,
    /// Roles this file's functions play because other modules use them (`Depends(f)`).
    pub roles: BTreeMap<String, Roles>,
    /// Names imported here that are apps or routers created in another module.
    pub apps: BTreeSet<String>,
    /// The base model the models of this file's package use by convention, when this file
    /// subclasses `BaseModel` directly.
    pub base_model: Option<BaseModelConvention>,
    /// The file's role, when the project gives it another than its own code does (a module an
    /// app imports; library code no app imports).
    pub role: Option<RoleDecision>,
    /// Rules whose advice the project makes moot for this file: FAPI702 (move environment
    /// reads into the settings class) where the project has no `BaseSettings` class.
    pub silenced: BTreeSet<Rule>,
}

impl FileFacts {
    /// The rules that run on a file of `role` with these facts, of all rules.
    pub fn active_rules(&self, role: crate::CodeRole) -> crate::RuleSet {
        let silenced: crate::RuleSet = self.silenced.iter().copied().collect();
        crate::RuleSet::all().for_role(role).difference(silenced)
    }

    pub fn is_empty(&self) -> bool {
        self.role.is_none()
            && self.silenced.is_empty()
            && self.blocking_helpers.is_empty()
            && self.resources.is_empty()
            && self.runs_once.is_empty()
            && self.heavy_tasks.is_empty()
            && self.roles.is_empty()
            && self.apps.is_empty()
            && self.base_model.is_none()
    }
}
