#!/usr/bin/env python3
"""Build Kabupaten Banjar's smart city progress portal: ``python build.py --help``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from smartsite.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
