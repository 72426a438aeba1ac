//! What the code proves about `FastAPI`: which objects are apps and routers, and which functions
//! are routes, dependencies, middleware, exception handlers, lifespans, event handlers and
//! background tasks.

mod context;
mod role;

pub use context::{FastApiContext, RouteDecorator, is_app_or_router};
pub use role::{FunctionRole, Roles};

/// Qualified names of the `FastAPI` application and router classes.
pub const APP_CLASSES: &[&str] = &["fastapi.FastAPI", "fastapi.applications.FastAPI"];
pub const ROUTER_CLASSES: &[&str] = &["fastapi.APIRouter", "fastapi.routing.APIRouter"];
/// `Depends` and `Security`, from where `FastAPI` exports them.
pub const DEPENDS: &[&str] = &[
    "fastapi.Depends",
    "fastapi.params.Depends",
    "fastapi.param_functions.Depends",
];
pub const SECURITY: &[&str] = &[
    "fastapi.Security",
    "fastapi.params.Security",
    "fastapi.param_functions.Security",
];
pub const BACKGROUND_TASKS: &[&str] = &[
    "fastapi.BackgroundTasks",
    "fastapi.background.BackgroundTasks",
    "starlette.background.BackgroundTasks",
];
/// The HTTP method decorators (`@app.get`), as `FastAPI`'s app and router define them.
pub const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "options", "head", "trace",
];

#[cfg(test)]
mod tests;
