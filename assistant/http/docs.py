"""API documentation offline: Swagger UI and ReDoc assets from a package, a strict CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from assistant.http.errors import ApiError

ASSETS = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/docs-assets"
TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """The page with a CSP allowing exactly its own inline script (by hash) and local assets."""
    html = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE.findall(html)
    )
    csp = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    )
    return HTMLResponse(
        html, headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"}
    )


def mount_docs(app: FastAPI) -> None:
    """GET /docs, /redoc and their assets (the app is created with docs_url=None)."""
    assets = {p.name: p for p in ASSETS.iterdir() if p.suffix in TYPES}
    openapi = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return _with_csp(
            get_swagger_ui_html(
                openapi_url=openapi,
                title=f"{app.title} – Swagger UI",
                swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
                swagger_css_url=f"{PREFIX}/swagger-ui.css",
                swagger_favicon_url=f"{PREFIX}/favicon.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _with_csp(
            get_redoc_html(
                openapi_url=openapi,
                title=f"{app.title} – ReDoc",
                redoc_js_url=f"{PREFIX}/redoc.standalone.js",
                redoc_favicon_url=f"{PREFIX}/favicon.png",
                with_google_fonts=False,
            )
        )

    @app.get(PREFIX + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        path = assets.get(name)
        if path is None:
            raise ApiError(404, "not_found", "Datei nicht gefunden")
        return FileResponse(path, media_type=TYPES[path.suffix])
