"""Every decision on the dev, held-out, out-of-domain and external messages, to diff.

    .venv/bin/python bench/decisions.py OUT.jsonl            # dump
    .venv/bin/python bench/decisions.py OUT.jsonl --diff OLD.jsonl

A change meant to be "faster, same answers" (a trainer, a cache, a sparse
matrix) should leave this dump unchanged: each line is one message's topic,
choices, intent, confidence and reply kind (engine messages), or the
matcher's decision and best labels (external sets, the set's own matcher).
Scores are kept to 3 decimals, to show how far a difference is from a tie.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import DEV, EXTERNAL, external_sets, read  # noqa: E402

from bot.engine import Engine, Incoming  # noqa: E402
from bot.matching import Matcher, Phrase  # noqa: E402

OOD = (
    "clinc150_10shot.jsonl",
    "hint3_v2_sofmattress.jsonl",
    "hint3_v2_curekart.jsonl",
    "hint3_v2_powerplay11.jsonl",
)


def engine_lines(engine: Engine) -> list[dict[str, object]]:
    texts = [("dev", str(r["text"])) for r in read(DEV)]
    for path in sorted((ROOT / "bench" / "heldout").glob("*.jsonl")):
        texts += [(path.stem, str(r["text"])) for r in read(path)]
    for file in OOD:
        texts += [(file, str(r["text"])) for r in read(EXTERNAL / file) if r["role"] == "query"][
            ::2
        ]
    out = []
    for source, text in texts:
        reply = engine.reply(Incoming(text=text))
        out.append(
            {
                "source": source,
                "text": text,
                "kind": reply.kind,
                "topic": reply.topic,
                "choices": list(reply.choices),
                "confidence": reply.confidence,
                "language": reply.language,
            }
        )
    return out


def external_lines() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for name, (faq, queries) in external_sets(quick=False).items():
        matcher = Matcher([Phrase(label, "en", text) for text, label in faq])
        for text, _ in queries:
            ranking = matcher.rank(text)
            match = matcher.decide(ranking)
            out.append(
                {
                    "source": name,
                    "text": text,
                    "topic": match.topic,
                    "choices": list(match.choices),
                    "confidence": match.confidence,
                    "best": [[c.label, round(c.score, 3)] for c in ranking.candidates[:3]],
                    "coverage": round(ranking.coverage, 3),
                }
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--diff", type=Path, help="an earlier dump to compare with")
    args = parser.parse_args()
    lines = engine_lines(Engine(ROOT / "content", ROOT / "locales")) + external_lines()
    args.out.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    print(f"{len(lines)} decisions written to {args.out}")
    if args.diff:
        old = [json.loads(x) for x in args.diff.read_text("utf-8").splitlines()]
        keys = ("kind", "topic", "choices", "confidence", "language")
        changed = [
            (a, b)
            for a, b in zip(old, lines, strict=True)
            if any(a.get(k) != b.get(k) for k in keys)
        ]
        scores = sum(a.get("best") != b.get("best") for a, b in zip(old, lines, strict=True))
        print(f"decisions changed: {len(changed)} of {len(lines)}; best scores moved: {scores}")
        for a, b in changed[:40]:
            print(f"  [{a['source']}] {a['text'][:60]!r}")
            print(f"     was {[a.get(k) for k in keys]} {a.get('best', '')}")
            print(f"     now {[b.get(k) for k in keys]} {b.get('best', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
