use ruff_python_ast::{
    self as ast, ConversionFlag, Expr, InterpolatedStringElement, Operator, StringFlags,
};
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::{context_suffix, message_position};
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for debug-level logging calls whose message is formatted before the call: an
    /// f-string with replacement fields, a `"...".format(...)` call or `"..." % values`.
    ///
    /// The message is the first argument (or `msg=`) of `debug`, and the second of
    /// `log(logging.DEBUG, msg)`, on a logger the code proves:
    /// - the `logging` module itself (`logging.info(...)`, `from logging import info`);
    /// - a standard logger: `logging.getLogger(...)`, a name bound to it, a parameter or
    ///   variable annotated `logging.Logger` or bound to `logging.LoggerAdapter(...)`;
    /// - a structlog logger from `structlog.get_logger()` or `structlog.stdlib.get_logger()`
    ///   (the message is the event name), and a logger bound from one
    ///   (`log = structlog.get_logger().bind(request_id=rid)`, `log.new(...)`);
    /// - loguru's `logger` and what `logger.bind(...)`/`logger.opt(...)` return.
    ///
    /// Loggers the code does not prove, such as `self.logger`, are not checked.
    ///
    /// A structlog call whose f-string builds an event *name*, with the values passed as
    /// key-value pairs, is not reported: `log.info(f"dataset.{event}", **fields)` or
    /// `log.info(f"user.{action}", user_id=user_id)`. That is a call with keyword arguments
    /// whose f-string has no spaces, only letters, digits, `.`, `_`, `-` and `:` around its
    /// fields, and plain fields (no format spec, conversion or `=`). An f-string that embeds
    /// the data in a sentence (`log.info(f"user {user_id} logged in", ip=ip)`) is still
    /// reported.
    ///
    /// Only debug-level calls are reported. Debug logging is off in production, so a debug
    /// message formatted before the call is work done on every call for a record nobody
    /// sees. At the levels that are on (`info` and above, usually) the message is formatted
    /// anyway; what remains there is grouping records by template, a style choice that Ruff's
    /// `G004` (`logging-f-string`) enforces for teams that want it.
    ///
    /// ## Why is this bad?
    /// The standard library formats a record's message only when a handler emits it: with
    /// `logger.debug("user %s", user_id)` nothing is formatted when debug logging is off, while
    /// an f-string is built on every call, in every request. Keeping the template separate
    /// from the values also lets log aggregators and error trackers (Sentry groups by
    /// `record.msg`) group the records of one statement, and lets structured handlers emit the
    /// values as fields. structlog expects a constant event name with the values as key-value
    /// pairs; loguru formats `{}` placeholders lazily from the call's arguments.
    ///
    /// ## Example
    /// ```python
    /// import logging
    ///
    /// logger = logging.getLogger(__name__)
    ///
    ///
    /// def create_user(user_id: int):
    ///     logger.debug(f"created user {user_id}")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import logging
    ///
    /// logger = logging.getLogger(__name__)
    ///
    ///
    /// def create_user(user_id: int):
    ///     logger.debug("created user %s", user_id)
    /// ```
    ///
    /// ## Fix safety
    /// A fix is offered for f-string messages (also implicitly concatenated with other
    /// f-strings or plain strings) whose replacement fields are plain expressions: no format
    /// spec, no `=`, no expression spanning lines. For the standard library each field becomes
    /// `%s` (`%r`, `%a` with `!r`, `!a`) and literal `%` becomes `%%`; for loguru each field
    /// becomes `{}` (`{!r}`...) and braces of plain string parts are doubled. The expressions
    /// move, in order, to positional arguments after the message. It is offered only when the
    /// message is the last positional argument and is not in parentheses of its own (and, for
    /// loguru, the call has no keyword arguments, which loguru would also format with).
    ///
    /// The fix is safe: the arguments are evaluated at the same point, and the logged text is
    /// the same for the values people log (`%s` uses `str(value)` where the f-string used
    /// `format(value, "")`; both agree except for types that customise `__format__`
    /// differently from `__str__`; conversions are kept exactly). Loguru's `{}` uses
    /// `format(value, "")` like the f-string.
    ///
    /// ## References
    /// - fastapi-lint practices, 14: "Use structured logging"
    /// - [Python documentation: Optimization in the logging HOWTO](https://docs.python.org/3/howto/logging.html#optimization)
    /// - [Python documentation: `Logger.debug` and its `args`](https://docs.python.org/3/library/logging.html#logging.Logger.debug)
    /// - [structlog: Best practices](https://www.structlog.org/en/stable/logging-best-practices.html)
    /// - [loguru: `logger.info` with `{}` arguments](https://loguru.readthedocs.io/en/stable/api/logger.html#loguru._logger.Logger.info)
    pub struct EagerLogFormatting;
}

/// Which logging library the call goes to: it decides the advice and the fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Library {
    Stdlib,
    Structlog,
    Loguru,
}

/// How the message was built.
#[derive(Clone, Copy, Debug)]
enum Formatting {
    FString,
    FormatCall,
    Percent,
}

/// Types the standard library's loggers are proven by (`instance_type` gives the class or the
/// factory that made the object).
const STDLIB_LOGGERS: &[&str] = &[
    "logging.getLogger",
    "logging.Logger",
    "logging.LoggerAdapter",
    "logging.RootLogger",
];
const STRUCTLOG_LOGGERS: &[&str] = &[
    "structlog.get_logger",
    "structlog.getLogger",
    "structlog.stdlib.get_logger",
    "structlog.stdlib.BoundLogger",
    "structlog.typing.FilteringBoundLogger",
    "structlog.types.FilteringBoundLogger",
];
const LOGURU_LOGGERS: &[&str] = &[
    "loguru.logger.bind",
    "loguru.logger.opt",
    "loguru.logger.patch",
    "loguru.Logger",
];

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    let Some((library, position)) = logging_call(checker, call) else {
        return;
    };
    if !is_debug_level(checker, call, position) {
        return;
    }
    let message = match library {
        Library::Stdlib => call.arguments.find_argument_value("msg", position),
        Library::Structlog => call.arguments.find_argument_value("event", position),
        // Loguru's message is positional-only; its keyword arguments are format values.
        Library::Loguru => call.arguments.find_positional(position),
    };
    let Some(message) = message else { return };
    let Some(formatting) = formatting(message) else {
        return;
    };
    if library == Library::Structlog && is_structlog_event_name(call, message) {
        return;
    }
    let how = match formatting {
        Formatting::FString => "an f-string",
        Formatting::FormatCall => "`str.format`",
        Formatting::Percent => "`%` formatting",
    };
    let instead = match library {
        Library::Stdlib => "pass the values as arguments: `logger.debug(\"user %s\", user_id)`",
        Library::Structlog => {
            "log a constant event with the values as key-value pairs: `logger.debug(\"user_created\", user_id=user_id)`"
        }
        Library::Loguru => {
            "pass the values as arguments to `{}` placeholders: `logger.debug(\"user {}\", user_id)`"
        }
    };
    let text = format!(
        "Debug message built with {how}{context} is formatted on every call, though debug logging is off in production; {instead}",
        context = context_suffix(checker)
    );
    let diagnostic = Diagnostic::new(Rule::EagerLogFormatting, text, message.range());
    let fix = match (formatting, message) {
        (Formatting::FString, Expr::FString(fstring)) => {
            lazy_fix(checker, call, library, position, fstring)
        }
        _ => None,
    };
    checker.report(match fix {
        Some(edit) => {
            diagnostic.with_fix("Pass the values as logging arguments", Fix::safe_edit(edit))
        }
        None => diagnostic,
    });
}

/// Whether the call logs at debug level: `.debug(...)`, or `.log(logging.DEBUG, ...)` (the
/// message is then the second argument).
fn is_debug_level(checker: &Checker, call: &ast::ExprCall, position: usize) -> bool {
    let method = match call.func.as_ref() {
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => checker
            .callee_name(call)
            .and_then(|name| name.rsplit('.').next())
            .unwrap_or_default(),
    };
    match method {
        "debug" => true,
        "log" if position == 1 => call
            .arguments
            .find_argument_value("level", 0)
            .and_then(|level| checker.qualified_name(level))
            .is_some_and(|level| level == "logging.DEBUG"),
        _ => false,
    }
}

/// The library of a logging call and where its message is, when the code proves the receiver
/// is a logger.
fn logging_call(checker: &Checker, call: &ast::ExprCall) -> Option<(Library, usize)> {
    match call.func.as_ref() {
        // `from logging import info`.
        Expr::Name(_) => {
            let qualified = checker.callee_name(call)?;
            let position = message_position(qualified.strip_prefix("logging.")?)?;
            Some((Library::Stdlib, position))
        }
        Expr::Attribute(attribute) => {
            let position = message_position(attribute.attr.as_str())?;
            let receiver = &attribute.value;
            let library = match checker.qualified_name(receiver).as_deref() {
                Some("logging") => Library::Stdlib,
                Some("loguru.logger") => Library::Loguru,
                Some(_) => return None,
                None => {
                    let semantic = checker.semantic();
                    match semantic.instance_type(receiver, checker.scope()).as_deref() {
                        Some(class) if STDLIB_LOGGERS.contains(&class) => Library::Stdlib,
                        Some(class) if STRUCTLOG_LOGGERS.contains(&class) => Library::Structlog,
                        Some(class) if LOGURU_LOGGERS.contains(&class) => Library::Loguru,
                        _ if is_bound_structlog_logger(semantic, receiver, checker.scope(), 0) => {
                            Library::Structlog
                        }
                        _ => return None,
                    }
                }
            };
            Some((library, position))
        }
        _ => None,
    }
}

/// `log.info(f"dataset.{event}", **fields)`: a structlog event name built from parts, with the
/// values passed as key-value pairs. The f-string's literal text is made of name characters
/// (letters, digits, `.`, `_`, `-`, `:`) and its fields are plain, so it names an event
/// rather than embedding data in a sentence.
fn is_structlog_event_name(call: &ast::ExprCall, message: &Expr) -> bool {
    let Expr::FString(fstring) = message else {
        return false;
    };
    let name_text = |text: &str| {
        text.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'))
    };
    let has_key_values = !call.arguments.keywords.is_empty();
    has_key_values
        && fstring.value.iter().all(|part| match part {
            ast::FStringPart::Literal(literal) => name_text(&literal.value),
            ast::FStringPart::FString(part) => part.elements.iter().all(|element| match element {
                InterpolatedStringElement::Literal(literal) => name_text(&literal.value),
                InterpolatedStringElement::Interpolation(field) => {
                    field.debug_text.is_none()
                        && field.format_spec.is_none()
                        && field.conversion == ConversionFlag::None
                }
            }),
        })
}

/// The methods of a structlog logger that return a new bound logger.
const STRUCTLOG_BINDERS: &[&str] = &["bind", "new", "unbind", "try_unbind"];

/// How many assignments and `.bind(...)` calls are followed back to `structlog.get_logger()`.
const MAX_BIND_DEPTH: u8 = 8;

/// A logger bound from a structlog logger: `structlog.get_logger().bind(...)`, or a name
/// assigned one, or `.bind(...)` on a proven structlog logger, as many levels as it takes
/// (`log = logger.bind(a=1)`, `log = log.bind(b=2)`).
fn is_bound_structlog_logger(
    semantic: &SemanticModel,
    expr: &Expr,
    scope: ScopeId,
    depth: u8,
) -> bool {
    if depth > MAX_BIND_DEPTH {
        return false;
    }
    match expr {
        Expr::Call(call) => {
            let Expr::Attribute(method) = call.func.as_ref() else {
                return false;
            };
            STRUCTLOG_BINDERS.contains(&method.attr.as_str())
                && (semantic
                    .instance_type(&method.value, scope)
                    .is_some_and(|class| STRUCTLOG_LOGGERS.contains(&class.as_str()))
                    || is_bound_structlog_logger(semantic, &method.value, scope, depth + 1))
        }
        Expr::Name(_) => {
            let Some(binding) = semantic.binding_of_name(expr, scope) else {
                return false;
            };
            match &binding.kind {
                BindingKind::Assignment { value } => {
                    is_bound_structlog_logger(semantic, value, binding.scope, depth + 1)
                }
                BindingKind::AnnAssign {
                    value: Some(value), ..
                } => is_bound_structlog_logger(semantic, value, binding.scope, depth + 1),
                _ => false,
            }
        }
        _ => false,
    }
}

/// How a message expression formats values into a string before the call, if it does.
fn formatting(message: &Expr) -> Option<Formatting> {
    match message {
        Expr::FString(fstring) => {
            let has_field = fstring.value.f_strings().any(|part| {
                part.elements
                    .iter()
                    .any(InterpolatedStringElement::is_interpolation)
            });
            has_field.then_some(Formatting::FString)
        }
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attribute)
                if attribute.attr.as_str() == "format"
                    && attribute.value.is_string_literal_expr() =>
            {
                Some(Formatting::FormatCall)
            }
            _ => None,
        },
        Expr::BinOp(binop) if binop.op == Operator::Mod && binop.left.is_string_literal_expr() => {
            Some(Formatting::Percent)
        }
        _ => None,
    }
}

/// Replaces `f"user {uid} did {x}"` with `"user %s did %s", uid, x` (or `{}` for loguru).
/// Implicitly concatenated parts are converted one by one, keeping what separates them.
fn lazy_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    library: Library,
    position: usize,
    fstring: &ast::ExprFString,
) -> Option<Edit> {
    let arguments = &call.arguments;
    let positional_message = arguments
        .find_positional(position)
        .is_some_and(|arg| arg.range() == fstring.range());
    let last_positional =
        arguments.args.len() == position + 1 && !arguments.args.iter().any(Expr::is_starred_expr);
    let keywords_allowed = library == Library::Stdlib || arguments.keywords.is_empty();
    if library == Library::Structlog
        || !positional_message
        || !last_positional
        || !keywords_allowed
        || is_parenthesized(checker, call, position, fstring)
    {
        return None;
    }
    let source = checker.source();
    let parts = fstring.value.as_slice();
    let mut template = String::new();
    let mut values = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        if let Some(previous) = index.checked_sub(1).map(|previous| &parts[previous]) {
            template.push_str(&source[TextRange::new(previous.end(), part.start())]);
        }
        match part {
            ast::FStringPart::Literal(literal) => {
                template.push_str(&plain_part(checker, literal, library)?);
            }
            ast::FStringPart::FString(part) => {
                template.push_str(&fstring_part(checker, part, library, &mut values)?);
            }
        }
    }
    Some(Edit::range_replacement(
        format!("{template}, {}", values.join(", ")),
        fstring.range(),
    ))
}

/// One f-string of the message as a plain string template, its fields' expressions pushed to
/// `values`.
fn fstring_part<'a>(
    checker: &Checker<'a>,
    part: &ast::FString,
    library: Library,
    values: &mut Vec<&'a str>,
) -> Option<String> {
    let prefix_range = TextRange::at(part.start(), part.flags.prefix().text_len());
    let prefix: String = checker
        .slice(prefix_range)
        .chars()
        .filter(|c| !matches!(c, 'f' | 'F'))
        .collect();
    let quote = part.flags.quote_str();
    let mut body = String::new();
    for element in &part.elements {
        match element {
            InterpolatedStringElement::Literal(literal) => {
                let text = checker.slice(literal.range());
                match library {
                    // `{{` in an f-string is a literal brace; `%` must be doubled for `%` formatting.
                    Library::Stdlib => body.push_str(
                        &text
                            .replace("{{", "{")
                            .replace("}}", "}")
                            .replace('%', "%%"),
                    ),
                    // `str.format` escapes braces like f-strings do.
                    Library::Loguru | Library::Structlog => body.push_str(text),
                }
            }
            InterpolatedStringElement::Interpolation(field) => {
                values.push(plain_field(checker, field)?);
                body.push_str(placeholder(library, field.conversion));
            }
        }
    }
    Some(format!("{prefix}{quote}{body}{quote}"))
}

/// A plain string part of a concatenated message, escaped for the library's formatting.
fn plain_part(checker: &Checker, literal: &ast::StringLiteral, library: Library) -> Option<String> {
    let text = checker.slice(literal.range());
    let opener = literal.flags.opener_len().to_usize();
    let closer = literal.flags.closer_len().to_usize();
    let (head, body, tail) = (
        &text[..opener],
        &text[opener..text.len() - closer],
        &text[text.len() - closer..],
    );
    let escaped = match library {
        Library::Stdlib => body.replace('%', "%%"),
        // Doubling the braces of a `\N{...}` escape would break it.
        Library::Loguru | Library::Structlog if body.contains("\\N") => return None,
        Library::Loguru | Library::Structlog => body.replace('{', "{{").replace('}', "}}"),
    };
    Some(format!("{head}{escaped}{tail}"))
}

/// The placeholder a field becomes: `%s`/`%r`/`%a` for the standard library, `{}`/`{!r}`/...
/// for loguru, so that conversions are kept.
const fn placeholder(library: Library, conversion: ConversionFlag) -> &'static str {
    match (library, conversion) {
        (Library::Stdlib, ConversionFlag::None | ConversionFlag::Str) => "%s",
        (Library::Stdlib, ConversionFlag::Repr) => "%r",
        (Library::Stdlib, ConversionFlag::Ascii) => "%a",
        (_, ConversionFlag::None) => "{}",
        (_, ConversionFlag::Str) => "{!s}",
        (_, ConversionFlag::Repr) => "{!r}",
        (_, ConversionFlag::Ascii) => "{!a}",
    }
}

/// The source of a replacement field's expression when it can become an argument as written:
/// no format spec or `=`, not spanning lines, not an unparenthesized tuple (which would become
/// several arguments) or starred/yield expression.
fn plain_field<'a>(checker: &Checker<'a>, field: &ast::InterpolatedElement) -> Option<&'a str> {
    if field.debug_text.is_some() || field.format_spec.is_some() {
        return None;
    }
    let expression = field.expression.as_ref();
    let unsafe_as_argument = match expression {
        Expr::Tuple(tuple) => !tuple.parenthesized,
        Expr::Starred(_) | Expr::Yield(_) | Expr::YieldFrom(_) => true,
        _ => false,
    };
    let text = checker.slice(expression.range());
    (!unsafe_as_argument && !text.contains(['\n', '\r'])).then_some(text)
}

/// Whether the message has parentheses of its own (`logger.info((f"..."))`): replacing the
/// inside with several arguments would then build a tuple.
fn is_parenthesized(
    checker: &Checker,
    call: &ast::ExprCall,
    position: usize,
    message: &ast::ExprFString,
) -> bool {
    let source = checker.source();
    let first_token_start = match position.checked_sub(1) {
        None => SimpleTokenizer::starts_at(call.arguments.start() + TextSize::of('('), source)
            .skip_trivia()
            .next(),
        Some(previous) => {
            let mut tokens =
                SimpleTokenizer::starts_at(call.arguments.args[previous].end(), source)
                    .skip_trivia();
            match tokens.next() {
                Some(comma) if comma.kind == SimpleTokenKind::Comma => tokens.next(),
                _ => None,
            }
        }
    };
    first_token_start.is_none_or(|token| token.start() != message.start())
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixes_parse, assert_fixture, fixed_sources};

    fn settings() -> LinterSettings {
        LinterSettings::for_rules([Rule::EagerLogFormatting])
    }

    #[test]
    fn fixture() {
        assert_fixture!("logging/FAPI802.py", settings());
    }

    #[test]
    fn fixes_produce_valid_python() {
        assert!(assert_fixes_parse("logging/FAPI802.py", &settings()) >= 5);
    }

    #[test]
    fn fixed_messages_keep_the_text() {
        let fixed = fixed_sources("logging/FAPI802.py", &settings());
        assert!(
            fixed
                .iter()
                .any(|source| source.contains(r#"logger.debug("user %s did %s", uid, action)"#))
        );
        assert!(fixed.iter().any(|source| {
            source.contains(r#"logger.debug("100%% of {quota} used by %s", uid)"#)
        }));
        assert!(
            fixed
                .iter()
                .any(|source| source.contains(r#"loguru_logger.debug("user {} did {{x}}", uid)"#))
        );
        assert!(
            fixed
                .iter()
                .any(|source| source.contains(r#"other.debug("failed for %r", uid)"#))
        );
        assert!(fixed.iter().any(|source| {
            source.contains(r#"loguru_logger.debug("user {!r}" " {{literal}}", uid)"#)
        }));
        assert!(fixed.iter().any(|source| {
            source.contains(r#"logger.debug("implicit %s" " 100%% concatenated", uid)"#)
        }));
    }
}
