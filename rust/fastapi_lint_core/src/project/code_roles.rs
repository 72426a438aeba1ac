//! The project's part in code roles ([`crate::roles`]): a module an app module imports,
//! directly or through other modules, serves requests too; a module no app imports, that is
//! neither a test nor a script, is library code.

use std::collections::VecDeque;

use super::index::Index;
use crate::roles::{CodeRole, RoleDecision};

/// The role of each module, in the order of the index's modules. `attaches` names, for each
/// module, an app or router of another module it imports (to put routes, dependencies or
/// middleware on it): such a module serves requests like the one that builds the app, unless
/// it is a script (which imports the app to run it). Modules whose own code or settings settle
/// their role keep it. Without any app module in the index (a run over some files of a
/// project, a library), modules keep the role their own code gives them.
pub(super) fn project_roles(index: &Index<'_>, attaches: &[Option<&str>]) -> Vec<RoleDecision> {
    let modules = index.modules();
    let mut roles: Vec<RoleDecision> = modules
        .iter()
        .map(|module| module.summary.role.decision.clone())
        .collect();
    for (id, app) in attaches.iter().enumerate() {
        let local = &modules[id].summary.role;
        if let Some(app) = app
            && !local.settled
            && !local.script
        {
            roles[id] = RoleDecision::new(CodeRole::App, format!("imports app object `{app}`"));
        }
    }
    let is_app_root = |id: usize| {
        let local = &modules[id].summary.role;
        (local.settled && local.decision.role == CodeRole::App)
            || (!local.settled && !local.script && attaches[id].is_some())
    };
    let mut queue: VecDeque<usize> = (0..modules.len()).filter(|&id| is_app_root(id)).collect();
    if queue.is_empty() {
        return roles;
    }
    let mut reached: Vec<bool> = (0..modules.len()).map(is_app_root).collect();
    while let Some(id) = queue.pop_front() {
        let summary = &modules[id].summary;
        let names = summary
            .imports
            .iter()
            .map(|import| import.qualified)
            .chain(summary.other_imports.iter().copied());
        for name in names {
            // `from a import b` imports module `a.b`, or a name of module `a`.
            let name = summary.name(name);
            let imported = index.module_named(name, id).or_else(|| {
                let (parent, _) = name.rsplit_once('.')?;
                index.module_named(parent, id)
            });
            let Some(imported) = imported else {
                continue;
            };
            let local = &modules[imported].summary.role;
            // A module the settings or its own code settle (a test, a declared script) is not
            // served, and neither is what only it imports.
            if reached[imported] || local.settled {
                continue;
            }
            reached[imported] = true;
            roles[imported] = RoleDecision::new(
                CodeRole::App,
                format!("imported by app module `{}`", summary.module),
            );
            queue.push_back(imported);
        }
    }
    for (id, role) in roles.iter_mut().enumerate() {
        let local = &modules[id].summary.role;
        if !reached[id] && !local.settled && !local.script {
            *role = RoleDecision::new(CodeRole::Library, "no app module imports it");
        }
    }
    roles
}
