#!/bin/sh
# make bench: measure the model on generated worlds of 10^3, 10^4 and 10^5 employees and write
# bench/RESULTS.md (machine, command, table). Benchmarks report; they never fail on time.
set -e
cd "$(dirname "$0")/.."
out=bench/RESULTS.md
tmp=$(mktemp)
build/bench bench/world-1e3.yaml bench/world-1e4.yaml bench/world-1e5.yaml > "$tmp"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# Benchmark results"
    echo
    echo "Regenerate with \`make bench\` (runs \`build/bench bench/world-1e3.yaml bench/world-1e4.yaml bench/world-1e5.yaml\`)."
    echo "Each world is generated (organisations of 500 employees), default parameters, network-first"
    echo "formation, 260 weeks. *Agent-weeks/s* = employees x weeks / wall seconds. The multi-thread"
    echo "columns run independent replicates in parallel (the way experiments use the cores)."
    echo
    echo "- machine: $cpu, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
    echo "- date: $(date -u +%Y-%m-%d)"
    echo "- version: $(build/samen --version | head -1)"
    echo
    echo "### The model alone (build/bench: one run of condition 0 in a child process per world)"
    echo
    cat "$tmp"
    echo
    bench/experiments.sh
} > "$out"
rm -f "$tmp"
cat "$out"
