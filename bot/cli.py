"""The `safecity-bot` command: a thin entry point that wires the shells."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from . import settings


def _engine(args: argparse.Namespace, share: bool = True):  # type: ignore[no-untyped-def]
    from .engine import ContentError, Engine

    try:
        return Engine(settings.content_dir(args.content), settings.locales_dir(args.locales), share)
    except ContentError as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(1) from exc


def cmd_chat(args: argparse.Namespace) -> int:
    from .terminal import chat

    return chat(_engine(args), args.lang, sys.stdin, sys.stdout, os.environ.get("BOT_USERNAME"))


def cmd_ask(args: argparse.Namespace) -> int:
    from .terminal import ask, stdin_lines

    texts = [" ".join(args.text)] if args.text else stdin_lines(sys.stdin)
    return ask(_engine(args), texts, args.lang, args.json, sys.stdout)


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check

    return run_check(
        settings.content_dir(args.content),
        settings.locales_dir(args.locales),
        args.strict,
        sys.stdout,
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

    p = sub.add_parser("ask", parents=[common], help="answer one message, or one per stdin line")
    p.add_argument("--json", action="store_true", help="one JSON object per input line")
    p.add_argument("--lang", help="the resident's chosen language")
    p.add_argument("text", nargs="*", help="the message (default: read lines from stdin)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("check", parents=[common], help="validate the content pack and catalogs")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "run", parents=[common], help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)"
    )
    p.set_defaults(func=cmd_run)

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
