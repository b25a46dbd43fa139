"""Outreach kit timings, run on demand (not in CI).

    .venv/bin/python bench/outreach.py [--skip-flyers] [--jobs N]

Measures, in one run on the shipped pack:
- baseline: the bot writing every topic's answer in every language (Telegram
  HTML, as sent), which every page and flyer starts from;
- the whole static site (every page, QR codes included), written to a
  temporary folder;
- every flyer (topics x languages) and every language's poster, as PDF, with
  one worker per CPU.
Targets from issue #11: the site under 10 s, all flyers under 3 minutes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import ui  # noqa: E402
from bot.i18n import load_catalogs  # noqa: E402
from bot.outreach.flyers import FlyerOptions, FlyerOverflow, build_flyers  # noqa: E402
from bot.outreach.site import SiteOptions, build_site  # noqa: E402
from bot.pack.loader import load_pack  # noqa: E402
from bot.replies import Writer  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the flyer workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, func: object) -> tuple[float, float]:
    assert callable(func)
    cpu, wall = cpu_seconds(), time.perf_counter()
    func()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"{label:<46} {wall:8.2f} s wall {cpu:8.2f} s CPU", flush=True)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-flyers", action="store_true", help="time the site only")
    parser.add_argument("--jobs", type=int, default=None, help="flyer workers (default: CPUs)")
    args = parser.parse_args()

    result = load_pack(ROOT / "content")
    assert result.pack is not None, result.errors
    pack = result.pack
    catalogs, _ = load_catalogs(ROOT / "locales", pack.languages, ui.ALL)
    n_topics, n_langs = len(pack.topics), len(pack.languages)
    print(f"{n_topics} topics x {n_langs} languages, {os.cpu_count()} CPUs\n")

    def answers() -> None:
        writer = Writer(pack, catalogs, share=False)
        for _ in range(3):  # short: three passes for a steadier figure
            for topic in pack.topics.values():
                for lang in pack.languages:
                    writer.answer(topic, lang)

    base_wall, _ = timed(f"baseline: {n_topics * n_langs} answers x 3 (bot HTML)", answers)
    base_wall /= 3
    with tempfile.TemporaryDirectory() as tmp:
        site_wall, _ = timed(
            "site: every page (index, about, topics)",
            lambda: build_site(pack, catalogs, Path(tmp) / "site", SiteOptions("NYCHelpBot")),
        )
        pages = sum(1 for _ in (Path(tmp) / "site").rglob("*.html"))
        print(f"  {pages} pages, x{site_wall / base_wall:.1f} the answers' own rendering\n")
        if args.skip_flyers:
            return 0
        options = FlyerOptions("NYCHelpBot", "https://help.example.org/")
        misfits: list[tuple[str, str]] = []

        def flyers() -> None:
            try:
                build_flyers(pack, catalogs, Path(tmp) / "flyers", options, jobs=args.jobs)
            except FlyerOverflow as exc:
                misfits.extend(exc.misfits)

        wall, cpu = timed(f"flyers: {n_topics * n_langs} flyers + {n_langs} posters", flyers)
        count = sum(1 for _ in (Path(tmp) / "flyers").rglob("*.pdf"))
        size = sum(p.stat().st_size for p in (Path(tmp) / "flyers").rglob("*.pdf"))
        print(
            f"  {count} PDF files, {size / 1e6:.1f} MB; {cpu / max(count, 1):.2f} s CPU per file; "
            f"x{wall / base_wall:.0f} the answers' own rendering"
        )
        if misfits:
            print(f"  did not fit: {misfits}")
    print("\ntargets: site < 10 s, all flyers < 180 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
