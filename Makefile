# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test install migrate seed serve worker lint messages lock check-deploy bench serve-prod bench-load

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

## The product with demo data: migrate, seed, then the ASGI server on :8000 and a huey worker.
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Starting the huey worker and the ASGI server (Ctrl-C stops both)..."
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py run_huey --quiet & \
	  $(VENV)/bin/daphne -b 0.0.0.0 -p 8000 opsplatform.asgi:application

## The production settings as several processes: PostgreSQL (opsplatform_prod, as ops_app),
## Redis, uvicorn with WEB_WORKERS (4) workers, huey with HUEY_WORKERS (2) + one scheduler.
serve-prod: install
	bin/serve-prod

## The whole test suite (SQLite unless DATABASE_URL says otherwise; browser tests included).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## ruff, and the import layering contracts in pyproject.toml (docs/modules.md).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## Re-extract and compile translations after changing strings.
messages: install
	$(PY) manage.py makemessages -l ar --ignore=.venv --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

## Refresh the lock after changing pyproject.toml.
lock:
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.13 -o requirements.lock

check-deploy: install
	SECRET_KEY=$${SECRET_KEY:-check-deploy-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	DJANGO_SETTINGS_MODULE=opsplatform.settings.production \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	@for script in bench/[a-z]*.py; do case $$script in bench/load*) continue;; esac; \
	  echo "== $$script"; $(PY) $$script; done

## 50 simulated users on 10 companies for 60 s against serve-prod; FAULTS=1 injects faults.
bench-load: install
	$(PY) bench/load.py $(if $(FAULTS),--faults)
