# Homeward: `make run` sets everything up and serves the app; `make test` runs every check.
# A fresh machine needs only python3 (3.11), node and npm.
PYTHON ?= python3
NPM ?= npm
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
HOST ?= 127.0.0.1
PORT ?= 8000

# GOV.UK Frontend, from npm, served by Django as static files.
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
GOVUK_STATIC := src/homeward/web/static/govuk
# The Ministry of Justice's components (timeline, badges, identity bar, sortable table), where
# GOV.UK Frontend has none; copied beside it the same way.
MOJ_DIST := node_modules/@ministryofjustice/frontend/moj
MOJ_STATIC := src/homeward/web/static/moj

.PHONY: setup assets run test lint typecheck pytest examples clean venv-903 pdf-libraries bench bench-engine wrk nginx

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json $(wildcard package-lock.json)
	$(if $(wildcard package-lock.json),$(NPM) ci,$(NPM) install) --no-audit --no-fund
	touch $@

assets: $(GOVUK_STATIC)/.copied $(MOJ_STATIC)/.copied

# The stylesheet asks for its fonts and images at /assets/...; here they live under /static/govuk/.
$(GOVUK_STATIC)/.copied: node_modules/.installed
	rm -rf $(GOVUK_STATIC)
	mkdir -p $(GOVUK_STATIC)
	cp $(GOVUK_DIST)/govuk-frontend.min.css $(GOVUK_DIST)/govuk-frontend.min.css.map $(GOVUK_STATIC)/
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_DIST)/govuk-frontend.min.js.map $(GOVUK_STATIC)/
	cp -R $(GOVUK_DIST)/assets $(GOVUK_STATIC)/assets
	sed -i 's#url(\(["'\'']\{0,1\}\)/assets/#url(\1/static/govuk/assets/#g' $(GOVUK_STATIC)/govuk-frontend.min.css
	! grep -q 'url(["'\'']\{0,1\}/assets/' $(GOVUK_STATIC)/govuk-frontend.min.css
	touch $@

$(MOJ_STATIC)/.copied: node_modules/.installed
	rm -rf $(MOJ_STATIC)
	mkdir -p $(MOJ_STATIC)
	cp $(MOJ_DIST)/moj-frontend.min.css $(MOJ_DIST)/moj-frontend.min.css.map $(MOJ_STATIC)/
	cp $(MOJ_DIST)/moj-frontend.min.js $(MOJ_DIST)/moj-frontend.min.js.map $(MOJ_STATIC)/
	cp -R $(MOJ_DIST)/assets $(MOJ_STATIC)/assets
	sed -i 's#url(\(["'\'']\{0,1\}\)/assets/#url(\1/static/moj/assets/#g' $(MOJ_STATIC)/moj-frontend.min.css
	! grep -q 'url(["'\'']\{0,1\}/assets/' $(MOJ_STATIC)/moj-frontend.min.css
	touch $@

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy

# The DfE SSDA903 validator pins old pandas/numpy: it gets its own virtualenv.
VENV_903 := .venv-903
venv-903: $(VENV_903)/.installed

$(VENV_903)/.installed: tools/ssda903/requirements.txt
	test -x $(VENV_903)/bin/python || $(PYTHON) -m venv $(VENV_903)
	$(VENV_903)/bin/pip install --quiet -r tools/ssda903/requirements.txt
	cp tools/ssda903/requirements.txt $@

# WeasyPrint lays out the PDFs with Pango and fonts from the operating system: installed from
# Debian's packages when missing and running as root (as CI does); otherwise say what to install.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
HAS_PANGO := $(PYTHON) -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('pangoft2-1.0'))"
pdf-libraries:
	@if $(HAS_PANGO) && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PDF_PACKAGES); \
	else echo "PDFs need Pango and fonts: sudo apt-get install $(PDF_PACKAGES)" >&2; exit 1; fi

# The browser tests (tests/browser) drive Debian's Chromium. As root this installs it, with its
# en-GB locale (date fields typed day/month/year) and fonts metric-compatible with Arial.
CHROMIUM_PACKAGES := chromium chromium-l10n fonts-liberation
.PHONY: chromium screenshots

chromium:
	@if dpkg -s $(CHROMIUM_PACKAGES) >/dev/null 2>&1 && test -x /usr/bin/chromium; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(CHROMIUM_PACKAGES); \
	else \
		echo "The browser tests need Debian's Chromium: sudo apt-get install $(CHROMIUM_PACKAGES)" >&2; exit 1; \
	fi

# Regenerates the README's screenshots (docs/screenshots/) from the browser journey.
screenshots: setup assets chromium
	$(BIN)/pytest -q tests/browser/test_missing_journey.py::test_the_whole_journey
	mkdir -p docs/screenshots
	cp test-output/browser/docs/*.png docs/screenshots/

# tests/api/test_shared_cache.py starts a real Redis (the cache several web processes share).
.PHONY: redis
redis:
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server; \
	else \
		echo "The tests start a Redis server: sudo apt-get install redis-server" >&2; exit 1; \
	fi

# tests/api/test_readme_example.py runs the README's partner API example, which uses curl.
.PHONY: curl
curl:
	@if command -v curl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl ca-certificates; \
	else \
		echo "The tests run the README's API example with curl: sudo apt-get install curl" >&2; exit 1; \
	fi

# The tests render pages, which link the GOV.UK Frontend assets.
# The suite runs across the machine's cores (pytest-xdist, a test file per worker, each with its own
# test database); the browser tests run after it on their own, one Chromium and one live server.
PYTEST_WORKERS ?= auto
pytest: setup assets venv-903 pdf-libraries chromium curl redis
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile -m "not browser"
	$(BIN)/pytest -q -m browser

examples: setup
	$(BIN)/python $(SHARED)/protocols/check_examples.py $(SHARED)/protocols/examples

test: lint typecheck pytest

run: setup assets pdf-libraries
	$(BIN)/homeward check-pack --require-tests src/homeward/protocols/packs/*.yaml
	$(BIN)/homeward migrate --noinput
	$(BIN)/homeward demo_data
	@echo "E-mail goes to var/mail/ (HOMEWARD_EMAIL_BACKEND=smtp or notify to send it); the worker runs beside the server."
	export HOMEWARD_BASE_URL=$${HOMEWARD_BASE_URL:-http://$(HOST):$(PORT)}; \
	$(BIN)/homeward notify & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/homeward runserver $(HOST):$(PORT)

clean:
	rm -rf $(VENV) $(VENV_903) .pytest_cache .mypy_cache .ruff_cache node_modules $(GOVUK_STATIC) $(MOJ_STATIC)

# The benchmark (not part of `make test`): PostgreSQL (installed and started by tools/postgres.sh),
# two generated databases, gunicorn, latency, load runs with wrk (100 and 300 people, then again
# through nginx to two gunicorns sharing a Redis), a crash, pg_dump/pg_restore.
# Writes BENCHMARKS.md. BENCH_ARGS passes options, e.g. BENCH_ARGS="--rebuild" or smaller sizes:
#   make bench BENCH_ARGS="--small-children 300 --large-children 3000 --rounds 20 --load-seconds 10"
BENCH_ARGS ?=
ENGINE_BENCH_ARGS ?=
bench: setup assets pdf-libraries wrk redis nginx
	port=$$(tools/postgres.sh) && $(BIN)/python -m homeward.bench.run --pg-port $$port $(BENCH_ARGS)

# The protocol engine alone, on one core (no database): the demo's exports (built once into
# var/bench/engine-demo/) and generated histories. Prints JSON; BENCHMARKS.md has the figures.
bench-engine: setup
	$(BIN)/python -m homeward.bench.engine $(ENGINE_BENCH_ARGS)

# The bench's scale-out run: two web processes behind nginx (the proxy) sharing one Redis.
nginx:
	@if command -v nginx >/dev/null || test -x /usr/sbin/nginx; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light; \
	else echo "The bench's scale-out run needs nginx: sudo apt-get install nginx-light" >&2; exit 1; fi

wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk; \
	else echo "The load run needs wrk: sudo apt-get install wrk" >&2; exit 1; fi
