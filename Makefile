# fieldapp: `make run` for the demo, `make test` for every test. Needs Python 3.11 and make (Node.js and npm come from apt-get where missing).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
export FLASK_APP := fieldapp

.PHONY: install static run test test-tools test-lane-suites test-lane-browser test-sqlite test-postgres test-fuzz test-hosts test-browser lint bench bench-live bench-positions clean

## Python packages by uv (from PyPI, itself installed by pip): it fetches and installs in parallel and shows
## no build backend's warnings. First from uv's cache alone (~6 s on a machine that installed them before),
## else from PyPI (~20 s here; pip took ~80 s).
$(STAMP): setup.cfg pyproject.toml
	@echo "[install] Python packages into $(VENV) (uv)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install -qq 'uv>=0.13,<0.14'
	@$(BIN)/uv pip install --quiet --offline --python $(BIN)/python -e '.[dev]' 2>/dev/null || \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@$(BIN)/python -W error -c "import weasyprint" 2>/dev/null || { echo "Installing Debian's Pango and HarfBuzz for the PDF report (WeasyPrint)"; \
	  (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) >/dev/null || \
	  echo "!! Could not install Pango (run as root, or: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0): no PDF report"; }
	@touch $(STAMP)

## The static files (scripts/build-static.mjs): esbuild from npm bundles each page's scripts, hashed
## names, gzip and brotli copies, the service worker; into static/dist/ (not committed: built here).
NPM_STAMP := node_modules/.installed-stamp
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "[install] Debian's Node.js and npm (for esbuild)"; \
	  (apt-get update -qq && apt-get install -y -qq nodejs npm) >/dev/null || \
	  { echo "!! Could not install Node.js (run as root, or: sudo apt-get install nodejs npm)"; exit 1; }; }
	@echo "[install] npm packages (esbuild)"
	@npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $(NPM_STAMP)

static/dist/manifest.json: $(NPM_STAMP) scripts/build-static.mjs static/sw.js static/push-sw.js \
  $(wildcard static/js/*.js static/css/*.css static/icons/*.png)
	@node scripts/build-static.mjs

static: static/dist/manifest.json

install: $(STAMP) static

## Demo: migrate a SQLite database under instance/, load demo data, serve on :$(PORT) (make run PORT=8080).
## Quiet: the migration's output only when it fails, gunicorn's warnings and page requests (no static files;
## ACCESS_LOG=all make run for every request, ACCESS_LOG=off for none), and at the end a banner with the
## address and the demo logins (gunicorn.conf.py prints instance/run-banner.txt once it listens).
run: install
	@mkdir -p instance
	@echo "[migrate] the demo database (SQLite under instance/)"
	@FIELDAPP_ENV=development $(BIN)/flask db upgrade >instance/run.log 2>&1 || { cat instance/run.log; exit 1; }
	@echo "[demo] users, units, today's calls"
	@FIELDAPP_ENV=development $(BIN)/flask seed-demo --progress-to /dev/fd/3 3>&1 >instance/run.log 2>&1 || \
	  { cat instance/run.log; exit 1; }
	@{ sed -e '/^Demo data/d' instance/run.log; echo; \
	  echo "  fieldapp is running at  http://127.0.0.1:$(PORT)   (API docs: http://127.0.0.1:$(PORT)/api/docs)"; \
	  echo "  Sign in with a login above. Stop with Ctrl+C. Another port: make run PORT=8080"; echo; } >instance/run-banner.txt
	@FIELDAPP_ENV=development FIELDAPP_BANNER=instance/run-banner.txt GUNICORN_LOGLEVEL=$${GUNICORN_LOGLEVEL:-warning} \
	  $(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) 'fieldapp:create_app()'

## Every test: ruff and the import contracts, then two lanes side by side (the suites mostly wait on a
## database, a server or the browser, so two cores run both): the suite lane is PostgreSQL
## (TEST_POSTGRES_URL), then SQLite, then schemathesis against every operation of the OpenAPI document,
## then the two hosts (about 11 minutes here); the browser lane is the browser tests in Chromium (about
## 12). Each lane's output is printed whole when it ends. The SQLite and PostgreSQL runs are in a random order (pytest-randomly; the summary
## ends with the seed: PYTEST_ARGS=--randomly-seed=N repeats an order); schemathesis, the two hosts and
## the browser run in file order (-p no:randomly). One suite alone: make test-sqlite, test-postgres ...
test: install test-tools
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@echo "Running two lanes side by side (suites: PostgreSQL, SQLite, fuzz, hosts; browser: Chromium);"
	@echo "each lane's output appears when it ends (about 12 minutes)."
	@$(MAKE) --no-print-directory -j2 --output-sync=recurse test-lane-suites test-lane-browser

## Debian's haproxy (two-host test) and chromium (browser tests), in one apt-get before the lanes start
## (two at once would fight over dpkg's lock).
test-tools:
	@missing=""; command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing="haproxy"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -z "$$missing" ] || { echo "Installing Debian's$$missing for the tests"; \
	  (apt-get update -qq && apt-get install -y -qq $$missing) >/dev/null || \
	  echo "!! Could not install$$missing (run as root, or: sudo apt-get install$$missing)"; }

test-lane-suites:
	@echo "=== suite lane: PostgreSQL, SQLite, schemathesis, two hosts ==="
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory test-hosts

test-lane-browser:
	@echo "=== browser lane: Chromium ==="
	$(MAKE) --no-print-directory test-browser

PYTEST_ARGS ?=
test-sqlite: install
	$(BIN)/pytest -q -m "not browser and not fuzz and not hosts" $(PYTEST_ARGS)

TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -q -m "not browser and not fuzz and not hosts" $(PYTEST_ARGS); \
	elif [ -n "$$REQUIRE_SERVICES" ]; then \
	  echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL) and REQUIRE_SERVICES is set"; exit 1; \
	else \
	  echo "!! PostgreSQL is not reachable at $(TEST_POSTGRES_URL): PostgreSQL run SKIPPED (set TEST_POSTGRES_URL)"; \
	fi

## schemathesis (tests/app/test_api_fuzz.py): every operation, every role, bounded examples (FUZZ_EXAMPLES).
test-fuzz: install
	$(BIN)/pytest -q -m fuzz -p no:randomly

## Two app hosts (Procfile web + live) behind Debian's haproxy (installed when missing), sharing
## PostgreSQL (a database of their own, made from TEST_HOSTS_POSTGRES_URL) and Redis (TEST_REDIS_URL).
test-hosts: install
	@command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { echo "Installing Debian's haproxy for the two-host test"; \
	  (apt-get update -qq && apt-get install -y -qq haproxy) >/dev/null || \
	  echo "Could not install haproxy (run as root, or: sudo apt-get install haproxy): the two-host test will be skipped"; }
	$(BIN)/pytest -q -m hosts -p no:randomly

## The browser tests in Debian's Chromium, in file order and without reruns: a failure is a race to fix
## (wait for what the user sees, never for a time).
test-browser: install
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || \
	  { echo "Could not install chromium (run as root, or: sudo apt-get install chromium)"; exit 1; }; }
	$(BIN)/pytest -q -m browser -p no:randomly

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/import_graph.py --pairs

## Benchmark (PostgreSQL): load a synthetic data set into the database fieldapp_bench (made if missing),
## then print load time, export speed vs COPY, export memory and dashboard time. Default 1,000,000
## encounters; quicker: make bench BENCH_ARGS="--encounters 20000". Server: BENCH_SERVER=postgresql://...
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Live channel benchmark (PostgreSQL + Redis): one host as the Procfile starts it, N devices holding
## streams, assignments at a steady rate, batch sync of queued outbox records. Default 1,000 devices;
## quicker: make bench-live BENCH_LIVE_ARGS="--devices 200 --seconds 10".
BENCH_LIVE_ARGS ?=
bench-live: install
	$(BIN)/python -m bench.live $(BENCH_LIVE_ARGS)

## Unit positions (issue 20): 200 units posting every 15 s while 100 dispatcher streams watch the map;
## a short run: make bench-positions BENCH_POSITIONS_ARGS="--seconds 20".
BENCH_POSITIONS_ARGS ?=
bench-positions: install
	$(BIN)/python -m bench.positions $(BENCH_POSITIONS_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
