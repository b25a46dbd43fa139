"""End-to-end Telegram benchmark: updates answered per second, and latency added.

    .venv/bin/python bench/telegram_bench.py [--updates 2000] [--latency 200] [--tree DIR]
    .venv/bin/python bench/telegram_bench.py --compare DIR [--rounds 5] [--updates 1500]

Runs the real `safecity-bot run` (python-telegram-bot, long polling, httpx)
against the fake Bot API on loopback, and feeds it updates:

- throughput: `--updates` updates from many chats pushed at once; answered
  per second = updates / time from the first push to the last reply;
- latency: `--latency` updates one at a time; time from push to the reply
  arriving at the fake API (median, p99);
- baseline: the engine alone (`Engine.reply` in this process) on the same
  inputs, so "added" = end-to-end latency - engine time.

Two workloads: button presses and commands (cheap for the engine: what the
adapter itself costs) and free-text questions in several languages (the
matcher's cost dominates). The rate limiter is lifted (TELEGRAM_RATE_LIMIT=0)
so the bot's own ceiling is measured, not Telegram's 30 messages/s.

`--tree DIR` runs the bot from another checkout (e.g. `git archive` of the
commit before a change), against the same fake API, load and echo bot.

`--compare DIR --rounds N` measures before and after in one run: each round
runs the bot from DIR, the echo bot and this checkout's bot (the two bots'
order alternating from round to round, the echo bot between them), and the
summary gives each bot's throughput as a ratio to that round's echo bot:
median and range over the rounds, and the bot CPU per update. This machine's
speed moves with the other jobs on it, so only ratios within a round compare.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fake_telegram import FakeTelegram  # noqa: E402

from bot.engine import Engine, Incoming  # noqa: E402

QUESTIONS = [
    "can ice come to my kids school",
    "la migra puede entrar a la escuela de mi hijo",
    "هل تقدر ICE تدخل مدرسة ابني",
    "I need a free immigration lawyer",
    "do I have to open the door to ICE",
    "my boss did not pay me",
    "how do I get an IDNYC card",
    "que hago si detienen a mi esposo",
]
COMMANDS = ["/menu", "/help", "/start", "/language", "/start ice-at-schools_es"]

Push = Callable[[FakeTelegram, int, int], None]


def push_command(fake: FakeTelegram, chat: int, i: int) -> None:
    fake.command(chat, COMMANDS[i % len(COMMANDS)])


def push_text(fake: FakeTelegram, chat: int, i: int) -> None:
    fake.message(chat, QUESTIONS[i % len(QUESTIONS)])


def engine_incoming(kind: str, i: int) -> Incoming:
    if kind == "text":
        return Incoming(text=QUESTIONS[i % len(QUESTIONS)], platform_language="en")
    name, _, payload = COMMANDS[i % len(COMMANDS)][1:].partition(" ")
    return Incoming(command=name, payload=payload or None, platform_language="en")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def engine_cost(engine: Engine, kind: str, n: int) -> list[float]:
    for i in range(20):  # warm caches
        engine.reply(engine_incoming(kind, i))
    times = []
    for i in range(n):
        started = time.perf_counter()
        engine.reply(engine_incoming(kind, i))
        times.append(time.perf_counter() - started)
    return times


def wait_replies(fake: FakeTelegram, after: int, count: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = fake.calls_of("sendMessage", after)
        if len(calls) >= count:
            return max(c.at for c in calls[:count])
        time.sleep(0.02)
    raise TimeoutError(f"{len(fake.calls_of('sendMessage', after))}/{count} replies")


def latency(fake: FakeTelegram, push: Push, n: int, chats: itertools.count[int]) -> list[float]:
    times = []
    for i in range(n):
        chat = next(chats)
        mark = fake.mark()
        started = time.monotonic()
        push(fake, chat, i)
        call = fake.wait_for(
            "sendMessage", lambda c, chat=chat: int(c.params["chat_id"]) == chat, after=mark
        )[0]
        times.append(call.at - started)
    return times


def throughput(fake: FakeTelegram, push: Push, n: int, chats: itertools.count[int]) -> float:
    # Many chats, a few updates each: well inside the per-chat flood limit.
    pool = [next(chats) for _ in range(max(1, n // 4))]
    mark = fake.mark()
    started = time.monotonic()
    for i in range(n):
        push(fake, pool[i % len(pool)], i)
    last = wait_replies(fake, mark, n, timeout=300)
    return n / (last - started)


# A bare python-telegram-bot echo bot on the same fake API: the floor that
# PTB, httpx and JSON cost per update on this machine, whatever the bot does.
BARE_PTB = """
import os
from telegram.ext import ApplicationBuilder, MessageHandler, filters
async def echo(update, context):
    await context.bot.send_message(update.effective_chat.id, "ok")
app = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
       .base_url(os.environ["TELEGRAM_API_BASE_URL"]).concurrent_updates(16).build())
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling()
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(cmd: list[str], fake: FakeTelegram, tree: Path = ROOT) -> subprocess.Popen[bytes]:
    env = fake.bot_env(TELEGRAM_RATE_LIMIT="0", LOG_LEVEL="WARNING", RELOAD_INTERVAL="0")
    env["PYTHONPATH"] = str(tree)
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(cmd, cwd=tree, env=env, stdout=log, stderr=log)


polls: list[float] = []  # getUpdates calls per update in each throughput run


def measure(
    fake: FakeTelegram,
    bot: subprocess.Popen[bytes],
    push: Push,
    args: argparse.Namespace,
    chats: itertools.count[int],
) -> tuple[float, float, list[float]]:
    lat = latency(fake, push, args.latency, chats)
    before = cpu_seconds(bot.pid)
    mark = fake.mark()
    rate = throughput(fake, push, args.updates, chats)
    cpu_ms = (cpu_seconds(bot.pid) - before) / args.updates * 1000
    polls.append(len(fake.calls_of("getUpdates", mark)) / args.updates)
    return rate, cpu_ms, lat


Row = tuple[str, float, float, list[float]]  # workload, answered/s, bot CPU ms/update, latency


def run_bot(
    fake: FakeTelegram, tree: Path, args: argparse.Namespace, chats: itertools.count[int]
) -> tuple[list[Row], int, int]:
    """Both workloads through the bot of `tree`; its exit code and API errors."""
    mark = fake.mark()
    bot = start([sys.executable, "-m", "bot", "run"], fake, tree.resolve())
    rows: list[Row] = []
    try:
        fake.wait_for("getMe", after=mark, timeout=300)
        time.sleep(1.0)  # polling started, profile calls done
        for kind, push in (("command", push_command), ("text", push_text)):
            rate, cpu_ms, lat = measure(fake, bot, push, args, chats)
            rows.append((kind, rate, cpu_ms, lat))
    finally:
        bot.terminate()
        code = bot.wait(30)
    errors = sum(c.status != 200 for c in fake.calls_of(None, mark, ok=None))
    return rows, code, errors


def run_echo(fake: FakeTelegram, args: argparse.Namespace, chats: itertools.count[int]) -> Row:
    mark = fake.mark()
    bare = start([sys.executable, "-c", BARE_PTB], fake)
    try:
        fake.wait_for("getMe", after=mark, timeout=120)
        time.sleep(1.0)
        rate, cpu_ms, lat = measure(fake, bare, push_text, args, chats)
    finally:
        bare.terminate()
        bare.wait(30)
    return ("echo", rate, cpu_ms, lat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates in the throughput run")
    parser.add_argument("--latency", type=int, default=200, help="updates in the latency run")
    parser.add_argument("--tree", type=Path, default=ROOT, help="run the bot from this checkout")
    parser.add_argument(
        "--compare", type=Path, help="also run the bot from this checkout, alternating"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --compare")
    args = parser.parse_args()
    if args.compare is not None:
        return compare(args)
    chats = itertools.count(8_000_000_001)

    fake = FakeTelegram(strict=False).start()
    try:
        engine = Engine(ROOT / "content", ROOT / "locales")
        base = {kind: engine_cost(engine, kind, 500) for kind in ("command", "text")}
        bot_rows, code, errors = run_bot(fake, args.tree, args, chats)
        echo = run_echo(fake, args, chats)
    finally:
        fake.stop()

    names = {"command": "buttons/commands", "text": "free text"}
    rows = [(names[kind], rate, cpu, lat, base[kind]) for kind, rate, cpu, lat in bot_rows]
    rows.append(("bare PTB echo (floor)", echo[1], echo[2], echo[3], [0.0]))
    print(f"safecity-bot exit code {code}; API errors during its runs: {errors}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end\n")
    print(
        "| workload | answered/s | bot CPU ms/update | getUpdates/update | e2e median ms "
        "| e2e p99 ms | added median ms | engine median ms | engine p99 ms | engine alone /s |"
    )
    print("|" + "---|" * 10)
    for (name, rate, cpu_ms, lat, eng), poll in zip(rows, polls, strict=True):
        lat_med, eng_med = statistics.median(lat) * 1000, statistics.median(eng) * 1000
        engine_rate = f"{1 / statistics.mean(eng):,.0f}" if any(eng) else "-"
        print(
            f"| {name} | {rate:,.0f} | {cpu_ms:.1f} | {poll:.2f} | {lat_med:.1f} "
            f"| {pct(lat, 0.99) * 1000:.1f} "
            f"| {lat_med - eng_med:.1f} | {eng_med:.2f} | {pct(eng, 0.99) * 1000:.2f} "
            f"| {engine_rate} |"
        )
    floor = rows[-1][1]
    print("\nthroughput as a ratio to the bare PTB echo bot measured in this run:")
    for name, rate, *_ in rows[:-1]:
        print(f"  {name}: {rate:,.0f} / {floor:,.0f} answered/s = {rate / floor:.2f}x")
    return 0


def compare(args: argparse.Namespace) -> int:
    """Before (--compare DIR) and after (this checkout), alternating, each
    against the echo bot measured between them in the same round."""
    chats = itertools.count(8_000_000_001)
    trees = {"before": args.compare.resolve(), "after": ROOT}
    # (tree, workload) -> per round: (ratio to the echo bot, bot CPU ms/update)
    seen: dict[tuple[str, str], list[tuple[float, float]]] = {}
    echo_cpu: list[float] = []
    failures = 0
    fake = FakeTelegram(strict=False).start()
    try:
        for round_ in range(args.rounds):
            first, second = ("before", "after") if round_ % 2 == 0 else ("after", "before")
            measured: dict[str, list[Row]] = {}
            measured[first], code1, errors1 = run_bot(fake, trees[first], args, chats)
            echo = run_echo(fake, args, chats)
            measured[second], code2, errors2 = run_bot(fake, trees[second], args, chats)
            failures += (code1 != 0) + (code2 != 0) + errors1 + errors2
            echo_cpu.append(echo[2])
            parts = [f"echo {echo[1]:,.0f}/s"]
            for name in ("before", "after"):
                for kind, rate, cpu_ms, _ in measured[name]:
                    seen.setdefault((name, kind), []).append((rate / echo[1], cpu_ms))
                    parts.append(f"{name} {kind} {rate:,.0f}/s ({rate / echo[1]:.2f}x)")
            load = os.getloadavg()[0]
            print(f"round {round_ + 1} (load {load:.1f}): " + ", ".join(parts), flush=True)
    finally:
        fake.stop()
    print(f"\nbot exit codes other than 0 and API errors: {failures}")
    print(f"before = {trees['before']}, after = {trees['after']}; {args.rounds} rounds\n")
    print("| workload | tree | ratio to the echo bot: median (range) | bot CPU ms/update: median |")
    print("|---|---|---|---|")
    names = {"command": "buttons/commands", "text": "free text"}
    for kind in ("text", "command"):
        for name in ("before", "after"):
            ratios = [r for r, _ in seen[(name, kind)]]
            cpu = statistics.median(c for _, c in seen[(name, kind)])
            print(
                f"| {names[kind]} | {name} | {statistics.median(ratios):.2f}x "
                f"({min(ratios):.2f}-{max(ratios):.2f}) | {cpu:.2f} |"
            )
    print(f"| echo bot | - | 1 | {statistics.median(echo_cpu):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
