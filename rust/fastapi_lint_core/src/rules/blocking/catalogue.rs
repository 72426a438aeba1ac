//! Which calls block, by qualified name or by the resource they are made on.

use std::sync::LazyLock;

use ruff_python_ast::{self as ast, Expr};
use rustc_hash::FxHashMap;

use super::BlockingOptions;
use super::resource::{self, Resource};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::rules::extra_calls;
use crate::semantic::BindingKind;

/// A call found to block the event loop.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct BlockingCall {
    pub(super) rule: Rule,
    /// How the message names the call: "`requests.get`", "`execute` on a `sqlite3` cursor".
    pub(super) what: String,
    /// What kind of call it is, when not the rule's usual wording ("AWS call").
    pub(super) phrase: Option<&'static str>,
    /// The non-blocking replacement to suggest.
    pub(super) alternative: &'static str,
}

/// Module-level functions that block, grouped by rule and suggested replacement.
struct FunctionGroup {
    rule: Rule,
    /// What kind of call it is, when not the rule's usual wording ("network call").
    phrase: Option<&'static str>,
    alternative: &'static str,
    names: &'static [&'static str],
}

/// A file operation that only a worker thread makes non-blocking: `shutil.rmtree` suggests
/// `await asyncio.to_thread(shutil.rmtree, ...)`.
macro_rules! in_thread {
    ($name:literal) => {
        FunctionGroup {
            rule: Rule::BlockingFileIoInAsync,
            phrase: None,
            alternative: concat!(
                "`await asyncio.to_thread(",
                $name,
                ", ...)` (or `anyio.to_thread.run_sync(",
                $name,
                ", ...)`)"
            ),
            names: &[$name],
        }
    };
}

const FUNCTION_GROUPS: &[FunctionGroup] = &[
    FunctionGroup {
        rule: Rule::BlockingSleepInAsync,
        phrase: None,
        alternative: "`await asyncio.sleep(...)`",
        names: &["time.sleep"],
    },
    FunctionGroup {
        rule: Rule::BlockingHttpInAsync,
        phrase: None,
        alternative: "`httpx.AsyncClient`",
        names: &[
            "requests.get",
            "requests.post",
            "requests.put",
            "requests.patch",
            "requests.delete",
            "requests.head",
            "requests.options",
            "requests.request",
            "requests.api.get",
            "requests.api.post",
            "requests.api.put",
            "requests.api.patch",
            "requests.api.delete",
            "requests.api.head",
            "requests.api.options",
            "requests.api.request",
            "httpx.get",
            "httpx.post",
            "httpx.put",
            "httpx.patch",
            "httpx.delete",
            "httpx.head",
            "httpx.options",
            "httpx.request",
            "httpx.stream",
            "urllib.request.urlopen",
            "urllib.request.urlretrieve",
            "urllib3.request",
        ],
    },
    FunctionGroup {
        rule: Rule::BlockingFileIoInAsync,
        phrase: None,
        alternative: "`aiofiles.open` or `anyio.open_file`",
        names: &["builtins.open", "io.open", "codecs.open"],
    },
    // `anyio.Path` has no counterpart of these: they go to a worker thread.
    in_thread!("shutil.copy"),
    in_thread!("shutil.copy2"),
    in_thread!("shutil.copyfile"),
    in_thread!("shutil.copytree"),
    in_thread!("shutil.move"),
    in_thread!("shutil.rmtree"),
    in_thread!("shutil.copyfileobj"),
    in_thread!("shutil.make_archive"),
    in_thread!("shutil.unpack_archive"),
    // Listing a directory tree; `glob.iglob` only does so as it is iterated.
    in_thread!("glob.glob"),
    // Opening an archive reads its directory from disk.
    in_thread!("zipfile.ZipFile"),
    in_thread!("tarfile.open"),
    // Temporary files and directories are created on disk when called (not
    // `SpooledTemporaryFile`, which stays in memory until it grows).
    in_thread!("tempfile.NamedTemporaryFile"),
    in_thread!("tempfile.TemporaryFile"),
    in_thread!("tempfile.TemporaryDirectory"),
    in_thread!("tempfile.mkstemp"),
    in_thread!("tempfile.mkdtemp"),
    FunctionGroup {
        rule: Rule::BlockingFileIoInAsync,
        phrase: None,
        alternative: "`await run_in_threadpool(...)` or `anyio.Path`",
        names: &[
            "os.remove",
            "os.unlink",
            "os.rename",
            "os.replace",
            "os.makedirs",
            "os.mkdir",
            "os.rmdir",
            "os.removedirs",
            "os.listdir",
            "os.scandir",
            "os.walk",
        ],
    },
    FunctionGroup {
        rule: Rule::BlockingHttpInAsync,
        phrase: Some("network call"),
        alternative: "`await asyncio.get_running_loop().getaddrinfo(...)`",
        // Name resolution waits for DNS.
        names: &[
            "socket.gethostbyname",
            "socket.gethostbyname_ex",
            "socket.gethostbyaddr",
            "socket.getaddrinfo",
        ],
    },
    FunctionGroup {
        rule: Rule::BlockingHttpInAsync,
        phrase: Some("network call"),
        alternative: "`asyncio.open_connection`",
        names: &["socket.create_connection"],
    },
    FunctionGroup {
        rule: Rule::BlockingHttpInAsync,
        phrase: Some("network call"),
        alternative: "the `websockets` package's asyncio client",
        // websocket-client connects when called.
        names: &["websocket.create_connection"],
    },
    FunctionGroup {
        rule: Rule::BlockingHttpInAsync,
        phrase: None,
        alternative: "`await asyncio.to_thread(webpush, ...)`",
        names: &["pywebpush.webpush"],
    },
    FunctionGroup {
        rule: Rule::BlockingDbInAsync,
        phrase: None,
        alternative: "`await asyncio.to_thread(...)`",
        // sqlalchemy-utils connects to the server to look or to change.
        names: &[
            "sqlalchemy_utils.database_exists",
            "sqlalchemy_utils.create_database",
            "sqlalchemy_utils.drop_database",
            "sqlalchemy_utils.functions.database_exists",
            "sqlalchemy_utils.functions.create_database",
            "sqlalchemy_utils.functions.drop_database",
        ],
    },
    FunctionGroup {
        rule: Rule::BlockingSubprocessInAsync,
        phrase: None,
        alternative: "`asyncio.create_subprocess_exec`",
        names: &[
            "subprocess.run",
            "subprocess.call",
            "subprocess.check_call",
            "subprocess.check_output",
            // `Popen(...)` only starts the process: its `wait()` and `communicate()` are
            // reported instead (see `popen_wait`).
            "os.spawnl",
            "os.spawnle",
            "os.spawnlp",
            "os.spawnlpe",
            "os.spawnv",
            "os.spawnve",
            "os.spawnvp",
            "os.spawnvpe",
            "os.posix_spawn",
            "os.posix_spawnp",
            "os.wait",
            "os.wait3",
            "os.wait4",
            "os.waitid",
            "os.waitpid",
        ],
    },
    FunctionGroup {
        rule: Rule::BlockingSubprocessInAsync,
        phrase: None,
        alternative: SHELL_ALTERNATIVE,
        // These run their argument through the shell.
        names: &[
            "os.system",
            "os.popen",
            "subprocess.getoutput",
            "subprocess.getstatusoutput",
        ],
    },
];

/// The Stripe SDK's API operations (`stripe.Customer.create(...)`,
/// `stripe.checkout.Session.retrieve(...)`): each a sync HTTP request, with an `_async`
/// twin since stripe 10 (older pins have none: `run_in_threadpool` then).
fn stripe_request(qualified: &str) -> Option<BlockingCall> {
    let (resource, operation) = qualified.strip_prefix("stripe.")?.rsplit_once('.')?;
    let is_resource = resource
        .rsplit('.')
        .next()
        .is_some_and(|class| class.starts_with(|c: char| c.is_ascii_uppercase()));
    let is_operation = matches!(
        operation,
        "create"
            | "retrieve"
            | "modify"
            | "delete"
            | "list"
            | "search"
            | "cancel"
            | "capture"
            | "confirm"
            | "pay"
            | "void_invoice"
            | "finalize_invoice"
    );
    (is_resource && is_operation).then(|| BlockingCall {
        rule: Rule::BlockingHttpInAsync,
        what: code(qualified),
        phrase: Some("Stripe API call"),
        alternative: "the SDK's async methods (`await stripe.Customer.create_async(...)`, stripe >= 10) or `await run_in_threadpool(...)`",
    })
}

/// The replacement of a process run through the shell (`os.system(cmd)`,
/// `subprocess.run(cmd, shell=True)`).
const SHELL_ALTERNATIVE: &str = "`asyncio.create_subprocess_shell`";

/// The generic replacement for calls a project declares blocking.
const fn configured_alternative(rule: Rule) -> &'static str {
    match rule {
        Rule::BlockingHttpInAsync => "an async HTTP client such as `httpx.AsyncClient`",
        Rule::BlockingFileIoInAsync => "`aiofiles`, `anyio.Path` or `await run_in_threadpool(...)`",
        Rule::BlockingSubprocessInAsync => "`asyncio.create_subprocess_exec`",
        _ => "an async client or `await run_in_threadpool(...)`",
    }
}

/// [`FUNCTION_GROUPS`] by name: asked for every call, one lookup instead of a scan. Built from
/// the last group to the first, so a name listed twice belongs to its first group.
static FUNCTION_BY_NAME: LazyLock<FxHashMap<&'static str, &'static FunctionGroup>> =
    LazyLock::new(|| {
        FUNCTION_GROUPS
            .iter()
            .rev()
            .flat_map(|group| group.names.iter().map(move |name| (*name, group)))
            .collect()
    });

/// What the call blocks on, if anything: a known function, a blocking construction, a method on
/// a known resource, or a call the project configured.
/// `open("/proc/self/stat")`: the kernel's virtual files are answered from memory, without a
/// disk to wait for.
fn opens_kernel_file(call: &ast::ExprCall) -> bool {
    let path = call.arguments.find_argument_value("file", 0);
    let prefix = match path {
        Some(Expr::StringLiteral(literal)) => literal.value.to_str().to_string(),
        Some(Expr::FString(fstring)) => fstring
            .value
            .elements()
            .map_while(|element| {
                element
                    .as_literal()
                    .map(|literal| literal.value.to_string())
            })
            .collect(),
        _ => return false,
    };
    ["/proc/", "/sys/"]
        .iter()
        .any(|kernel| prefix.starts_with(kernel))
}

/// Archive openers that read from disk only when given a file name: `ZipFile(io.BytesIO(data))`
/// (a zip built in memory for a download) and `tarfile.open(fileobj=...)` do no I/O.
const ARCHIVES: &[&str] = &["zipfile.ZipFile", "tarfile.open"];

/// Whether the archive's file is one on disk: a string, an f-string, or a `pathlib.Path`.
fn archive_on_disk(checker: &Checker, call: &ast::ExprCall) -> bool {
    let Some(file) = call.arguments.find_argument_value("file", 0).or_else(|| {
        call.arguments
            .find_keyword("name")
            .map(|keyword| &keyword.value)
    }) else {
        return false;
    };
    match file {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        other => {
            resource::resource_of(checker.semantic(), checker.facts(), other, checker.scope())
                == Some(Resource::Path)
        }
    }
}

pub(super) fn classify(checker: &Checker, call: &ast::ExprCall) -> Option<BlockingCall> {
    let semantic = checker.semantic();
    let scope = checker.scope();
    let qualified = checker.callee_name(call);
    if let Some(qualified) = qualified {
        if let Some(group) = FUNCTION_BY_NAME.get(qualified) {
            if group.rule == Rule::BlockingFileIoInAsync
                && (opens_kernel_file(call)
                    || (ARCHIVES.contains(&qualified) && !archive_on_disk(checker, call)))
            {
                return None;
            }
            let alternative = if group.rule == Rule::BlockingSubprocessInAsync && runs_shell(call) {
                SHELL_ALTERNATIVE
            } else {
                group.alternative
            };
            return Some(BlockingCall {
                rule: group.rule,
                what: code(qualified),
                phrase: group.phrase,
                alternative,
            });
        }
        if let Some(blocking) = stripe_request(qualified) {
            return Some(blocking);
        }
        if let Some((resource, true)) = resource::constructed_by(semantic, qualified, call, scope) {
            return Some(BlockingCall {
                rule: resource.rule(),
                what: code(qualified),
                phrase: resource.phrase(),
                alternative: resource.alternative(),
            });
        }
    }
    if let Expr::Attribute(method) = call.func.as_ref() {
        let name = method.attr.as_str();
        if let Some(resource) =
            resource::resource_of(semantic, checker.facts(), &method.value, scope)
                .filter(|resource| resource.blocks(name))
        {
            return Some(on_resource(resource, name));
        }
        if let Some(blocking) = popen_wait(checker, method) {
            return Some(blocking);
        }
    }
    let options = &checker.settings().blocking;
    if !options.has_extra_calls() {
        // Nothing configured: the method's receiver type is not worth resolving.
        return None;
    }
    extra_calls::names_of(checker, call, qualified.map(ToString::to_string)).find_map(|name| {
        let rule = options.rule_for(&name)?;
        Some(BlockingCall {
            rule,
            what: code(&name),
            phrase: None,
            alternative: configured_alternative(rule),
        })
    })
}

/// `shell=True`: the command runs through the shell, which `create_subprocess_shell` does too.
fn runs_shell(call: &ast::ExprCall) -> bool {
    call.arguments.find_keyword("shell").is_some_and(
        |keyword| matches!(&keyword.value, Expr::BooleanLiteral(literal) if literal.value),
    )
}

/// `process.wait()` or `process.communicate()` on a `subprocess.Popen` the code proves
/// (`process = subprocess.Popen(...)`, `with subprocess.Popen(...) as process`, a parameter
/// annotated `subprocess.Popen`, `subprocess.Popen(...).wait()`): `Popen(...)` only starts the
/// process, these wait for it.
fn popen_wait(checker: &Checker, method: &ast::ExprAttribute) -> Option<BlockingCall> {
    let name = method.attr.as_str();
    if !matches!(name, "wait" | "communicate") {
        return None;
    }
    let semantic = checker.semantic();
    let scope = checker.scope();
    let receiver = method.value.as_ref();
    if semantic.instance_type(receiver, scope).as_deref() != Some("subprocess.Popen") {
        return None;
    }
    // The `Popen(...)` call itself, when the code shows it: is it a shell command?
    let construction =
        match receiver {
            Expr::Call(call) => Some(call),
            Expr::Name(_) => semantic
                .binding_of_name(receiver, scope)
                .and_then(|binding| match &binding.kind {
                    BindingKind::Assignment {
                        value: Expr::Call(call),
                    }
                    | BindingKind::WithItem {
                        context: Expr::Call(call),
                    }
                    | BindingKind::AnnAssign {
                        value: Some(Expr::Call(call)),
                        ..
                    } => Some(call),
                    _ => None,
                }),
            _ => None,
        };
    let shell = construction.is_some_and(runs_shell);
    let alternative = match (shell, name) {
        (false, "wait") => "`asyncio.create_subprocess_exec` and `await process.wait()`",
        (false, _) => "`asyncio.create_subprocess_exec` and `await process.communicate()`",
        (true, "wait") => "`asyncio.create_subprocess_shell` and `await process.wait()`",
        (true, _) => "`asyncio.create_subprocess_shell` and `await process.communicate()`",
    };
    Some(BlockingCall {
        rule: Rule::BlockingSubprocessInAsync,
        what: format!("`{name}` on a `subprocess.Popen`"),
        phrase: None,
        alternative,
    })
}

/// In a function `FastAPI` runs as a background task, the replacement to suggest: sending
/// "from `BackgroundTasks`" is where the call already is, and the task runs on the event loop
/// too, so only an async client or a worker thread helps.
pub(super) fn alternative_in_background_task(blocking: &BlockingCall) -> &'static str {
    if blocking.alternative == Resource::Smtp.alternative() {
        "`aiosmtplib` or `await run_in_threadpool(...)`"
    } else {
        blocking.alternative
    }
}

fn on_resource(resource: Resource, method: &str) -> BlockingCall {
    BlockingCall {
        rule: resource.rule(),
        what: format!("`{method}` on {}", resource.noun()),
        phrase: resource.phrase(),
        alternative: resource.alternative(),
    }
}

/// A qualified name as the user writes it: builtins lose their module.
fn code(qualified: &str) -> String {
    format!(
        "`{}`",
        qualified.strip_prefix("builtins.").unwrap_or(qualified)
    )
}

impl BlockingOptions {
    /// The configured extra calls, with the rule each list belongs to.
    fn extra_calls(&self) -> [(Rule, &[String]); 4] {
        [
            (Rule::BlockingHttpInAsync, &self.extra_http_calls),
            (Rule::BlockingFileIoInAsync, &self.extra_file_calls),
            (Rule::BlockingDbInAsync, &self.extra_db_calls),
            (
                Rule::BlockingSubprocessInAsync,
                &self.extra_subprocess_calls,
            ),
        ]
    }

    fn has_extra_calls(&self) -> bool {
        self.extra_calls()
            .iter()
            .any(|(_, entries)| !entries.is_empty())
    }

    /// The rule a configured extra call belongs to.
    fn rule_for(&self, qualified: &str) -> Option<Rule> {
        self.extra_calls()
            .into_iter()
            .find(|(_, entries)| extra_calls::any_matches(entries, qualified))
            .map(|(rule, _)| rule)
    }
}
