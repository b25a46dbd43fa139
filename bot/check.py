"""`safecity-bot check`: every problem in a pack, and what is translated."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from . import ui
from .i18n import load_catalogs
from .pack.loader import load_pack
from .pack.model import Pack


def coverage_table(pack: Pack) -> str:
    """Topics x languages: A = answer, S = stale answer, e = examples only, . = nothing."""
    langs = list(pack.languages)
    rows = sorted(pack.topics.values(), key=lambda t: t.id)
    rows += [pack.privacy] if pack.privacy else []  # the notice last, counted apart
    width = max(len(t.id) for t in rows) if rows else 10
    lines = [" " * width + "  " + " ".join(f"{c:>3}" for c in langs)]
    totals = dict.fromkeys(langs, 0)
    for topic in rows:
        tid = topic.id
        cells = []
        for code in langs:
            block = topic.blocks.get(code)
            if block and block.answer and block.title:
                mark = "S" if topic.is_stale(code) else "A"
                totals[code] += topic is not pack.privacy
            elif block and block.examples:
                mark = "e"
            else:
                mark = "."
            cells.append(f"{mark:>3}")
        lines.append(f"{tid:<{width}}  " + " ".join(cells))
    n = len(pack.topics)
    lines.append(
        f"{'answers':<{width}}  " + " ".join(f"{totals[c]:>3}" for c in langs) + f"  of {n}"
    )
    lines.append("A = answer, S = stale translation, e = example questions only, . = nothing")
    return "\n".join(lines)


def run_check(content: Path, locales: Path, strict: bool, out: TextIO) -> int:
    result = load_pack(content)
    problems = list(result.problems)
    languages = result.pack.languages if result.pack else ()
    _, catalog_problems = load_catalogs(locales, languages, ui.ALL)
    for p in problems:
        out.write(f"{p}\n")
    for cp in catalog_problems:
        out.write(f"{cp.path}:{cp.line}: error: {cp.message}\n")
    errors = len(result.errors) + len(catalog_problems)
    warnings = len(result.warnings)
    if result.pack is not None:
        out.write("\n" + coverage_table(result.pack) + "\n")
    out.write(f"\n{errors} error(s), {warnings} warning(s) in {content}\n")
    if errors or (strict and warnings):
        return 1
    return 0
