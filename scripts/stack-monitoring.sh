# Sourced by scripts/stack.sh: the stack's monitoring, on loopback ports of its range —
# Prometheus (+90, scraping the pool's /metrics through nginx, node-exporter and the HTTPS probe,
# with the repository's alerting rules), Alertmanager (+91, mailing the stack's SMTP catcher),
# node-exporter (+92, disks and the storage-paths file) and blackbox-exporter (+93, the TLS probe).
# Their configurations are rendered from the shipped ones in prometheus/ into var/$CB_STACK/monitoring/.
#
# The test stack is fast so that an alert can be watched end to end: scrape and evaluation every
# second, Alertmanager's group_wait and group_interval 1s, and every rule's `for:` cut to 1s (the
# promtool unit tests cover the shipped durations). CB_SCRAPE_INTERVAL overrides the interval.

PROMETHEUS_PORT=$((PORT_BASE + 90))
ALERTMANAGER_PORT=$((PORT_BASE + 91))
NODE_EXPORTER_PORT=$((PORT_BASE + 92))
BLACKBOX_PORT=$((PORT_BASE + 93))
MON="$VAR/monitoring"
PROMETHEUS_PID="$RUN/prometheus.pid"
ALERTMANAGER_PID="$RUN/alertmanager.pid"
NODE_EXPORTER_PID="$RUN/node-exporter.pid"
BLACKBOX_PID="$RUN/blackbox.pid"
if [[ "$CB_STACK" == test ]]; then default_scrape=1s; else default_scrape=15s; fi
SCRAPE_INTERVAL="${CB_SCRAPE_INTERVAL:-$default_scrape}"

# name:pidfile:word:port for each process. The word is its own config path (or folder), so
# pid_alive never takes another stack's Prometheus, or the system's, for this one.
MONITORING_SPECS=(
    "prometheus:$PROMETHEUS_PID:$MON/prometheus.yml:$PROMETHEUS_PORT"
    "alertmanager:$ALERTMANAGER_PID:$MON/alertmanager.yml:$ALERTMANAGER_PORT"
    "node-exporter:$NODE_EXPORTER_PID:$MON/node-textfile:$NODE_EXPORTER_PORT"
    "blackbox:$BLACKBOX_PID:$MON/blackbox.yml:$BLACKBOX_PORT"
)

# render_from SOURCE DEST SED-ARGS...: DEST is SOURCE through sed, and every expression must
# have changed something (a reworded shipped file must not silently keep production values).
render_from() {
    local src="$1" dest="$2" expr
    shift 2
    sed "$@" "$src" >"$dest"
    while (($#)); do
        expr="$2"
        shift 2
        sed -n "${expr}p" "$src" | grep -q . || die "render $dest: '$expr' matches nothing in $src"
    done
}

write_monitoring_config() {
    local p="$ROOT/prometheus"
    mkdir -p "$MON/prometheus-data" "$MON/alertmanager-data" "$MON/node-textfile"
    if [[ "$CB_STACK" == test ]]; then
        render_from "$p/corkboard-alerts.yml" "$MON/corkboard-alerts.yml" -e 's/^\( *for:\) .*/\1 1s/'
        render_from "$p/alertmanager.yml" "$MON/alertmanager.yml" \
            -e "s/^\( *smtp_smarthost:\) .*/\1 '127.0.0.1:$SMTP_PORT'/" \
            -e 's/^\( *group_wait:\) .*/\1 1s/' -e 's/^\( *group_interval:\) .*/\1 1s/'
    else
        # The shipped rules themselves: edit them and `kill -HUP` Prometheus to try a change.
        ln -sfn "$p/corkboard-alerts.yml" "$MON/corkboard-alerts.yml"
        render_from "$p/alertmanager.yml" "$MON/alertmanager.yml" \
            -e "s/^\( *smtp_smarthost:\) .*/\1 '127.0.0.1:$SMTP_PORT'/"
    fi
    render_from "$p/blackbox.yml" "$MON/blackbox.yml" -e "s|^\( *\)insecure_skip_verify: false|\1ca_file: $TLS/ca.pem|"
    # The production jobs (prometheus/prometheus.yml) with this stack's addresses.
    cat >"$MON/prometheus.yml" <<EOF
# Written by scripts/stack-monitoring.sh for the '$CB_STACK' stack from prometheus/prometheus.yml's jobs.
global:
  scrape_interval: $SCRAPE_INTERVAL
  scrape_timeout: $SCRAPE_INTERVAL
  evaluation_interval: $SCRAPE_INTERVAL
rule_files:
  - $MON/corkboard-alerts.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$ALERTMANAGER_PORT']
scrape_configs:
  - job_name: corkboard
    scheme: https
    metrics_path: /metrics
    tls_config:
      ca_file: $TLS/ca.pem
    static_configs:
      - targets: ['127.0.0.1:$HTTPS_PORT']
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$NODE_EXPORTER_PORT']
  - job_name: corkboard_https
    metrics_path: /probe
    params:
      module: [corkboard_https]
    static_configs:
      - targets: ['https://127.0.0.1:$HTTPS_PORT/healthz']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$BLACKBOX_PORT
EOF
    # The primary's binary logs live in its data directory (--log-bin=primary-bin).
    "$p/corkboard-storage-paths.sh" --images "$IMAGES" --datadir "$PRIMARY_DIR" --binlogs "$PRIMARY_DIR" \
        --out "$MON/node-textfile/corkboard-storage.prom"
    promtool check config "$MON/prometheus.yml" >"$LOG/monitoring-check.log" 2>&1 ||
        { cat "$LOG/monitoring-check.log" >&2; die "promtool check config failed for $MON/prometheus.yml"; }
    amtool check-config "$MON/alertmanager.yml" >>"$LOG/monitoring-check.log" 2>&1 ||
        { cat "$LOG/monitoring-check.log" >&2; die "amtool check-config failed for $MON/alertmanager.yml"; }
}

# monitoring_launch NAME: start one process (if it is not running) and wait until it answers.
monitoring_launch() {
    local name="$1" pidfile ready
    local -a cmd
    case "$name" in
        prometheus)
            pidfile="$PROMETHEUS_PID" ready="http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
            cmd=(prometheus --config.file="$MON/prometheus.yml" --storage.tsdb.path="$MON/prometheus-data"
                --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
                --web.external-url="http://127.0.0.1:$PROMETHEUS_PORT/") ;;
        alertmanager)
            # --cluster.listen-address= (empty): no gossip port, so stacks never find each other.
            pidfile="$ALERTMANAGER_PID" ready="http://127.0.0.1:$ALERTMANAGER_PORT/-/ready"
            cmd=(prometheus-alertmanager --config.file="$MON/alertmanager.yml" --storage.path="$MON/alertmanager-data"
                --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address=
                --web.external-url="http://127.0.0.1:$ALERTMANAGER_PORT/") ;;
        node-exporter)
            # Only what the rules and a glance at the host need: the disks, the paths file, load, memory.
            pidfile="$NODE_EXPORTER_PID" ready="http://127.0.0.1:$NODE_EXPORTER_PORT/metrics"
            cmd=(prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT"
                --collector.disable-defaults --collector.filesystem --collector.textfile
                --collector.textfile.directory="$MON/node-textfile" --collector.loadavg --collector.meminfo) ;;
        blackbox)
            pidfile="$BLACKBOX_PID" ready="http://127.0.0.1:$BLACKBOX_PORT/-/healthy"
            cmd=(prometheus-blackbox-exporter --config.file="$MON/blackbox.yml"
                --web.listen-address="127.0.0.1:$BLACKBOX_PORT") ;;
        *) die "usage: stack.sh monitoring-start|monitoring-stop [prometheus|alertmanager|node-exporter|blackbox]" ;;
    esac
    local spec word
    for spec in "${MONITORING_SPECS[@]}"; do
        [[ "$spec" == "$name:"* ]] && word="$(cut -d: -f3 <<<"$spec")"
    done
    if pid_alive "$pidfile" "$word"; then
        # Already running (a re-run of start): pick up the freshly rendered configuration.
        [[ "$name" == node-exporter ]] || kill -HUP "$(cat "$pidfile")"
        return 0
    fi
    setsid "${cmd[@]}" </dev/null >>"$LOG/$name.log" 2>&1 &
    echo $! >"$pidfile"
    wait_for 30 "$name (see $LOG/$name.log)" curl -sf -o /dev/null "$ready"
}

# monitoring_start [NAME]: one process, or all four (exporters and Alertmanager before Prometheus).
monitoring_start() {
    [[ -f "$MON/prometheus.yml" ]] || die "no $MON/prometheus.yml; run: scripts/stack.sh start"
    if [[ -n "${1:-}" ]]; then
        monitoring_launch "$1"
        return
    fi
    local name
    for name in node-exporter blackbox alertmanager prometheus; do
        monitoring_launch "$name"
    done
    say "monitoring: Prometheus http://127.0.0.1:$PROMETHEUS_PORT/, Alertmanager http://127.0.0.1:$ALERTMANAGER_PORT/"
}

# monitoring_stop [NAME]: one process, or all four.
monitoring_stop() {
    local spec name file word port
    for spec in "${MONITORING_SPECS[@]}"; do
        IFS=: read -r name file word port <<<"$spec"
        [[ -z "${1:-}" || "$1" == "$name" ]] || continue
        stop_pid "$name" "$file" "$word" TERM 20
    done
}

# Lines for stack.env.
monitoring_env() {
    cat <<EOF
CB_PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
CB_ALERTMANAGER_URL=http://127.0.0.1:$ALERTMANAGER_PORT
CB_NODE_EXPORTER_URL=http://127.0.0.1:$NODE_EXPORTER_PORT
CB_BLACKBOX_URL=http://127.0.0.1:$BLACKBOX_PORT
CB_SCRAPE_INTERVAL=$SCRAPE_INTERVAL
CB_MONITORING_DIR=$MON
EOF
}
