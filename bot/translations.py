"""Translator workflow: stamping translations with their source version.

`safecity-bot translations stamp` records, in every translated answer, the
version of the default-language text it was made from; later edits to that
text then show up as stale translations in `check` and in the bot.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import settings
from .pack import yamledit
from .pack.loader import load_pack


def stamp(content: Path, languages: list[str] | None, force: bool) -> int:
    """Write translated_from for translations that lack it (or all, with force)."""
    result = load_pack(content)
    if result.pack is None:
        for p in result.errors:
            sys.stderr.write(f"{p}\n")
        return 1
    pack = result.pack
    changed = 0
    for topic in pack.topics.values():
        version = topic.source_version()
        updates: dict[str, str] = {}
        for code, block in topic.blocks.items():
            if code == pack.default_language or not block.answer:
                continue
            if languages and code not in languages:
                continue
            if block.translated_from is None or (force and block.translated_from != version):
                updates[code] = version
        if updates:
            path = content / "topics" / f"{topic.id}.yaml"
            yamledit.set_translated_from(path, updates)
            changed += len(updates)
    sys.stdout.write(f"stamped {changed} translation(s)\n")
    return 0


def cmd_stamp(args: argparse.Namespace) -> int:
    langs = args.lang.split(",") if args.lang else None
    return stamp(settings.content_dir(args.content), langs, args.force)


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("translations", parents=[common], help="translator workflow")
    tsub = p.add_subparsers(dest="translations_command", required=True)
    s = tsub.add_parser(
        "stamp", parents=[common], help="record the source version each translation was made from"
    )
    s.add_argument("--lang", help="only these languages (comma-separated)")
    s.add_argument(
        "--force", action="store_true", help="re-stamp stale translations as current (after review)"
    )
    s.set_defaults(func=cmd_stamp)
