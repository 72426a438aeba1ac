//! The project index end to end through the library API: chains across modules, roles and
//! routers from other modules, silence on what does not resolve, monorepo roots, FAPI704.

use std::path::{Path, PathBuf};

use fastapi_lint_cli::{CheckOptions, check_paths, check_source};

fn projects() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/test/projects")
}

fn options(select: &[&str]) -> CheckOptions {
    CheckOptions {
        isolated: true,
        preview: Some(true),
        select: Some(select.iter().map(ToString::to_string).collect()),
        ..CheckOptions::default()
    }
}

/// `relative/path.py:row code message`, one per finding.
fn findings(root: &Path, options: &CheckOptions) -> Vec<String> {
    check_paths(&[root.to_path_buf()], options)
        .unwrap()
        .iter()
        .map(|message| {
            let file = Path::new(&message.filename)
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            format!(
                "{file}:{} {} {}",
                message.location.row,
                message.code(),
                message.message
            )
        })
        .collect()
}

#[test]
fn chains_through_helpers_across_modules() {
    let root = projects().join("package");
    let found = findings(&root, &options(&["FAPI106"]));
    let chains: Vec<&str> = found
        .iter()
        .map(|finding| {
            finding
                .split(" blocks: ")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        chains,
        [
            // `users.load()`: a module attribute.
            "`get_user` -> `app.services.users.load` -> `requests.get` (app.services.users:7)",
            // `load_user()`: re-exported by the package's `__init__` under another name.
            "`get_user` -> `app.services.users.load` -> `requests.get` (app.services.users:7)",
            // `from ... import avatar as get_avatar`, two modules deep.
            "`get_user` -> `app.services.users.avatar` -> `app.utils.files.read_avatar` -> `open` (app.utils.files:5)",
            // `Repository().get()`: a method of an instance of an imported class.
            "`get_user` -> `app.services.users.Repository.get` -> `app.services.users.Repository._fetch` -> `requests.get` (app.services.users:35)",
            // `self.lookup()` in an async method.
            "`handle` -> `app.routes.Service.lookup` -> `app.services.users.load` -> `requests.get` (app.services.users:7)",
        ],
        "{found:#?}"
    );
    // Silent: `users.ping` (does not block), `users.even` (a cycle that never blocks), the async
    // `fetch_async`, the unresolved `mystery`, and the sync route.
    assert!(
        found[0].starts_with(
            "app/routes.py:13 FAPI106 Sync helper `users.load` called in async route `get_user`"
        ),
        "{found:#?}"
    );
    // Nothing in the background-task route or the sync route (rows 23 to 30).
    assert!(
        found.iter().all(|finding| {
            let row: usize = finding
                .strip_prefix("app/routes.py:")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|row| row.parse().ok())
                .unwrap_or(0);
            !(23..=30).contains(&row)
        }),
        "{found:#?}"
    );
}

#[test]
fn roles_and_routers_come_from_other_modules() {
    let root = projects().join("package");
    let found = findings(&root, &options(&["FAPI104", "FAPI106"]));
    // `get_db` is `Depends`-ed in routes.py; `router` is created in routers.py.
    assert!(
        found
            .iter()
            .any(|finding| finding.starts_with("app/deps.py:7 FAPI104")
                && finding.contains("async dependency `get_db`")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|finding| finding.contains("async route `get_user`")),
        "{found:#?}"
    );
    let single = findings(
        &root,
        &CheckOptions {
            no_project: true,
            ..options(&["FAPI104", "FAPI106"])
        },
    );
    assert_eq!(
        single,
        [
            "app/deps.py:7 FAPI104 Blocking database call `psycopg2.connect` in async function `get_db` stalls the event loop; use `asyncpg` or `psycopg.AsyncConnection`"
        ]
    );
}

#[test]
fn background_tasks_and_base_models() {
    let root = projects().join("package");
    let found = findings(&root, &options(&["FAPI302", "FAPI501"]));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("app/models.py:28 FAPI501 `Legacy` subclasses `BaseModel` directly, while 5 of the package's 6 models subclass its base model `app.models.CustomModel`"), "{found:#?}");
    assert!(found[1].starts_with("app/routes.py:25 FAPI302 Background task `poll` does heavy work: `app.utils.files.poll` -> `time.sleep` in a retry loop (app.utils.files:11)"), "{found:#?}");
}

#[test]
fn monorepo_services_resolve_within_their_own_root() {
    let root = projects().join("monorepo");
    let found = findings(&root, &options(&["FAPI106"]));
    // Both services have an `app.helpers.slow`; only the users service's one sleeps.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("services/users/app/main.py:10 FAPI106"),
        "{found:#?}"
    );
    assert!(
        found[0].contains("`index` -> `app.helpers.slow` -> `time.sleep` (app.helpers:5)"),
        "{found:#?}"
    );
}

#[test]
fn a_buffer_sees_the_index_when_given_its_project_root() {
    let root = projects().join("package");
    let filename = root.join("app/routes.py");
    // The edited routes: they put a route on the project's router, so they serve requests.
    let source = "from app.routers import router\nfrom app.services import users\n\n\n@router.get('/')\nasync def handler():\n    users.load(1)\n";
    let without = check_source(source, Some(&filename), &options(&["FAPI106"])).unwrap();
    assert_eq!(without, []);
    let with_root = CheckOptions {
        project_root: Some(root),
        ..options(&["FAPI106"])
    };
    let messages = check_source(source, Some(&filename), &with_root).unwrap();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0]
            .message
            .contains("`handler` -> `app.services.users.load` -> `requests.get`"),
        "{}",
        messages[0].message
    );
    // A same-module helper is followed even without a project.
    let local =
        "import time\n\n\ndef nap():\n    time.sleep(1)\n\n\nasync def handler():\n    nap()\n";
    let messages = check_source(local, None, &options(&["FAPI106"])).unwrap();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0]
            .message
            .contains("`handler` -> `__main__.nap` -> `time.sleep` (__main__:5)"),
        "{}",
        messages[0].message
    );
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn dotenv_files_not_ignored_are_reported_on_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".gitignore", ".env\n");
    write(root, ".env", "SECRET=1\n");
    write(root, "app/.env.production", "SECRET=1\n");
    write(root, ".env.example", "SECRET=\n");
    write(root, "app/main.py", "x = 1\n");
    let found = findings(root, &options(&["FAPI704"]));
    assert_eq!(
        found,
        [
            "app/.env.production:1 FAPI704 `.env.production` is not git-ignored; its secrets can be committed by accident, add it to `.gitignore`"
        ]
    );
    // Outside a git repository nothing says what would be committed.
    std::fs::remove_dir(root.join(".git")).unwrap();
    assert_eq!(findings(root, &options(&["FAPI704"])), Vec::<String>::new());
}

/// FAPI106 and FAPI302 carry the leaf call (file, range) as related information.
#[test]
fn the_leaf_call_is_the_related_location() {
    let root = projects().join("package");
    let messages = check_paths(
        std::slice::from_ref(&root),
        &options(&["FAPI106", "FAPI302"]),
    )
    .unwrap();
    let related = |code: &str| {
        let message = messages
            .iter()
            .find(|message| message.code() == code)
            .unwrap();
        let [related] = message.related.as_slice() else {
            panic!("{message:#?}")
        };
        let file = Path::new(&related.filename)
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        (
            related.message.clone(),
            file,
            (related.location.row, related.location.column),
            (related.end_location.row, related.end_location.column),
        )
    };
    assert_eq!(
        related("FAPI106"),
        (
            "`app.services.users.load` calls `requests.get`".to_string(),
            "app/services/users.py".to_string(),
            (7, 12),
            (7, 64)
        )
    );
    assert_eq!(
        related("FAPI302"),
        (
            "`app.utils.files.poll` calls `time.sleep` in a retry loop".to_string(),
            "app/utils/files.py".to_string(),
            (11, 9),
            (11, 22)
        )
    );
    // A finding that is not about a chain has none.
    let direct = check_source(
        "import time\n\n\nasync def f():\n    time.sleep(1)\n",
        None,
        &options(&["FAPI101"]),
    )
    .unwrap();
    assert!(
        direct.iter().all(|message| message.related.is_empty()),
        "{direct:#?}"
    );
}
