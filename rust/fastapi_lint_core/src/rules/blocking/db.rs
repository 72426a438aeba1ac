use crate::registry::rule_docs;

rule_docs! {
    /// ## What it does
    /// Checks for calls on synchronous database and storage clients inside `async def`
    /// functions: SQLAlchemy / SQLModel `Session` methods (`execute`, `query`, `get`,
    /// `commit`, …), `pymongo.MongoClient` and the databases and collections that hang off
    /// it, DB-API drivers (`psycopg2`, `psycopg`, `sqlite3`, `pymysql`, `mysql.connector`)
    /// with their connections and cursors, sync `redis.Redis` clients, `boto3` clients, and
    /// `sqlalchemy_utils`' database helpers.
    ///
    /// The client is known from the code: built in the function, a parameter annotated with
    /// its class, an instance attribute its class annotates or `__init__` stores
    /// (`self.session`), or what a dependency provides (`db=Depends(get_db)` where `get_db`
    /// yields `SessionLocal()`, also from another module of the project) or a helper returns
    /// (`-> Session`). What the code does not prove stays silent.
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// FastAPI runs `async def` routes and dependencies directly on the event loop. A query
    /// through a synchronous driver holds the thread until the database answers; every other
    /// request waits behind it, so one slow query stalls the whole application.
    ///
    /// Use an async driver (`AsyncSession`, `pymongo.AsyncMongoClient` or `motor`, `asyncpg`,
    /// `aiosqlite`, `redis.asyncio`, `aioboto3`), or declare the route or dependency with a
    /// plain `def` so FastAPI runs it in its threadpool.
    ///
    /// Clients are recognised from the code, never from a variable's name: a parameter
    /// annotated `sqlalchemy.orm.Session` / `sqlmodel.Session` (also inside `Annotated`), a
    /// name bound to `Session(...)`, to `SessionLocal()` where
    /// `SessionLocal = sessionmaker(...)` (not with `class_=AsyncSession`), to
    /// `MongoClient(...)` and its attributes or items, to `psycopg2.connect(...)` and
    /// `conn.cursor()`, and so on. Async clients (`AsyncSession`, `motor`,
    /// `redis.asyncio`) are not reported.
    ///
    /// ## Example
    /// ```python
    /// from typing import Annotated
    ///
    /// from fastapi import Depends, FastAPI
    /// from sqlalchemy import select
    /// from sqlalchemy.orm import Session
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/users/{user_id}")
    /// async def get_user(user_id: int, db: Annotated[Session, Depends(get_db)]):
    ///     return db.execute(select(User).where(User.id == user_id)).scalar_one()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from typing import Annotated
    ///
    /// from fastapi import Depends, FastAPI
    /// from sqlalchemy import select
    /// from sqlalchemy.orm import Session
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/users/{user_id}")
    /// def get_user(user_id: int, db: Annotated[Session, Depends(get_db)]):
    ///     return db.execute(select(User).where(User.id == user_id)).scalar_one()
    /// ```
    ///
    /// ## Options
    /// - `lint.blocking.extra-db-calls`: more qualified names to report
    ///   (`mydb.Client.query`, `mydb.*`)
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations" (running
    ///   database queries using synchronous clients), 2: "Use `async` friendly code", and 4:
    ///   "Follow the same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [SQLAlchemy: Asynchronous I/O (asyncio)](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html)
    pub struct BlockingDbInAsync;
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "blocking/FAPI104.py",
            LinterSettings::for_rules([Rule::BlockingDbInAsync])
        );
    }
}
