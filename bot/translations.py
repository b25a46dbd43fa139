"""Translator workflow: PO export/import and stamping translations with their source version.

`safecity-bot translations stamp` records, in every translated answer, the
version of the default-language text it was made from; later edits to that
text then show up as stale translations in `check` and in the bot.
`export` and `import` carry one language's titles and answers to and from a
gettext PO file, the format translation tools (Poedit, Weblate, Crowdin) speak.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import settings
from .pack import poexport, poimport, yamledit
from .pack.loader import load_pack
from .pack.model import Pack


def _load(content: Path) -> Pack | None:
    result = load_pack(content)
    if result.pack is None:
        for p in result.errors:
            sys.stderr.write(f"{p}\n")
    return result.pack


def stamp(content: Path, languages: list[str] | None, force: bool) -> int:
    """Write translated_from for translations that lack it (or all, with force)."""
    pack = _load(content)
    if pack is None:
        return 1
    changed = 0
    for topic in pack.translatable():
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
            path = content / pack.relative_file(topic.id)
            edits = {code: {"translated_from": v} for code, v in updates.items()}
            text = path.read_text(encoding="utf-8")
            yamledit.replace_file(path, yamledit.edit_language_blocks(text, edits, pack.languages))
            changed += len(updates)
    sys.stdout.write(f"stamped {changed} translation(s)\n")
    return 0


def cmd_stamp(args: argparse.Namespace) -> int:
    langs = args.lang.split(",") if args.lang else None
    return stamp(settings.content_dir(args.content), langs, args.force)


def cmd_export(args: argparse.Namespace) -> int:
    content = settings.content_dir(args.content)
    pack = _load(content)
    if pack is None:
        return 1
    try:
        path, catalog = poexport.export(pack, content, args.lang, Path(args.out))
    except poexport.ExportError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    entries = [m for m in catalog if m.id]
    empty = sum(1 for m in entries if not m.string)
    fuzzy = sum(1 for m in entries if m.fuzzy)
    sys.stdout.write(f"wrote {path}: {len(entries)} entries, {empty} untranslated, {fuzzy} fuzzy\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    content = settings.content_dir(args.content)
    pack = _load(content)
    if pack is None:
        return 1
    result = poimport.import_po(Path(args.file), pack, content, args.lang, date.today())
    if result.errors:
        for error in result.errors:
            sys.stderr.write(f"{error}\n")
        sys.stderr.write(f"{len(result.errors)} error(s): nothing was written\n")
        return 1
    for entry in result.fuzzy:
        sys.stdout.write(f"{entry}: fuzzy, not imported\n")
    for path in result.written:
        sys.stdout.write(f"updated {path}\n")
    sys.stdout.write(
        f"{result.language}: {result.updated} updated, {result.unchanged} unchanged, "
        f"{len(result.fuzzy)} fuzzy skipped, {result.untranslated} untranslated; "
        f"{result.stamped} translation(s) now current\n"
    )
    return 0


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
    e = tsub.add_parser(
        "export", parents=[common], help="write one language's titles and answers as a PO file"
    )
    e.add_argument("--lang", required=True, help="the language to translate into (e.g. es)")
    e.add_argument("--out", required=True, metavar="DIR", help="folder for <lang>.po")
    e.set_defaults(func=cmd_export)
    i = tsub.add_parser(
        "import", parents=[common], help="validate a translated PO file and write it into the pack"
    )
    i.add_argument("file", metavar="FILE.po", help="the translated PO file")
    i.add_argument("--lang", help="its language (default: the PO header's Language)")
    i.set_defaults(func=cmd_import)
