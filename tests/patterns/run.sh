#!/bin/sh
# The pattern tests of the model brief (F1-F12 under the defaults and in their break regimes), the
# calibration targets and the global exploration (E8). Writes docs/validation.md, its figures in
# docs/validation/ and docs/validation/results.json. Called by `make patterns` (fails when a core
# criterion does not hold or does not break) and `make validation` (--allow-fail: regenerate only).
# Extra arguments go to tests/patterns/patterns.py (--only F2,F6, --threads N, ...).
PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/../.." || exit 2
exec "$PYTHON" tests/patterns/patterns.py "$@"
