//! The part a function plays in a `FastAPI` application.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionRole {
    /// `@app.get(...)`, `@router.api_route(...)`, `app.add_api_route(path, f)`.
    Route,
    /// `@app.websocket(...)`, `add_api_websocket_route`.
    WebSocket,
    /// `@app.middleware("http")`.
    Middleware,
    /// `@app.exception_handler(...)`, `add_exception_handler`.
    ExceptionHandler,
    /// `FastAPI(lifespan=f)`.
    Lifespan,
    /// `@app.on_event(...)`, `add_event_handler`, `on_startup=[f]`.
    EventHandler,
    /// `Depends(f)` / `Security(f)` anywhere, including `dependencies=[...]` and `Annotated`.
    Dependency,
    /// `background_tasks.add_task(f, ...)`.
    BackgroundTask,
}

impl FunctionRole {
    /// How the role is named in messages: "route", "dependency", …
    pub const fn noun(self) -> &'static str {
        match self {
            FunctionRole::Route => "route",
            FunctionRole::WebSocket => "websocket route",
            FunctionRole::Middleware => "middleware",
            FunctionRole::ExceptionHandler => "exception handler",
            FunctionRole::Lifespan => "lifespan",
            FunctionRole::EventHandler => "event handler",
            FunctionRole::Dependency => "dependency",
            FunctionRole::BackgroundTask => "background task",
        }
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for FunctionRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// The roles one function plays (a function can be both a route and a dependency elsewhere).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Roles(u8);

impl Roles {
    pub fn insert(&mut self, role: FunctionRole) {
        self.0 |= role.bit();
    }

    pub fn extend(&mut self, other: Roles) {
        self.0 |= other.0;
    }

    pub const fn contains(self, role: FunctionRole) -> bool {
        self.0 & role.bit() != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The role that best names the function in a message, in the order of the enum.
    pub fn primary(self) -> Option<FunctionRole> {
        [
            FunctionRole::Route,
            FunctionRole::WebSocket,
            FunctionRole::Middleware,
            FunctionRole::ExceptionHandler,
            FunctionRole::Lifespan,
            FunctionRole::EventHandler,
            FunctionRole::Dependency,
            FunctionRole::BackgroundTask,
        ]
        .into_iter()
        .find(|role| self.contains(*role))
    }

    /// Whether `FastAPI` calls this function while serving a request (route or dependency).
    pub const fn in_request_path(self) -> bool {
        self.contains(FunctionRole::Route)
            || self.contains(FunctionRole::WebSocket)
            || self.contains(FunctionRole::Dependency)
    }
}
