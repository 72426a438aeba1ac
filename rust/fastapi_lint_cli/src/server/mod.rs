//! `fastapi-lint server`: a language server over stdio. Open documents are linted as they are
//! typed, with the settings and the project index `check --stdin-filename PATH` would use;
//! findings are pushed as diagnostics, fixes and `# noqa` offered as code actions, and a rule
//! code in a `# noqa` comment explains itself on hover.
//!
//! - [`session`]: the open documents, settings, and the document notifications.
//! - [`diagnostics`]: messages as LSP diagnostics.
//! - [`actions`]: quick fixes, `# noqa`, `source.fixAll.fastapi-lint`.
//! - [`hover`]: rule documentation.
//! - [`position`]: byte offsets to UTF-16 positions and back.

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
    let result = InitializeResult {
        capabilities: capabilities(),
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
    let mut session = Session::new(workspace_root(&params)?);
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
                out.messages.push(handle_request(session, request).into());
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
        for message in out.messages {
            connection.sender.send(message)?;
        }
    }
    Ok(false)
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
                session.did_change(params, out);
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
