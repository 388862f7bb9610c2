"""Run every benchmark in this folder, one after another, and print their figures.

    python benchmarks/run_all.py

Every ``*_bench.py`` here runs: CPU per family of an announcement (``cpu_bench.py``), DM
fan-out, peak RSS of a console run serving 1,000 families (``rss_bench.py``), sign-ups
against the raw database driver, Slack acknowledgements against a bare Bolt app and slow
callbacks of an announcement (``slack_bench.py``), start-up (CPU time of ``homeroom
--version`` and of a console start, against a bare SQLAlchemy import) and translation. A
benchmark with a baseline measures it in the same run and prints ratios against it, so
figures are comparable across machines; docs/performance.md holds the last figures. Nothing here is a test: no figure
fails a build, but a benchmark that misses its goal makes this script exit 1.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*_bench.py"))
    failures = 0
    for script in scripts:
        print(f"=== {script.stem} ===", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False)
        if result.returncode != 0:
            print(f"{script.stem} exited with {result.returncode}", flush=True)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
