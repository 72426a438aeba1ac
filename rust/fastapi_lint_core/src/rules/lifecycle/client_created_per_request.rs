use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use super::catalogue;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for database clients, connection pools and HTTP clients created inside a route or
    /// a dependency, where they are built again for every request.
    ///
    /// The clients it knows: `pymongo.MongoClient`, `AsyncIOMotorClient`, SQLAlchemy `create_engine` /
    /// `create_async_engine`, `asyncpg.connect` / `create_pool`, `psycopg2.connect`,
    /// `psycopg.connect`, `psycopg_pool` pools, `redis.Redis` / `redis.from_url` (sync and
    /// `redis.asyncio`), `httpx.Client` / `AsyncClient`, `aiohttp.ClientSession`,
    /// `requests.Session`, `boto3.client` / `resource`, `aioboto3.Session().client(...)`, the
    /// Elasticsearch and OpenAI clients.
    ///
    /// Creating a session from a session factory (`SessionLocal()`, `AsyncSession(engine)`) is
    /// not reported: that is the cheap per-request object the pool exists for. Neither are
    /// clients created at module level, in the lifespan, or in a dependency cached with
    /// `@lru_cache` / `@cache`.
    ///
    /// ## Why is this bad?
    /// FastAPI calls routes and their dependencies for every request. A client built there
    /// opens new connections each time (TCP and TLS handshakes, database authentication) and
    /// throws them away afterwards: latency goes up, the database sees a connection storm
    /// under load, and a client that is not closed leaks sockets. Clients and pools are meant
    /// to be created once and shared; `async with httpx.AsyncClient() as client:` inside a route
    /// is still one new connection pool per request.
    ///
    /// ## Example
    /// ```python
    /// import httpx
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/weather")
    /// async def weather(city: str):
    ///     async with httpx.AsyncClient() as client:
    ///         response = await client.get("https://weather.example", params={"city": city})
    ///     return response.json()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from contextlib import asynccontextmanager
    /// from typing import Annotated
    ///
    /// import httpx
    /// from fastapi import Depends, FastAPI, Request
    ///
    ///
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     async with httpx.AsyncClient() as client:
    ///         app.state.http = client
    ///         yield
    ///
    ///
    /// app = FastAPI(lifespan=lifespan)
    ///
    ///
    /// def get_http(request: Request) -> httpx.AsyncClient:
    ///     return request.app.state.http
    ///
    ///
    /// @app.get("/weather")
    /// async def weather(city: str, client: Annotated[httpx.AsyncClient, Depends(get_http)]):
    ///     response = await client.get("https://weather.example", params={"city": city})
    ///     return response.json()
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 11: "Avoid creating a new DB connection in every endpoint"
    /// - [FastAPI: Lifespan Events](https://fastapi.tiangolo.com/advanced/events/)
    /// - [FastAPI: Dependencies with yield](https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/)
    /// - [HTTPX: Clients](https://www.python-httpx.org/advanced/clients/)
    pub struct ClientCreatedPerRequest;
}

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(function) = super::request_path_function(checker) else {
        return;
    };
    let Some(created) = catalogue::created_by(checker.semantic(), call, checker.scope()) else {
        return;
    };
    let role = checker.fastapi().roles(function).primary();
    // A websocket route runs once per connection, not per message.
    let per = if role == Some(FunctionRole::WebSocket) {
        "connection"
    } else {
        "request"
    };
    let role = role.map_or("function", FunctionRole::noun);
    let message = format!(
        "`{name}` in {role} `{function}` creates a new {noun} on every {per}, paying for new connections each time; \
         create it once in the lifespan, store it on `app.state` and hand it out through a dependency",
        name = created.name,
        noun = created.kind.noun(),
        function = function.name.as_str(),
    );
    checker.report(Diagnostic::new(
        Rule::ClientCreatedPerRequest,
        message,
        call.func.range(),
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "lifecycle/FAPI601.py",
            LinterSettings::for_rules([Rule::ClientCreatedPerRequest])
        );
    }
}
