"""API reference: Swagger UI at /api/docs, from the pinned dist that flask-swagger-ui ships."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, make_response, render_template
from flask.typing import ResponseReturnValue

from catalogue.hooks import API_DOCS_CONTENT_SECURITY_POLICY

# Only the package's files: its own blueprint renders an inline script (refused by the
# Content-Security-Policy) and serves the page at /api/docs/, with the trailing slash
# that the contract redirects away.
SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

bp = Blueprint(
    "docs", __name__, static_folder=SWAGGER_UI_DIST, static_url_path="/static/swagger-ui"
)


@bp.route("/api/docs")
def api_docs() -> ResponseReturnValue:
    # The API's paths get no policy from the app-wide hooks (their answers keep the
    # contract's headers), so this page sets the site's own.
    response = make_response(render_template("catalogue/api_docs.html"))
    response.headers["Content-Security-Policy"] = API_DOCS_CONTENT_SECURITY_POLICY
    return response
