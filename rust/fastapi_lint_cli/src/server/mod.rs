//! `fastapi-lint server`: a language server over stdio. Open documents are linted as they are
//! typed, with the settings and the project index `check --stdin-filename PATH` would use;
//! findings are pushed as diagnostics, fixes and `# noqa` offered as code actions, and a rule
//! code in a `# noqa` comment explains itself on hover.
//!
//! - [`session`]: the open documents, settings, and the document notifications.
//! - [`diagnostics`]: messages as LSP diagnostics.
//! - [`actions`]: quick fixes, `# noqa`, `source.fixAll.fastapi-lint`.
//! - [`hover`]: rule documentation.
//! - [`position`]: byte offsets to UTF-16 (or UTF-8) positions and back.

mod actions;
mod diagnostics;
mod hover;
mod position;
mod session;

use std::path::PathBuf;

use anyhow::Context as _;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Initialized, Notification as _,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability, InitializeParams,
    InitializeResult, SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};

use session::{Outbox, Session};

/// Serves one client on stdin/stdout until it exits. `Ok(true)` when it asked for a shutdown
/// first (exit code 0, as the protocol wants), `Ok(false)` when it exited or went away without.
pub(crate) fn run() -> anyhow::Result<bool> {
    let (connection, io_threads) = Connection::stdio();
    let clean = serve(&connection)?;
    drop(connection);
    io_threads
        .join()
        .context("The language server's input or output failed")?;
    Ok(clean)
}

/// The handshake, then every message until the client exits.
fn serve(connection: &Connection) -> anyhow::Result<bool> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams =
        serde_json::from_value(params).context("Invalid `initialize` parameters")?;
    let encoding = position::Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref()),
    );
    let result = InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            ..capabilities()
        },
        server_info: Some(ServerInfo {
            name: "fastapi-lint".to_string(),
            version: Some(fastapi_lint_core::VERSION.to_string()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.did_change_watched_files)
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false);
    let mut session = Session::new(workspace_root(&params)?, encoding);
    main_loop(connection, &mut session, watch)
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX, actions::FIX_ALL]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The first workspace folder, else the working directory.
fn workspace_root(params: &InitializeParams) -> anyhow::Result<PathBuf> {
    let folder = params
        .workspace_folders
        .iter()
        .flatten()
        .find_map(|folder| session::file_path(&folder.uri));
    match folder {
        Some(folder) => Ok(folder),
        None => std::env::current_dir().context("Failed to read the working directory"),
    }
}

fn main_loop(connection: &Connection, session: &mut Session, watch: bool) -> anyhow::Result<bool> {
    for message in &connection.receiver {
        let mut out = Outbox::default();
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(true);
                }
                // A request reads the findings of the text as it is now.
                session.lint_stale(&mut out);
                out.messages.push(answer(session, request).into());
            }
            Message::Notification(notification) => {
                if notification.method == lsp_types::notification::Exit::METHOD {
                    return Ok(false);
                }
                if notification.method == Initialized::METHOD && watch {
                    out.watch_files();
                }
                handle_notification(session, notification, &mut out);
            }
            // The only requests the server sends are registrations; nothing waits for them.
            Message::Response(_) => {}
        }
        if connection.receiver.is_empty() {
            session.lint_stale(&mut out);
        }
        for message in out.messages {
            connection.sender.send(message)?;
        }
    }
    Ok(false)
}

/// The response to a request; a panic while answering becomes an error response rather than
/// the end of the server (the editor would lose every diagnostic).
fn answer(session: &mut Session, request: Request) -> Response {
    let id = request.id.clone();
    let method = request.method.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handle_request(session, request)
    }))
    .unwrap_or_else(|panic| {
        Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            format!(
                "Panicked while answering `{method}`: {} (this is a bug in fastapi-lint)",
                fastapi_lint_core::rule_at_work::panic_text(&*panic)
            ),
        )
    })
}

fn handle_request(session: &mut Session, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        CodeActionRequest::METHOD => params(request)
            .and_then(|params| actions::code_actions(session, &params))
            .and_then(|actions| Ok(serde_json::to_value(actions)?)),
        HoverRequest::METHOD => params(request)
            .map(|params| hover::hover(session, &params))
            .and_then(|hover| Ok(serde_json::to_value(hover)?)),
        method => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("Unknown request `{method}`"),
            );
        }
    };
    match result {
        Ok(value) => Response {
            id,
            result: Some(value),
            error: None,
        },
        Err(error) => Response::new_err(id, ErrorCode::RequestFailed as i32, format!("{error:#}")),
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request) -> anyhow::Result<P> {
    serde_json::from_value(request.params)
        .with_context(|| format!("Invalid parameters of `{}`", request.method))
}

fn handle_notification(session: &mut Session, notification: Notification, out: &mut Outbox) {
    let method = notification.method.clone();
    let params = notification.params;
    // A notification has no reply: parameters the server cannot read are ignored.
    match method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value(params) {
                session.did_open(params, out);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value(params) {
                session.did_change(params);
            }
        }
        DidSaveTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value(params) {
                session.did_save(params, out);
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value(params) {
                session.did_close(params, out);
            }
        }
        DidChangeWatchedFiles::METHOD => {
            if let Ok(params) = serde_json::from_value(params) {
                session.did_change_watched_files(&params, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use lsp_server::RequestId;
    use lsp_types::Url;
    use serde_json::{Value, json};

    use super::*;

    const SOURCE: &str = "import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/\")\nasync def index():\n    time.sleep(1)  # noqa: FAPI102\n    return {}\n";

    fn receive(client: &Connection) -> Message {
        client
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers")
    }

    fn request(client: &Connection, id: i32, method: &str, params: Value) -> Response {
        client
            .sender
            .send(Request::new(RequestId::from(id), method.to_string(), params).into())
            .unwrap();
        loop {
            if let Message::Response(response) = receive(client) {
                assert_eq!(response.id, RequestId::from(id));
                return response;
            }
        }
    }

    fn notify(client: &Connection, method: &str, params: Value) {
        client
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    /// A server on an in-memory connection, asked to `initialize` with `capabilities` for a
    /// workspace of `files` (written to a temporary directory): the directory, the client's
    /// end, the server's thread and the `initialize` response.
    fn start(
        files: &[(&str, &str)],
        capabilities: &Value,
    ) -> (
        tempfile::TempDir,
        Connection,
        std::thread::JoinHandle<anyhow::Result<bool>>,
        Response,
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let root = Url::from_directory_path(dir.path()).unwrap();
        let (server, client) = Connection::memory();
        let served = std::thread::spawn(move || serve(&server));
        let initialized = request(
            &client,
            1,
            "initialize",
            json!({"capabilities": capabilities, "workspaceFolders": [{"uri": root, "name": "app"}]}),
        );
        (dir, client, served, initialized)
    }

    fn uri_of(dir: &tempfile::TempDir, name: &str) -> Url {
        Url::from_file_path(dir.path().join(name)).unwrap()
    }

    #[test]
    fn a_session_from_initialize_to_shutdown() {
        let (dir, client, served, initialized) = start(
            &[("fastapi-lint.toml", "[lint]\nselect = [\"FAPI101\"]\n")],
            &json!({}),
        );
        let uri = uri_of(&dir, "app.py");
        let capabilities = &initialized.result.unwrap()["capabilities"];
        assert_eq!(capabilities["textDocumentSync"]["change"], json!(2));
        notify(&client, "initialized", json!({}));

        notify(
            &client,
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 7, "text": SOURCE}}),
        );
        let Message::Notification(published) = receive(&client) else {
            panic!("diagnostics are published on open");
        };
        assert_eq!(published.method, "textDocument/publishDiagnostics");
        assert_eq!(published.params["version"], json!(7));
        let diagnostics = published.params["diagnostics"].as_array().unwrap();
        // The configuration selects FAPI101 only; the noqa's code is not a rule to report.
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0]["code"], json!("FAPI101"));
        assert_eq!(
            diagnostics[0]["range"],
            json!({"start": {"line": 8, "character": 4}, "end": {"line": 8, "character": 14}})
        );

        let hover = request(
            &client,
            2,
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 28}}),
        );
        let hover = hover.result.unwrap();
        assert!(
            hover["contents"]["value"]
                .as_str()
                .unwrap()
                .starts_with("# blocking-http-in-async (FAPI102)"),
            "{hover}"
        );
        assert_eq!(
            hover["range"],
            json!({"start": {"line": 8, "character": 27}, "end": {"line": 8, "character": 34}})
        );
        let unknown = request(
            &client,
            3,
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        );
        assert_eq!(
            unknown.error.unwrap().code,
            ErrorCode::MethodNotFound as i32
        );

        let shutdown = request(&client, 4, "shutdown", Value::Null);
        assert_eq!(shutdown.result, Some(Value::Null));
        notify(&client, "exit", Value::Null);
        assert!(served.join().unwrap().unwrap());
    }

    #[test]
    fn an_unsaved_change_to_a_helper_relints_the_route_calling_it() {
        let blocking = "import time\n\n\ndef load():\n    time.sleep(1)\n    return 1\n";
        let route = "from fastapi import FastAPI\n\nfrom helpers import load\n\napp = FastAPI(openapi_url=None)\n\n\n@app.get(\"/\")\nasync def index():\n    return load()\n";
        // FAPI106 is in preview.
        let (dir, client, served, _) = start(
            &[
                (
                    "pyproject.toml",
                    "[project]\nname = \"x\"\n\n[tool.fastapi-lint.lint]\npreview = true\n",
                ),
                ("helpers.py", blocking),
                ("app.py", route),
            ],
            &json!({}),
        );
        let app = uri_of(&dir, "app.py");
        let helpers = uri_of(&dir, "helpers.py");
        notify(&client, "initialized", json!({}));
        let published = |uri: &Url| loop {
            if let Message::Notification(notification) = receive(&client)
                && notification.params["uri"] == json!(uri)
            {
                return notification.params["diagnostics"].clone();
            }
        };
        let open = |uri: &Url, text: &str| {
            notify(
                &client,
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
            );
        };
        open(&app, route);
        let diagnostics = published(&app);
        assert_eq!(diagnostics[0]["code"], json!("FAPI106"), "{diagnostics}");
        let related = &diagnostics[0]["relatedInformation"][0]["location"];
        assert_eq!(related["uri"], json!(helpers));
        assert_eq!(
            related["range"]["start"],
            json!({"line": 4, "character": 4})
        );

        open(&helpers, blocking);
        assert_eq!(published(&helpers), json!([]));
        notify(
            &client,
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": helpers, "version": 2},
                "contentChanges": [{"text": "def load():\n    return 1\n"}],
            }),
        );
        // The route's findings follow the helper as the editor has it, unsaved.
        assert_eq!(published(&app), json!([]));

        request(&client, 2, "shutdown", Value::Null);
        notify(&client, "exit", Value::Null);
        assert!(served.join().unwrap().unwrap());
    }

    #[test]
    fn a_changed_configuration_file_is_read_again() {
        let (dir, client, served, _) = start(
            &[("fastapi-lint.toml", "[lint]\nselect = [\"FAPI101\"]\n")],
            &json!({}),
        );
        let config = dir.path().join("fastapi-lint.toml");
        let uri = uri_of(&dir, "app.py");
        notify(&client, "initialized", json!({}));
        let codes = || loop {
            if let Message::Notification(notification) = receive(&client)
                && notification.method == "textDocument/publishDiagnostics"
            {
                return notification.params["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|diagnostic| diagnostic["code"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>();
            }
        };
        notify(
            &client,
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}}),
        );
        assert_eq!(codes(), ["FAPI101"]);
        std::fs::write(
            &config,
            "[lint]\nselect = [\"FAPI101\"]\nignore = [\"FAPI101\"]\n",
        )
        .unwrap();
        notify(
            &client,
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": Url::from_file_path(&config).unwrap(), "type": 2}]}),
        );
        assert_eq!(codes(), Vec::<String>::new());
        request(&client, 2, "shutdown", Value::Null);
        notify(&client, "exit", Value::Null);
        assert!(served.join().unwrap().unwrap());
    }

    #[test]
    fn positions_count_bytes_when_the_client_offers_utf8() {
        let (dir, client, served, initialized) = start(
            &[("fastapi-lint.toml", "[lint]\nselect = [\"FAPI101\"]\n")],
            &json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}),
        );
        let uri = uri_of(&dir, "app.py");
        assert_eq!(
            initialized.result.unwrap()["capabilities"]["positionEncoding"],
            json!("utf-8")
        );
        notify(&client, "initialized", json!({}));
        let text = SOURCE.replace("    time.sleep(1)", "    _ = \"é𝄞\"; time.sleep(1)");
        notify(
            &client,
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
        let Message::Notification(published) = receive(&client) else {
            panic!("diagnostics are published on open");
        };
        // `time` follows 4 spaces and `_ = "é𝄞"; `: 14 characters, 15 UTF-16 units, 18 bytes.
        assert_eq!(
            published.params["diagnostics"][0]["range"],
            json!({"start": {"line": 8, "character": 18}, "end": {"line": 8, "character": 28}})
        );
        request(&client, 2, "shutdown", Value::Null);
        notify(&client, "exit", Value::Null);
        assert!(served.join().unwrap().unwrap());
    }
}
