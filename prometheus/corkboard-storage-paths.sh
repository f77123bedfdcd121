#!/usr/bin/env bash
# Tells Prometheus which filesystem holds each of Corkboard's folders, for the disk alerts.
#
#   corkboard-storage-paths.sh [--images DIR] [--datadir DIR] [--binlogs DIR] [--out FILE]
#
# node-exporter reports free space per mount point, not per folder, and the images, MariaDB's data
# directory and its binary logs may sit on one filesystem or on three. This writes one
# corkboard_storage_path_info{purpose, path, mountpoint} 1 line per folder for node-exporter's
# textfile collector; the rules join it with node_filesystem_avail_bytes on the mount point.
# Defaults are Debian's and the production layout's. The file is written to a temporary name and
# renamed (the collector must never read half a file). Run it again when a mount changes
# (systemd/prometheus-node-exporter.service.d/corkboard.conf runs it whenever node-exporter starts).
set -euo pipefail

images=/var/lib/corkboard/images
datadir=/var/lib/mysql
binlogs=/var/log/mysql
out=/var/lib/prometheus/node-exporter/corkboard-storage.prom

while (($#)); do
    case "$1" in
        --images) images="$2"; shift 2 ;;
        --datadir) datadir="$2"; shift 2 ;;
        --binlogs) binlogs="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
    esac
done

# Label values in the exposition format: backslash, double quote and newline escaped.
escape() { local v="${1//\\/\\\\}"; v="${v//\"/\\\"}"; printf '%s' "${v//$'\n'/\\n}"; }

tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
{
    echo '# HELP corkboard_storage_path_info The filesystem (mount point) holding one of Corkboard'"'"'s folders.'
    echo '# TYPE corkboard_storage_path_info gauge'
    for spec in "images:$images" "datadir:$datadir" "binlogs:$binlogs"; do
        purpose="${spec%%:*}" path="${spec#*:}"
        # A missing folder is an error, not a silently missing line (the StoragePathsMissing
        # alert would only notice an hour later).
        mountpoint="$(stat -c %m -- "$path")"
        printf 'corkboard_storage_path_info{purpose="%s",path="%s",mountpoint="%s"} 1\n' \
            "$purpose" "$(escape "$path")" "$(escape "$mountpoint")"
    done
} >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
