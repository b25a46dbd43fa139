"""The outreach subcommands of `safecity-bot`: `site` and `flyers`.

Only the pack and the catalogs are loaded (no matcher): a site or a stack of
flyers needs the answers, not the language models.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import settings, ui
from ..callbacks import PLACEHOLDER_USERNAME
from ..i18n import Catalogs, load_catalogs
from ..pack.model import Pack


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    links = argparse.ArgumentParser(add_help=False)
    links.add_argument(
        "--bot-username",
        default=None,
        help="the bot's @username without @, for the Telegram links and QR codes "
        f"(env BOT_USERNAME; without it the links say {PLACEHOLDER_USERNAME})",
    )
    links.add_argument(
        "--base-url",
        default=None,
        help="where the site is published (e.g. https://help.example.org/): canonical links, "
        "and on flyers a second QR code to the answer's page",
    )
    p = sub.add_parser(
        "site",
        parents=[common, links],
        help="write the static answers site (every topic in every language) to a folder",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    p.set_defaults(func=cmd_site)

    p = sub.add_parser(
        "flyers",
        parents=[common, links],
        help="write printable PDF flyers (one per topic and language) and posters",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    p.add_argument(
        "--lang", action="extend", nargs="+", default=None, metavar="L", help="only these languages"
    )
    p.add_argument(
        "--topic", action="extend", nargs="+", default=None, metavar="T", help="only these topics"
    )
    p.add_argument("--paper", choices=("letter", "a4"), default="letter", help="paper size")
    p.add_argument("--no-posters", action="store_true", help="flyers only, no posters")
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="flyers rendered in parallel (default: one per CPU)",
    )
    p.set_defaults(func=cmd_flyers)


def load(args: argparse.Namespace) -> tuple[Pack, Catalogs] | None:
    """The pack and its catalogs; None (problems on stderr) when content has errors."""
    from ..pack.loader import load_pack

    result = load_pack(settings.content_dir(args.content))
    if result.pack is None:
        for problem in result.errors:
            sys.stderr.write(f"{problem.path}:{problem.line}: {problem.message}\n")
        return None
    pack = result.pack
    catalogs, _problems = load_catalogs(
        settings.locales_dir(args.locales), pack.languages, ui.ALL
    )  # a missing translation shows the English string; `check` reports it
    return pack, catalogs


def cmd_site(args: argparse.Namespace) -> int:
    from .site import SiteOptions, build_site

    loaded = load(args)
    if loaded is None:
        return 1
    pack, catalogs = loaded
    options = SiteOptions(settings.link_username(args.bot_username, sys.stderr), args.base_url)
    files = build_site(pack, catalogs, Path(args.out), options)
    sys.stdout.write(f"{len(files)} pages in {args.out}\n")
    return 0


def cmd_flyers(args: argparse.Namespace) -> int:
    from .flyers import FlyerOptions, FlyerOverflow, build_flyers

    loaded = load(args)
    if loaded is None:
        return 1
    pack, catalogs = loaded
    unknown = [code for code in args.lang or () if code not in pack.languages]
    unknown += [t for t in args.topic or () if t not in pack.topics]
    if unknown:
        sys.stderr.write(f"not in the pack: {', '.join(unknown)}\n")
        return 2
    options = FlyerOptions(
        settings.link_username(args.bot_username, sys.stderr), args.base_url, args.paper
    )
    try:
        files = build_flyers(
            pack,
            catalogs,
            Path(args.out),
            options,
            languages=args.lang,
            topics=args.topic,
            posters=not args.no_posters,
            jobs=args.jobs,
        )
    except FlyerOverflow as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    sys.stdout.write(f"{len(files)} PDF files in {args.out}\n")
    return 0
