"""How start-up, training, memory and per-message time grow with the pack.

    .venv/bin/python bench/scale.py [--runs 1] [--compare REV] [--messages 600]

Builds, in a temp folder, the shipped pack and two larger ones made by adding
the external sets' FAQ intents (../shared/external) as extra English topics:

- "+150 CLINC": the 150 CLINC150 intents;
- "+COVID-QA": those, the 106 HINT3 intents and the 200 COVID-QA questions.

Every figure comes from a fresh process (python -c, the bot imported from the
tree under test): a start with an empty cache (trains the matcher's linear
view and measures the thresholds on the pack, bot/calibration.py: four more
matchers trained: the "calibration" column, their training included), then
starts with that cache (a plain restart), which also time
`Engine.reply` on the dev set's messages and on 60-word messages made of them.
Where the engine serves before the thresholds are measured (in a process of
its own), the empty-cache start is the time until it serves, "measured" the
time until the measured thresholds serve, that process's CPU included, and
its peak RSS has a column of its own.
Peak RSS is the process's high-water mark (VmHWM): start-up included. Times
are CPU seconds of the process (the machine is shared: wall time would
measure the other processes); wall times are in --json.

`--compare REV` also runs the same children on `git archive REV` (e.g. the
commit before a change), alternating the two trees pack by pack, so that
before and after share the machine's load; ratios are after / before.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = ROOT.parent / "shared" / "external"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

CLINC = ("clinc150_10shot.jsonl",)
MORE = (
    "hint3_v2_sofmattress.jsonl",
    "hint3_v2_curekart.jsonl",
    "hint3_v2_powerplay11.jsonl",
    "covidqa_qsim_en.jsonl",
    "covidqa_qsim_de.jsonl",
)
LONG_WORDS = 60

_CHILD = r"""
import json, sys, time
# CPU seconds (process_time): the machine is shared, and wall time mostly
# measures the other processes' load.
clock = time.process_time
t0 = clock()
import bot.matching as matching
# The trainer's module: bot/matching/linear.py, or bot/matching.py in older trees.
trainer = sys.modules.get("bot.matching.linear", matching)
from bot.engine import Engine, Incoming
t1 = clock()
# The pack's own matcher's training, and the calibration's whole cost (its
# matchers' training included), counted apart: both are part of the start.
trained, calibrating, inside = [0.0], [0.0], [False]
train = trainer._train_svm
def timed(*args, **kwargs):
    started = clock()
    try:
        return train(*args, **kwargs)
    finally:
        if not inside[0]:
            trained[0] += clock() - started
trainer._train_svm = timed
try:
    import bot.calibration as calibration
except ImportError:  # a tree from before calibration
    calibration = None
if calibration is not None:
    calibrate = calibration.calibrate
    def timed_calibrate(*args, **kwargs):
        started = clock()
        inside[0] = True
        try:
            return calibrate(*args, **kwargs)
        finally:
            inside[0] = False
            calibrating[0] += clock() - started
    calibration.calibrate = timed_calibrate
wall = time.perf_counter()
import inspect
# As the Telegram bot starts: serving at once where the tree can.
background = "calibrate_now" in inspect.signature(Engine).parameters
engine = Engine(sys.argv[1], sys.argv[2], **({"calibrate_now": False} if background else {}))
t2 = clock()
wall = time.perf_counter() - wall
# A newer tree serves at once and measures the thresholds in a process of its
# own: wait for it, and count that process's CPU time and memory too.
wait = getattr(engine, "wait_calibrated", None)
apart_rss = 0.0
if wait is not None:
    assert wait(1800), "the thresholds were never measured"
    import os
    children = os.times()
    apart = children.children_user + children.children_system
    measured = engine.last_measured
    if measured is not None and measured.apart:
        calibrating[0] += apart
        apart_rss = measured.peak_rss_mb
t3 = clock()
def hwm():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
out = {"import_s": t1 - t0, "start_s": t2 - t1, "start_wall_s": wall, "train_s": trained[0],
       "calibration_s": calibrating[0], "start_rss_mb": hwm(), "calibration_rss_mb": apart_rss,
       # CPU until the measured thresholds serve, the measuring process's included
       "measured_s": t3 - t1 + (calibrating[0] if apart_rss else 0.0)}
if len(sys.argv) > 3:
    groups = json.load(open(sys.argv[3]))
    for text in groups["warm"]:
        engine.reply(Incoming(text=text))
    # The matcher's rankings per message (the whole message, and each
    # sentence the story logic matches on its own): work, free of the noise.
    ranked = [0]
    rank = matching.Matcher.rank
    def counted(self, text):
        ranked[0] += 1
        return rank(self, text)
    matching.Matcher.rank = counted
    for name in ("median", "long"):
        times = []
        ranked[0] = 0
        for text in groups[name]:
            started = clock()
            engine.reply(Incoming(text=text))
            times.append((clock() - started) * 1000)
        times.sort()
        out[name + "_ms"] = [times[len(times) // 2], times[int(0.99 * len(times)) - 1]]
        out[name + "_ranks"] = ranked[0] / max(1, len(groups[name]))
out["peak_rss_mb"] = hwm()
print(json.dumps(out))
"""


def read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def faq_topics(files: Sequence[str]) -> dict[str, list[str]]:
    """Topic id -> phrasings, from the external sets' FAQ rows."""
    topics: dict[str, list[str]] = {}
    for file in files:
        prefix = re.sub(r"[^a-z0-9]+", "", file.split("_")[0])[:6] + re.sub(r"\D", "", file)[:3]
        tag = file.removesuffix(".jsonl").split("_")[-1][:6]
        for row in read(EXTERNAL / file):
            if row.get("role") != "faq":
                continue
            slug = re.sub(r"[^a-z0-9]+", "-", str(row["topic"]).lower()).strip("-")
            key = f"x-{prefix}{tag}-{slug}"[:41].rstrip("-")
            topics.setdefault(key, []).append(str(row["text"]))
    return topics


def write_pack(folder: Path, extra: dict[str, list[str]], tree: Path = ROOT) -> Path:
    """The shipped content of `tree` plus one English topic per extra intent
    (each tree its own content: a content field a newer tree adds is unknown
    to an older one's loader)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-r", str(tree / "content"), str(folder)], check=True)
    for topic_id, phrasings in extra.items():
        examples = "\n".join(f"      - {_quote(p)}" for p in phrasings)
        title = topic_id.split("-", 2)[-1].replace("-", " ").capitalize() or topic_id
        (folder / "topics" / f"{topic_id}.yaml").write_text(
            f"id: {topic_id}\n"
            "urgent: false\n"
            "sources:\n"
            "  - title: NYC 311\n"
            "    url: https://portal.311.nyc.gov/\n"
            "    checked: 2026-12-03\n"
            "languages:\n"
            "  en:\n"
            f"    title: {_quote(title)}\n"
            "    reviewed: 2026-12-03\n"
            "    answer: |\n"
            f"      <b>{title}.</b>\n\n      Call {{nyc311.phone}}.\n"
            f"    examples:\n{examples}\n",
            encoding="utf-8",
        )
    return folder


def messages(n: int) -> dict[str, list[str]]:
    """The dev set's messages (median length) and 60-word ones made of them."""
    texts = [str(r["text"]) for r in read(DEV)]
    median = [texts[i % len(texts)] for i in range(n)]
    words = " ".join(texts[::-1]).split()
    long = [
        " ".join(words[(i * 37) % len(words) :][:LONG_WORDS] + words[:LONG_WORDS])
        for i in range(n // 2)
    ]
    long = [" ".join(t.split()[:LONG_WORDS]) for t in long]
    return {"warm": texts[:20], "median": median, "long": long}


def child(tree: Path, content: Path, cache: Path, msgs: Path | None) -> dict[str, float]:
    args = [sys.executable, "-c", _CHILD, str(content), str(tree / "locales")]
    if msgs is not None:
        args.append(str(msgs))
    env = {**os.environ, "SAFECITY_CACHE": str(cache), "PYTHONPATH": str(tree)}
    out = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child failed in {tree}:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(tree: Path, content: Path, msgs: Path, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="safecity-scale-cache-") as cache:
        empty = child(tree, content, Path(cache), None)
        warm = [child(tree, content, Path(cache), msgs) for _ in range(runs)]
    # Cached starts: the median time, the highest peak.
    return {
        "start_empty_s": empty["start_s"],
        "measured_empty_s": empty.get("measured_s", empty["start_s"]),
        "rss_calibration_mb": empty.get("calibration_rss_mb", 0.0),
        "start_cached_s": statistics.median(w["start_s"] for w in warm),
        "start_empty_wall_s": empty["start_wall_s"],
        "start_cached_wall_s": statistics.median(w["start_wall_s"] for w in warm),
        "import_s": statistics.median(w["import_s"] for w in warm),
        "train_s": empty["train_s"],
        "calibration_s": empty["calibration_s"],
        "rss_cached_mb": max(w["peak_rss_mb"] for w in warm),
        "rss_training_mb": empty["peak_rss_mb"],
        "median_ms": statistics.median(w["median_ms"][0] for w in warm),
        "p99_ms": statistics.median(w["median_ms"][1] for w in warm),
        "long_median_ms": statistics.median(w["long_ms"][0] for w in warm),
        "long_p99_ms": statistics.median(w["long_ms"][1] for w in warm),
        "median_ranks": warm[0]["median_ranks"],
        "long_ranks": warm[0]["long_ranks"],
    }


def exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log y over log x: y ~ x^slope."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = statistics.mean(lx), statistics.mean(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / den if den else 0.0


def table(name: str, rows: list[tuple[str, int, dict[str, float]]]) -> str:
    lines = [
        f"### {name}",
        "",
        "(CPU seconds: start = Engine(...) after imports, until it serves; an empty-cache "
        "start includes the pack's matcher's training, and the calibration (its four "
        "matchers' training included) unless it runs in a process of its own; 'measured' "
        "is the CPU until the measured thresholds serve, that process's included; "
        "peak RSS of the bot's process, and of the calibration's own process)",
        "",
        "| pack | topics | start, empty cache / measured / cached | linear-view training "
        "| calibration | peak RSS cached / while training / calibration process "
        "| per message median / p99 | 60-word p99 / median-length p99 "
        "| rankings per message, median-length / 60-word |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for pack, topics, m in rows:
        apart = f"{m['rss_calibration_mb']:.0f} MB" if m.get("rss_calibration_mb") else "-"
        lines.append(
            f"| {pack} | {topics} | {m['start_empty_s']:.2f} / "
            f"{m.get('measured_empty_s', m['start_empty_s']):.2f} / {m['start_cached_s']:.2f} s "
            f"| {m['train_s']:.2f} s | {m['calibration_s']:.2f} s "
            f"| {m['rss_cached_mb']:.0f} / {m['rss_training_mb']:.0f} MB / {apart} "
            f"| {m['median_ms']:.2f} / {m['p99_ms']:.2f} ms "
            f"| {m['long_p99_ms']:.2f} / {m['p99_ms']:.2f} ms "
            f"= {m['long_p99_ms'] / m['p99_ms']:.2f}x "
            f"| {m['median_ranks']:.2f} / {m['long_ranks']:.2f} |"
        )
    if len(rows) < 2:
        return "\n".join(lines)  # one pack: no growth to fit
    topics = [t for _, t, _ in rows]
    growth = {
        key: exponent(topics, [m[key] for _, _, m in rows])
        for key in (
            "train_s",
            "calibration_s",
            "start_empty_s",
            "measured_empty_s",
            "start_cached_s",
            "rss_training_mb",
            "rss_cached_mb",
        )
    }
    first, last = rows[0], rows[-1]
    per100 = {
        key: (last[2][key] - first[2][key]) / (last[1] - first[1]) * 100
        for key in ("rss_cached_mb", "rss_training_mb")
    }
    lines += [
        "",
        "growth with topics (least-squares exponent over the packs): "
        + ", ".join(f"{k} ~ topics^{v:.2f}" for k, v in growth.items()),
        f"memory per 100 topics: {per100['rss_cached_mb']:.0f} MB cached, "
        f"{per100['rss_training_mb']:.0f} MB while training",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1, help="cached starts per pack (median)")
    parser.add_argument("--messages", type=int, default=600, help="median-length messages timed")
    parser.add_argument("--compare", help="git revision to measure too, alternating (before)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--packs", type=int, default=3, help="the first N packs only (1: the shipped pack)"
    )
    args = parser.parse_args()

    clinc = faq_topics(CLINC)
    more = faq_topics(MORE)
    with tempfile.TemporaryDirectory(prefix="safecity-scale-") as tmp_name:
        tmp = Path(tmp_name)
        msgs = tmp / "messages.json"
        msgs.write_text(json.dumps(messages(args.messages)), encoding="utf-8")
        trees = [("this tree", ROOT)]
        if args.compare:
            before = tmp / "before"
            before.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.compare], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
            trees.insert(0, (f"before ({args.compare})", before))
        sizes = [("shipped", {}), ("+150 CLINC", clinc), ("+HINT3 +COVID-QA", {**clinc, **more})]
        sizes = sizes[: max(1, args.packs)]
        packs = {
            (pack, name): write_pack(tmp / f"pack{i}" / str(j), extra, tree)
            for i, (pack, extra) in enumerate(sizes)
            for j, (name, tree) in enumerate(trees)
        }
        results: dict[str, list[tuple[str, int, dict[str, float]]]] = {n: [] for n, _ in trees}
        for pack, _ in sizes:
            for name, tree in trees:
                folder = packs[pack, name]
                topics = len(list((folder / "topics").glob("*.yaml")))
                m = measure(tree, folder, msgs, args.runs)
                results[name].append((pack, topics, m))
                print(f"  {name}: {pack} ({topics} topics) done", file=sys.stderr, flush=True)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end\n")
    for name, rows in results.items():
        print(table(name, rows) + "\n")
    if args.compare:
        (_, before_rows), (_, after_rows) = results.items()
        print("after / before:")
        for (pack, _, b), (_, _, a) in zip(before_rows, after_rows, strict=True):
            print(f"  {pack}: " + ", ".join(f"{k} x{a[k] / b[k]:.2f}" for k in a if b.get(k)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
