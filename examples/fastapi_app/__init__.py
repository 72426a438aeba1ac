"""A small inventory service with the mistakes fastapi-lint is built to catch.

Lint it from the repository root: `fastapi-lint check examples/fastapi_app`.
Run it (with fastapi, uvicorn, requests and sqlalchemy installed) from `examples/`:
`uvicorn fastapi_app.main:app --reload`.
"""
