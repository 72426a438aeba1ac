use crate::registry::rule_docs;

rule_docs! {
    /// ## What it does
    /// Checks for synchronous HTTP and mail calls inside `async def` functions: `requests`
    /// (module functions and `requests.Session()` methods), `httpx.get`/`post`/… and sync
    /// `httpx.Client()` methods, `urllib.request.urlopen`, `urllib3`, `http.client`
    /// connections, `smtplib.SMTP`, name resolution and connections of `socket`
    /// (`gethostbyname`, `getaddrinfo`, `create_connection`), websocket-client's
    /// `create_connection`, `pywebpush.webpush`, and the Stripe SDK's API operations
    /// (`stripe.Customer.create(...)`; its `*_async` twins are fine).
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// FastAPI runs `async def` routes and dependencies directly on the event loop. A
    /// synchronous network call holds the thread until the remote side answers, often for
    /// hundreds of milliseconds, and no other request is served in the meantime.
    ///
    /// Use an async client (`httpx.AsyncClient`, `aiosmtplib`), send mail from
    /// `BackgroundTasks` so the client does not wait, or declare the route with a plain `def`
    /// so FastAPI runs it in its threadpool. In an `async def` that is itself a background
    /// task, `BackgroundTasks` is no way out: the task runs on the event loop too, after the
    /// response, so the message suggests an async client or `await run_in_threadpool(...)`
    /// there.
    ///
    /// Clients are recognised from the code: a name bound to `requests.Session()` or
    /// `httpx.Client()`, a `with ... as` target, or a parameter annotated with the class.
    /// `httpx.AsyncClient` and functions handed to `run_in_threadpool` are not reported.
    ///
    /// ## Example
    /// ```python
    /// import requests
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/weather")
    /// async def weather():
    ///     return requests.get("https://api.example.com/weather").json()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import httpx
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/weather")
    /// async def weather():
    ///     async with httpx.AsyncClient() as client:
    ///         response = await client.get("https://api.example.com/weather")
    ///     return response.json()
    /// ```
    ///
    /// ## Options
    /// - `lint.blocking.extra-http-calls`: more qualified names to report (`mylib.fetch`,
    ///   `mylib.Client.get`, `mylib.*`)
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations", 2: "Use
    ///   `async` friendly code", and 5: "Don't make your users wait"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [HTTPX: Async support](https://www.python-httpx.org/async/)
    pub struct BlockingHttpInAsync;
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "blocking/FAPI102.py",
            LinterSettings::for_rules([Rule::BlockingHttpInAsync])
        );
    }
}
