#!/usr/bin/env bash
# Records the figures a scheme port must keep: `check` (states, transitions, depth, verdict) of
# every built-in scenario under each scheme, and `compare` (every counter and cycle figure) of
# every workload at 8 CPUs. SchemeFiguresTests computes the same lines in-process and compares.
#
#   bash scripts/scheme-figures.sh [BINARY] > Tests/ShootdownCLITests/Fixtures/scheme-figures.txt
#
# Re-record only for a change that is meant to alter behaviour, and say why in its commit. The
# figures are the search's without the reductions `check` runs by default (--no-movers
# --no-dead-entries): every state of the model, as SchemeFiguresTests counts them.
set -euo pipefail
bin=$(realpath "${1:-.build/release/shootdown}")
cd "$(mktemp -d)"  # check saves counterexamples to the working directory
schemes="linux rfc15-buggy rfc15 ring-list ring-union oracle-hw oracle-sw ring-list:size=1,switch=full ring-union:size=2"
scenarios=$("$bin" list --format json | jq -r '.scenarios[]')
for scheme in $schemes; do
    for scenario in $scenarios; do
        "$bin" check --scenario "$scenario" --scheme "$scheme" --jobs 1 --no-movers --no-dead-entries --format json --quiet \
            | jq -r --arg s "$scheme" --arg c "$scenario" \
                '"check \($s) \($c) states=\(.states) transitions=\(.transitions) depth=\(.maxDepth) \(.result)"' \
            || true
    done
done
workloads=$("$bin" list --format json | jq -r '.workloads[]')
for workload in $workloads; do
    "$bin" compare --workload "$workload" --cpus 8 --format csv \
        --schemes linux,rfc15-buggy,rfc15,ring-list,ring-union,ring-list:size=1 2>/dev/null \
        | tail -n +2 | sed 's/^/compare /' || true
done
