"""Fill a topic-counts database with synthetic traffic, and measure what counting costs.

    .venv/bin/python bench/stats_fill.py [--data DIR] [--messages 6000] [--days 14]
    .venv/bin/python -m bot report --data DIR --format html --out report.html

Synthetic residents (no real message is used): each message is one of the
pack's own example questions (sometimes cut to its first two words) or an
off-topic line, in a language drawn with
NYC-like weights, on one of the last `--days` days; a fifth of the answers get
a feedback tap, helpful more often for some topics than others. Every reply
is counted exactly as the bots count it (bot.stats.outcomes), then written
with the same UPSERT the recorder uses, one batch per day.

It also times, in the same run and on the same messages, a reply from the
engine and `Recorder.record` of it: the ratio is what counting adds to a
reply (the disk write happens on the flush thread, not on a reply's time).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.callbacks import HELPFUL, REASONS  # noqa: E402
from bot.engine import Engine, Incoming  # noqa: E402
from bot.stats import DB_NAME, Recorder, Store, outcomes  # noqa: E402
from bot.stats.outcomes import vote_outcome  # noqa: E402

WEIGHTS = {"en": 30, "es": 25, "zh": 10, "ru": 7, "bn": 5, "ht": 6, "ko": 4,
           "ar": 4, "ur": 3, "fr": 4, "pl": 2}  # fmt: skip
OFF_TOPIC = ["how do I cook rice", "what is the weather tomorrow", "best pizza near me",
             "necesito un pasaporte nuevo", "how to send money home"]  # fmt: skip


def messages(engine: Engine, n: int, rng: random.Random) -> list[Incoming]:
    pack = engine.brain.pack
    langs, weights = zip(*WEIGHTS.items(), strict=True)
    examples: dict[str, list[str]] = defaultdict(list)
    for topic in pack.topics.values():
        for lang, block in topic.blocks.items():
            examples[lang].extend(block.examples)
    out = []
    for _ in range(n):
        lang = rng.choices(langs, weights)[0]
        pool = examples.get(lang) or examples[pack.default_language]
        text = rng.choice(OFF_TOPIC) if rng.random() < 0.08 else rng.choice(pool)
        if rng.random() < 0.15:  # a few words only: the bot may have to ask which topic
            text = " ".join(text.split()[:2])
        out.append(Incoming(text=text, platform_language=lang))
    return out


def fill(engine: Engine, store: Store, incoming: list[Incoming], days: int, seed: int) -> int:
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    batches: dict[str, Counter[tuple[str, str, str, str]]] = defaultdict(Counter)
    for inc in incoming:
        day = (today - timedelta(days=rng.randrange(days))).isoformat()
        reply = engine.reply(inc)
        for topic, lang, outcome, n in outcomes(inc, reply):
            batches[day][(day, topic, lang, outcome)] += n
        if reply.kind == "answer" and reply.topic and rng.random() < 0.2:
            # Some topics help more than others: a stable per-topic rate.
            helpful_rate = 0.45 + 0.5 * (zlib.crc32(reply.topic.encode()) % 100) / 100
            choice = HELPFUL if rng.random() < helpful_rate else rng.choice(REASONS)
            batches[day][(day, reply.topic, reply.language, vote_outcome(choice))] += 1
    for batch in batches.values():
        store.add(batch)
    return sum(n for b in batches.values() for n in b.values())


def overhead(engine: Engine, incoming: list[Incoming], folder: Path) -> tuple[float, float]:
    """Median microseconds: a reply from the engine, and counting it (same messages)."""
    recorder = Recorder(folder / DB_NAME, interval=3600)
    replying, counting = [], []
    try:
        for inc in incoming:
            started = time.perf_counter()
            reply = engine.reply(inc)
            replying.append(time.perf_counter() - started)
            started = time.perf_counter()
            recorder.record(inc, reply)
            counting.append(time.perf_counter() - started)
    finally:
        recorder.close()
    return statistics.median(replying) * 1e6, statistics.median(counting) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the data folder (default: a new temporary one)")
    parser.add_argument("--messages", type=int, default=6000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="safecity-stats-"))
    engine = Engine(ROOT / "content", ROOT / "locales", share=False)
    rng = random.Random(args.seed)
    incoming = messages(engine, args.messages, rng)
    store = Store(data / DB_NAME)
    started = time.perf_counter()
    total = fill(engine, store, incoming, args.days, args.seed)
    took = time.perf_counter() - started
    rows = sum(1 for _ in store.rows())
    store.close()
    size = sum(p.stat().st_size for p in data.iterdir() if p.is_file())
    print(f"{args.messages} messages over {args.days} days -> {total} counts in {rows} rows, "
          f"{size / 1024:.0f} KiB in {data} ({took:.1f}s)")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        alone, counted = overhead(engine, incoming[:1000], Path(scratch))
    print(f"per reply, median of 1000: engine {alone:.0f} us, counting it {counted:.1f} us "
          f"({counted / alone:.2%} of the engine's time)")  # fmt: skip
    print(f"report: .venv/bin/python -m bot report --data {data} --format html --out report.html")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
