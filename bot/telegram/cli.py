"""Telegram subcommands of `safecity-bot`: `links` and `health`.

Kept free of python-telegram-bot imports: `bot.cli` imports this module for
every command, and `health` runs as the container's probe every few seconds.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import urllib.error
import urllib.request
from typing import Any, TextIO

from ..callbacks import PLACEHOLDER_USERNAME, deep_link, payload_for
from . import config


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "links",
        parents=[common],
        help="every topic's and category's deep link in every language, with its title",
    )
    p.add_argument(
        "--bot-username",
        default=None,
        help=f"the bot's @username without @ (env BOT_USERNAME; default {PLACEHOLDER_USERNAME})",
    )
    p.add_argument("--format", choices=("csv", "md"), default="csv", help="output format (csv)")
    p.set_defaults(func=cmd_links)

    p = sub.add_parser(
        "health", help="container probe: checks the webhook server when WEBHOOK_URL is set"
    )
    p.set_defaults(func=cmd_health)


LinkRow = tuple[str, str, str, str, str]  # kind, id, language, title, payload


def link_rows(content: str | None) -> list[LinkRow] | None:
    """(kind, id, language, title, payload) for every topic, then every menu
    category (payload `c_<category>`), in every pack language.

    Only the pack is loaded (no matcher, no catalogs): titles come from content.
    None when the content has errors (they are printed to stderr).
    """
    from .. import settings
    from ..pack.loader import load_pack

    result = load_pack(settings.content_dir(content))
    if result.pack is None:
        for problem in result.errors:
            sys.stderr.write(f"{problem.path}:{problem.line}: {problem.message}\n")
        return None
    pack = result.pack
    topics: list[LinkRow] = [
        ("topic", topic.id, lang, topic.title(lang), payload_for(topic.id, lang))
        for topic in pack.topics.values()
        for lang in pack.languages
    ]
    categories: list[LinkRow] = [
        (
            "category",
            category.id,
            lang,
            pack.category_title(category, lang),
            payload_for(category.id, lang, category=True),
        )
        for category in pack.menu
        for lang in pack.languages
    ]
    return topics + categories


def write_links(rows: list[LinkRow], username: str, fmt: str, out: TextIO) -> None:
    def link(payload: str) -> str:
        return deep_link(username, payload)

    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "id", "language", "title", "link"])
        for kind, ident, lang, title, payload in rows:
            writer.writerow([kind, ident, lang, title, link(payload)])
        return
    out.write("| Kind | Id | Language | Title | Link |\n|---|---|---|---|---|\n")
    for kind, ident, lang, title, payload in rows:
        safe = title.replace("|", "\\|")
        out.write(f"| {kind} | `{ident}` | {lang} | {safe} | {link(payload)} |\n")


def cmd_links(args: argparse.Namespace) -> int:
    from .. import settings

    username = settings.link_username(args.bot_username, sys.stderr)
    rows = link_rows(args.content)
    if rows is None:
        return 1
    write_links(rows, username, args.format, sys.stdout)
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Exit 0 when healthy. Polling mode has no server: the process running is the signal."""
    try:
        hook = config.webhook(os.environ)
    except config.ConfigError:
        return 1
    if hook is None:
        return 0
    host = "127.0.0.1" if hook.listen in ("0.0.0.0", "::") else hook.listen
    url = f"http://{host}:{hook.port}{config.HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError, ValueError):
        return 1
