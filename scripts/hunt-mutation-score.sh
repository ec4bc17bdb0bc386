#!/usr/bin/env bash
# The mutation score of `shootdown hunt`: hunts every built-in mutant (and rfc15-buggy, the seed
# thread's bug) from seed 0 for at most 120 s on 2 workers, and prints a line per mutant:
# result, scenarios checked, seconds, the index of the violating scenario, its kind, and the
# shrunk scenario's CPUs and operations. Run on a quiet machine; docs/hunt.md has the table and
# Tests/ShootdownCheckerTests/HuntMutationScoreTests.swift the indices.
# Usage: bash scripts/hunt-mutation-score.sh [EXTRA HUNT OPTIONS, e.g. --max-cpus 2]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product shootdown >/dev/null
bin=$(swift build -c release --show-bin-path)/shootdown
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for mutant in $("$bin" list --format json | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["mutants"]))') rfc15-buggy; do
    scheme=${mutant/#ring-list~/ring-list:size=1~}
    status=0
    "$bin" hunt --scheme "$scheme" --budget 120 --jobs 2 --quiet --format json --save-dir "$out" "$@" \
        >"$out/result.json" || status=$?
    [ "$status" -le 1 ] || { echo "$scheme: hunt failed ($status)" >&2; exit 1; }
    python3 - "$scheme" "$out/result.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[2]))
v = d.get("violation") or {}
print(sys.argv[1], d["result"], d["scenarios"], round(d["seconds"], 1), v.get("index"), v.get("kind"),
      v.get("shrunkCPUs"), v.get("shrunkOperations"))
PY
done
