"""Start-up benchmark: CPU time of a fresh ``homeroom`` process, the cost an operator pays on
every start, every health check and every ``--version``.

Each command runs in its own process at least five times (``--runs``); the figure is the
child's user + system CPU time (``resource.getrusage(RUSAGE_CHILDREN)``), so a busy machine's
waiting does not count. The baseline, measured in the same run, is a bare
``python -c "import sqlalchemy.ext.asyncio"``: the least any database-backed start can cost.

Goals: ``homeroom --version`` <= 0.3 s; console start to ready (``homeroom run --script``
with one ``as Maria lang=es`` line, on a migrated database) <= 1.0 s. The first start on an
empty database (which applies the migrations) is shown for information.

Bytecode caching is switched on for the children (an installed package has its ``.pyc``
files; ``PYTHONDONTWRITEBYTECODE`` in a developer's shell would otherwise make every run
compile the project's sources again), and one uncounted run writes the caches first.

    python benchmarks/startup_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOMEROOM = [sys.executable, "-m", "bot"]


def cpu_seconds(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """User + system CPU time of one child process running ``argv`` to the end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(runs: int, once: Callable[[], float]) -> list[float]:
    return sorted(once() for _ in range(runs))


def show(name: str, times: list[float], baseline: float, goal: float | None) -> bool:
    low, mid, high = times[0], statistics.median(times), times[-1]
    verdict = "" if goal is None else (f"  goal <= {goal:.2f} s  " + ("PASS" if mid <= goal else "FAIL"))
    print(f"{name:<44} min {low:.3f}  median {mid:.3f}  max {high:.3f} s  "
          f"({mid / baseline:.1f}x baseline){verdict}", flush=True)
    return goal is None or mid <= goal


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args()
    runs = max(5, args.runs)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "HOMEROOM_CONFIG", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "homeroom.toml"
        config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{folder / "homeroom.db"}"\n', encoding="utf-8")
        script = folder / "one.txt"
        script.write_text("as Maria lang=es\n", encoding="utf-8")
        run_script = [*HOMEROOM, "--config", str(config), "run", "--script", str(script)]

        def first_start() -> float:
            (folder / "homeroom.db").unlink(missing_ok=True)
            return cpu_seconds(run_script, folder, env)

        first_start()  # uncounted: writes the bytecode caches
        baseline_times = measure(runs, lambda: cpu_seconds([sys.executable, "-c", "import sqlalchemy.ext.asyncio"],
                                                            folder, env))
        baseline = statistics.median(baseline_times)
        print(f"runs per figure: {runs}; CPU time (user + system) of the child process")
        show('baseline: python -c "import sqlalchemy.ext.asyncio"', baseline_times, baseline, None)
        ok = show("homeroom --version", measure(runs, lambda: cpu_seconds([*HOMEROOM, "--version"], folder, env)),
                  baseline, 0.3)
        first = measure(runs, first_start)
        ok &= show("console start to ready (migrated database)",
                   measure(runs, lambda: cpu_seconds(run_script, folder, env)), baseline, 1.0)
        show("console first start (applies migrations)", first, baseline, None)
    print("startup:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
