# PolicyKG — the two commands a newcomer needs are `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
CORPUS  ?= ../shared/corpus
GOLD    ?= ../shared/eval/dev
OUT     ?= out/export

.PHONY: install run build extract test score bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

extract: install
	$(VENV)/bin/policykg extract $(CORPUS) --out $(OUT)

# the main job: build the graph from CORPUS into the embedded store (Neo4j with STORE=neo4j)
STORE ?= embedded
run: install
	$(VENV)/bin/policykg build $(CORPUS) --store $(STORE)
	POLICYKG_STORE=$(STORE) $(MAKE) --no-print-directory app

# the Neo4j tests too: tools/with-neo4j starts a throwaway local Neo4j when Java and Maven are there
# (and says why they are skipped when not)
test: install lint
	PY=$(PY) tools/with-neo4j $(PY) -m pytest -q

# ruff (pyproject.toml [tool.ruff]: pyflakes, pycodestyle, a complexity limit); part of `make test`
.PHONY: lint
lint: install
	$(VENV)/bin/ruff check .

score: extract
	$(PY) $(GOLD)/../score.py $(OUT) $(GOLD) \
	  --min resp_any_f1=0.99 --min resp_lead_f1=0.99 --min measure_recall=0.99 \
	  --min alias_pair_f1=1.0 --min alias_resolved=1.0 --min doc_recall=0.98 \
	  --min doc_title_acc=0.95 --min doc_doc_number_acc=0.95 \
	  --min doc_date_acc=0.90 --min doc_doc_type_acc=0.90 \
	  --min obligation_f1=0.95 --min obligation_subject_acc=0.95 --min obligation_agency_f1=0.90
	@echo "== supersession scored inside the gold's annotated lines (tools/score_in_scope.py says why)"
	$(PY) tools/score_in_scope.py $(OUT) $(GOLD) --min supersedes_f1=0.9

bench: install
	$(PY) bench/extract.py

clean:
	rm -rf out build *.egg-info

# --- graph stores: a local Neo4j 5.26 without Docker, and the load/query benchmark ---------------
NEO4J_PORT ?= 7687
.PHONY: neo4j neo4j-stop bench-load bench-sectors

neo4j: install
	$(PY) -m policykg.cli_graph neo4j start --port $(NEO4J_PORT)

neo4j-stop: install
	$(PY) -m policykg.cli_graph neo4j stop

bench-load: install
	$(PY) bench/load.py

# sector classification at 2 / 4 / 8 MB: linear in the text (docs/reliability.md)
bench-sectors: install
	$(PY) bench/sectors.py

# page-open times of the app in chromium (needs `make browser-deps`)
.PHONY: bench-app
bench-app: install
	$(PY) bench/app.py

# --- the app (app.py) and its real-browser test -----------------------------------------------------
# `make test` installs Debian's chromium + a CJK font first when CI is set or chromium is missing.
.PHONY: app browser-deps score-json
BROWSER_DEPS := $(if $(or $(CI),$(if $(wildcard /usr/bin/chromium),,missing)),browser-deps,)
test: $(BROWSER_DEPS)

APP_PORT ?= 8501
app: install
	POLICYKG_CORPUS="$(abspath $(CORPUS))" $(VENV)/bin/policykg app --port $(APP_PORT)

browser-deps:
	@if dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1; then \
	  echo "browser-deps: chromium and fonts-wqy-microhei are installed"; \
	else \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei; \
	fi

score-json: extract
	mkdir -p "$${POLICYKG_DATA:-data}"
	$(PY) $(GOLD)/../score.py $(OUT) $(GOLD) --json "$${POLICYKG_DATA:-data}/score.json"
