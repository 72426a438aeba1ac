use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::{in_class_deriving_from, is_settings_class};
use crate::checker::{Checker, Frame};
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::rules::name_glob::ByteSet;

rule_docs! {
    /// ## What it does
    /// Checks for secrets written into the source: a non-empty string literal bound to a
    /// secret-like name (`SECRET_KEY`, `api_key`, `db_password`, `access_token`, …)
    ///
    /// - assigned at module or class level, including the default of a `BaseSettings` or
    ///   `BaseModel` field (`api_key: str = "sk-..."`, also through `Field("...")` and
    ///   `SecretStr("...")`),
    /// - passed as a keyword argument, anywhere (`connect(password="hunter2")`),
    /// - stored under a dict key in a module- or class-level dict
    ///   (`DATABASES = {"default": {"PASSWORD": "hunter2"}}`),
    ///
    /// and any string literal, anywhere, that is a connection URL with an inline password
    /// (`"postgresql://user:pass@host/db"`).
    ///
    /// Names are matched case-insensitively against `secret-name-patterns`, both as written and
    /// in snake case (`apiKey` is `api_key`). To keep the noise down, the rule stays silent on:
    /// - names that describe a secret rather than hold one: the last word is not a secret
    ///   noun (`key`, `secret`, `token`, `password`, `passwd`, `pwd`, `pass`, `credentials`,
    ///   and their plurals), as in `tokenUrl="token"`, `token_type = "bearer"`,
    ///   `SECRET_KEY_FILE` or `MODEL_FOR_API_KEY_CHECK`, unless the name matches a pattern of
    ///   the configuration's own; names of hashes (`hashed_password`), counts (`max_tokens`,
    ///   `TOKEN_COUNT`), tokenizers and fakes (`fake_secret_token`); and enum members, whose
    ///   values are labels;
    /// - values that are obviously not secrets:
    ///   - values shorter than eight characters that do not mix letters and digits: local
    ///     defaults and markers (`"root"`, `"airflow"`, `"DONE!"`; `"hunter2"` is reported);
    ///   - dotted setting paths (`"auth.enable_api_keys"`);
    ///   - placeholders (`"changeme"`, `"<api-key>"`, `"${API_KEY}"`, `"xxx"`, `"***"`), and
    ///     text without a letter or a digit (`", "`);
    ///   - dummies: one character repeated (`"aaaa"`, `"0000"`), a run of consecutive
    ///     characters (`"123"`, `"12345678"`, `"abc"`), and values made of a dummy word
    ///     (`test`, `dummy`, `example`, `sample`, `fake`, `mock`, `demo`, `default`, `valid`,
    ///     `invalid`, `foo`, `bar`, …) with nothing else than up to three pieces of filler:
    ///     words of up to four letters (vendor prefixes), secret words, short or consecutive
    ///     numbers (`"test123"`, `"xoxb-valid"`, `"ss-test"`, `"sk_test_abc"`,
    ///     `"test-secret"`), or of a dummy word glued to a secret word (`"testpassword"`);
    ///   - prose: text with spaces that ends like a sentence (`.`, `!`, `?`, `:`), holds a
    ///     format placeholder, or has a word of a message (`the`, `is`, `for`, `not`,
    ///     `invalid`, `missing`, `expired`, `required`, …), such as `"Invalid token"`; other
    ///     text with spaces is a passphrase and is reported (`"super secret jwt secret"`);
    ///   - URLs without credentials and paths (`"/api/auth/token"`; a segment mixing upper
    ///     case, lower case and digits looks like base64 rather than a path, and is not
    ///     one);
    ///   - field and key names: a value whose words are the name's (`PK_TOKEN = "token"`,
    ///     `PASSWORD_RESET = "Password reset"`, `OAUTH_CLIENT_SECRET = "client_secret"`,
    ///     `JWT_SECRET = "secret"`), environment variable names (`"OPENAI_API_KEY"`,
    ///     `"TOKEN"`), and identifiers of several words that name a key, token or password
    ///     or a fake (`"access_token"`, `"x-api-key"`, `"my-fake-api-key"`); a value with the
    ///     word `secret` names one only when it is written as a key (`"client_secret"`,
    ///     `"app.secret_key"`, an `x-` header): `"hunter2-super-secret"` is reported;
    /// - documentation payloads: values under `example`, `examples`, `openapi_examples`,
    ///   `json_schema_extra` or `schema_extra`;
    /// - connection URLs whose password is a placeholder (`{password}`, `${DB_PASSWORD}`,
    ///   `***`);
    /// - expected values: a literal in a comparison of an `assert` statement
    ///   (`assert settings.secret_key == "abc"`,
    ///   `assert build_url() == "postgresql://app:pw@db/app"`).
    ///
    /// Assignments and dict literals inside functions are not checked: there they are request
    /// payloads and responses. Keyword arguments inside functions are, since that is how app
    /// code hands credentials to a client (`psycopg2.connect(password="...")`). Test modules
    /// are not checked at all: their values are fixtures, whether written as keyword arguments
    /// (`create_user(password="secret1234")`) or as dicts.
    ///
    /// ## Why is this bad?
    /// A secret in the source is in every clone, fork, CI log and container image of the
    /// project, and rotating it means a code change and a redeploy. Settings read from the
    /// environment keep secrets out of the repository and let each environment use its own.
    ///
    /// ## Example
    /// ```python
    /// from pydantic_settings import BaseSettings
    ///
    /// SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
    /// DATABASE_URL = "postgresql://app:s3cr3t@db/app"
    ///
    ///
    /// class Settings(BaseSettings):
    ///     openai_api_key: str = "sk-live-123"
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from pydantic import SecretStr
    /// from pydantic_settings import BaseSettings, SettingsConfigDict
    ///
    ///
    /// class Settings(BaseSettings):
    ///     model_config = SettingsConfigDict(env_file=".env")  # .env is in .gitignore
    ///
    ///     secret_key: SecretStr
    ///     database_url: str
    ///     openai_api_key: SecretStr
    ///
    ///
    /// settings = Settings()
    /// ```
    ///
    /// ## Options
    /// - `lint.settings.secret-name-patterns`
    /// - `lint.settings.extend-secret-name-patterns`
    ///
    /// ## References
    /// - fastapi-lint practices, 13: "Don't hardcode secrets"
    /// - [FastAPI: Settings and Environment Variables](https://fastapi.tiangolo.com/advanced/settings/)
    /// - [Pydantic: Settings Management](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    /// - [Pydantic: `SecretStr`](https://docs.pydantic.dev/latest/api/types/#pydantic.types.SecretStr)
    pub struct HardcodedSecret;
}

const WHY: &str =
    "secrets in source control leak with every clone and cannot be rotated without a deploy";

/// Last words of a name that describe a secret instead of holding it: `token_url`,
/// `token_type`, `SECRET_KEY_FILE`, `PASSWORD_MIN_LENGTH`.
const DESCRIPTOR_WORDS: &[&str] = &[
    "url",
    "uri",
    "urls",
    "endpoint",
    "path",
    "route",
    "prefix",
    "suffix",
    "type",
    "types",
    "kind",
    "algorithm",
    "algorithms",
    "alg",
    "header",
    "headers",
    "scheme",
    "schemes",
    "name",
    "names",
    "field",
    "fields",
    "env",
    "var",
    "variable",
    "file",
    "filename",
    "dir",
    "directory",
    "location",
    "length",
    "len",
    "size",
    "min",
    "max",
    "expire",
    "expires",
    "expiry",
    "expiration",
    "ttl",
    "timeout",
    "lifetime",
    "minutes",
    "seconds",
    "hours",
    "days",
    "age",
    "format",
    "pattern",
    "regex",
    "mode",
    "model",
    "class",
    "table",
    "column",
    "id",
    "message",
    "msg",
    "error",
    "label",
    "description",
    "title",
    "help",
    "hint",
    "placeholder",
    "example",
    "text",
    "template",
    "param",
    "parameter",
    "query",
    "cookie",
    "source",
    "provider",
    "issuer",
    "audience",
    "policy",
    "strategy",
    "backend",
    "version",
    "hash",
    "rounds",
    "count",
    "limit",
    "encoding",
    "attr",
    "attribute",
    "tag",
    "method",
    "methods",
    "flow",
    "grant",
    "level",
    "status",
    "state",
    "scope",
    "scopes",
];

/// Words that make a name something else than a secret: a password hash is meant to be stored,
/// a tokenizer is a model, `max_tokens` and `TOKEN_COUNT` are numbers, a fake token is fake.
const NOT_SECRET_WORDS: &[&str] = &[
    "hashed",
    "hash",
    "tokenizer",
    "tokenizers",
    "tokenize",
    "tokenized",
    "tokenization",
    "tokens",
    "secrets",
    "count",
    "fake",
    "mock",
    "dummy",
    "example",
    "sample",
];

/// Words that, inside a value written like an identifier (`x-api-key`, `max_new_tokens`,
/// `llm.token_count.prompt`), make it the name of a secret: a header, a key, a metric.
const SECRET_WORDS: &[&str] = &[
    "token", "tokens", "secret", "secrets", "password", "passwd", "key", "apikey",
];

/// The words of [`SECRET_WORDS`] that also make up passphrases (`hunter2-super-secret`): a
/// value with one of them names a secret only when it is written as a key.
const PASSPHRASE_WORDS: &[&str] = &["secret", "secrets"];

/// Words that make a value a dummy when everything else in it is filler (`test123`,
/// `xoxb-valid`, `ss-test`).
const DUMMY_WORDS: &[&str] = &[
    "test", "testing", "tests", "dummy", "example", "sample", "fake", "mock", "demo", "default",
    "valid", "invalid", "foo", "bar", "baz", "qux", "qwerty",
];

/// Words that make text with spaces a message or a description rather than a passphrase:
/// function words and the words of error messages.
const PROSE_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "are",
    "was",
    "be",
    "to",
    "for",
    "of",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "and",
    "or",
    "not",
    "no",
    "your",
    "please",
    "must",
    "should",
    "can",
    "cannot",
    "could",
    "invalid",
    "missing",
    "expired",
    "incorrect",
    "wrong",
    "required",
    "failed",
    "denied",
    "error",
    "unauthorized",
    "forbidden",
];

/// Words that make a value a stand-in (`my-fake-api-key`, `mock-key`).
const FAKE_WORDS: &[&str] = &["fake", "mock", "dummy", "example", "sample", "placeholder"];

/// Values people put where a secret will go (compared lower-cased, separators removed).
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "changethis",
    "changeit",
    "replaceme",
    "placeholder",
    "redacted",
    "todo",
    "fixme",
    "tbd",
    "none",
    "null",
    "notset",
    "unset",
    "dummy",
];

/// Keys whose values document a schema (`OpenAPI` examples), not configure the app.
const EXAMPLE_KEYS: &[&str] = &[
    "example",
    "examples",
    "openapi_examples",
    "json_schema_extra",
    "schema_extra",
];

/// Where a secret-named literal was found, for the message.
#[derive(Clone, Copy)]
enum Site<'a> {
    Variable(&'a str),
    SettingsField(&'a str),
    Keyword(&'a str),
    DictKey(&'a str),
}

impl<'a> Site<'a> {
    /// The name that holds the literal.
    fn name(self) -> &'a str {
        match self {
            Site::Variable(name)
            | Site::SettingsField(name)
            | Site::Keyword(name)
            | Site::DictKey(name) => name,
        }
    }
}

pub(super) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let (targets, value): (&[Expr], &Expr) = match stmt {
        Stmt::Assign(assign) => (&assign.targets, &assign.value),
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => (std::slice::from_ref(target.as_ref()), value),
        _ => return,
    };
    let settings_class = match checker.innermost_frame() {
        None => false,
        Some(Frame::Class(class)) => {
            let outer = checker
                .semantic()
                .scope(checker.scope())
                .parent
                .unwrap_or(checker.scope());
            is_settings_class(checker.semantic(), class, outer)
        }
        // Locals of functions and lambdas are not configuration.
        Some(_) => return,
    };
    let Some(literal) = literal_value(checker, value) else {
        return;
    };
    let Some(name) = targets
        .iter()
        .find_map(|target| target_name(target).filter(|name| is_secret_name(checker, name)))
    else {
        return;
    };
    let site = if settings_class && matches!(stmt, Stmt::AnnAssign(_)) {
        Site::SettingsField(name)
    } else {
        Site::Variable(name)
    };
    report_if_secret(checker, site, literal);
}

pub(super) fn check_expr(checker: &mut Checker, expr: &Expr) {
    match expr {
        Expr::Call(call) => {
            for keyword in &call.arguments.keywords {
                let Some(name) = &keyword.arg else { continue };
                if !may_hold_literal(&keyword.value) || !is_secret_name(checker, name.as_str()) {
                    continue;
                }
                if let Some(literal) = literal_value(checker, &keyword.value) {
                    report_if_secret(checker, Site::Keyword(name.as_str()), literal);
                }
            }
        }
        // Dicts inside functions are request payloads, responses and test data; configuration
        // dicts live at module or class level.
        Expr::Dict(dict)
            if !matches!(
                checker.innermost_frame(),
                Some(Frame::Function(_) | Frame::Lambda(_))
            ) =>
        {
            for item in &dict.items {
                let Some(Expr::StringLiteral(key)) = &item.key else {
                    continue;
                };
                let name = key.value.to_str();
                if !may_hold_literal(&item.value) || !is_secret_name(checker, name) {
                    continue;
                }
                if let Some(literal) = literal_value(checker, &item.value) {
                    report_if_secret(checker, Site::DictKey(name), literal);
                }
            }
        }
        Expr::StringLiteral(literal)
            if has_inline_password(literal.value.to_str())
                && !in_example_payload(checker, literal.range())
                && !in_assert_comparison(checker, literal.range()) =>
        {
            let message = format!(
                "Connection URL with an inline password: {WHY}; build it from settings fields read from the environment (`pydantic_settings.BaseSettings`, values in a git-ignored `.env`)"
            );
            checker.report(Diagnostic::new(
                Rule::HardcodedSecret,
                message,
                literal.range(),
            ));
        }
        _ => {}
    }
}

fn report_if_secret(checker: &mut Checker, site: Site, literal: &ast::ExprStringLiteral) {
    let configured = checker
        .settings()
        .settings
        .is_configured_secret_name(&site.name().to_ascii_lowercase());
    if !looks_like_secret(literal.value.to_str(), &site, configured)
        || in_example_payload(checker, literal.range())
        || in_assert_comparison(checker, literal.range())
        || in_enum_class(checker, literal.range())
    {
        return;
    }
    let message = match site {
        Site::SettingsField(name) => format!(
            "Hardcoded secret as the default of settings field `{name}`: {WHY}; drop the default so the value must come from the environment or a git-ignored `.env`"
        ),
        Site::Variable(name) => format!("Hardcoded secret assigned to `{name}`: {WHY}; {INSTEAD}"),
        Site::Keyword(name) => format!("Hardcoded secret passed as `{name}=`: {WHY}; {INSTEAD}"),
        Site::DictKey(name) => {
            format!("Hardcoded secret under the key `\"{name}\"`: {WHY}; {INSTEAD}")
        }
    };
    checker.report(Diagnostic::new(
        Rule::HardcodedSecret,
        message,
        literal.range(),
    ));
}

const INSTEAD: &str = "read it from the environment through a `pydantic_settings.BaseSettings` class (values in a git-ignored `.env`)";

/// The name an assignment target binds: `x`, `obj.x`, `d["x"]`.
fn target_name(target: &Expr) -> Option<&str> {
    match target {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Subscript(subscript) => subscript
            .slice
            .as_string_literal_expr()
            .map(|key| key.value.to_str()),
        _ => None,
    }
}

/// Whether [`literal_value`] can find a literal in `value`: a test on its kind, cheaper than
/// matching the name first (most keyword arguments are neither).
fn may_hold_literal(value: &Expr) -> bool {
    matches!(value, Expr::StringLiteral(_) | Expr::Call(_))
}

/// The string literal a value holds: the literal itself, or the default in `Field("...")`,
/// `Field(default="...")`, `SecretStr("...")`.
fn literal_value<'a>(checker: &Checker, value: &'a Expr) -> Option<&'a ast::ExprStringLiteral> {
    match value {
        Expr::StringLiteral(literal) => Some(literal),
        Expr::Call(call) => {
            let callee = checker.qualified_name(&call.func)?;
            let inner = match callee.as_str() {
                "pydantic.Field" | "pydantic.fields.Field" | "sqlmodel.Field" => {
                    call.arguments.find_argument_value("default", 0)?
                }
                "pydantic.SecretStr" | "pydantic.types.SecretStr" => {
                    call.arguments.find_positional(0)?
                }
                _ => return None,
            };
            inner.as_string_literal_expr()
        }
        _ => None,
    }
}

/// Whether a name holds a secret: it matches a secret name pattern and is not a descriptor of
/// one (`token_url`) or a hash.
fn is_secret_name(checker: &Checker, name: &str) -> bool {
    let options = &checker.settings().settings;
    // Most names (every keyword argument is one) lack a byte of every pattern: rejected before
    // anything is allocated. An ASCII name's lower-case and snake-case forms have only its own
    // bytes and `_`; a non-ASCII one may lower-case to other bytes, so it is not pre-filtered.
    if name.is_ascii() && !options.may_be_secret_name(ByteSet::of(name).with(b'_')) {
        return false;
    }
    let words = words(name);
    if !(options.is_secret_name(&name.to_lowercase()) || options.is_secret_name(&words.join("_"))) {
        return false;
    }
    let describes = words
        .last()
        .is_some_and(|last| DESCRIPTOR_WORDS.contains(&last.as_str()));
    !describes
        && !words
            .iter()
            .any(|word| NOT_SECRET_WORDS.contains(&word.as_str()))
}

/// The lower-case words of an identifier or key: `apiKey`, `API_KEY` and `api-key` are all
/// `["api", "key"]`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a value bound to a secret-like name looks like a real secret rather than a
/// placeholder, a dummy, a message, a URL or path, or the name of one.
/// `configured`: the name matches a secret-name pattern of the configuration's own.
fn looks_like_secret(value: &str, site: &Site, configured: bool) -> bool {
    // Without a letter or a digit it is a separator or a mask (`", "`, `"***"`). Shorter than
    // [`MIN_SECRET_LENGTH`] and not mixing letters and digits, a local default (`"root"`,
    // `"airflow"`) or a marker (`"DONE!"`); `"hunter2"` is a password.
    let short = value.chars().count() < MIN_SECRET_LENGTH;
    let mixed = value.chars().any(|c| c.is_ascii_digit()) && value.chars().any(char::is_alphabetic);
    if (short && !mixed)
        || !value.chars().any(char::is_alphanumeric)
        || is_config_path(value)
        || is_prose(value)
        || value.contains("://")
        || is_path(value)
        || is_placeholder(value)
        || is_dummy(value)
    {
        return false;
    }
    let name = site.name();
    if names_the_field(value, name) || !(configured || ends_with_secret_word(name)) {
        return false;
    }
    // `"OPENAI_API_KEY"`: the name of an environment variable, as passed to `os.getenv`; a
    // bare `"TOKEN"` or `"SECRET"` is a stand-in of the same kind.
    let upper = value
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let env_var_name = upper
        && (value.contains('_') || SECRET_WORDS.contains(&value.to_ascii_lowercase().as_str()));
    !env_var_name && !names_a_secret(value)
}

/// The fewest characters a value must have to be reported: API keys, signing secrets and real
/// passwords are longer; shorter literals are local defaults and markers.
const MIN_SECRET_LENGTH: usize = 8;

/// `"auth.enable_api_keys"`: a dotted path of lower-case identifiers names a setting, not its
/// value.
fn is_config_path(value: &str) -> bool {
    value.contains('.')
        && value.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Whether the name's last word is a secret noun (`OPENAI_API_KEY`, `jwtSecret`,
/// `db_password`): in `TOKEN_URL`, `API_KEY_HEADER` or `MODEL_FOR_API_KEY_CHECK` the secret
/// word qualifies something else, whose value is no secret.
fn ends_with_secret_word(name: &str) -> bool {
    words(name).last().is_some_and(|last| {
        SECRET_WORDS.contains(&last.as_str())
            || matches!(
                last.as_str(),
                "keys" | "pwd" | "pass" | "credential" | "credentials" | "apikeys"
            )
    })
}

/// Whether the literal is in the body of an enum: its members' values are labels.
fn in_enum_class(checker: &Checker, range: TextRange) -> bool {
    in_class_deriving_from(checker, range, |base| base.starts_with("enum."))
}

/// `PK_TOKEN = "token"`, `PASSWORD_RESET = "Password reset"`, `COOKIE_NAME_JWT_TOKEN =
/// "_token"`, `RESOURCE_PASSWORD = "Passwords"`: a value whose words (ignoring case and a
/// plural `s`) are all words of the name, or that is spelled inside the name, is the name of
/// the field, key or resource, not its secret. So is a lone secret word (`"token"`).
fn names_the_field(value: &str, name: &str) -> bool {
    let value_words = words(value);
    if value_words.is_empty() {
        return false;
    }
    let singular = |word: &str| word.strip_suffix('s').unwrap_or(word).to_string();
    if let [word] = value_words.as_slice()
        && SECRET_WORDS.contains(&word.as_str())
    {
        return true;
    }
    let name_words = words(name);
    let all_in_name = value_words.iter().all(|word| {
        name_words
            .iter()
            .any(|name_word| name_word == word || *name_word == singular(word))
    });
    if all_in_name {
        return true;
    }
    // Spelled inside the name, separators aside: `apikey` in `API_KEY`, `client_secret` in
    // `OAUTH_CLIENT_SECRET`.
    let identifier_like = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let squashed = |text: &str| -> String {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let value = squashed(value);
    let name = squashed(name);
    identifier_like
        && !value.is_empty()
        && (name.contains(&value) || name.contains(&singular(&value)))
}

/// Text with spaces that reads as a message or a description (`"Invalid token"`, `"API key
/// for the billing service"`, `"Token expired."`): it ends like a sentence, holds a format
/// placeholder, or has a word of a message or a function word. Other text with spaces is a
/// passphrase (`"super secret jwt secret"`).
fn is_prose(value: &str) -> bool {
    let value = value.trim();
    if !value.contains(char::is_whitespace) {
        return false;
    }
    value.ends_with(['.', '!', '?', ':', ')'])
        || value.contains(['{', '%'])
        || value
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .any(|word| PROSE_WORDS.contains(&word.to_lowercase().as_str()))
}

/// A URL path or a file path (`"/api/auth/token"`, `"./secrets/key"`): segments of letters,
/// digits and `-_.~{}:@`. A segment that mixes upper case, lower case and digits is more
/// likely a piece of base64 (`"/9j/4AAQSkZJRg"`) than a path.
fn is_path(value: &str) -> bool {
    let Some(rest) = ["/", "./", "../", "~/"]
        .iter()
        .find_map(|prefix| value.strip_prefix(prefix))
    else {
        return false;
    };
    let segment_ok = |segment: &str| {
        segment.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '{' | '}' | ':' | '@')
        }) && !(segment.chars().any(|c| c.is_ascii_uppercase())
            && segment.chars().any(|c| c.is_ascii_lowercase())
            && segment.chars().any(|c| c.is_ascii_digit()))
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.split('/')
        .all(|segment| !segment.is_empty() && segment_ok(segment))
        && rest.chars().any(|c| c.is_ascii_alphabetic())
}

/// A value nobody would use as a real secret: one character repeated (`"aaaa"`, `"0000"`),
/// a run of consecutive characters (`"123"`, `"0123456789"`, `"abc"`), or dummy words with
/// filler: words of up to four letters (`sk`, `xoxb`), secret words, numbers of up to four
/// digits or consecutive ones (`"test123"`, `"xoxb-valid"`, `"ss-test"`, `"fake_token"`,
/// `"testpassword"`); see [`DUMMY_WORDS`].
fn is_dummy(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if chars.all(|c| c == first) {
        return true;
    }
    if is_consecutive_run(value) {
        return true;
    }
    // Runs of letters and runs of digits, lower-cased: `xoxb-valid` is `xoxb`, `valid`;
    // `test123` is `test`, `123`.
    let mut tokens: Vec<String> = Vec::new();
    let mut previous: Option<bool> = None;
    for c in value.chars() {
        if !c.is_ascii_alphanumeric() {
            previous = None;
            continue;
        }
        let digit = c.is_ascii_digit();
        if previous != Some(digit) {
            tokens.push(String::new());
        }
        previous = Some(digit);
        if let Some(token) = tokens.last_mut() {
            token.push(c.to_ascii_lowercase());
        }
    }
    let is_dummy_word = |token: &str| {
        DUMMY_WORDS.contains(&token)
            || DUMMY_WORDS.iter().any(|dummy| {
                token
                    .strip_prefix(dummy)
                    .is_some_and(|rest| SECRET_WORDS.contains(&rest) || DUMMY_WORDS.contains(&rest))
                    || token
                        .strip_suffix(dummy)
                        .is_some_and(|rest| SECRET_WORDS.contains(&rest))
            })
    };
    let is_filler = |token: &str| {
        let digits = token.starts_with(|c: char| c.is_ascii_digit());
        (digits && (token.len() <= 4 || is_consecutive_run(token)))
            || (!digits && (token.len() <= 4 || SECRET_WORDS.contains(&token)))
    };
    // More than three pieces of filler is random text with a dummy word in it
    // (`test-a8F3kq9Z2m` is `test`, `a`, `8`, `f`, `3`, ...), not a dummy.
    let fillers = tokens.iter().filter(|token| !is_dummy_word(token)).count();
    // Every character is ASCII alphanumeric or a separator: anything else (`+`, `/`, `=` of
    // base64, non-ASCII letters) is not filler.
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && fillers <= MAX_DUMMY_FILLERS
        && tokens.iter().any(|token| is_dummy_word(token))
        && tokens
            .iter()
            .all(|token| is_dummy_word(token) || is_filler(token))
}

/// How many pieces of filler a dummy may have besides its dummy words (`sk_test_abc` has two).
const MAX_DUMMY_FILLERS: usize = 3;

/// `"123"`, `"0123456789"`, `"1234567890"`, `"abcdef"`: three or more ASCII letters or digits
/// that each follow the previous one (`9` is followed by `0`).
fn is_consecutive_run(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 3
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && bytes.windows(2).all(|pair| {
            let (a, b) = (pair[0].to_ascii_lowercase(), pair[1].to_ascii_lowercase());
            (b == a + 1 && (a.is_ascii_digit() == b.is_ascii_digit())) || (a == b'9' && b == b'0')
        })
}

/// `"access_token"`, `"x-api-key"`, `"gen_ai.usage.prompt_tokens"`, `"my-fake-key"`: a value
/// written like an identifier of several words, one of which names a secret or says it is
/// fake, is a key, header or metric name, or a stand-in. The word `secret` is also a word of
/// passphrases (`"hunter2-super-secret"`): with it, the value must be written as a key, in
/// lower-case snake case or dotted (`"client_secret"`, `"app.secret_key"`), or as an `x-`
/// header (`"x-webhook-secret"`).
fn names_a_secret(value: &str) -> bool {
    let identifier_like = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let words = words(value);
    if !identifier_like || words.len() < 2 {
        return false;
    }
    let written_as_key = (!value.contains('-') && !value.chars().any(|c| c.is_ascii_uppercase()))
        || value.to_ascii_lowercase().starts_with("x-");
    words.iter().any(|word| {
        let word = word.as_str();
        FAKE_WORDS.contains(&word)
            || (SECRET_WORDS.contains(&word)
                && (written_as_key || !PASSPHRASE_WORDS.contains(&word)))
    })
}

/// `"changeme"`, `"<api-key>"`, `"${API_KEY}"`, `"{password}"`, `"%(password)s"`, `"xxx"`, `"***"`.
fn is_placeholder(value: &str) -> bool {
    let templated = (value.starts_with('<') && value.ends_with('>'))
        || value.starts_with('$')
        || (value.starts_with('{') && value.ends_with('}'))
        || value.starts_with("%(");
    let masked = value
        .chars()
        .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_' | '#' | '?'));
    let normalized: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    templated || masked || PLACEHOLDERS.contains(&normalized.as_str())
}

/// `scheme://user:password@host...` with a real password (not `{password}`, `${PW}`, `***`).
fn has_inline_password(value: &str) -> bool {
    // The scheme is read from the start and stops at its first other character, which must
    // begin `://`: every string literal of a file comes here, and most end it within a byte
    // or two instead of being searched whole.
    let scheme_end = value
        .bytes()
        .position(|byte| !(byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'.' | b'-')))
        .unwrap_or(value.len());
    let (scheme, rest) = value.split_at(scheme_end);
    let Some(rest) = rest.strip_prefix("://") else {
        return false;
    };
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || value.chars().any(char::is_whitespace)
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return false;
    };
    let Some((_user, password)) = userinfo.split_once(':') else {
        return false;
    };
    !password.is_empty()
        && !host.is_empty()
        && !is_placeholder(password)
        && !password.contains(['{', '<', '$', '%'])
}

/// Whether `range` sits in a comparison of an `assert` statement (`assert settings.secret ==
/// "abc"`, `assert url == "postgresql://u:p@h/db"`): the literal is an expected value.
fn in_assert_comparison(checker: &Checker, range: TextRange) -> bool {
    struct Finder {
        target: TextRange,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found || !expr.range().contains_range(self.target) {
                return;
            }
            if expr.is_compare_expr() {
                self.found = true;
                return;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let Some(Stmt::Assert(assert)) = checker.enclosing_statements(range).last().copied() else {
        return false;
    };
    let mut finder = Finder {
        target: range,
        found: false,
    };
    finder.visit_expr(&assert.test);
    finder.found
}

/// Whether `range` sits in a documentation payload: the value of an `example`/`examples`/
/// `json_schema_extra`/... keyword argument, dict key or assignment.
fn in_example_payload(checker: &Checker, range: TextRange) -> bool {
    struct Finder {
        target: TextRange,
        found: bool,
    }
    impl Finder {
        fn holds(&self, name: &str, value: &Expr) -> bool {
            EXAMPLE_KEYS.contains(&name) && value.range().contains_range(self.target)
        }
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found || !stmt.range().contains_range(self.target) {
                return;
            }
            let assigned = match stmt {
                Stmt::Assign(assign) => assign
                    .targets
                    .iter()
                    .filter_map(target_name)
                    .any(|name| self.holds(name, &assign.value)),
                Stmt::AnnAssign(ast::StmtAnnAssign {
                    target,
                    value: Some(value),
                    ..
                }) => target_name(target).is_some_and(|name| self.holds(name, value)),
                _ => false,
            };
            self.found = assigned;
            visitor::walk_stmt(self, stmt);
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found || !expr.range().contains_range(self.target) {
                return;
            }
            self.found = match expr {
                Expr::Call(call) => call.arguments.keywords.iter().any(|keyword| {
                    keyword
                        .arg
                        .as_ref()
                        .is_some_and(|arg| self.holds(arg.as_str(), &keyword.value))
                }),
                Expr::Dict(dict) => dict.items.iter().any(|item| match &item.key {
                    Some(Expr::StringLiteral(key)) => self.holds(key.value.to_str(), &item.value),
                    _ => false,
                }),
                _ => false,
            };
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        target: range,
        found: false,
    };
    // The statement the literal is in is all that can hold it: found by bisection, not by
    // walking the module for every literal.
    if let Some(stmt) = checker.enclosing_statements(range).last() {
        finder.visit_stmt(stmt);
    }
    finder.found
}

#[cfg(test)]
mod tests {
    use super::{has_inline_password, is_dummy, is_path, is_prose, names_a_secret, words};
    use crate::registry::Rule;
    use crate::rules::settings::SettingsOptions;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixture, render_source};

    #[test]
    fn fixture() {
        assert_fixture!(
            "settings/FAPI701.py",
            LinterSettings::for_rules([Rule::HardcodedSecret])
        );
    }

    #[test]
    fn identifier_words() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
        assert_eq!(words("tokenUrl"), ["token", "url"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
    }

    #[test]
    fn dummies() {
        for value in [
            "test123",
            "123",
            "1234567890",
            "abcdef",
            "xoxb-valid",
            "ss-test",
            "example",
            "dummy",
            "aaaa",
            "0000",
            "testpassword",
            "fake_token",
            "sk_test_abc",
            "qwerty",
        ] {
            assert!(is_dummy(value), "{value}");
        }
        for value in [
            "hunter2",
            "admin123",
            "password123",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "test+9f8e7d6c5b4a",
            "tested-9f8e7d6c5b4a3928",
            "test-a8F3kq9Z2m",
            "135",
        ] {
            assert!(!is_dummy(value), "{value}");
        }
    }

    #[test]
    fn paths() {
        assert!(is_path("/api/auth/token"));
        assert!(is_path("/oauth/token/"));
        assert!(is_path("./secrets/api-key.txt"));
        assert!(is_path("/v1/users/{user_id}/tokens"));
        assert!(!is_path("/9j/4AAQSkZJRg"));
        assert!(!is_path("/abc+def=="));
        assert!(!is_path("//"));
        assert!(!is_path("/"));
        assert!(!is_path("api/token"));
    }

    #[test]
    fn prose() {
        assert!(is_prose("Invalid token"));
        assert!(is_prose("token expired"));
        assert!(is_prose("Could not validate credentials."));
        assert!(is_prose("Token for {service}"));
        assert!(!is_prose("super secret jwt secret"));
        assert!(!is_prose("Correct Horse Battery Staple"));
        assert!(!is_prose("no-spaces-here"));
    }

    #[test]
    fn names_of_secrets() {
        assert!(names_a_secret("access_token"));
        assert!(names_a_secret("x-api-key"));
        assert!(names_a_secret("client_secret"));
        assert!(names_a_secret("X-Webhook-Secret"));
        assert!(names_a_secret("my-fake-value"));
        assert!(!names_a_secret("hunter2-super-secret"));
        assert!(!names_a_secret("My_Secret_Value"));
        assert!(!names_a_secret("token"));
    }

    #[test]
    fn inline_passwords() {
        assert!(has_inline_password("postgresql://user:pass@localhost/db"));
        assert!(has_inline_password("redis://:s3cret@cache:6379/0"));
        assert!(!has_inline_password("postgresql://user@localhost/db"));
        assert!(!has_inline_password(
            "postgresql://user:{password}@localhost/db"
        ));
        assert!(!has_inline_password(
            "postgresql://user:${DB_PASSWORD}@localhost/db"
        ));
        assert!(!has_inline_password("postgresql://user:***@localhost/db"));
        assert!(!has_inline_password(
            "see postgresql://user:pass@localhost/db"
        ));
        assert!(!has_inline_password("https://example.com/a:b@c"));
    }

    #[test]
    fn configured_patterns_replace_the_defaults() {
        let source = "API_KEY = 'sk-123'\nSENTRY_DSN = 'abc123'\n";
        let settings = LinterSettings {
            settings: std::sync::Arc::new(SettingsOptions {
                secret_name_patterns: vec!["*_dsn".into()],
                ..SettingsOptions::default()
            }),
            ..LinterSettings::for_rules([Rule::HardcodedSecret])
        };
        let rendered = render_source(source, None, "test.py", &settings);
        assert!(
            rendered.contains("`SENTRY_DSN`") && !rendered.contains("`API_KEY`"),
            "{rendered}"
        );
    }
}
