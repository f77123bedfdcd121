# Corkboard. `make demo` runs the site locally; `make test` runs every test against a fresh stack.
# The stack itself is scripts/stack.sh (see its header for CB_STACK, CB_PORT_BASE, CB_BIN).

SHELL := /bin/bash
STACK := scripts/stack.sh

.PHONY: demo stop test contract fuzz bench bench-metrics bench-backup build deps clean status logs cluster cluster-stop cluster-status

demo: deps build
	@CB_STACK=demo $(STACK) start
	@. var/demo/stack.env; \
	echo; \
	echo "Corkboard is running: $$CB_HTTPS_URL/"; \
	echo "  (self-signed: trust $$CB_CA_FILE, or accept the browser warning)"; \
	echo "  mail sent by the site lands as .eml files in $$CB_MAIL_DIR/ (SMTP catcher on 127.0.0.1:$$CB_SMTP_PORT)"; \
	echo "  logs: $$CB_LOG_DIR/ (or: CB_STACK=demo $(STACK) logs -f)"; \
	echo "  Prometheus $$CB_PROMETHEUS_URL/alerts, Alertmanager $$CB_ALERTMANAGER_URL/ (alert mail lands in the same folder)"; \
	echo "  node-exporter $$CB_NODE_EXPORTER_URL/metrics, blackbox-exporter $$CB_BLACKBOX_URL/"; \
	echo "  stop: make stop"

stop:
	@CB_STACK=demo $(STACK) stop

# Several hosts on this machine (root): HAProxy, application hosts a and b, MariaDB primary and
# replica, each in a network namespace on one bridge (scripts/cluster.sh; README "Several
# application hosts"). CB_PORT_BASE picks the ports (default 19400).
cluster: deps build
	@scripts/cluster.sh start

cluster-stop:
	@scripts/cluster.sh stop

cluster-status:
	@scripts/cluster.sh status

status:
	@CB_STACK=demo $(STACK) status

logs:
	@CB_STACK=demo $(STACK) logs

deps:
	@$(STACK) deps

build:
	@$(STACK) build

# Fresh CB_STACK=test stack, swift test (unit + integration), then the e2e suite; the test stack
# is always stopped, and the target fails if either suite failed.
test: deps build
	@scripts/run-tests.sh

# The OpenAPI contract run (schemathesis through nginx) alone and longer: CB_CONTRACT_SECONDS per
# run, 600 by default (make test runs it for 70 s each, anonymous and logged in).
contract: deps build
	@scripts/contract.sh

# libFuzzer over every parser of outside bytes, FUZZ_SECONDS per target (default 60); new corpus
# entries are merged into Tests/Fuzz/corpus/, crashes minimized into Tests/Fuzz/regressions/.
fuzz:
	@scripts/fuzz.sh

# One table (issue 12): post pages, listings, search shapes at 1 M and 100 k posts and the mixed
# load, each beside a bare libfcgi responder and nginx's static file of the same size, the
# workers' memory, and callgrind's instructions per request. The first run loads the corpus
# (minutes; it says so) on the CB_STACK=bench stack and keeps it. BENCH_* in scripts/bench.sh.
bench: deps build
	@scripts/bench.sh

# What /metrics counting and the request log cost on a cached post page (wrk through nginx).
bench-metrics: deps build
	@scripts/bench-metrics.sh

# Backup, restore and switchover figures at the bench corpus (a stack of its own, removed after).
bench-backup: deps build
	@scripts/bench-backup.sh

clean:
	-@CB_STACK=demo $(STACK) stop
	-@CB_STACK=test $(STACK) stop
	-@CB_STACK=bench $(STACK) stop
	-@scripts/cluster.sh stop
	rm -rf .build .build-fuzz var/demo var/test var/bench var/cluster var/cluster-*
