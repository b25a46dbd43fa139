"""Romanised messages with and without the romanised view, and without any romanised example.

.venv/bin/python bench/romanised.py [FILE.jsonl ...]   (default: bench/heldout/*.jsonl)

Reads the held-out lines of kind "romanised" in Russian, Arabic, Chinese,
Korean, Bengali and Urdu, and replies to each four ways, in one run:

* the shipped pack, with the romanised view (as deployed) and without it;
* the pack with every Latin-letter example of those languages taken out
  (the ones written for romanised messages), with the view and without it.

The last pair says whether the view generalises: it has only the native-script
phrasings to go on, as for any message nobody wrote an example for.
"""

from __future__ import annotations

import collections
import json
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine, Incoming  # noqa: E402
from bot.romanised import LANGUAGES  # noqa: E402


def without_romanised_examples(content: Path, into: Path) -> Path:
    """A copy of the pack whose keyed languages keep only native-script examples."""
    into.mkdir(parents=True, exist_ok=True)
    for path in content.rglob("*.yaml"):
        target = into / path.relative_to(content)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = yaml.safe_load(path.read_text("utf-8"))
        if path.parent.name == "topics" and isinstance(data, dict):
            for lang, block in data.get("languages", {}).items():
                if lang in LANGUAGES and isinstance(block, dict) and block.get("examples"):
                    block["examples"] = [e for e in block["examples"] if not str(e).isascii()]
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return into


def tally(engine: Engine, rows: list[dict[str, object]]) -> dict[str, collections.Counter[str]]:
    stats: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for row in rows:
        reply = engine.reply(Incoming(text=str(row["text"])))
        accept = row.get("accept") or ()
        assert isinstance(accept, list | tuple)
        if reply.topic == row["topic"] or reply.topic in accept:
            verdict = "right"
        elif reply.topic is not None:
            verdict = "wrong"
        else:
            verdict = "other"
        for key in ("ALL", f"lang {row['lang']}"):
            stats[key][verdict] += 1
            stats[key]["n"] += 1
            stats[key]["language"] += reply.language == row["lang"]
    return stats


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "bench" / "heldout").glob("*.jsonl"))
    rows = [
        row
        for path in paths
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
        for row in [json.loads(line)]
        if row.get("kind") == "romanised" and row["lang"] in LANGUAGES
    ]
    with tempfile.TemporaryDirectory() as tmp:
        packs = {
            "shipped": ROOT / "content",
            "native only": without_romanised_examples(ROOT / "content", Path(tmp) / "content"),
        }
        results = {}
        for name, pack in packs.items():
            engine = Engine(pack, ROOT / "locales", cache_dir=Path(tmp) / "cache")
            results[f"{name}, view"] = tally(engine, rows)
            engine.brain.matcher.romanised = None  # the same matcher, the view left out
            results[f"{name}, no view"] = tally(engine, rows)
    print(f"{len(rows)} romanised held-out lines ({', '.join(LANGUAGES)}) from {len(paths)} files")
    print(f"{'':28}{'':10}{'n':>5}{'right':>8}{'wrong':>8}{'lang':>8}")
    for name, stats in results.items():
        for key in sorted(stats, key=lambda k: (k != "ALL", k)):
            s = stats[key]
            n = s["n"]
            print(
                f"{name:28}{key:10}{n:>5}{s['right'] / n:>8.1%}{s['wrong'] / n:>8.1%}"
                f"{s['language'] / n:>8.1%}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
