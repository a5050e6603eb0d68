# Two commands do everything on a fresh machine: `make run` (the app with demo data) and `make test`.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app toolkit
HOST ?= 127.0.0.1
PORT ?= 5000
# The site's address: absolute links (join link, QR code, invitations) are built from it, never from the Host header.
SERVER_NAME ?= $(HOST):$(PORT)
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1/test
# The suite runs in this many processes (pytest-xdist); each has its own database.
PYTEST_WORKERS ?= 2
APP_DEBIAN_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji poppler-utils postgresql-client
TEST_DEBIAN_PACKAGES := chromium

.PHONY: run test bench lint format translations database system-packages test-system-packages clean

run: $(VENV)/.installed system-packages translations database
	@SERVER_NAME="$(SERVER_NAME)" $(FLASK) seed-demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/, links to http://$(SERVER_NAME)/ (Ctrl+C to stop)"
	@SERVER_NAME="$(SERVER_NAME)" $(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test system-packages test-system-packages translations lint
	@echo "== test suite on SQLite =="
	$(BIN)/pytest -n $(PYTEST_WORKERS)
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(TEST_DATABASE_URL)" 2>/dev/null; then \
		echo "== test suite on PostgreSQL =="; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -n $(PYTEST_WORKERS); \
	else \
		echo "== PostgreSQL not reachable at $(TEST_DATABASE_URL): PostgreSQL pass skipped =="; \
	fi

# Load test on SQLite (not part of `make test`): gunicorn with toolkit/gunicorn_conf.py, against a minimal Flask app.
bench: $(VENV)/.installed translations
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m tests.bench.run
	$(BIN)/python -m tests.bench.reports

lint: $(VENV)/.installed-test
	$(BIN)/ruff check toolkit tests
	$(BIN)/ruff format --check toolkit tests

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix toolkit tests
	$(BIN)/ruff format toolkit tests

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

translations: $(VENV)/.installed
	@$(FLASK) translate compile >/dev/null

database: $(VENV)/.installed
	@$(FLASK) db upgrade

# Debian packages: installed when missing and we are root; otherwise we say what to install.
system-packages:
	@$(MAKE) --no-print-directory install-debian PACKAGES="$(APP_DEBIAN_PACKAGES)"

test-system-packages:
	@$(MAKE) --no-print-directory install-debian PACKAGES="$(TEST_DEBIAN_PACKAGES)"

install-debian:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "Please install these Debian packages: sudo apt-get install$$missing"; \
		fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
