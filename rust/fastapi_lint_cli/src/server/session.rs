//! The open documents and the settings they are linted with; what each notification and
//! request does to them.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fastapi_lint_core::Message;
use lsp_server::{Notification, RequestId};
use lsp_types::notification::{Notification as _, PublishDiagnostics, ShowMessage};
use lsp_types::request::{RegisterCapability, Request as _};
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    MessageType, PublishDiagnosticsParams, Registration, RegistrationParams, ShowMessageParams,
    Url,
};

use super::diagnostics::to_diagnostic;
use super::position::{Encoding, LineIndex};
use crate::config::Settings;
use crate::config::discovery::Resolver;
use crate::config::file::is_config_file_name;
use crate::lint::{self, Fixing};
use crate::walk::project_root;

/// One document the editor has open: its text as the editor has it, saved or not.
pub(super) struct Document {
    pub text: String,
    pub version: i32,
    /// The findings in `text`, for code actions.
    pub messages: Vec<Message>,
}

pub(super) struct Session {
    /// Where configuration discovery starts for files no configuration governs: the first
    /// workspace folder, as the directory a check of the project is run from.
    cwd: PathBuf,
    /// Read again after a configuration file changed.
    resolver: Option<Arc<Resolver>>,
    /// The unsaved documents and the project index's summaries, for every lint.
    editor: lint::EditorState,
    pub documents: HashMap<Url, Document>,
    /// Documents changed since they were last linted: linted once the client has no more
    /// messages queued, or before a request reads their findings (typing lints once per pause,
    /// not once per keystroke).
    stale: BTreeSet<Url>,
    /// The last configuration error shown, so that each keystroke does not show it again.
    shown_error: Option<String>,
    /// What the characters of positions count.
    pub encoding: Encoding,
}

impl Session {
    pub(super) fn new(cwd: PathBuf, encoding: Encoding) -> Self {
        Self {
            encoding,
            cwd,
            resolver: None,
            editor: lint::EditorState::default(),
            documents: HashMap::new(),
            stale: BTreeSet::new(),
            shown_error: None,
        }
    }

    /// The resolver and the settings governing `path` (the defaults for a buffer without one).
    pub(super) fn settings_for(
        &mut self,
        path: Option<&Path>,
    ) -> anyhow::Result<(Arc<Resolver>, Arc<Settings>)> {
        let resolver = match &self.resolver {
            Some(resolver) => Arc::clone(resolver),
            None => {
                let resolver =
                    Arc::new(crate::resolver(&crate::CheckOptions::default(), &self.cwd)?);
                self.resolver = Some(Arc::clone(&resolver));
                resolver
            }
        };
        let settings = match path {
            Some(path) => resolver.settings_for(path)?,
            None => Arc::clone(resolver.default_settings()),
        };
        Ok((resolver, settings))
    }

    /// Lints a buffer as the file `path`, with the settings and the project index a check of
    /// that file would use (`check --stdin-filename PATH`).
    pub(super) fn lint_text(
        &mut self,
        text: &str,
        path: Option<&Path>,
        fixing: Fixing,
    ) -> anyhow::Result<lint::Diagnostics> {
        let (resolver, settings) = self.settings_for(path)?;
        // The project index sees the other open documents as the editor has them.
        self.editor.unsaved = self
            .documents
            .iter()
            .filter_map(|(uri, document)| {
                Some((file_path(uri)?, Arc::from(document.text.as_str())))
            })
            .collect();
        let buffer = lint::Buffer {
            path,
            settings: &settings,
            fixing,
            index_mode: lint::IndexMode::WholeProject,
            exclusion: lint::Exclusion::Always,
            editor: Some(&self.editor),
        };
        lint::lint_buffer_in_project(text.as_bytes().to_vec(), &buffer, &resolver, &self.cwd)
    }

    pub(super) fn did_open(&mut self, params: DidOpenTextDocumentParams, out: &mut Outbox) {
        let document = params.text_document;
        self.documents.insert(
            document.uri.clone(),
            Document {
                text: document.text,
                version: document.version,
                messages: Vec::new(),
            },
        );
        self.lint_document(&document.uri, out);
    }

    pub(super) fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        for change in params.content_changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(&document.text, self.encoding);
                    let start = index.offset(&document.text, range.start);
                    let end = index.offset(&document.text, range.end).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
                None => document.text = change.text,
            }
        }
        document.version = params.text_document.version;
        self.stale.insert(uri);
    }

    /// Lints the documents changed since their last lint, and the other open documents of
    /// their projects: what those find may follow calls into the changed text (FAPI106).
    pub(super) fn lint_stale(&mut self, out: &mut Outbox) {
        if self.stale.is_empty() {
            return;
        }
        let mut uris = std::mem::take(&mut self.stale);
        let root_of = |uri: &Url| file_path(uri).and_then(|path| project_root(&path));
        let roots: BTreeSet<PathBuf> = uris.iter().filter_map(root_of).collect();
        uris.extend(
            self.documents
                .keys()
                .filter(|uri| root_of(uri).is_some_and(|root| roots.contains(&root)))
                .cloned(),
        );
        for uri in uris {
            self.lint_document(&uri, out);
        }
    }

    /// A saved file may change what the other open files find (the project index reads it from
    /// disk), and a saved configuration file every setting: all open documents are linted again,
    /// with every summary made again (a save is where the project's metadata changes, as a
    /// requirements file or a new package's `__init__.py`).
    pub(super) fn did_save(&mut self, params: DidSaveTextDocumentParams, out: &mut Outbox) {
        let uri = params.text_document.uri;
        if is_config_uri(&uri) {
            self.forget_settings();
        }
        self.editor.forget_summaries();
        if let (Some(text), Some(document)) = (params.text, self.documents.get_mut(&uri)) {
            document.text = text;
        }
        self.lint_all(out);
    }

    pub(super) fn did_close(&mut self, params: DidCloseTextDocumentParams, out: &mut Outbox) {
        let uri = params.text_document.uri;
        self.stale.remove(&uri);
        if self.documents.remove(&uri).is_some() {
            out.publish(uri, Vec::new(), None);
        }
    }

    /// A configuration file changed (or another file of the project, which the index of every
    /// open document may depend on): settings are read again and every document linted again.
    pub(super) fn did_change_watched_files(
        &mut self,
        params: &DidChangeWatchedFilesParams,
        out: &mut Outbox,
    ) {
        if params
            .changes
            .iter()
            .any(|change| is_config_uri(&change.uri))
        {
            self.forget_settings();
        }
        // A file created or deleted may change which modules exist and what they are named.
        self.editor.forget_summaries();
        self.lint_all(out);
    }

    /// Settings are read again, and the summaries made with them made again.
    fn forget_settings(&mut self) {
        self.resolver = None;
        self.editor.forget_summaries();
    }

    fn lint_all(&mut self, out: &mut Outbox) {
        let mut uris: Vec<Url> = self.documents.keys().cloned().collect();
        uris.sort();
        for uri in uris {
            self.lint_document(&uri, out);
        }
    }

    /// Lints an open document and publishes its diagnostics. A configuration error is shown
    /// (once while it lasts) and leaves the document without diagnostics.
    pub(super) fn lint_document(&mut self, uri: &Url, out: &mut Outbox) {
        self.stale.remove(uri);
        let Some(document) = self.documents.get(uri) else {
            return;
        };
        let text = document.text.clone();
        let path = file_path(uri);
        let messages = match self.lint_text(&text, path.as_deref(), Fixing::REPORT_ONLY) {
            Ok(diagnostics) => {
                self.shown_error = None;
                diagnostics.messages
            }
            Err(error) => {
                let error = format!("fastapi-lint: {error:#}");
                if self.shown_error.as_ref() != Some(&error) {
                    out.show_error(&error);
                    self.shown_error = Some(error);
                }
                Vec::new()
            }
        };
        let index = LineIndex::new(&text, self.encoding);
        let text_of = |other: &Path| self.text_of(other);
        let diagnostics = messages
            .iter()
            .map(|message| to_diagnostic(message, &text, &index, &text_of))
            .collect();
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        document.messages = messages;
        out.publish(uri.clone(), diagnostics, Some(document.version));
    }

    /// The text of a file: the editor's, when it is open, else the saved one.
    pub(super) fn text_of(&self, path: &Path) -> Option<String> {
        Url::from_file_path(path)
            .ok()
            .and_then(|uri| self.documents.get(&uri))
            .map(|document| document.text.clone())
            .or_else(|| std::fs::read_to_string(path).ok())
    }
}

/// The file a document is, for `file:` URIs (an unsaved buffer has none).
pub(super) fn file_path(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() == "file" {
        uri.to_file_path().ok()
    } else {
        None
    }
}

fn is_config_uri(uri: &Url) -> bool {
    uri.path_segments()
        .and_then(Iterator::last)
        .is_some_and(is_config_file_name)
}

/// Messages for the client, sent after each one handled.
#[derive(Default)]
pub(super) struct Outbox {
    pub messages: Vec<lsp_server::Message>,
}

impl Outbox {
    pub(super) fn publish(
        &mut self,
        uri: Url,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) {
        self.notify(
            PublishDiagnostics::METHOD,
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    pub(super) fn show_error(&mut self, message: &str) {
        self.notify(
            ShowMessage::METHOD,
            ShowMessageParams {
                typ: MessageType::ERROR,
                message: message.to_string(),
            },
        );
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.messages
            .push(Notification::new(method.to_string(), params).into());
    }

    /// Asks the client to tell the server about changed configuration and Python files.
    pub(super) fn watch_files(&mut self) {
        let watchers = [
            "**/pyproject.toml",
            "**/fastapi-lint.toml",
            "**/.fastapi-lint.toml",
            "**/*.py",
        ]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "fastapi-lint-watched-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.messages.push(
            lsp_server::Request::new(
                RequestId::from("fastapi-lint-watch".to_string()),
                RegisterCapability::METHOD.to_string(),
                params,
            )
            .into(),
        );
    }
}
