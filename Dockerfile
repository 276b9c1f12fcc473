# One image for every app service of compose.yaml (django, flask-sql, flask-mongo and
# their one-shot migrate services), plus a `test` image with the dev dependency group
# for the `test` and `bench` profiles. Dependencies come from uv.lock only (--frozen:
# the build fails rather than re-resolving), installed by the uv the Makefile pins.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm
ARG UV_VERSION=0.13.9

# --- base: what every stage shares --------------------------------------------------
FROM ${PYTHON_IMAGE} AS base
ENV PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH
WORKDIR /app

# --- builder: uv, then the locked runtime dependencies, then the project ------------
FROM base AS builder
ARG UV_VERSION
# GNU gettext's msgfmt for Django's compilemessages below, as `make setup` installs it; in
# the builder only: the images get the compiled catalogs, not the tool.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
COPY deploy/docker/with-extra-ca /usr/local/bin/with-extra-ca
RUN --mount=type=secret,id=extra_ca,required=false \
    with-extra-ca pip install --no-cache-dir --root-user-action=ignore "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
# Dependencies first (only the lock and the project metadata): this layer is reused
# until uv.lock or pyproject.toml changes, not on every source edit.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=extra_ca,required=false \
    with-extra-ca uv sync --frozen --no-default-groups --no-install-project
COPY . .
# UV_COMPILE_BYTECODE compiles site-packages; compileall does the same for our code, so
# the non-root user (who cannot write __pycache__) never compiles at start-up.
RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=extra_ca,required=false \
    with-extra-ca uv sync --frozen --no-default-groups \
 && python -m compileall -q django_app flask_app shared_spec sidebyside
# The pages' message catalogs, compiled as `make setup` compiles them (no .mo is in git).
# django-admin, not manage.py: without settings it imports no project code and creates
# nothing under var/, which the runtime user must own.
RUN cd django_app && django-admin compilemessages --verbosity 0 \
 && cd .. && pybabel -q compile --directory flask_app/catalogue/translations

# --- builder-test: the same environment plus the dev and toolkit groups --------------
FROM builder AS builder-test
RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=extra_ca,required=false \
    with-extra-ca uv sync --frozen --no-group stack \
 && python -m compileall -q tests

# --- runtime: a non-root user, nothing that builds -----------------------------------
FROM base AS runtime
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin app

# --- test: the contract suite and `sidebyside bench`, against the stack by URL -------
FROM runtime AS test
# wrk is the load generator of `sidebyside bench` (Debian's package, as on the host).
RUN apt-get update \
 && apt-get install -y --no-install-recommends wrk \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder-test /app /app
# pygount (the toolkit's line counter) imports GitPython, which refuses to load without a
# git executable unless told to stay quiet; nothing here counts lines from git.
ENV GIT_PYTHON_REFRESH=quiet
# The Django adapter collects static files under var/ when the suite starts.
RUN mkdir -p /app/var && chown app:app /app/var
USER 10001:10001
CMD ["pytest", "-p", "no:cacheprovider", "tests/contract", "-q"]

# --- app (the default target): gunicorn serving one target ---------------------------
FROM runtime AS app
COPY --from=builder /app /app
# var/ is the embedded SQLite default's home; the only directory the app may write.
RUN mkdir -p /app/var && chown app:app /app/var
USER 10001:10001
EXPOSE 8001 8002 8003
CMD ["gunicorn", "--chdir", "/app/django_app", "--bind", "0.0.0.0:8001", "config.wsgi:application"]
