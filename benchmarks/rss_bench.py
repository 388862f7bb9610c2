"""Memory benchmark: peak RSS of a real ``homeroom run`` console process serving 1,000
families in 20 languages, each asking the teacher a relay question in their own language.

The process is the command an operator runs (``homeroom --config FILE run --script FILE``), on
config.example.toml as shipped except what is printed: the database is a temporary SQLite
file, and translation goes to a local LibreTranslate-shaped server in its own process
(deep-translator's Google endpoint pointed at it; the provider stays "google"), so nothing
leaves the machine. The questions are
the parent-style sentences of tests/translation/detection_sentences.tsv, so the language
detector sees real text in every language. RSS is sampled with psutil every 20 ms; the figure
is the peak over the whole run. Goal: <= 200 MB, min/median/max over >= 5 runs.

    python benchmarks/rss_bench.py [--runs N] [--families N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
#: ``homeroom`` itself (bot.cli.main), with deep-translator's Google endpoint pointed at the local fake
LAUNCH = ("import sys, deep_translator.constants as c; c.BASE_URLS['GOOGLE_TRANSLATE'] = sys.argv.pop(1); "
          "from bot.cli import main; sys.exit(main(sys.argv[1:]))")
GOAL_MB = 200.0
#: a school morning (outside the shipped quiet hours), so every relayed question goes out by DM
START = "2026-09-07T14:00:00+00:00"
LANGUAGES = 20
SENTENCES = ROOT / "tests" / "translation" / "detection_sentences.tsv"

PROVIDER_SCRIPT = """
import sys
from tests.translation.fake_providers import Behaviour, serve
with serve("google", Behaviour()) as url:
    print(url, flush=True)
    sys.stdin.read()  # until the benchmark closes our standard input
"""


def _questions() -> dict[str, list[str]]:
    by_language: dict[str, list[str]] = {}
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, sentence = line.split("\t", 1)
            if code != "en":
                by_language.setdefault(code, []).append(sentence.replace('"', "'"))
    chosen = sorted(by_language)[:LANGUAGES]
    assert len(chosen) == LANGUAGES, f"the sentence table has {len(chosen)} languages besides English"
    return {code: by_language[code] for code in chosen}


def _script(families: int) -> str:
    questions = _questions()
    codes = list(questions)
    lines = ["as Ms Lee role=teacher"]
    for n in range(families):
        code = codes[n % len(codes)]
        sentences = questions[code]
        lines.append(f"as Family{n} lang={code}")
        lines.append(f'/ask text:"{sentences[(n // len(codes)) % len(sentences)]}"')
    return "\n".join(lines) + "\n"


def _config(folder: Path) -> Path:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    shipped = tomllib.loads(text)
    assert shipped["translation"]["provider"] and shipped["database"]["url"]
    text = text.replace(f'url = "{shipped["database"]["url"]}"', f'url = "sqlite+aiosqlite:///{folder / "rss.db"}"', 1)
    config = folder / "homeroom.toml"
    config.write_text(text, encoding="utf-8")
    assert tomllib.loads(text)["database"]["url"] != shipped["database"]["url"], "config not changed"
    return config


def peak_rss(config: Path, script: Path, folder: Path, url: str) -> tuple[float, float, int]:
    """Peak RSS (MB) of one run, its wall time, and how many questions reached the teacher."""
    (folder / "rss.db").unlink(missing_ok=True)
    started = time.perf_counter()
    transcript = folder / "transcript.txt"
    with transcript.open("w", encoding="utf-8") as out:  # a file: a full pipe would stall the bot
        child = subprocess.Popen([sys.executable, "-c", LAUNCH, url, "--config", str(config), "run", "--script",
                                  str(script), "--start", START], cwd=folder,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=out, stderr=subprocess.DEVNULL)
        process = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            try:
                peak = max(peak, process.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.02)
    if child.wait() != 0:
        raise SystemExit(f"homeroom run exited with {child.returncode}")
    output = transcript.read_text(encoding="utf-8")
    relayed = output.count("[DM → Ms Lee] **Question #")
    return peak / 2**20, time.perf_counter() - started, relayed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--families", type=int, default=1000)
    args, _ = parser.parse_known_args()
    runs = max(5, args.runs)
    provider = subprocess.Popen([sys.executable, "-c", PROVIDER_SCRIPT], cwd=ROOT, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
    try:
        assert provider.stdout is not None
        url = provider.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            config = _config(folder)
            script = folder / "families.txt"
            script.write_text(_script(args.families), encoding="utf-8")
            print(f"[rss] config.example.toml as shipped except: database.url -> a temporary SQLite file; "
                  f"deep-translator's Google endpoint -> a local Google-shaped server; "
                  f"run --start {START} (a school morning: no quiet hours)")
            peaks, walls = [], []
            for _ in range(runs):
                peak, wall, relayed = peak_rss(config, script, folder, url)
                if relayed != args.families:
                    raise SystemExit(f"only {relayed} of {args.families} questions reached the teacher")
                peaks.append(peak)
                walls.append(wall)
            ok = max(peaks) <= GOAL_MB
            print(f"homeroom run, {args.families} families in {LANGUAGES} languages, a relay question each: "
                  f"peak RSS min/median/max {min(peaks):.0f}/{statistics.median(peaks):.0f}/{max(peaks):.0f} MB "
                  f"(goal <= {GOAL_MB:.0f} MB, {runs} runs; {statistics.median(walls):.0f} s a run) "
                  f"{'PASS' if ok else 'FAIL'}")
            return 0 if ok else 1
    finally:
        if provider.stdin:
            provider.stdin.close()
        provider.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
