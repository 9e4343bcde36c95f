# fieldapp: `make run` for the demo, `make test` for every test. Needs Python 3.11 and make (Node.js and npm come from apt-get where missing).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
export FLASK_APP := fieldapp
## Python keeps its compiled modules (__pycache__) for every process make starts, even where the
## environment says PYTHONDONTWRITEBYTECODE (CI's does): without them each process (pytest, every
## gunicorn a browser test starts, the demo) compiled ~2,200 modules again, ~10 s of CPU each.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install static catalogues translations run test test-tools test-lane-suites test-lane-browser test-sqlite test-postgres test-fuzz test-hosts hosts-tools test-faults test-browser lint bench bench-live bench-live-hosts bench-positions bench-sync bench-faults clean

## Python packages by uv (from PyPI, itself installed by pip): it fetches and installs in parallel and shows
## no build backend's warnings. First from uv's cache alone (~6 s on a machine that installed them before),
## else from PyPI (~20 s here; pip took ~80 s). The venv is made without pip, and Python's own pip puts uv
## and pip into it (pip >= 22.3: --python): venv's ensurepip took 12 s of a clean clone's `make run` on this
## loaded 2-core machine (2.7 s of CPU), this 0.5 s + 7 s. Where Python has no pip of its own, ensurepip.
$(STAMP): setup.cfg pyproject.toml
	@echo "[install] Python packages into $(VENV) (uv)"
	@test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	@test -x $(BIN)/uv || $(PYTHON) -m pip --python $(BIN)/python install -qq 'uv>=0.13,<0.14' pip 2>/dev/null || \
	  { $(BIN)/python -m ensurepip --default-pip >/dev/null && $(BIN)/python -m pip install -qq 'uv>=0.13,<0.14'; }
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
  $(wildcard static/js/*.js static/css/*.css static/icons/*.png fieldapp/translations/*/LC_MESSAGES/js.po)
	@node scripts/build-static.mjs

static: static/dist/manifest.json

## The translations (fieldapp.i18n, docs/i18n.md): each catalogue (.po, committed) compiled to .mo (not
## committed); `make translations` extracts the marked strings into messages.pot and updates each .po.
CATALOGUES := $(wildcard fieldapp/translations/*/LC_MESSAGES/messages.po)
fieldapp/translations/%/LC_MESSAGES/messages.mo: fieldapp/translations/%/LC_MESSAGES/messages.po $(STAMP)
	@$(BIN)/pybabel -q compile --statistics -i $< -o $@ -l $*

translations: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k N_ --add-location=file --sort-output \
	  --project fieldapp --copyright-holder fieldapp -o fieldapp/translations/messages.pot .
	$(BIN)/pybabel -q update -i fieldapp/translations/messages.pot -d fieldapp/translations --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel -q extract -F babel-js.cfg --no-default-keywords -k t -k tn:1,2 --add-location=file \
	  --sort-output --project fieldapp --copyright-holder fieldapp -o fieldapp/translations/js.pot .
	$(BIN)/pybabel -q update -D js -i fieldapp/translations/js.pot -d fieldapp/translations --ignore-obsolete \
	  --no-fuzzy-matching
	@$(MAKE) --no-print-directory catalogues

catalogues: $(CATALOGUES:.po=.mo)

install: $(STAMP) static catalogues

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
## then the two hosts and the fault proxy; the browser lane is the browser tests in Chromium. A clean clone
## on this 2-core machine, 2026-12-08, everything passed in 11 minutes: suite lane PostgreSQL 6:44, SQLite
## 2:23, schemathesis 0:31, hosts 0:21, faults 0:35; browser lane 7:03 beside it. Each lane's output is
## printed whole when it ends. The SQLite and PostgreSQL runs are in a random order (pytest-randomly; the summary
## ends with the seed: PYTEST_ARGS=--randomly-seed=N repeats an order); schemathesis, the two hosts and
## the browser run in file order (-p no:randomly). One suite alone: make test-sqlite, test-postgres ...
test: install test-tools
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@echo "Running two lanes side by side (suites: PostgreSQL, SQLite, fuzz, hosts; browser: Chromium);"
	@echo "each lane's output appears when it ends (about 11 minutes on 2 cores)."
	@$(MAKE) --no-print-directory -j2 --output-sync=recurse test-lane-suites test-lane-browser

## Debian's haproxy (two-host test) and chromium (browser tests), in one apt-get before the lanes start
## (two at once would fight over dpkg's lock).
test-tools:
	@missing=""; command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing="haproxy"; \
	command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing="$$missing pgbouncer"; \
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
	$(MAKE) --no-print-directory test-faults

test-lane-browser:
	@echo "=== browser lane: Chromium ==="
	$(MAKE) --no-print-directory test-browser

PYTEST_ARGS ?=
test-sqlite: install
	$(BIN)/pytest -q -m "not browser and not fuzz and not hosts and not faults" $(PYTEST_ARGS)

TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -q -m "not browser and not fuzz and not hosts and not faults" $(PYTEST_ARGS); \
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
test-hosts: install hosts-tools
	$(BIN)/pytest -q -m hosts -p no:randomly

## Faults between the processes (tests/faults): a TCP fault proxy between the app and PostgreSQL
## (TEST_POSTGRES_URL) and between the live hub and Redis (TEST_REDIS_URL): 500 ms latency, connections
## cut mid-transaction, partitions of FAULT_PARTITION_SECONDS (10 here; make bench-faults: 30). About a minute.
FAULT_PARTITION_SECONDS ?= 10
test-faults: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  FAULT_PARTITION_SECONDS=$(FAULT_PARTITION_SECONDS) TEST_DATABASE_URL=$(TEST_POSTGRES_URL) \
	    $(BIN)/pytest -q -m faults -p no:randomly -rA $(PYTEST_ARGS) tests/faults; \
	elif [ -n "$$REQUIRE_SERVICES" ]; then \
	  echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL) and REQUIRE_SERVICES is set"; exit 1; \
	else \
	  echo "!! PostgreSQL is not reachable at $(TEST_POSTGRES_URL): fault tests SKIPPED (set TEST_POSTGRES_URL)"; \
	fi

## Debian's haproxy and pgbouncer (the two-host test, the pooler test and make bench-live*), when missing.
hosts-tools:
	@missing=""; command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing="haproxy"; \
	command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing="$$missing pgbouncer"; \
	[ -z "$$missing" ] || { echo "Installing Debian's$$missing for the hosts"; \
	  (apt-get update -qq && apt-get install -y -qq $$missing) >/dev/null || \
	  echo "Could not install$$missing (run as root, or: sudo apt-get install$$missing): the hosts tests will be skipped"; }

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

## Live channel load (Locust, bench/load/): phones holding /events as live.js does on a bad network, a
## dispatcher assigning calls, an API request timed in the background; 10 devices, then N, then a burst of
## 500 reconnects. Without BASE_URL it starts the stack (PostgreSQL + Redis, one host as the Procfile starts
## it, haproxy in front); with BASE_URL=https://their.host and LOAD_CREWS=credentials.json it starts nothing
## and measures that deployment. Figures printed and saved (CSV, chart) under test-artifacts/bench/.
## Default 1,000 devices; quicker: make bench-live BENCH_LIVE_ARGS="--devices 200 --seconds 10".
## The earlier hand-written client (and its batch-sync figure): $(BIN)/python -m bench.live
BENCH_LIVE_ARGS ?=
BASE_URL ?=
bench-live: install hosts-tools
	$(BIN)/python -m bench.load.run $(if $(BASE_URL),--base-url $(BASE_URL)) $(BENCH_LIVE_ARGS)

## The same on two hosts behind haproxy with PgBouncer (transaction mode) in front of PostgreSQL:
## 2,000 devices (1,000 per host), the second host stopped mid-run.
bench-live-hosts: install hosts-tools
	$(BIN)/python -m bench.load.run --hosts 2 --devices 2000 --host-stop $(BENCH_LIVE_ARGS)

## Unit positions (issue 20): 200 units posting every 15 s while 100 dispatcher streams watch the map;
## a short run: make bench-positions BENCH_POSITIONS_ARGS="--seconds 20".
BENCH_POSITIONS_ARGS ?=
bench-positions: install
	$(BIN)/python -m bench.positions $(BENCH_POSITIONS_ARGS)

## Batch sync (PostgreSQL + Redis): 1,000 queued outbox records through POST /api/v1/sync as the outbox sends
## them (the server's batch size), against batches of 50 in the same run. BENCH_SYNC_ARGS="--records 500 --rounds 1";
## while 1,000 live streams are held open: BENCH_SYNC_ARGS="--devices 1000" (target 5 s).
BENCH_SYNC_ARGS ?=
bench-sync: install
	$(BIN)/python -m bench.sync $(BENCH_SYNC_ARGS)

## The fault tests with the issue's 30-second partitions (about two minutes); figures in
## test-artifacts/faults-figures.txt.
bench-faults: install
	FAULTS_FULL=1 $(MAKE) --no-print-directory test-faults FAULT_PARTITION_SECONDS=30

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
