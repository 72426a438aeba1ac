//! Objects whose methods block: sync HTTP sessions, database sessions and connections, Mongo
//! clients and what hangs off them, `pathlib.Path` values, …
//!
//! An expression is a resource only when the code proves it: it is built by a known class or
//! factory, is a name bound to such a value (assignment, `with … as`), a parameter annotated
//! with the class, an instance attribute (`self.session`) its class annotates with the class or
//! assigns only such values, or is derived from another resource (`client.db.users`, `conn.cursor()`,
//! `SessionLocal()` where `SessionLocal = sessionmaker(...)`, `path / "name"`).

use std::sync::LazyLock;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Operator, Stmt};
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::fastapi::{DEPENDS, SECURITY};
use crate::project::FileFacts;
use crate::project::names::{module_name_or_main, reference_name};
use crate::registry::Rule;
use crate::semantic::{BindingKind, ScopeId, SemanticModel, unwrap_annotation};

/// A synchronous database driver following the DB-API (PEP 249).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Driver {
    Psycopg2,
    Psycopg,
    Sqlite3,
    PyMySql,
    MySqlConnector,
    MySqlDb,
}

impl Driver {
    const fn module(self) -> &'static str {
        match self {
            Driver::Psycopg2 => "psycopg2",
            Driver::Psycopg => "psycopg",
            Driver::Sqlite3 => "sqlite3",
            Driver::PyMySql => "pymysql",
            Driver::MySqlConnector => "mysql.connector",
            Driver::MySqlDb => "MySQLdb",
        }
    }

    const fn alternative(self) -> &'static str {
        match self {
            Driver::Psycopg2 => "`asyncpg` or `psycopg.AsyncConnection`",
            Driver::Psycopg => "`psycopg.AsyncConnection`",
            Driver::Sqlite3 => "`aiosqlite`",
            Driver::PyMySql | Driver::MySqlConnector | Driver::MySqlDb => "`aiomysql` or `asyncmy`",
        }
    }
}

/// What the project index records of functions that provide one (a dependency yielding a
/// session), so it is serialized with the summaries and facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[expect(
    clippy::enum_variant_names,
    reason = "`BotoResource` is what boto3 calls a service resource"
)]
pub enum Resource {
    RequestsSession,
    HttpxClient,
    Urllib3Pool,
    HttpClientConnection,
    Smtp,
    /// A `SQLAlchemy` or `SQLModel` `Session`.
    SqlSession,
    /// What `sessionmaker(...)` returns: calling it makes a [`Resource::SqlSession`].
    SessionFactory,
    MongoClient,
    MongoDatabase,
    MongoCollection,
    DbConnection(Driver),
    DbCursor(Driver),
    Redis,
    RedisPipeline,
    BotoSession,
    BotoClient,
    BotoResource,
    Path,
}

/// When building the resource is itself blocking I/O.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ConstructionBlocks {
    Never,
    Always,
    /// `smtplib.SMTP("host")` connects; `smtplib.SMTP()` does not.
    WithArguments,
}

struct Constructor {
    name: &'static str,
    resource: Resource,
    blocks: ConstructionBlocks,
}

const fn quiet(name: &'static str, resource: Resource) -> Constructor {
    Constructor {
        name,
        resource,
        blocks: ConstructionBlocks::Never,
    }
}

const fn connects(name: &'static str, resource: Resource) -> Constructor {
    Constructor {
        name,
        resource,
        blocks: ConstructionBlocks::Always,
    }
}

/// Classes whose instances are resources: constructed by calling them, or named in a
/// parameter annotation.
const CLASSES: &[(&str, Resource)] = &[
    ("requests.Session", Resource::RequestsSession),
    ("requests.sessions.Session", Resource::RequestsSession),
    ("httpx.Client", Resource::HttpxClient),
    ("urllib3.PoolManager", Resource::Urllib3Pool),
    ("urllib3.ProxyManager", Resource::Urllib3Pool),
    ("urllib3.HTTPConnectionPool", Resource::Urllib3Pool),
    ("urllib3.HTTPSConnectionPool", Resource::Urllib3Pool),
    ("urllib3.poolmanager.PoolManager", Resource::Urllib3Pool),
    ("http.client.HTTPConnection", Resource::HttpClientConnection),
    (
        "http.client.HTTPSConnection",
        Resource::HttpClientConnection,
    ),
    ("smtplib.SMTP", Resource::Smtp),
    ("smtplib.SMTP_SSL", Resource::Smtp),
    ("smtplib.LMTP", Resource::Smtp),
    ("sqlalchemy.orm.Session", Resource::SqlSession),
    ("sqlalchemy.orm.session.Session", Resource::SqlSession),
    ("sqlmodel.Session", Resource::SqlSession),
    ("sqlmodel.orm.session.Session", Resource::SqlSession),
    ("pymongo.MongoClient", Resource::MongoClient),
    ("pymongo.mongo_client.MongoClient", Resource::MongoClient),
    ("pymongo.database.Database", Resource::MongoDatabase),
    ("pymongo.collection.Collection", Resource::MongoCollection),
    (
        "sqlite3.Connection",
        Resource::DbConnection(Driver::Sqlite3),
    ),
    ("sqlite3.Cursor", Resource::DbCursor(Driver::Sqlite3)),
    (
        "psycopg2.extensions.connection",
        Resource::DbConnection(Driver::Psycopg2),
    ),
    (
        "psycopg2.extensions.cursor",
        Resource::DbCursor(Driver::Psycopg2),
    ),
    (
        "psycopg.Connection",
        Resource::DbConnection(Driver::Psycopg),
    ),
    ("psycopg.Cursor", Resource::DbCursor(Driver::Psycopg)),
    (
        "pymysql.connections.Connection",
        Resource::DbConnection(Driver::PyMySql),
    ),
    (
        "pymysql.cursors.Cursor",
        Resource::DbCursor(Driver::PyMySql),
    ),
    ("redis.Redis", Resource::Redis),
    ("redis.StrictRedis", Resource::Redis),
    ("redis.client.Redis", Resource::Redis),
    ("redis.client.StrictRedis", Resource::Redis),
    ("boto3.Session", Resource::BotoSession),
    ("boto3.session.Session", Resource::BotoSession),
    ("pathlib.Path", Resource::Path),
    ("pathlib.PosixPath", Resource::Path),
    ("pathlib.WindowsPath", Resource::Path),
];

/// Factories (and classes whose construction does I/O) beyond plain class calls.
const FACTORIES: &[Constructor] = &[
    quiet("requests.session", Resource::RequestsSession),
    quiet("urllib3.connection_from_url", Resource::Urllib3Pool),
    Constructor {
        name: "smtplib.SMTP",
        resource: Resource::Smtp,
        blocks: ConstructionBlocks::WithArguments,
    },
    Constructor {
        name: "smtplib.SMTP_SSL",
        resource: Resource::Smtp,
        blocks: ConstructionBlocks::WithArguments,
    },
    Constructor {
        name: "smtplib.LMTP",
        resource: Resource::Smtp,
        blocks: ConstructionBlocks::WithArguments,
    },
    connects("psycopg2.connect", Resource::DbConnection(Driver::Psycopg2)),
    connects("psycopg.connect", Resource::DbConnection(Driver::Psycopg)),
    connects(
        "psycopg.Connection.connect",
        Resource::DbConnection(Driver::Psycopg),
    ),
    connects("sqlite3.connect", Resource::DbConnection(Driver::Sqlite3)),
    connects("pymysql.connect", Resource::DbConnection(Driver::PyMySql)),
    connects("pymysql.Connect", Resource::DbConnection(Driver::PyMySql)),
    connects(
        "mysql.connector.connect",
        Resource::DbConnection(Driver::MySqlConnector),
    ),
    connects("MySQLdb.connect", Resource::DbConnection(Driver::MySqlDb)),
    quiet("redis.from_url", Resource::Redis),
    quiet("redis.Redis.from_url", Resource::Redis),
    quiet("redis.StrictRedis.from_url", Resource::Redis),
    // Building a boto3 client reads credentials and service models from disk.
    connects("boto3.client", Resource::BotoClient),
    connects("boto3.resource", Resource::BotoResource),
    quiet("pathlib.Path.home", Resource::Path),
    quiet("pathlib.Path.cwd", Resource::Path),
];

/// Attributes every `PyMongo` client, database and collection has: never a database or collection.
const MONGO_SETTINGS: &[&str] = &[
    "codec_options",
    "read_preference",
    "write_concern",
    "read_concern",
];

const SESSIONMAKERS: &[&str] = &[
    "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.session.sessionmaker",
];

/// How deep name bindings and derivations are followed (`a = b.c; d = a[0]; …`).
const MAX_DEPTH: u8 = 8;

impl Resource {
    /// The rule a blocking call on this resource belongs to.
    pub(super) const fn rule(self) -> Rule {
        match self {
            Resource::RequestsSession
            | Resource::HttpxClient
            | Resource::Urllib3Pool
            | Resource::HttpClientConnection
            | Resource::Smtp => Rule::BlockingHttpInAsync,
            Resource::Path => Rule::BlockingFileIoInAsync,
            _ => Rule::BlockingDbInAsync,
        }
    }

    /// How the message names the resource, after "on".
    pub(super) fn noun(self) -> String {
        match self {
            Resource::RequestsSession => "a `requests.Session`".to_string(),
            Resource::HttpxClient => "a sync `httpx.Client`".to_string(),
            Resource::Urllib3Pool => "a `urllib3` pool".to_string(),
            Resource::HttpClientConnection => "an `http.client` connection".to_string(),
            Resource::Smtp => "an `smtplib` connection".to_string(),
            Resource::SqlSession | Resource::SessionFactory => {
                "a sync SQLAlchemy `Session`".to_string()
            }
            Resource::MongoClient => "a `pymongo.MongoClient`".to_string(),
            Resource::MongoDatabase => "a `pymongo` database".to_string(),
            Resource::MongoCollection => "a `pymongo` collection".to_string(),
            Resource::DbConnection(driver) => format!("a `{}` connection", driver.module()),
            Resource::DbCursor(driver) => format!("a `{}` cursor", driver.module()),
            Resource::Redis => "a sync `redis.Redis` client".to_string(),
            Resource::RedisPipeline => "a sync `redis` pipeline".to_string(),
            Resource::BotoSession => "a `boto3.Session`".to_string(),
            Resource::BotoClient => "a `boto3` client".to_string(),
            Resource::BotoResource => "a `boto3` resource".to_string(),
            Resource::Path => "a `pathlib.Path`".to_string(),
        }
    }

    /// The non-blocking replacement to suggest.
    pub(super) const fn alternative(self) -> &'static str {
        match self {
            Resource::RequestsSession
            | Resource::HttpxClient
            | Resource::Urllib3Pool
            | Resource::HttpClientConnection => "`httpx.AsyncClient`",
            Resource::Smtp => "`aiosmtplib` (or send from `BackgroundTasks`)",
            Resource::SqlSession | Resource::SessionFactory => {
                "`AsyncSession` with an async engine"
            }
            Resource::MongoClient | Resource::MongoDatabase | Resource::MongoCollection => {
                "`pymongo.AsyncMongoClient` or `motor`"
            }
            Resource::DbConnection(driver) | Resource::DbCursor(driver) => driver.alternative(),
            Resource::Redis | Resource::RedisPipeline => "`redis.asyncio`",
            Resource::BotoSession | Resource::BotoClient | Resource::BotoResource => "`aioboto3`",
            Resource::Path => "`anyio.Path` or `aiofiles`",
        }
    }

    /// How the message calls a blocking call on this resource, when not the rule's default.
    pub(super) const fn phrase(self) -> Option<&'static str> {
        match self {
            Resource::Smtp => Some("mail call"),
            Resource::BotoSession | Resource::BotoClient | Resource::BotoResource => {
                Some("AWS call")
            }
            _ => None,
        }
    }

    /// Whether calling `method` on the resource does blocking I/O.
    pub(super) fn blocks(self, method: &str) -> bool {
        match self {
            Resource::RequestsSession => matches!(
                method,
                "get"
                    | "post"
                    | "put"
                    | "patch"
                    | "delete"
                    | "head"
                    | "options"
                    | "request"
                    | "send"
            ),
            Resource::HttpxClient => {
                matches!(
                    method,
                    "get"
                        | "post"
                        | "put"
                        | "patch"
                        | "delete"
                        | "head"
                        | "options"
                        | "request"
                        | "send"
                        | "stream"
                )
            }
            Resource::Urllib3Pool => matches!(
                method,
                "request" | "urlopen" | "request_encode_url" | "request_encode_body"
            ),
            Resource::HttpClientConnection => matches!(
                method,
                "request" | "getresponse" | "connect" | "send" | "endheaders"
            ),
            Resource::Smtp => !matches!(method, "set_debuglevel" | "has_extn" | "close"),
            Resource::SqlSession => matches!(
                method,
                "execute"
                    | "exec"
                    | "scalar"
                    | "scalars"
                    | "get"
                    | "get_one"
                    | "commit"
                    | "flush"
                    | "refresh"
                    | "query"
                    | "merge"
                    | "delete"
                    | "rollback"
                    | "close"
            ),
            Resource::SessionFactory => false,
            Resource::MongoClient => !matches!(
                method,
                "get_database" | "get_default_database" | "with_options"
            ),
            Resource::MongoDatabase => !matches!(method, "get_collection" | "with_options"),
            Resource::MongoCollection => method != "with_options",
            Resource::DbConnection(_) => method != "cursor",
            Resource::DbCursor(_) => matches!(
                method,
                "execute"
                    | "executemany"
                    | "executescript"
                    | "callproc"
                    | "fetchone"
                    | "fetchmany"
                    | "fetchall"
                    | "copy_expert"
                    | "copy_from"
                    | "copy_to"
                    | "nextset"
                    | "scroll"
            ),
            Resource::Redis => !matches!(
                method,
                "pipeline"
                    | "pubsub"
                    | "lock"
                    | "register_script"
                    | "get_encoder"
                    | "get_connection_kwargs"
                    | "get_retry"
                    | "set_retry"
                    | "set_response_callback"
            ),
            Resource::RedisPipeline => matches!(method, "execute" | "reset" | "watch" | "unwatch"),
            Resource::BotoSession => matches!(method, "client" | "resource"),
            Resource::BotoClient => !matches!(
                method,
                "get_paginator"
                    | "get_waiter"
                    | "can_paginate"
                    | "generate_presigned_url"
                    | "generate_presigned_post"
                    | "close"
            ),
            // Service resources create sub-resources (`s3.Bucket(name)`) without I/O; their
            // lower-case methods are API actions (`s3.create_bucket(...)`).
            Resource::BotoResource => {
                method.starts_with(|c: char| c.is_ascii_lowercase())
                    && method != "get_available_subresources"
            }
            Resource::Path => matches!(
                method,
                "read_text"
                    | "read_bytes"
                    | "write_text"
                    | "write_bytes"
                    | "open"
                    | "touch"
                    | "mkdir"
                    | "rmdir"
                    | "unlink"
                    | "rename"
                    | "replace"
                    | "iterdir"
                    | "glob"
                    | "rglob"
            ),
        }
    }

    /// The resource a method call returns: `client.get_database()`, `conn.cursor()`, …
    fn method_result(self, method: &str) -> Option<Resource> {
        match (self, method) {
            (Resource::MongoClient, "get_database" | "get_default_database") => {
                Some(Resource::MongoDatabase)
            }
            (Resource::MongoDatabase, "get_collection") => Some(Resource::MongoCollection),
            (
                Resource::MongoClient | Resource::MongoDatabase | Resource::MongoCollection,
                "with_options",
            ) => Some(self),
            (Resource::DbConnection(driver), "cursor") => Some(Resource::DbCursor(driver)),
            (Resource::Redis, "pipeline") => Some(Resource::RedisPipeline),
            (Resource::BotoSession, "client") => Some(Resource::BotoClient),
            (Resource::BotoSession, "resource") => Some(Resource::BotoResource),
            (
                Resource::Path,
                "with_name" | "with_suffix" | "with_stem" | "joinpath" | "absolute" | "resolve"
                | "expanduser",
            ) => Some(Resource::Path),
            _ => None,
        }
    }

    /// The resource an attribute holds: `client.shop` is a database, `db.users` a collection.
    /// `PyMongo`'s own attributes (`db.name`, `collection.database`) are not sub-objects.
    fn attribute(self, name: &str) -> Option<Resource> {
        if name.starts_with('_') || (self.is_mongo() && MONGO_SETTINGS.contains(&name)) {
            return None;
        }
        match (self, name) {
            (Resource::MongoDatabase | Resource::MongoCollection, "client") => {
                Some(Resource::MongoClient)
            }
            (Resource::MongoCollection, "database") => Some(Resource::MongoDatabase),
            (Resource::MongoCollection, "name" | "full_name") => None,
            (
                Resource::MongoClient,
                "address"
                | "primary"
                | "secondaries"
                | "arbiters"
                | "is_primary"
                | "is_mongos"
                | "nodes"
                | "options"
                | "topology_description",
            ) => None,
            (Resource::MongoDatabase, "name") => None,
            (Resource::MongoClient, _) => Some(Resource::MongoDatabase),
            (Resource::MongoDatabase | Resource::MongoCollection, _) => {
                Some(Resource::MongoCollection)
            }
            (Resource::Path, "parent") => Some(Resource::Path),
            _ => None,
        }
    }

    const fn is_mongo(self) -> bool {
        matches!(
            self,
            Resource::MongoClient | Resource::MongoDatabase | Resource::MongoCollection
        )
    }

    /// The resource a subscript holds: `client["shop"]`, `db["users"]`.
    fn item(self) -> Option<Resource> {
        match self {
            Resource::MongoClient => Some(Resource::MongoDatabase),
            Resource::MongoDatabase | Resource::MongoCollection => Some(Resource::MongoCollection),
            _ => None,
        }
    }
}

/// [`CLASSES`] by name: asked of every annotation the type model reads (each field of each
/// model), one lookup instead of a scan.
static CLASS_RESOURCES: LazyLock<FxHashMap<&'static str, Resource>> =
    LazyLock::new(|| CLASSES.iter().copied().collect());

fn class_resource(qualified: &str) -> Option<Resource> {
    CLASS_RESOURCES.get(qualified).copied()
}

/// The resource a call of `qualified` builds, and whether building it blocks.
pub(super) fn constructed_by(
    semantic: &SemanticModel,
    qualified: &str,
    call: &ast::ExprCall,
    scope: ScopeId,
) -> Option<(Resource, bool)> {
    if let Some(factory) = FACTORIES.iter().find(|factory| factory.name == qualified) {
        let blocks = match factory.blocks {
            ConstructionBlocks::Never => false,
            ConstructionBlocks::Always => true,
            ConstructionBlocks::WithArguments => !call.arguments.is_empty(),
        };
        return Some((factory.resource, blocks));
    }
    if SESSIONMAKERS.contains(&qualified) {
        return makes_sync_sessions(semantic, call, scope)
            .then_some((Resource::SessionFactory, false));
    }
    class_resource(qualified).map(|resource| (resource, false))
}

/// `sessionmaker(...)` makes sync sessions unless `class_=` names another class
/// (`sessionmaker(engine, class_=AsyncSession)` is a common async setup).
fn makes_sync_sessions(semantic: &SemanticModel, call: &ast::ExprCall, scope: ScopeId) -> bool {
    match call.arguments.find_keyword("class_") {
        None => true,
        Some(keyword) => semantic
            .qualified_name(&keyword.value, scope)
            .is_some_and(|class| class_resource(&class) == Some(Resource::SqlSession)),
    }
}

/// The resource `expr` evaluates to in `scope`, when the code proves it; `facts` tell what
/// the project's other modules' functions provide.
pub(super) fn resource_of(
    semantic: &SemanticModel,
    facts: &FileFacts,
    expr: &Expr,
    scope: ScopeId,
) -> Option<Resource> {
    Lookup { semantic, facts }.resolve(expr, scope, 0)
}

/// The resource a function provides to the rest of the project ([`Lookup::provided_by`]),
/// from its own module alone. The project index asks this of every function, so only the
/// cheap cases are read: a return annotation, or, in a function whose text says `yield`, what
/// it yields (the shape of a dependency: `db = SessionLocal(); yield db`).
pub(crate) fn provided_to_project(
    semantic: &SemanticModel,
    function: &ast::StmtFunctionDef,
    source: &str,
) -> Option<Resource> {
    let facts = FileFacts::default();
    let lookup = Lookup {
        semantic,
        facts: &facts,
    };
    lookup.declared(function).or_else(|| {
        source[function.range()]
            .contains("yield")
            .then(|| lookup.provided_by_body(function, 0))
            .flatten()
    })
}

/// The class attributes of `class` that hold a resource, from its body alone: annotated with a
/// resource's class (`UPLOAD_DIR: Path = Path("uploads")`, a settings field) or assigned one.
/// The project index hands them to the modules that use the class or an instance of it.
pub(crate) fn class_resources<'c>(
    semantic: &SemanticModel,
    class: &'c ast::StmtClassDef,
) -> Vec<(&'c str, Resource)> {
    let Some(scope) = semantic.class_scope(class) else {
        return Vec::new();
    };
    let facts = FileFacts::default();
    let lookup = Lookup {
        semantic,
        facts: &facts,
    };
    class
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target, annotation, ..
            }) => Some((target.as_name_expr()?, lookup.annotated(annotation, scope)?)),
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => match targets.as_slice() {
                [Expr::Name(name)] => Some((name, lookup.resolve(value, scope, 0)?)),
                _ => None,
            },
            _ => None,
        })
        .map(|(name, resource)| (name.id.as_str(), resource))
        .collect()
}

/// Whether `function` is a generator: its body runs as it is iterated, not when it is called.
/// Only a function whose text says `yield` is looked into.
pub(crate) fn is_generator(function: &ast::StmtFunctionDef, source: &str) -> bool {
    source[function.range()].contains("yield") && ProvidedValues::of(function).generator
}

/// Generic types whose first argument is what a generator yields, or a context manager
/// enters: `-> Iterator[Session]` on a dependency that yields its session.
const YIELDING_TYPES: &[&str] = &[
    "typing.Generator",
    "typing.Iterator",
    "typing.Iterable",
    "typing.ContextManager",
    "typing_extensions.Generator",
    "collections.abc.Generator",
    "collections.abc.Iterator",
    "collections.abc.Iterable",
    "contextlib.AbstractContextManager",
];

struct Lookup<'s, 'a> {
    semantic: &'s SemanticModel<'a>,
    facts: &'s FileFacts,
}

impl Lookup<'_, '_> {
    fn resolve(&self, expr: &Expr, scope: ScopeId, depth: u8) -> Option<Resource> {
        if depth > MAX_DEPTH {
            return None;
        }
        let semantic = self.semantic;
        let next = depth + 1;
        match expr {
            Expr::Name(_) => {
                let binding = semantic.binding_of_name(expr, scope)?;
                match &binding.kind {
                    BindingKind::Assignment { value }
                    | BindingKind::WithItem { context: value } => {
                        self.resolve(value, binding.scope, next)
                    }
                    BindingKind::AnnAssign { annotation, value } => {
                        self.annotated(annotation, binding.scope).or_else(|| {
                            value.and_then(|value| self.resolve(value, binding.scope, next))
                        })
                    }
                    BindingKind::Parameter { parameter, default } => semantic
                        .instance_type(expr, scope)
                        .and_then(|class| class_resource(&class))
                        .or_else(|| {
                            // The annotation is evaluated where the function is defined.
                            let outer = semantic.scope(binding.scope).parent?;
                            let dependency = parameter
                                .annotation()
                                .and_then(|annotation| self.annotated_dependency(annotation, outer))
                                .or_else(|| self.dependency(default.as_ref()?, outer))?;
                            self.called(dependency, outer, next)
                        }),
                    _ => None,
                }
            }
            Expr::Call(call) => {
                if let Some(qualified) = semantic.qualified_name(&call.func, scope) {
                    if qualified == "contextlib.closing" {
                        let wrapped = call.arguments.find_positional(0)?;
                        return self.resolve(wrapped, scope, next);
                    }
                    if let Some((resource, _)) = constructed_by(semantic, &qualified, call, scope) {
                        return Some(resource);
                    }
                }
                if let Expr::Attribute(method) = call.func.as_ref() {
                    if let Some(receiver) = self.resolve(&method.value, scope, next) {
                        return receiver.method_result(method.attr.as_str());
                    }
                    // Only `self.factory()` calls an attribute that holds a resource.
                    if !method.value.is_name_expr() {
                        return None;
                    }
                }
                if let Some(resource) = self.called(&call.func, scope, next) {
                    return Some(resource);
                }
                match self.resolve(&call.func, scope, next)? {
                    Resource::SessionFactory => Some(Resource::SqlSession),
                    _ => None,
                }
            }
            Expr::Attribute(attribute) => {
                // The receiver's binding, looked up once, says which readings can apply: most
                // dotted receivers are imports, whose attributes only the index knows.
                let kind = match attribute.value.as_ref() {
                    Expr::Name(_) => Some(&semantic.binding_of_name(&attribute.value, scope)?.kind),
                    _ => None,
                };
                if matches!(kind, Some(BindingKind::Parameter { .. }))
                    && let Some(resource) = semantic.self_attribute(
                        attribute,
                        scope,
                        |annotation, scope| self.annotated(annotation, scope),
                        |value, scope| self.resolve(value, scope, next),
                    )
                {
                    return Some(resource);
                }
                if matches!(
                    kind,
                    Some(
                        BindingKind::ClassDef(_)
                            | BindingKind::Assignment { .. }
                            | BindingKind::Parameter { .. }
                    )
                ) && let Some(resource) = self.local_class_attribute(attribute, scope)
                {
                    return Some(resource);
                }
                if let Some(resource) = self.known_to_index(expr, scope) {
                    return Some(resource);
                }
                if matches!(
                    kind,
                    Some(
                        BindingKind::Import { .. }
                            | BindingKind::FromImport { .. }
                            | BindingKind::ClassDef(_)
                            | BindingKind::FunctionDef(_)
                    )
                ) {
                    return None;
                }
                self.resolve(&attribute.value, scope, next)?
                    .attribute(attribute.attr.as_str())
            }
            Expr::Subscript(subscript) => self.resolve(&subscript.value, scope, next)?.item(),
            Expr::BinOp(binop) if binop.op == Operator::Div => {
                match self.resolve(&binop.left, scope, next)? {
                    Resource::Path => Some(Resource::Path),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `settings.upload_dir` where the class of `settings`, of this module, annotates
    /// `upload_dir: Path`.
    fn local_class_attribute(
        &self,
        attribute: &ast::ExprAttribute,
        scope: ScopeId,
    ) -> Option<Resource> {
        let class = self.local_class_of(&attribute.value, scope)?;
        let class_scope = self.semantic.class_scope(class)?;
        let (annotation, annotation_scope) = self
            .semantic
            .instance_attribute(class_scope, attribute.attr.as_str())
            .declared?;
        self.annotated(annotation, annotation_scope)
    }

    /// What the project index tells of `expr`, another module's name: the resource an
    /// attribute of its class or instance holds (`settings.upload_dir` for
    /// `from app.config import settings`), or the one a function provides (`get_db`).
    fn known_to_index(&self, expr: &Expr, scope: ScopeId) -> Option<Resource> {
        if self.facts.resources.is_empty() {
            return None;
        }
        let module = module_name_or_main(self.semantic);
        let name = reference_name(self.semantic, &module, expr, scope)?;
        self.facts.resources.get(&name).copied()
    }

    /// The class of this module `expr` is, or is an instance of: `Settings`, `Settings()`, a
    /// name bound to either, a parameter annotated with it.
    fn local_class_of(&self, expr: &Expr, scope: ScopeId) -> Option<&ast::StmtClassDef> {
        let semantic = self.semantic;
        let expr = match expr {
            Expr::Call(call) => call.func.as_ref(),
            other => other,
        };
        let binding = semantic.binding_of_name(expr, scope)?;
        match &binding.kind {
            BindingKind::ClassDef(class) => Some(class),
            BindingKind::Assignment {
                value: Expr::Call(call),
            } => self.local_class_of(&call.func, binding.scope),
            BindingKind::Parameter { parameter, .. } => {
                let outer = semantic.scope(binding.scope).parent?;
                let annotation = unwrap_annotation(parameter.annotation()?, |expr| {
                    semantic.qualified_name(expr, outer)
                })?;
                match &semantic.binding_of_name(annotation, outer)?.kind {
                    BindingKind::ClassDef(class) => Some(class),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The resource an annotation names: `Session`, `Optional[Session]`, `Iterator[Session]`.
    fn annotated(&self, annotation: &Expr, scope: ScopeId) -> Option<Resource> {
        let semantic = self.semantic;
        let mut class = unwrap_annotation(annotation, |expr| semantic.qualified_name(expr, scope))?;
        if let Expr::Subscript(generic) = class
            && semantic
                .qualified_name(&generic.value, scope)
                .is_some_and(|name| YIELDING_TYPES.contains(&name.as_str()))
        {
            class = match generic.slice.as_ref() {
                Expr::Tuple(arguments) => arguments.elts.first()?,
                argument => argument,
            };
        }
        semantic
            .annotation_type(class, scope)
            .and_then(|class| class_resource(&class))
    }

    /// The function `Depends(function)` (or `Security(...)`) hands to `FastAPI`.
    fn dependency<'e>(&self, default: &'e Expr, scope: ScopeId) -> Option<&'e Expr> {
        let Expr::Call(call) = default else {
            return None;
        };
        let callee = self.semantic.qualified_name(&call.func, scope)?;
        (DEPENDS.contains(&callee.as_str()) || SECURITY.contains(&callee.as_str()))
            .then(|| call.arguments.find_argument_value("dependency", 0))
            .flatten()
    }

    /// The dependency of `Annotated[T, Depends(function)]`.
    fn annotated_dependency<'e>(&self, annotation: &'e Expr, scope: ScopeId) -> Option<&'e Expr> {
        let Expr::Subscript(subscript) = annotation else {
            return None;
        };
        let Expr::Tuple(arguments) = subscript.slice.as_ref() else {
            return None;
        };
        arguments
            .elts
            .iter()
            .skip(1)
            .find_map(|metadata| self.dependency(metadata, scope))
    }

    /// What calling `function` (an expression naming a function) provides: a function of this
    /// module is looked at, one of another module is known from the project index.
    fn called(&self, function: &Expr, scope: ScopeId, depth: u8) -> Option<Resource> {
        if function.is_name_expr()
            && let Some(binding) = self.semantic.binding_of_name(function, scope)
            && let BindingKind::FunctionDef(definition) = binding.kind
        {
            return self.provided_by(definition, depth);
        }
        self.known_to_index(function, scope)
    }

    /// What calling `function` gives, as `Depends(function)` and `with function() as x`
    /// receive it: a generator's yielded value, another function's returned one. A return
    /// annotation that names a resource decides (`-> Session`, `-> Iterator[Session]`);
    /// otherwise every value yielded (or returned) must be the same resource (`None` aside).
    fn provided_by(&self, function: &ast::StmtFunctionDef, depth: u8) -> Option<Resource> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.declared(function)
            .or_else(|| self.provided_by_body(function, depth))
    }

    /// The resource a function's return annotation names.
    fn declared(&self, function: &ast::StmtFunctionDef) -> Option<Resource> {
        let body = self.semantic.function_scope(function)?;
        let outer = self.semantic.scope(body).parent?;
        self.annotated(function.returns.as_deref()?, outer)
    }

    /// The resource every value the function yields (a generator) or returns is.
    fn provided_by_body(&self, function: &ast::StmtFunctionDef, depth: u8) -> Option<Resource> {
        let body = self.semantic.function_scope(function)?;
        let values = ProvidedValues::of(function);
        if values.unknown {
            return None;
        }
        let provided = if values.generator {
            values.yielded
        } else {
            values.returned
        };
        let mut agreed = None;
        for value in provided {
            if value.is_none_literal_expr() {
                continue;
            }
            let resource = self.resolve(value, body, depth + 1)?;
            if agreed.is_some_and(|agreed| agreed != resource) {
                return None;
            }
            agreed = Some(resource);
        }
        agreed
    }
}

/// The values a function yields and returns (not those of functions, lambdas or classes
/// nested in it).
#[derive(Default)]
struct ProvidedValues<'a> {
    /// Whether the function yields: what it provides is then what it yields, a bare `yield`
    /// yielding `None`.
    generator: bool,
    yielded: Vec<&'a Expr>,
    returned: Vec<&'a Expr>,
    /// A `yield from`: what it yields is another generator's.
    unknown: bool,
}

impl<'a> ProvidedValues<'a> {
    fn of(function: &'a ast::StmtFunctionDef) -> Self {
        let mut values = Self::default();
        values.visit_body(&function.body);
        values
    }
}

impl<'a> Visitor<'a> for ProvidedValues<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                self.returned.push(value);
                self.visit_expr(value);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Yield(ast::ExprYield { value, .. }) => {
                self.generator = true;
                if let Some(value) = value {
                    self.yielded.push(value);
                    self.visit_expr(value);
                }
            }
            Expr::YieldFrom(_) => self.unknown = true,
            _ => visitor::walk_expr(self, expr),
        }
    }
}
