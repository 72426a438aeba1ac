//! The `fastapi_lint._core` extension module.

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", fastapi_lint_core::VERSION)?;
    Ok(())
}
