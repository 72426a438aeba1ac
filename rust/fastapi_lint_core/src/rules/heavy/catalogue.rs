//! What counts as heavy work: model loaders (FAPI202), and CPU-bound calls (FAPI201) —
//! password hashing, image and video processing, inference on a loaded model.
//!
//! Objects are recognised only when the code proves what they are: a name bound to
//! `CryptContext(...)`, `Image.open(...)`, `joblib.load(...)`, … (also through `with … as`,
//! an annotated parameter, or a module global a lifespan assigns after `global model`).

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::{BindingId, BindingKind, ScopeId, SemanticModel};

/// Functions and classes whose call loads a model (weights, a pickled estimator, a pipeline).
const LOADERS: &[&str] = &[
    "torch.load",
    "torch.jit.load",
    "torch.hub.load",
    "joblib.load",
    "pickle.load",
    "dill.load",
    "cloudpickle.load",
    "transformers.pipeline",
    "tensorflow.keras.models.load_model",
    "tensorflow.saved_model.load",
    "keras.models.load_model",
    "keras.saving.load_model",
    "onnxruntime.InferenceSession",
    "sentence_transformers.SentenceTransformer",
    "sentence_transformers.CrossEncoder",
    "spacy.load",
    "whisper.load_model",
    "faster_whisper.WhisperModel",
    "ultralytics.YOLO",
    "fasttext.load_model",
];

/// Loaders of classic estimators and small pipelines (pickled scikit-learn models, spaCy,
/// fastText): their inference usually takes milliseconds, fine in a `def` route's worker thread.
/// Everything else in [`LOADERS`] loads a deep-learning model.
const LIGHT_LOADERS: &[&str] = &[
    "joblib.load",
    "pickle.load",
    "pickle.loads",
    "dill.load",
    "cloudpickle.load",
    "spacy.load",
    "fasttext.load_model",
];

/// Packages whose classes load weights through `Class.from_pretrained(...)`.
const PRETRAINED_PACKAGES: &[&str] = &["transformers", "diffusers", "peft"];

/// `from_pretrained` classes that load preprocessing, not a model to run inference on.
const PREPROCESSORS: &[&str] = &["Tokenizer", "Processor", "FeatureExtractor", "Config"];

/// Methods that return the same model, moved or switched to evaluation mode.
const MODEL_PASSTHROUGH: &[&str] = &[
    "to",
    "eval",
    "cuda",
    "cpu",
    "half",
    "float",
    "requires_grad_",
];

/// Methods that run a loaded model.
const INFERENCE_METHODS: &[&str] = &[
    "predict",
    "predict_proba",
    "predict_on_batch",
    "generate",
    "encode",
    "transcribe",
    "forward",
    "run",
    "detect",
    "track",
];

/// A call that loads a model.
pub(super) struct Loader {
    /// The loader's qualified name, as messages show it.
    pub(super) name: String,
    /// Whether the loaded object runs inference (not a tokenizer or a processor).
    is_model: bool,
}

/// A model the code proves was loaded, for FAPI201.
pub(super) struct LoadedModel {
    /// The loader's qualified name.
    pub(super) loader: String,
    /// Whether inference is heavy even in a worker thread: a deep-learning model, not a
    /// classic estimator from [`LIGHT_LOADERS`].
    pub(super) deep: bool,
}

/// The loader `call` is, if any.
pub(super) fn loader(semantic: &SemanticModel, call: &ast::ExprCall) -> Option<Loader> {
    let name = semantic.callee_name(call)?;
    if LOADERS.contains(&name) || (name == "pickle.loads" && reads_a_file(call)) {
        return Some(Loader {
            name: name.to_string(),
            is_model: true,
        });
    }
    let class = name.strip_suffix(".from_pretrained")?;
    let package = class.split('.').next()?;
    if !PRETRAINED_PACKAGES.contains(&package) {
        return None;
    }
    let is_model = !PREPROCESSORS.iter().any(|suffix| {
        class
            .rsplit('.')
            .next()
            .is_some_and(|class| class.contains(suffix))
    });
    Some(Loader {
        name: name.to_string(),
        is_model,
    })
}

/// `pickle.loads(f.read())`, `pickle.loads(path.read_bytes())`: a file's contents, not bytes
/// from a cache or a request.
fn reads_a_file(call: &ast::ExprCall) -> bool {
    let Some(Expr::Call(argument)) = call.arguments.find_positional(0) else {
        return false;
    };
    matches!(argument.func.as_ref(), Expr::Attribute(method) if matches!(method.attr.as_str(), "read" | "read_bytes"))
}

/// Inference on a loaded model, `model.predict(x)` or `pipe(text)`: the model, and how the
/// message names the call.
pub(super) fn inference(
    semantic: &SemanticModel,
    call: &ast::ExprCall,
    scope: ScopeId,
) -> Option<(LoadedModel, String)> {
    let (model, call_name) = match call.func.as_ref() {
        Expr::Attribute(method) if INFERENCE_METHODS.contains(&method.attr.as_str()) => (
            model_of(semantic, &method.value, scope, 0)?,
            method.attr.to_string(),
        ),
        func @ Expr::Name(name) => (
            model_of(semantic, func, scope, 0)?,
            format!("{}(...)", name.id.as_str()),
        ),
        _ => return None,
    };
    let what = format!("`{call_name}` on the model from `{}`", model.loader);
    Some((model, what))
}

/// The model `expr` holds.
fn model_of(
    semantic: &SemanticModel,
    expr: &Expr,
    scope: ScopeId,
    depth: u8,
) -> Option<LoadedModel> {
    if depth > MAX_DEPTH {
        return None;
    }
    match expr {
        Expr::Call(call) => {
            if let Some(loader) = loader(semantic, call) {
                let deep = !LIGHT_LOADERS.contains(&loader.name.as_str());
                return loader.is_model.then_some(LoadedModel {
                    loader: loader.name,
                    deep,
                });
            }
            match call.func.as_ref() {
                Expr::Attribute(method) if MODEL_PASSTHROUGH.contains(&method.attr.as_str()) => {
                    model_of(semantic, &method.value, scope, depth + 1)
                }
                _ => None,
            }
        }
        Expr::Name(_) => bound_values(semantic, expr, scope)
            .into_iter()
            .find_map(|(value, scope)| model_of(semantic, value, scope, depth + 1)),
        _ => None,
    }
}

/// Password hashing by qualified name.
const HASH_FUNCTIONS: &[&str] = &[
    "bcrypt.hashpw",
    "bcrypt.checkpw",
    "bcrypt.kdf",
    "hashlib.pbkdf2_hmac",
    "hashlib.scrypt",
    "argon2.low_level.hash_secret",
    "argon2.low_level.hash_secret_raw",
    "argon2.low_level.verify_secret",
];

/// Classes (and factories) of password hashers, whose `HASHER_METHODS` are slow by design.
const HASHER_CLASSES: &[&str] = &[
    "passlib.context.CryptContext",
    "passlib.apps.custom_app_context",
    "argon2.PasswordHasher",
    "pwdlib.PasswordHash",
    "pwdlib.PasswordHash.recommended",
];

const HASHER_METHODS: &[&str] = &["hash", "verify", "verify_and_update", "encrypt", "genhash"];

/// Password hashing or verification, and how the message names it. `passlib.hash.<scheme>`
/// handlers are module attributes: `passlib.hash.bcrypt.hash(pw)`,
/// `passlib.hash.bcrypt.using(rounds=12).hash(pw)`.
pub(super) fn password_hashing(
    semantic: &SemanticModel,
    call: &ast::ExprCall,
    scope: ScopeId,
    qualified: Option<&str>,
) -> Option<String> {
    if let Some(qualified) = qualified.filter(|qualified| {
        HASH_FUNCTIONS.contains(qualified) || is_passlib_handler_method(qualified)
    }) {
        return Some(format!("`{qualified}`"));
    }
    match call.func.as_ref() {
        Expr::Attribute(method)
            if HASHER_METHODS.contains(&method.attr.as_str())
                && is_hasher(semantic, &method.value, scope, 0) =>
        {
            Some(format!("`{}` on a password hasher", method.attr.as_str()))
        }
        _ => None,
    }
}

fn is_passlib_handler_method(qualified: &str) -> bool {
    qualified
        .strip_prefix("passlib.hash.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(_, method)| HASHER_METHODS.contains(&method))
}

fn is_hasher(semantic: &SemanticModel, expr: &Expr, scope: ScopeId, depth: u8) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if let Some(qualified) = semantic.qualified_name(expr, scope) {
        return HASHER_CLASSES.contains(&qualified.as_str())
            || qualified
                .strip_prefix("passlib.hash.")
                .is_some_and(|scheme| !scheme.contains('.'));
    }
    match expr {
        Expr::Call(call) => {
            semantic.callee_name(call).is_some_and(|qualified| HASHER_CLASSES.contains(&qualified))
                // `context.using(...)` and `handler.using(...)` configure a new hasher.
                || matches!(call.func.as_ref(), Expr::Attribute(method) if method.attr.as_str() == "using" && is_hasher(semantic, &method.value, scope, depth + 1))
        }
        Expr::Name(_) => {
            if let Some(BindingKind::Parameter { .. }) = semantic
                .binding_of_name(expr, scope)
                .map(|binding| &binding.kind)
            {
                return semantic
                    .instance_type(expr, scope)
                    .is_some_and(|class| HASHER_CLASSES.contains(&class.as_str()));
            }
            bound_values(semantic, expr, scope)
                .into_iter()
                .any(|(value, scope)| is_hasher(semantic, value, scope, depth + 1))
        }
        _ => false,
    }
}

/// `PIL` calls that build an image from data.
const IMAGE_FACTORIES: &[&str] = &[
    "PIL.Image.open",
    "PIL.Image.new",
    "PIL.Image.fromarray",
    "PIL.Image.frombytes",
    "PIL.Image.frombuffer",
];

/// Methods of a `PIL` image that process its pixels (and return a new image, except `save`,
/// `thumbnail`, `paste` and `load`).
const IMAGE_METHODS: &[&str] = &[
    "resize",
    "thumbnail",
    "filter",
    "convert",
    "save",
    "rotate",
    "transpose",
    "transform",
    "quantize",
    "reduce",
    "crop",
    "paste",
    "load",
];

/// Methods of a `moviepy` clip that render or encode it.
const CLIP_METHODS: &[&str] = &[
    "write_videofile",
    "write_audiofile",
    "write_gif",
    "write_images_sequence",
    "iter_frames",
];

/// Image or video processing: the pixel work on images from `PIL.Image.open(...)` and
/// friends (opening an image only reads its header, so `open` itself is not reported),
/// `PIL.ImageOps` functions, any `cv2` call, `moviepy` clips and their rendering. Returns how
/// the message names the call.
pub(super) fn media_work(
    semantic: &SemanticModel,
    call: &ast::ExprCall,
    scope: ScopeId,
    qualified: Option<&str>,
) -> Option<String> {
    if let Some(qualified) = qualified
        && ["PIL.ImageOps.", "cv2.", "moviepy."]
            .iter()
            .any(|prefix| qualified.starts_with(prefix))
    {
        return Some(format!("`{qualified}`"));
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    let name = method.attr.as_str();
    if IMAGE_METHODS.contains(&name) && is_image(semantic, &method.value, scope, 0) {
        return Some(format!("`{name}` on a `PIL` image"));
    }
    if CLIP_METHODS.contains(&name) && is_clip(semantic, &method.value, scope, 0) {
        return Some(format!("`{name}` on a `moviepy` clip"));
    }
    None
}

fn is_image(semantic: &SemanticModel, expr: &Expr, scope: ScopeId, depth: u8) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Call(call) => match semantic.callee_name(call) {
            Some(qualified) => {
                IMAGE_FACTORIES.contains(&qualified) || qualified.starts_with("PIL.ImageOps.")
            }
            // `resize`, `convert`, … return a new image; `copy` too.
            None => matches!(call.func.as_ref(), Expr::Attribute(method)
                if (IMAGE_METHODS.contains(&method.attr.as_str()) || method.attr.as_str() == "copy") && is_image(semantic, &method.value, scope, depth + 1)),
        },
        Expr::Name(_) => {
            if let Some(BindingKind::Parameter { .. }) = semantic
                .binding_of_name(expr, scope)
                .map(|binding| &binding.kind)
            {
                return semantic
                    .instance_type(expr, scope)
                    .is_some_and(|class| class == "PIL.Image.Image");
            }
            bound_values(semantic, expr, scope)
                .into_iter()
                .any(|(value, scope)| is_image(semantic, value, scope, depth + 1))
        }
        _ => false,
    }
}

fn is_clip(semantic: &SemanticModel, expr: &Expr, scope: ScopeId, depth: u8) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Call(call) => match semantic.qualified_name(&call.func, scope) {
            Some(qualified) => qualified.starts_with("moviepy."),
            // Clip methods (`subclip`, `resize`, `set_audio`, …) return clips.
            None => {
                matches!(call.func.as_ref(), Expr::Attribute(method) if is_clip(semantic, &method.value, scope, depth + 1))
            }
        },
        Expr::Name(_) => bound_values(semantic, expr, scope)
            .into_iter()
            .any(|(value, scope)| is_clip(semantic, value, scope, depth + 1)),
        _ => false,
    }
}

/// How deep name bindings and method chains are followed.
const MAX_DEPTH: u8 = 8;

/// The values a name may hold where it is read, each with the scope it is evaluated in: the
/// value of the binding it resolves to and, for a module global, also every value a function
/// assigns to it after `global name` (a lifespan that loads the model into a global).
fn bound_values<'a>(
    semantic: &'a SemanticModel<'a>,
    expr: &Expr,
    scope: ScopeId,
) -> Vec<(&'a Expr, ScopeId)> {
    let Some(binding) = semantic.binding_of_name(expr, scope) else {
        return Vec::new();
    };
    let mut values: Vec<(&Expr, ScopeId)> = value_of(&binding.kind)
        .map(|value| (value, binding.scope))
        .into_iter()
        .collect();
    if binding.scope == ScopeId::MODULE {
        // Assignments in functions that declare the name `global`, in source order.
        let mut assigned: Vec<BindingId> = semantic
            .declaring_scopes(binding.name)
            .iter()
            .filter(|scope| **scope != ScopeId::MODULE)
            .flat_map(|scope| {
                semantic
                    .scope(*scope)
                    .bindings_of(binding.name)
                    .iter()
                    .copied()
            })
            .collect();
        assigned.sort_unstable();
        assigned.dedup();
        values.extend(assigned.into_iter().filter_map(|id| {
            let other = semantic.binding(id);
            value_of(&other.kind).map(|value| (value, other.scope))
        }));
    }
    values
}

fn value_of<'a>(kind: &BindingKind<'a>) -> Option<&'a Expr> {
    match kind {
        BindingKind::Assignment { value }
        | BindingKind::WithItem { context: value }
        | BindingKind::AnnAssign {
            value: Some(value), ..
        } => Some(value),
        _ => None,
    }
}
