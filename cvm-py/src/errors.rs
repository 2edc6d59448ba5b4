//! Core errors → Python exceptions (`cvm.exceptions`), one class per variant; and the guard
//! every binding runs in, which turns a panic into `cvm.CvmError`.
//!
//! # The guard
//! No input may reach a panic in the core; should one happen (a bug), pyo3 would raise
//! `pyo3_runtime.PanicException`, a `BaseException` that escapes `except Exception` and every
//! handler written for `cvm.CvmError`. So the body of every `#[pyfunction]` and of every method
//! of a `#[pymethods]` block is one [`call`]; work without the GIL goes through [`detach`], which
//! is guarded too. A caught panic is a `cvm.CvmError` whose message carries the panic's. The
//! test `every_binding_runs_inside_the_guard` checks the sources keep to this.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;

/// The `cvm.exceptions` class name for each core error variant (exhaustive).
pub fn class_name(e: &cvm_core::Error) -> &'static str {
    use cvm_core::Error as E;
    match e {
        E::Empty { .. } => "EmptyInputError",
        E::LengthMismatch { .. } => "LengthMismatchError",
        E::InvalidValue { .. } => "InvalidValueError",
        E::UnknownName { .. } => "UnknownNameError",
        E::NotConverged { .. } => "ConvergenceError",
        E::Numerical { .. } => "NumericalError",
        E::Json { .. } => "SerializationError",
        E::NotIdentified { .. } => "NotIdentifiedError",
        _ => "CvmError",
    }
}

/// Builds the Python exception for a core error, with `field`, `index` and variant details as
/// attributes.
pub fn to_py(e: cvm_core::Error) -> PyErr {
    Python::attach(|py| match build(py, &e) {
        Ok(err) => err,
        Err(err) => err,
    })
}

fn build(py: Python<'_>, e: &cvm_core::Error) -> PyResult<PyErr> {
    use cvm_core::Error as E;
    let module = py.import("cvm.exceptions")?;
    let cls = module.getattr(class_name(e))?;
    let inst = cls.call1((e.to_string(),))?;
    inst.setattr("field", e.field())?;
    inst.setattr("index", e.index())?;
    match e {
        E::LengthMismatch { expected, got, .. } => {
            inst.setattr("expected", expected)?;
            inst.setattr("got", got)?;
        }
        E::UnknownName { value, valid, .. } => {
            inst.setattr("value", value)?;
            inst.setattr("valid", valid.clone())?;
        }
        E::NotConverged { iterations, gradient_norm, log_likelihood, params, .. } => {
            inst.setattr("iterations", iterations)?;
            inst.setattr("gradient_norm", gradient_norm)?;
            inst.setattr("log_likelihood", log_likelihood)?;
            inst.setattr("params", params.clone())?;
        }
        E::NotIdentified { model, reason } => {
            inst.setattr("model", model)?;
            inst.setattr("reason", reason)?;
        }
        _ => {}
    }
    Ok(PyErr::from_value(inst))
}

/// `Result` → `PyResult`.
pub trait IntoPyResult<T> {
    /// Maps the error with [`to_py`].
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for cvm_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// Runs the body of a binding (convert, call the core, map the error, wrap the result); a panic
/// becomes `cvm.CvmError` carrying its message (see the module documentation).
pub fn call<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch(body).unwrap_or_else(|message| Err(panic_to_py(&message)))
}

/// Runs core work without the GIL (`py.detach`) and maps its error; a panic becomes
/// `cvm.CvmError` as in [`call`].
pub fn detach<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: Send + FnOnce() -> cvm_core::Result<T>,
    T: Send,
{
    match py.detach(|| crate::pool::run(|| catch(work))) {
        Ok(result) => result.py(),
        Err(message) => Err(panic_to_py(&message)),
    }
}

/// `f()`, or the message of its panic. The models are immutable, so nothing half-updated is
/// observable after an unwind (hence `AssertUnwindSafe`).
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

/// The text of a panic payload (`panic!("…")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// The message of the `cvm.CvmError` raised for a panic.
fn panic_text(message: &str) -> String {
    format!("internal error in cvm (a bug; please report it): {message}")
}

/// `cvm.CvmError` for a caught panic (field and index `None`).
fn panic_to_py(message: &str) -> PyErr {
    Python::attach(|py| {
        let cls = py.import("cvm.exceptions")?.getattr("CvmError")?;
        Ok(PyErr::from_value(cls.call1((panic_text(message),))?))
    })
    .unwrap_or_else(|e: PyErr| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Set while a test provokes a panic on purpose: the hook then prints nothing.
        static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Runs `f`, whose panics are expected, without printing them (other panics, e.g. failed
    /// assertions, still print).
    fn quietly<R>(f: impl FnOnce() -> R) -> R {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !QUIET.with(|q| q.get()) {
                    default(info)
                }
            }));
        });
        struct Loud;
        impl Drop for Loud {
            fn drop(&mut self) {
                QUIET.with(|q| q.set(false));
            }
        }
        QUIET.with(|q| q.set(true));
        let _loud = Loud;
        f()
    }

    /// Makes `cvm.exceptions` importable from its source, without the native module (the
    /// package's `__init__` would load it); once, before taking the GIL, so that tests running
    /// in parallel share one set of classes.
    fn with_exceptions<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
        static SETUP: std::sync::Once = std::sync::Once::new();
        Python::initialize();
        SETUP.call_once(|| {
            Python::attach(|py| {
                let modules = py.import("sys").unwrap().getattr("modules").unwrap();
                let package = PyModule::new(py, "cvm").unwrap();
                package.setattr("__path__", Vec::<String>::new()).unwrap();
                modules.set_item("cvm", package).unwrap();
                let code =
                    std::ffi::CString::new(include_str!("../python/cvm/exceptions.py")).unwrap();
                let module =
                    PyModule::from_code(py, &code, c"cvm/exceptions.py", c"cvm.exceptions")
                        .unwrap();
                modules.set_item("cvm.exceptions", module).unwrap();
            })
        });
        Python::attach(f)
    }

    fn class_of(py: Python<'_>, e: &PyErr) -> String {
        e.get_type(py).name().unwrap().to_string()
    }

    #[test]
    fn a_panic_is_caught_with_its_message() {
        assert_eq!(catch(|| 7), Ok(7));
        let n = 3;
        let (a, b, c) = quietly(|| {
            (
                catch(|| -> () { panic!("static text") }),
                catch(|| -> () { panic!("formatted {n}") }),
                catch(|| std::panic::panic_any(42_i32)),
            )
        });
        assert_eq!(a, Err("static text".to_string()));
        assert_eq!(b, Err("formatted 3".to_string()));
        assert_eq!(c, Err("a panic without a message".to_string()));
    }

    #[test]
    fn call_turns_a_panic_into_cvm_error() {
        with_exceptions(|py| {
            let err = quietly(|| {
                call(|| -> PyResult<()> { panic!("index out of bounds: the len is 3") })
            })
            .unwrap_err();
            assert_eq!(class_of(py, &err), "CvmError");
            let value = err.value(py);
            assert!(value.is_instance_of::<pyo3::exceptions::PyException>());
            let text = value.str().unwrap().to_string();
            assert_eq!(text, panic_text("index out of bounds: the len is 3"));
            assert!(value.getattr("field").unwrap().is_none());
            // Errors and values pass through untouched.
            assert_eq!(call(|| Ok(5)).unwrap(), 5);
            let e = call(|| -> PyResult<()> { Err(to_py(cvm_core::Error::invalid("x", "bad"))) })
                .unwrap_err();
            assert_eq!(class_of(py, &e), "InvalidValueError");
        });
    }

    #[test]
    fn detach_maps_errors_and_panics() {
        with_exceptions(|py| {
            assert_eq!(detach(py, || Ok(1.5)).unwrap(), 1.5);
            let e = detach(py, || -> cvm_core::Result<()> {
                Err(cvm_core::Error::NotIdentified { model: "bg_nbd".into(), reason: "why".into() })
            })
            .unwrap_err();
            assert_eq!(class_of(py, &e), "NotIdentifiedError");
            let v = e.value(py);
            assert_eq!(v.getattr("model").unwrap().extract::<String>().unwrap(), "bg_nbd");
            assert_eq!(v.getattr("reason").unwrap().extract::<String>().unwrap(), "why");
            let p =
                detach(py, || -> cvm_core::Result<()> { panic!("inside the core") }).unwrap_err();
            assert_eq!(class_of(py, &p), "CvmError");
            assert!(p.value(py).str().unwrap().to_string().ends_with("inside the core"));
        });
    }

    /// Every `#[pyfunction]` and every method of a `#[pymethods]` block is one `call(…)`, and
    /// nothing releases the GIL except [`detach`]: the guard is the one path into the core.
    #[test]
    fn every_binding_runs_inside_the_guard() {
        let sources = [
            ("churn.rs", include_str!("churn.rs")),
            ("conversion.rs", include_str!("conversion.rs")),
            ("covariates.rs", include_str!("covariates.rs")),
            ("decision.rs", include_str!("decision.rs")),
            ("fee.rs", include_str!("fee.rs")),
            ("lib.rs", include_str!("lib.rs")),
            ("lifetime2.rs", include_str!("lifetime2.rs")),
            ("loyalty.rs", include_str!("loyalty.rs")),
            ("model_methods.rs", include_str!("model_methods.rs")),
            ("models.rs", include_str!("models.rs")),
            ("selection.rs", include_str!("selection.rs")),
            ("summary.rs", include_str!("summary.rs")),
            ("value.rs", include_str!("value.rs")),
        ];
        let mut checked = 0;
        for (file, source) in sources {
            let code = strip(source);
            assert!(!code.contains(".detach("), "{file}: release the GIL with errors::detach");
            assert!(!code.contains("allow_threads"), "{file}: release the GIL with errors::detach");
            for (name, body) in exported_bodies(&code) {
                assert!(
                    is_one_call(&body),
                    "{file}: the body of `{name}` must be one `call(|| …)` (errors::call)"
                );
                checked += 1;
            }
        }
        // 110 today: the methods every model class shares are written once, in
        // model_methods.rs's macro, and each class's own methods are read from the invocation.
        assert!(checked >= 109, "only {checked} bindings found: is the scanner still right?");
        // The scanner itself: a guarded method, an unguarded getter, work before the guard
        // (behind a brace in a string and a character literal).
        let sample = "#[pymethods]\nimpl X {\n    #[getter]\n    fn a(&self) -> PyResult<u8> { call(|| Ok(1)) }\n    \
                      fn b<'py>(&self) -> u8 { self.x.len() }\n}\n#[pyfunction]\n\
                      fn c() -> PyResult<()> { let s = \"}\"; let c = '{'; call(|| Ok(())) }\n\
                      #[pyfunction]\nfn d() -> PyResult<()> { errors::call(|| Ok(())) }\n";
        let found: Vec<(String, bool)> = exported_bodies(&strip(sample))
            .into_iter()
            .map(|(n, b)| (n, is_one_call(&b)))
            .collect();
        let want = [("a", true), ("b", false), ("c", false), ("d", true)];
        assert_eq!(found, want.map(|(n, ok)| (n.to_string(), ok)));
    }

    /// `source` with comments, string and character literals blanked (braces inside them would
    /// confuse the scanner).
    fn strip(source: &str) -> String {
        let b = source.as_bytes();
        let mut out = String::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'"' => {
                    // A raw string r"…" / r#"…"#: its hashes were copied already.
                    let mut hashes = 0;
                    while out.ends_with('#') {
                        out.pop();
                        hashes += 1;
                    }
                    let raw = out.ends_with('r') && (hashes > 0 || !out.ends_with("br"));
                    out.push_str("\"\"");
                    i += 1;
                    while i < b.len() {
                        if !raw && b[i] == b'\\' {
                            i += 2;
                            continue;
                        }
                        if b[i] == b'"' && b[i + 1..].iter().take(hashes).all(|&c| c == b'#') {
                            i += 1 + hashes;
                            break;
                        }
                        i += 1;
                    }
                }
                b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
                    // A character literal ('{', '\n'); a lifetime ('py) has no closing quote.
                    let end = b[i + 1..].iter().skip(1).position(|&c| c == b'\'').unwrap() + 2;
                    out.push_str("' '");
                    i += end + 1;
                }
                c => {
                    out.push(c as char);
                    i += 1;
                }
            }
        }
        out
    }

    /// Index of the bracket closing the one opening at `open`.
    fn closing(code: &[u8], open: usize) -> usize {
        let (o, c) = (code[open], if code[open] == b'(' { b')' } else { b'}' });
        let mut depth = 0;
        for (k, &ch) in code.iter().enumerate().skip(open) {
            if ch == o {
                depth += 1;
            } else if ch == c {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
        }
        panic!("unbalanced brackets");
    }

    /// The body of the first `fn` at or after `from`: (name, body, end of body).
    fn next_fn(code: &str, from: usize) -> (String, String, usize) {
        let at = from + code[from..].find("fn ").unwrap();
        let name: String =
            code[at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let open = at + code[at..].find('{').unwrap();
        let close = closing(code.as_bytes(), open);
        (name, code[open + 1..close].to_string(), close)
    }

    /// (name, body) of every `#[pyfunction]`, of every method of a `#[pymethods]` block and of
    /// every method a class hands to a macro that writes its `#[pymethods]` block
    /// (`fitted_model_pymethods! { … }` in lifetime2.rs).
    fn exported_bodies(code: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(k) = code[at..].find("_pymethods! {").map(|k| k + at) {
            at = methods_of_block(code, k, &mut out);
        }
        let mut at = 0;
        while let Some(k) = code[at..].find("#[py").map(|k| k + at) {
            if code[k..].starts_with("#[pyfunction]") {
                let (name, body, end) = next_fn(code, k);
                out.push((name, body));
                at = end;
            } else if code[k..].starts_with("#[pymethods]") {
                at = methods_of_block(code, k, &mut out);
            } else {
                at = k + 4;
            }
        }
        out
    }

    /// (name, body) of every method of the first `{ … }` block at or after `from`, into `out`;
    /// returns the end of the block.
    fn methods_of_block(code: &str, from: usize, out: &mut Vec<(String, String)>) -> usize {
        let open = from + code[from..].find('{').unwrap();
        let close = closing(code.as_bytes(), open);
        let mut pos = open + 1;
        while let Some(f) = code[pos..close].find("fn ").map(|f| f + pos) {
            let (name, body, end) = next_fn(code, f);
            out.push((name, body));
            pos = end + 1;
        }
        close
    }

    /// The body is exactly `call(…)` (or `errors::call(…)`), nothing before or after.
    fn is_one_call(body: &str) -> bool {
        let body = body.trim();
        let rest = body.strip_prefix("errors::").unwrap_or(body);
        let Some(args) = rest.strip_prefix("call(") else { return false };
        let open = body.len() - args.len() - 1;
        closing(body.as_bytes(), open) == body.len() - 1
    }
}
