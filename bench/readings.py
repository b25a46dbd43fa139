"""Where a message's time goes: the matcher's full rankings per message, by
length and by the engine step that asked for each, and the CPU split.

    .venv/bin/python bench/readings.py [--oracle]

A message costs one ranking of the whole text, then one per sentence or
clause that the story logic (bot/engine.py, bot/story.py) reads on its own.
For the dev set, the held-out sets (split at 12 words, where a message
becomes a story) and bench/scale.py's 60-word messages, this prints:
- rankings per message (mean, median, max) and CPU per message (median, p99);
- the CPU split: inside Matcher.rank, inside language detection, the rest;
- per engine step, the rankings it asked for per message.
With --oracle, each ranking after the whole message's is replaced in turn by
an empty one: "changed" counts the rankings whose loss changes the reply
(a ranking that never does is one the step could skip; one that sometimes
does must stay, unless its step can tell in advance). Slow: one reply per
ranking. Times are CPU seconds (the machine is shared).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import DEV, read  # noqa: E402
from scale import messages  # noqa: E402

from bot.engine import Engine, Incoming  # noqa: E402
from bot.matching import Matcher, Ranking  # noqa: E402

STORY_WORDS = 12
# Helpers that only pass a sentence on: the step is the engine method above them.
_PASSING = {"rank_part", "match_part", "leads_with", "clear_part", "pulled", "reply", "text"}


def groups() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"dev": [str(r["text"]) for r in read(DEV)]}
    files = sorted((ROOT / "bench" / "heldout").glob("*.jsonl"))
    held = [str(r["text"]) for path in files for r in read(path)]
    out[f"held-out, < {STORY_WORDS} words"] = [t for t in held if len(t.split()) < STORY_WORDS]
    out[f"held-out, >= {STORY_WORDS} words"] = [t for t in held if len(t.split()) >= STORY_WORDS]
    out["60-word (scale.py)"] = messages(600)["long"]
    return out


def step(frame: FrameType | None) -> str:
    """The engine method that asked for a ranking."""
    while frame is not None:
        code = frame.f_code
        if code.co_filename.endswith("engine.py") and not code.co_name.startswith("<"):
            if code.co_name not in _PASSING:
                return code.co_name
            if code.co_name == "text":
                return "the whole message"
        frame = frame.f_back
    return "?"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(share * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oracle", action="store_true", help="which rankings change the reply")
    args = parser.parse_args()
    engine = Engine(ROOT / "content", ROOT / "locales")
    clock = time.process_time
    rank: Callable[[Matcher, str], Ranking] = Matcher.rank
    detect = engine.brain.detector.detect
    state: dict[str, object] = {"poison": -1}
    asked: list[str] = []
    spent = {"rank": 0.0, "detect": 0.0}

    def counted(self: Matcher, text: str) -> Ranking:
        asked.append(step(sys._getframe(1)))
        if len(asked) - 1 == state["poison"]:
            return Ranking((), False, None, frozenset())
        started = clock()
        try:
            return rank(self, text)
        finally:
            spent["rank"] += clock() - started

    def detected(text: str) -> object:
        started = clock()
        try:
            return detect(text)
        finally:
            spent["detect"] += clock() - started

    Matcher.rank = counted  # type: ignore[method-assign]
    engine.brain.detector.detect = detected  # type: ignore[method-assign]
    for name, texts in groups().items():
        for text in texts[:20]:  # warm
            engine.reply(Incoming(text=text))
        spent.update(rank=0.0, detect=0.0)
        counts: list[int] = []
        times: list[float] = []
        by_step: collections.Counter[str] = collections.Counter()
        changed: collections.Counter[str] = collections.Counter()
        for text in texts:
            asked.clear()
            state["poison"] = -1
            started = clock()
            reply = engine.reply(Incoming(text=text))
            times.append(clock() - started)
            counts.append(len(asked))
            by_step.update(asked)
            if args.oracle:
                kept = dict(spent)  # the oracle's replies are not timed
                steps = list(asked)
                for k in range(1, len(steps)):
                    asked.clear()
                    state["poison"] = k
                    changed[steps[k]] += engine.reply(Incoming(text=text)) != reply
                spent.update(kept)
        n = len(texts)
        total = sum(times)
        print(
            f"{name} ({n} messages): rankings per message mean {sum(counts) / n:.2f}, "
            f"median {percentile(counts, 0.5):.0f}, max {max(counts)}; CPU per message median "
            f"{percentile(times, 0.5) * 1000:.2f} ms, p99 {percentile(times, 0.99) * 1000:.2f} ms; "
            f"in rank {spent['rank'] / total:.0%}, detect {spent['detect'] / total:.0%}, "
            f"rest {1 - (spent['rank'] + spent['detect']) / total:.0%}"
        )
        for name_, count in by_step.most_common():
            extra = f", changed the reply {changed[name_]} of {count}" if args.oracle else ""
            print(f"    {name_:24} {count / n:.2f} per message{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
