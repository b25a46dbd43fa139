"""The `safecity-bot` command: a thin entry point that wires the shells."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings

if TYPE_CHECKING:
    from .stats import Recorder


def _engine(args: argparse.Namespace, share: bool = True):  # type: ignore[no-untyped-def]
    from .engine import ContentError, Engine

    try:
        return Engine(settings.content_dir(args.content), settings.locales_dir(args.locales), share)
    except ContentError as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(1) from exc


def _recorder(args: argparse.Namespace) -> Recorder | None:
    """Topic counts for the terminal shells: only when asked (`--stats`)."""
    if not getattr(args, "stats", False):
        return None
    from .stats import open_recorder

    return open_recorder()


def cmd_chat(args: argparse.Namespace) -> int:
    from .terminal import chat

    engine = _engine(args)
    stats = _recorder(args)
    try:
        return chat(engine, args.lang, sys.stdin, sys.stdout, os.environ.get("BOT_USERNAME"), stats)
    finally:
        if stats is not None:
            stats.close()


def cmd_ask(args: argparse.Namespace) -> int:
    from .terminal import ask, stdin_lines

    texts = [" ".join(args.text)] if args.text else stdin_lines(sys.stdin)
    engine = _engine(args)
    stats = _recorder(args)
    try:
        return ask(engine, texts, args.lang, args.json, sys.stdout, stats)
    finally:
        if stats is not None:
            stats.close()


def cmd_report(args: argparse.Namespace) -> int:
    from .stats.report import run_report

    return run_report(args, sys.stdout, sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check

    return run_check(
        settings.content_dir(args.content),
        settings.locales_dir(args.locales),
        args.strict,
        sys.stdout,
    )


def cmd_new_pack(args: argparse.Namespace) -> int:
    from .pack.newpack import cmd_new_pack as new_pack

    return new_pack(
        Path(args.folder), args.city, args.languages.split(","), settings.locales_dir(args.locales)
    )


def cmd_run(args: argparse.Namespace) -> int:
    try:
        from .telegram.app import run
    except ImportError as exc:  # pragma: no cover - the adapter ships with the package
        sys.stderr.write(f"the Telegram adapter is not available: {exc}\n")
        return 2
    return run(args)


def cmd_default(args: argparse.Namespace) -> int:
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        return cmd_run(args)
    sys.stderr.write("No TELEGRAM_BOT_TOKEN set: starting the terminal chat.\n")
    args.lang = None
    return cmd_chat(args)


_STATS_HELP = "count topics (never text or ids) in the data folder, as the Telegram bot does"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content", metavar="DIR", help=f"content pack folder (env {settings.CONTENT_ENV})"
    )
    common.add_argument(
        "--locales", metavar="DIR", help=f"gettext catalogs folder (env {settings.LOCALES_ENV})"
    )
    parser = argparse.ArgumentParser(
        prog="safecity-bot",
        description="A multilingual help bot for residents of safe cities.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("chat", parents=[common], help="talk to the bot in the terminal")
    p.add_argument("--lang", help="your language (e.g. es)")
    p.set_defaults(func=cmd_chat)

    p.add_argument("--stats", action="store_true", help=_STATS_HELP)

    p = sub.add_parser("ask", parents=[common], help="answer one message, or one per stdin line")
    p.add_argument("--stats", action="store_true", help=_STATS_HELP)
    p.add_argument("--json", action="store_true", help="one JSON object per input line")
    p.add_argument("--lang", help="the resident's chosen language")
    p.add_argument("text", nargs="*", help="the message (default: read lines from stdin)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("report", parents=[common], help="the editors' report from the topic counts")
    p.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (default: all)")
    p.add_argument("--format", choices=("md", "csv", "html"), default="md")
    p.add_argument(
        "--min-count",
        type=int,
        default=5,
        metavar="K",
        help="figures under K are shown as '< K' (default 5)",
    )
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--data", metavar="DIR", help=f"the data folder (env {settings.DATA_ENV})")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("check", parents=[common], help="validate the content pack and catalogs")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "run", parents=[common], help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "new-pack", parents=[common], help="start a content pack for a new city (valid at once)"
    )
    p.add_argument("folder", metavar="DIR", help="the new pack's folder (must be empty or new)")
    p.add_argument("--city", required=True, help="the city's name, as residents see it")
    p.add_argument(
        "--languages", default="en", help="comma-separated codes, the default first (en,es,pl)"
    )
    p.set_defaults(func=cmd_new_pack)

    try:
        from .telegram.cli import add_commands

        add_commands(sub, common)
    except ImportError:
        pass
    try:
        from .outreach.cli import add_commands as add_outreach_commands

        add_outreach_commands(sub, common)
    except ImportError:
        pass
    try:
        from .translations import add_commands as add_translation_commands

        add_translation_commands(sub, common)
    except ImportError:
        pass
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .telegram.logs import FORMAT  # plain logging; no python-telegram-bot import

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper(), format=FORMAT)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_default)
    try:
        return int(func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
