#!/usr/bin/python3
"""Command line for samen_analysis.plots; run with Debian's python3, e.g.
    /usr/bin/python3 analysis/plots.py --help
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samen_analysis.plots import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
