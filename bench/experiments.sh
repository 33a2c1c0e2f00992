#!/bin/sh
# Experiment-level benchmarks (make bench): replicate-parallel throughput at 1 and all threads,
# peak memory of a 200-run and a 2,000-run experiment, and one national-scale run at 1 and all
# threads. Prints Markdown; bench/run.sh puts it in bench/RESULTS.md.
set -e
cd "$(dirname "$0")/.."
S=build/samen
T=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
secs() { # command... -> wall seconds and peak KiB (GNU time)
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1
    cat "$tmp/time"
}
echo "### Runs per second (default experiment: 2 conditions x 500 replicates, 260 weeks, 1,350 employees)"
echo
echo "| threads | wall s | runs/s | speed-up |"
echo "|---|---|---|---|"
set -- $(secs $S run -o "$tmp/a.h5" --replicates 500 --threads 1 --quiet); t1=$1
echo "| 1 | $t1 | $(echo "1000 / $t1" | bc -l | xargs printf %.1f) | 1.00 |"
set -- $(secs $S run -o "$tmp/b.h5" --replicates 500 --threads "$T" --quiet); tn=$1
echo "| $T | $tn | $(echo "1000 / $tn" | bc -l | xargs printf %.1f) | $(echo "$t1 / $tn" | bc -l | xargs printf %.2f) |"
echo
echo "Wall time includes writing the file (written while the runs go, by whichever worker finds the writer free)."
echo
echo "### Peak memory against the number of runs (default experiment, $T threads)"
echo
echo "| runs | wall s | peak memory MiB |"
echo "|---|---|---|"
for r in 100 1000; do
    set -- $(secs $S run -o "$tmp/m$r.h5" --replicates $r --threads "$T" --quiet)
    echo "| $((2 * r)) | $1 | $(echo "$2 / 1024" | bc -l | xargs printf %.1f) |"
done
echo
echo "### One national-scale run (scenarios/national.yaml: 342 municipalities, 12 provinces, 28 regions, about 173,000 employees, 260 weeks, 1 replicate)"
echo
echo "The threads work inside the single run: collaborations without common members act in parallel;"
echo "building the world, arrivals, turnover and the weekly observations stay serial."
echo
echo "| condition | threads | wall s | agent-weeks/s | speed-up | peak memory MiB |"
echo "|---|---|---|---|---|---|"
AW=$((173000 * 260))
for c in mandate structure_first; do
    extra=""
    cond=$c
    if [ $c = structure_first ]; then cond=voluntary; extra="--set formation=structure_first"; fi
    set -- $(secs $S run scenarios/national.yaml -o "$tmp/n1.h5" --condition $cond $extra --replicates 1 --threads 1 --quiet)
    n1=$1
    echo "| $c | 1 | $1 | $(echo "$AW / $1" | bc -l | xargs printf %.3g) | 1.00 | $(echo "$2 / 1024" | bc -l | xargs printf %.1f) |"
    set -- $(secs $S run scenarios/national.yaml -o "$tmp/n2.h5" --condition $cond $extra --replicates 1 --threads "$T" --quiet)
    echo "| $c | $T | $1 | $(echo "$AW / $1" | bc -l | xargs printf %.3g) | $(echo "$n1 / $1" | bc -l | xargs printf %.2f) | $(echo "$2 / 1024" | bc -l | xargs printf %.1f) |"
    h5diff --exclude-path /provenance "$tmp/n1.h5" "$tmp/n2.h5" >/dev/null || echo "| $c | | files differ between thread counts | | | |"
done
echo
echo "Each pair of national files (1 and $T threads) is identical (h5diff --exclude-path /provenance) unless a row above says otherwise."
echo
echo
echo "### The national scenario as shipped, with fewer replicates"
echo
echo "| command | runs | wall s | peak memory MiB |"
echo "|---|---|---|---|"
set -- $(secs $S run scenarios/national.yaml -o "$tmp/nat.h5" --replicates 2 --threads "$T" --quiet)
echo "| \`samen run scenarios/national.yaml --replicates 2 --threads $T\` | 6 (3 conditions x 2) | $1 | $(echo "$2 / 1024" | bc -l | xargs printf %.1f) |"
