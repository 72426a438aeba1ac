//! Connection pools and clients: objects that hold sockets (and usually a pool of them), meant to
//! be created once per process and shared. FAPI601, FAPI602, FAPI604 and FAPI605 look them up here.

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::{ScopeId, SemanticModel};

/// What an object is, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Client,
    Pool,
    Connection,
    Engine,
}

impl Kind {
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            Kind::Client => "client",
            Kind::Pool => "connection pool",
            Kind::Connection => "database connection",
            Kind::Engine => "engine",
        }
    }
}

/// How the object is released at shutdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Release {
    Close,
    AwaitClose,
    AwaitAclose,
    Dispose,
    AwaitDispose,
    CloseAll,
    /// No release call is known: nothing to release (boto3 clients), only usable as an
    /// `async with` (aioboto3), or a resource whose type is not known.
    Nothing,
}

impl Release {
    /// The method names that release an object of any kind, as FAPI605 accepts them.
    pub(crate) const METHODS: &'static [&'static str] = &[
        "close",
        "aclose",
        "dispose",
        "disconnect",
        "terminate",
        "closeall",
        "wait_closed",
        "shutdown",
    ];

    /// The statement that releases `handle`: `await app.state.http.aclose()`.
    pub(crate) fn statement(self, handle: &str) -> Option<String> {
        let (prefix, method) = match self {
            Release::Close => ("", "close"),
            Release::AwaitClose => ("await ", "close"),
            Release::AwaitAclose => ("await ", "aclose"),
            Release::Dispose => ("", "dispose"),
            Release::AwaitDispose => ("await ", "dispose"),
            Release::CloseAll => ("", "closeall"),
            Release::Nothing => return None,
        };
        Some(format!("{prefix}{handle}.{method}()"))
    }
}

/// One way to build a client: a qualified function or class name.
#[derive(Debug)]
pub(crate) struct Constructor {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) release: Release,
}

const fn entry(name: &'static str, kind: Kind, release: Release) -> Constructor {
    Constructor {
        name,
        kind,
        release,
    }
}

const CONSTRUCTORS: &[Constructor] = &[
    // MongoDB
    entry("pymongo.MongoClient", Kind::Client, Release::Close),
    entry(
        "pymongo.mongo_client.MongoClient",
        Kind::Client,
        Release::Close,
    ),
    entry(
        "pymongo.AsyncMongoClient",
        Kind::Client,
        Release::AwaitClose,
    ),
    entry(
        "pymongo.asynchronous.mongo_client.AsyncMongoClient",
        Kind::Client,
        Release::AwaitClose,
    ),
    entry(
        "motor.motor_asyncio.AsyncIOMotorClient",
        Kind::Client,
        Release::Close,
    ),
    // SQLAlchemy / SQLModel engines (each holds a connection pool)
    entry("sqlalchemy.create_engine", Kind::Engine, Release::Dispose),
    entry(
        "sqlalchemy.engine.create_engine",
        Kind::Engine,
        Release::Dispose,
    ),
    entry("sqlmodel.create_engine", Kind::Engine, Release::Dispose),
    entry(
        "sqlalchemy.ext.asyncio.create_async_engine",
        Kind::Engine,
        Release::AwaitDispose,
    ),
    entry(
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
        Kind::Engine,
        Release::AwaitDispose,
    ),
    // PostgreSQL
    entry("asyncpg.connect", Kind::Connection, Release::AwaitClose),
    entry(
        "asyncpg.connection.connect",
        Kind::Connection,
        Release::AwaitClose,
    ),
    entry("asyncpg.create_pool", Kind::Pool, Release::AwaitClose),
    entry("asyncpg.pool.create_pool", Kind::Pool, Release::AwaitClose),
    entry("psycopg2.connect", Kind::Connection, Release::Close),
    entry(
        "psycopg2.pool.SimpleConnectionPool",
        Kind::Pool,
        Release::CloseAll,
    ),
    entry(
        "psycopg2.pool.ThreadedConnectionPool",
        Kind::Pool,
        Release::CloseAll,
    ),
    entry("psycopg.connect", Kind::Connection, Release::Close),
    entry(
        "psycopg.Connection.connect",
        Kind::Connection,
        Release::Close,
    ),
    entry(
        "psycopg.AsyncConnection.connect",
        Kind::Connection,
        Release::AwaitClose,
    ),
    entry("psycopg_pool.ConnectionPool", Kind::Pool, Release::Close),
    entry(
        "psycopg_pool.NullConnectionPool",
        Kind::Pool,
        Release::Close,
    ),
    entry(
        "psycopg_pool.AsyncConnectionPool",
        Kind::Pool,
        Release::AwaitClose,
    ),
    entry(
        "psycopg_pool.AsyncNullConnectionPool",
        Kind::Pool,
        Release::AwaitClose,
    ),
    // MySQL
    entry("pymysql.connect", Kind::Connection, Release::Close),
    entry("pymysql.Connect", Kind::Connection, Release::Close),
    entry("mysql.connector.connect", Kind::Connection, Release::Close),
    entry("aiomysql.connect", Kind::Connection, Release::Close),
    entry("aiomysql.create_pool", Kind::Pool, Release::Close),
    // Redis
    entry("redis.Redis", Kind::Client, Release::Close),
    entry("redis.StrictRedis", Kind::Client, Release::Close),
    entry("redis.client.Redis", Kind::Client, Release::Close),
    entry("redis.client.StrictRedis", Kind::Client, Release::Close),
    entry("redis.from_url", Kind::Client, Release::Close),
    entry("redis.Redis.from_url", Kind::Client, Release::Close),
    entry("redis.StrictRedis.from_url", Kind::Client, Release::Close),
    entry("redis.asyncio.Redis", Kind::Client, Release::AwaitAclose),
    entry(
        "redis.asyncio.StrictRedis",
        Kind::Client,
        Release::AwaitAclose,
    ),
    entry(
        "redis.asyncio.client.Redis",
        Kind::Client,
        Release::AwaitAclose,
    ),
    entry("redis.asyncio.from_url", Kind::Client, Release::AwaitAclose),
    entry(
        "redis.asyncio.Redis.from_url",
        Kind::Client,
        Release::AwaitAclose,
    ),
    entry("aioredis.Redis", Kind::Client, Release::AwaitClose),
    entry("aioredis.from_url", Kind::Client, Release::AwaitClose),
    // HTTP
    entry("httpx.Client", Kind::Client, Release::Close),
    entry("httpx.AsyncClient", Kind::Client, Release::AwaitAclose),
    entry("aiohttp.ClientSession", Kind::Client, Release::AwaitClose),
    entry(
        "aiohttp.client.ClientSession",
        Kind::Client,
        Release::AwaitClose,
    ),
    entry("requests.Session", Kind::Client, Release::Close),
    entry("requests.session", Kind::Client, Release::Close),
    entry("requests.sessions.Session", Kind::Client, Release::Close),
    // Search and AI services (HTTP clients with their own pools)
    entry("elasticsearch.Elasticsearch", Kind::Client, Release::Close),
    entry(
        "elasticsearch.AsyncElasticsearch",
        Kind::Client,
        Release::AwaitClose,
    ),
    entry("openai.OpenAI", Kind::Client, Release::Close),
    entry("openai.AsyncOpenAI", Kind::Client, Release::AwaitClose),
    // AWS
    entry("boto3.client", Kind::Client, Release::Nothing),
    entry("boto3.resource", Kind::Client, Release::Nothing),
];

/// The catalogue entry of a qualified constructor name.
pub(crate) fn constructor(qualified: &str) -> Option<&'static Constructor> {
    CONSTRUCTORS
        .iter()
        .find(|constructor| constructor.name == qualified)
}

/// Sessions whose `.client(...)` / `.resource(...)` build an AWS client.
const AWS_SESSIONS: &[(&str, &str)] = &[
    ("boto3.Session", "boto3.Session"),
    ("boto3.session.Session", "boto3.Session"),
    ("aioboto3.Session", "aioboto3.Session"),
    ("aioboto3.session.Session", "aioboto3.Session"),
];

/// A client built by a call, with the name to show for it (`httpx.AsyncClient`,
/// `aioboto3.Session.client`).
#[derive(Debug)]
pub(crate) struct Created {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) release: Release,
}

/// The client `call` builds, when the code proves it: a catalogued constructor, or
/// `.client()`/`.resource()` on a proven `boto3`/`aioboto3` session.
/// `scope` is where the call is evaluated.
pub(crate) fn created_by(
    semantic: &SemanticModel,
    call: &ast::ExprCall,
    scope: ScopeId,
) -> Option<Created> {
    if let Some(qualified) = semantic.qualified_name(&call.func, scope)
        && let Some(constructor) = constructor(&qualified)
    {
        return Some(Created {
            name: qualified,
            kind: constructor.kind,
            release: constructor.release,
        });
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    let method_name = method.attr.as_str();
    if !matches!(method_name, "client" | "resource") {
        return None;
    }
    let session = semantic.instance_type(&method.value, scope)?;
    let (_, shown) = AWS_SESSIONS.iter().find(|(class, _)| *class == session)?;
    // aioboto3 clients are async context managers: `async with` closes them.
    Some(Created {
        name: format!("{shown}.{method_name}"),
        kind: Kind::Client,
        release: Release::Nothing,
    })
}

/// [`created_by`] for an expression, seeing through `await` (`await asyncpg.create_pool()`).
pub(crate) fn created_by_expr(
    semantic: &SemanticModel,
    expr: &Expr,
    scope: ScopeId,
) -> Option<Created> {
    let expr = match expr {
        Expr::Await(awaited) => awaited.value.as_ref(),
        other => other,
    };
    created_by(semantic, expr.as_call_expr()?, scope)
}
