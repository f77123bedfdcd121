#!/usr/bin/env bash
# `make fuzz`: libFuzzer over the parsers that read bytes from outside (ParserProbe targets:
# params multipart cookies query json search cursor config).
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   which targets (default: all of them, in that order)
#   FUZZ_BUILD=0   skip the build (reuse .build-fuzz)
#
# The harness is built apart from the normal build (CORKBOARD_FUZZ=1, build path .build-fuzz,
# -sanitize=fuzzer,address), so `swift build` and `make test` never build or wait for it.
# Each target starts from its kept inputs (Tests/Fuzz/corpus/<t>, Tests/Fuzz/regressions/<t>)
# plus the working corpus of earlier runs (var/fuzz/corpus/<t>); at the end the inputs that
# reached new coverage are merged into Tests/Fuzz/corpus/<t> (commit them). A crash is
# minimized into Tests/Fuzz/regressions/<t>/ and the run exits 1 once every target has run.
# One line per target (seconds, executions, coverage, features, crash) is appended to
# var/fuzz/runs.tsv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-params multipart cookies query json search cursor config}"
BUILD_PATH="$ROOT/.build-fuzz"
BIN="$BUILD_PATH/debug/CorkboardFuzz"
# Swift's crash backtracer holds a crashed child that libFuzzer's -minimize_crash waits for.
export SWIFT_BACKTRACE=enable=no

say() { printf '==> %s\n' "$*"; }

if [[ "${FUZZ_BUILD:-1}" != 0 ]]; then
    say "building the fuzz harness (.build-fuzz, -sanitize=fuzzer,address)"
    CORKBOARD_FUZZ=1 swift build --build-path "$BUILD_PATH" --product CorkboardFuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
fi

mkdir -p var/fuzz
[[ -f var/fuzz/runs.tsv ]] || printf 'finished\ttarget\tseconds\texecutions\tcoverage\tfeatures\tcorpus\tcrash\n' >var/fuzz/runs.tsv
failed=()
for target in $TARGETS; do
    work="var/fuzz/corpus/$target" kept="Tests/Fuzz/corpus/$target" regressions="Tests/Fuzz/regressions/$target"
    crashes="var/fuzz/crashes/$target"
    mkdir -p "$work" "$kept" "$regressions" "$crashes"
    log="var/fuzz/$target.log"
    say "fuzzing $target for ${SECONDS_PER_TARGET}s"
    rc=0
    CB_FUZZ_TARGET="$target" "$BIN" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=1536 \
        -use_value_profile=1 -print_final_stats=1 -artifact_prefix="$crashes/" \
        "$work" "$kept" "$regressions" >"$log" 2>&1 || rc=$?
    done_line="$(grep -E '#[0-9]+.*(DONE|cov:)' "$log" | tail -n 1 || true)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")"
    ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")"
    crash=""
    if ((rc != 0)); then
        artifact="$(sed -n 's/^artifact_prefix=.*; Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
        if [[ -n "$artifact" && -f "$artifact" ]]; then
            kept_crash="$regressions/$(basename "$artifact")"
            say "$target crashed: minimizing into $kept_crash"
            CB_FUZZ_TARGET="$target" timeout 180 "$BIN" -minimize_crash=1 -runs=20000 -exact_artifact_path="$kept_crash" \
                "$artifact" >"var/fuzz/$target.minimize.log" 2>&1 || true
            [[ -f "$kept_crash" ]] || cp "$artifact" "$kept_crash"
            crash="$kept_crash"
        else
            crash="exit $rc (see $log)"
        fi
        grep -E 'Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY' "$log" | head -n 5 || true
        failed+=("$target")
    fi
    # Keep the inputs that reach coverage the kept corpus lacks.
    CB_FUZZ_TARGET="$target" "$BIN" -merge=1 "$kept" "$work" >"var/fuzz/$target.merge.log" 2>&1 || true
    corpus="$(find "$kept" -type f | wc -l)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$SECONDS_PER_TARGET" "${execs:-?}" \
        "${cov:-?}" "${ft:-?}" "$corpus" "${crash:--}" >>var/fuzz/runs.tsv
    say "$target: ${execs:-?} executions, cov ${cov:-?}, ft ${ft:-?}, kept corpus $corpus${crash:+, crash $crash}"
done

if ((${#failed[@]})); then
    say "crashes in: ${failed[*]} (regression inputs in Tests/Fuzz/regressions/)"
    exit 1
fi
