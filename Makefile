# One entry point for people and CI. Every target installs what it needs first.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --frozen
TARGETS := django flask-sql flask-mongo
PORT ?= 8001
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# GNU gettext's msgfmt: Django's compilemessages (in `setup`) and makemessages call it.
GETTEXT_TOOLS := msgfmt:gettext
# Each a command, or command:package where the Debian package is named otherwise.
APT_TOOLS := wrk hyperfine chromium nginx $(GETTEXT_TOOLS)
# Every suite writes JUnit XML here (Django's runner reads it from the environment).
JUNIT_DIR ?= $(CURDIR)/var/junit
export JUNIT_DIR

.PHONY: setup messages system-tools report report-quick up serve test lint lint-spec test-spec test-units test-contract test-live test-pages test-reliability test-differential test-scaleout test-stack stack stack-down fuzz soak fixtures clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# .venv-serve is byte-compiled like the Docker image (UV_COMPILE_BYTECODE=1): otherwise every
# measured cold start would compile each imported module (PYTHONDONTWRITEBYTECODE keeps it so).
# The compiled catalogs (.mo) are not in git: setup makes them from the .po files every time.
setup: $(UV)  ## .venv (everything) and .venv-serve (what the servers run on), both from uv.lock; the pages' catalogs compiled
	$(UV) sync --frozen
	UV_PROJECT_ENVIRONMENT=.venv-serve $(UV) sync --frozen --no-default-groups --compile-bytecode
	@$(MAKE) --no-print-directory system-tools APT_TOOLS="$(GETTEXT_TOOLS)"
	cd django_app && ../$(RUN) python manage.py compilemessages --verbosity 0
	$(RUN) pybabel -q compile --directory flask_app/catalogue/translations

# Not on `setup`, whose `uv sync` this needs no more than `uv run` does (tests/test_i18n.py
# runs it on a copy of the apps with the checkout's environment).
messages: $(UV)  ## after changing the pages' words: both apps' French catalogs in step with their sources (then fill in the new msgstr and `make setup`)
	cd django_app && ../$(RUN) python manage.py makemessages --locale fr --no-location --no-obsolete
	mkdir -p var
	$(RUN) pybabel -q extract --mapping-file flask_app/babel.cfg --keywords _l --no-location --output-file var/messages.pot flask_app
	$(RUN) pybabel -q update --input-file var/messages.pot --output-dir flask_app/catalogue/translations --ignore-obsolete

system-tools:  ## Debian packages the tests and measurements need (wrk for load, nginx for tests/scaleout, gettext for the catalogs; taskset is in util-linux)
	@missing=""; for tool in $(APT_TOOLS); do command -v $${tool%%:*} >/dev/null || missing="$$missing $${tool#*:}"; done; \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get install -y -q $$missing || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $$missing; }; \
	fi

report: setup system-tools node_modules/.package-lock.json  ## THE FIRST COMMAND: contract, loc, startup, bench -> report/index.html (checked in Chromium with axe-core)
	$(RUN) sidebyside report

report-quick: setup system-tools node_modules/.package-lock.json  ## the same with fewer rounds (4-6 min on 2 cores: the whole contract suite stays)
	$(RUN) sidebyside report --quick

# DATABASE_URL, when set, is the SQL store of django and flask-sql; MONGO_URL, flask-mongo's.
up: setup  ## every target under gunicorn on :$(PORT) and the next two ports, seeded (Ctrl-C stops them)
	$(RUN) sidebyside up --port $(PORT)

serve: setup  ## migrate, seed and serve the Django app on SQLite at http://127.0.0.1:$(PORT)
	mkdir -p var
	cd django_app && ../$(RUN) python manage.py migrate --no-input
	cd django_app && ../$(RUN) python manage.py seed_catalogue
	cd django_app && ../$(RUN) gunicorn --bind 127.0.0.1:$(PORT) --workers 2 config.wsgi:application

# DB_ONLY=1 runs only the suites whose outcome depends on DATABASE_URL: the apps' unit tests
# and every suite that serves the targets. The rest (lint, the spec and toolkit tests, the
# scale-out suite and the compose stack, which bring their own PostgreSQL) give the same answer
# on any DATABASE_URL, so CI's PostgreSQL pass leaves them to its SQLite pass on the same commit.
DB_ONLY ?= 0
ifeq ($(DB_ONLY),1)
test: setup test-units test-contract test-live test-pages test-reliability test-differential  ## everything CI runs
else
test: setup lint test-spec test-units test-contract test-live test-pages test-reliability test-differential test-scaleout test-stack  ## everything CI runs
endif

lint: setup lint-spec  ## ruff, mypy (0 errors), Django's checks, both apps' migrations in step with their models
	$(RUN) pre-commit run --all-files --show-diff-on-failure
	cd django_app && ../$(RUN) python manage.py check
	cd django_app && ../$(RUN) python manage.py makemigrations --check --dry-run
	cd flask_app && ../$(RUN) flask --app catalogue check-migrations

node_modules/.package-lock.json: package.json package-lock.json  ## node tools (spectral), pinned by package-lock.json
	npm ci --ignore-scripts

lint-spec: node_modules/.package-lock.json  ## shared_spec/openapi.yaml against Spectral's OpenAPI rules (.spectral.yaml)
	node_modules/.bin/spectral lint --fail-severity=error shared_spec/openapi.yaml

test-spec: setup system-tools node_modules/.package-lock.json  ## the spec, concerns, README, compose faults, clients and toolkit
	$(RUN) pytest tests --ignore=tests/contract --ignore=tests/pages --ignore=tests/browser --ignore=tests/reliability --ignore=tests/scaleout --ignore=tests/compose/test_stack.py -q --junitxml=$(JUNIT_DIR)/spec.xml

test-units: setup  ## each app's own unit tests (Django's test runner; pytest for flask_app)
	cd django_app && ../$(RUN) python manage.py test catalogue -v 1
	$(RUN) pytest flask_app/tests -q --junitxml=$(JUNIT_DIR)/flask-unit.xml

test-contract: setup  ## the contract suite in-process, per target
	for target in $(TARGETS); do $(RUN) pytest tests/contract --target $$target -q --junitxml=$(JUNIT_DIR)/contract-inprocess-$$target.xml || exit 1; done

test-live: setup  ## the same suite against each target under gunicorn
	$(RUN) sidebyside contract --live --junit-dir $(JUNIT_DIR) $(foreach t,$(TARGETS),--target $(t)) -- -q

test-pages: setup system-tools  ## the pages on every target under gunicorn: HTML parsed, then Chromium (Playwright)
	$(RUN) pytest tests/pages tests/browser -q --junitxml=$(JUNIT_DIR)/pages.xml

test-reliability: setup  ## concurrency under gunicorn, fuzzing, bad input, security; every target, < 6 min
	$(RUN) pytest tests/reliability -q --junitxml=$(JUNIT_DIR)/reliability.xml

test-differential: setup  ## the same requests to every target under gunicorn; any difference fails (var/differential.json)
	$(RUN) pytest tests/differential -q --junitxml=$(JUNIT_DIR)/differential.xml

# Always on a scratch PostgreSQL database of its own and Redis (127.0.0.1), whatever DATABASE_URL says.
test-scaleout: setup system-tools  ## nginx + two gunicorn instances per target on shared PostgreSQL/Mongo and Redis (var/scaleout.json)
	$(RUN) pytest tests/scaleout -q --junitxml=$(JUNIT_DIR)/scaleout.xml

# The engine is the user's when one >= 25 answers; else a private dockerd, stopped after.
test-stack: setup  ## docker compose up for real: contract through nginx, failover, drain, volumes (var/compose.json)
	$(RUN) pytest tests/compose/test_stack.py -q --junitxml=$(JUNIT_DIR)/stack.xml; status=$$?; deploy/docker/engine.sh down; exit $$status

# Where no registry answers: the engine (if none runs), the stand-in images, then the stack.
stack: setup  ## docker compose up on Debian stand-ins for the official images (docs/compose.md)
	eval "$$(deploy/docker/engine.sh up)" \
	  && deploy/standins/build.sh \
	  && docker compose -f compose.yaml -f deploy/standins/compose.yaml up --build --wait

stack-down:  ## stop `make stack`, delete its volumes, and stop the private engine if it started one
	eval "$$(deploy/docker/engine.sh up)" \
	  && docker compose -f compose.yaml -f deploy/standins/compose.yaml down --volumes
	deploy/docker/engine.sh down

fuzz: setup  ## deeper schemathesis fuzzing of every target (FUZZ_MAX_EXAMPLES per operation and mode)
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-100} $(RUN) pytest tests/reliability/test_inprocess.py -q

soak: setup system-tools  ## 60 s at 64 connections per target (wrk), worker RSS, SIGTERM under load
	$(RUN) python -m tests.reliability.soak

fixtures: setup
	$(RUN) python shared_spec/fixtures/generate.py

clean:
	rm -rf .venv .venv-serve $(TOOLS) var report node_modules
	find django_app flask_app -name '*.mo' -delete
