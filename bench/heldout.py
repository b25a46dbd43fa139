"""Right, wrong, did-you-mean and declined on the held-out messages, per kind and language.

.venv/bin/python bench/heldout.py [FILE.jsonl ...]   (default: bench/heldout/*.jsonl)

A set named after an example pack (`chicago.jsonl` for `examples/chicago/`) is
measured on that pack; every other set on the shipped `content/`.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine, Incoming  # noqa: E402


def table(engine: Engine, path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    stats: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for row in rows:
        reply = engine.reply(Incoming(text=row["text"]))
        label = row["topic"]
        if reply.topic == label or reply.topic in row.get("accept", ()):
            verdict = "right"
        elif reply.topic is not None:
            verdict = "wrong"
        elif label in reply.choices:
            verdict = "choices"
        else:
            verdict = "declined"
        for key in ("ALL", f"kind {row.get('kind', '?')}", f"lang {row['lang']}"):
            stats[key][verdict] += 1
            stats[key]["n"] += 1
            stats[key]["language"] += reply.language == row["lang"]
    lines = [
        f"{path.name}",
        f"{'':16}{'n':>5}{'right':>8}{'wrong':>8}{'choices':>9}{'declined':>10}{'lang':>8}",
    ]
    for key in sorted(stats, key=lambda k: (k != "ALL", k)):
        s = stats[key]
        n = s["n"]
        lines.append(
            f"{key:16}{n:>5}{s['right'] / n:>8.1%}{s['wrong'] / n:>8.1%}"
            f"{s['choices'] / n:>9.1%}{s['declined'] / n:>10.1%}{s['language'] / n:>8.1%}"
        )
    return "\n".join(lines)


def pack_for(path: Path) -> Path:
    """The pack a held-out set is written for."""
    example = ROOT / "examples" / path.stem
    return example if (example / "pack.yaml").exists() else ROOT / "content"


def main(argv: list[str]) -> int:
    engines: dict[Path, Engine] = {}
    paths = [Path(a) for a in argv] or sorted((ROOT / "bench" / "heldout").glob("*.jsonl"))
    for path in paths:
        pack = pack_for(path)
        if pack not in engines:
            engines[pack] = Engine(pack, ROOT / "locales")
        print(f"[{pack.relative_to(ROOT)}] " + table(engines[pack], path) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
