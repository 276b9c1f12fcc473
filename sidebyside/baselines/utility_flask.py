"""A small utility app in Flask: text checksums over JSON and one HTML form, no database."""

from __future__ import annotations

import hashlib

from flask import Flask, render_template_string, request

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
PAGE = """<!doctype html>
<title>Checksum</title>
<form method="post">
  <textarea name="text">{{ text }}</textarea>
  <select name="algorithm">{% for name in algorithms %}
    <option{% if name == algorithm %} selected{% endif %}>{{ name }}</option>{% endfor %}
  </select>
  <button>Checksum</button>
</form>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
{% if digest %}<output>{{ digest }}</output>{% endif %}
"""

app = Flask(__name__)


def checksum(text: str, algorithm: str) -> str:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
    return hashlib.new(algorithm, text.encode()).hexdigest()


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/algorithms")
def algorithms() -> dict[str, list[str]]:
    return {"algorithms": list(ALGORITHMS)}


@app.post("/api/checksum")
def checksum_json() -> tuple[dict[str, str], int]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return {"error": "send a JSON object with a text string"}, 400
    algorithm = body.get("algorithm", "sha256")
    try:
        return {"algorithm": algorithm, "digest": checksum(body["text"], algorithm)}, 200
    except ValueError as error:
        return {"error": str(error)}, 400


@app.route("/", methods=["GET", "POST"])
def form() -> tuple[str, int]:
    text = request.form.get("text", "")
    algorithm = request.form.get("algorithm", "sha256")
    digest = error = ""
    if request.method == "POST":
        try:
            digest = checksum(text, algorithm)
        except ValueError as invalid:
            error = str(invalid)
    context = {"text": text, "algorithm": algorithm, "algorithms": ALGORITHMS}
    return render_template_string(
        PAGE, digest=digest, error=error, **context
    ), 400 if error else 200
