#!/usr/bin/env bash
# The alerting configuration's static checks (part of `make test`, a second or two, no stack):
# the rules parse (promtool check rules), their unit tests pass (promtool test rules), every alert
# has a test that shows it firing and one that shows it quiet, the Alertmanager configuration
# parses (amtool check-config) and routes each severity to its receiver, the example Prometheus and
# blackbox-exporter configurations parse, and the storage-paths script writes valid exposition text.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/prometheus"

say() { printf '==> %s\n' "$*"; }

say "promtool check rules"
promtool check rules corkboard-alerts.yml

say "promtool test rules"
promtool test rules tests/*.yml

say "every alert fires in a test and stays quiet in one"
/usr/bin/python3 - corkboard-alerts.yml tests/*.yml <<'EOF'
import sys
import yaml

rules_file, *test_files = sys.argv[1:]
alerts = [r["alert"] for g in yaml.safe_load(open(rules_file))["groups"] for r in g["rules"] if "alert" in r]
fired, quiet = set(), set()
for path in test_files:
    for case in yaml.safe_load(open(path))["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check.get("exp_alerts") else quiet).add(check["alertname"])
missing = [f"{a}: no test where it fires" for a in alerts if a not in fired]
missing += [f"{a}: no test where it stays quiet" for a in alerts if a not in quiet]
missing += [f"{a}: tested but not a rule" for a in sorted((fired | quiet) - set(alerts))]
if missing:
    sys.exit("\n".join(missing))
print(f"  {len(alerts)} alerts, each shown firing and quiet")
EOF

say "amtool check-config"
amtool check-config alertmanager.yml
for route in "severity=critical:operators-critical" "severity=warning:operators"; do
    amtool config routes test --config.file=alertmanager.yml --verify.receivers="${route#*:}" \
        alertname=CorkboardTest "${route%%:*}" 2>/dev/null >/dev/null ||
        { echo "check-alerts: ${route%%:*} is not routed to ${route#*:}" >&2; exit 1; }
done
echo "  critical → operators-critical, warning → operators"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

say "promtool check config (the example prometheus.yml, its rule file from this checkout)"
sed "s|/etc/prometheus/|$ROOT/prometheus/|" prometheus.yml >"$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml"

say "blackbox-exporter --config.check"
prometheus-blackbox-exporter --config.check --config.file=blackbox.yml 2>&1 | grep -q 'Config file is ok' ||
    { echo "check-alerts: prometheus/blackbox.yml does not load" >&2; exit 1; }
echo "  blackbox.yml is ok"

say "corkboard-storage-paths.sh writes valid exposition text"
./corkboard-storage-paths.sh --images "$tmp" --datadir "$tmp" --binlogs "$tmp" --out "$tmp/paths.prom"
promtool check metrics <"$tmp/paths.prom"
[[ "$(grep -c '^corkboard_storage_path_info{' "$tmp/paths.prom")" == 3 ]] || { echo "check-alerts: expected 3 paths" >&2; exit 1; }
echo "  3 paths"
