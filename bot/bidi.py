"""Right-to-left text: find and isolate left-to-right runs inside it.

Telegram lays text out with the Unicode bidi algorithm. A phone number such as
1-800-566-7636 or a Latin name such as "NYC Care" inside Arabic or Urdu text can
be reordered or glued to its neighbours; wrapped in FIRST STRONG ISOLATE ...
POP DIRECTIONAL ISOLATE it always reads as one unit.
"""

from __future__ import annotations

import re

FSI = "\u2068"
PDI = "\u2069"

# A run of Latin letters and/or digits, with the punctuation that lives inside
# names, numbers and URLs; it ends on a letter, digit or closing parenthesis.
_LTR_RUN = re.compile(
    r"(?:https?://[^\s<>\u2068\u2069]+|[A-Za-z0-9\u00c0-\u024f]"
    r"(?:[A-Za-z0-9\u00c0-\u024f .,'’&+/:()\-]*[A-Za-z0-9\u00c0-\u024f)])?)"
)
_ISOLATED = re.compile(f"{FSI}[^{PDI}]*{PDI}")
_MARKUP = re.compile(r"(<[^>]*>|\{[a-z0-9_]+(?:\.[a-z]+)?\}|&[#\w]+;)")


def _split_tail(run: str) -> tuple[str, str]:
    # "(Executive Order 41)" arrives as the run "41)": the parenthesis is not ours.
    core = run
    while core.endswith(")") and core.count("(") < core.count(")"):
        core = core[:-1].rstrip()
    return core, run[len(core) :]


def _needs_isolation(run: str) -> bool:
    # A plain number ("10", "2025") keeps its place in right-to-left text; runs
    # with letters or inner separators (1-800-..., 2025-01-20, URLs) do not.
    return not run.isdigit()


def unisolated_runs(text: str) -> list[str]:
    """Left-to-right runs in text that are not inside an isolate (markup ignored)."""
    plain = _MARKUP.sub(" | ", _ISOLATED.sub(" | ", text))
    runs = (_split_tail(m.group().strip())[0] for m in _LTR_RUN.finditer(plain))
    return [run for run in runs if run and _needs_isolation(run)]


def isolate_runs(text: str) -> str:
    """Wrap every left-to-right run outside markup and existing isolates."""
    out: list[str] = []
    for piece in _MARKUP.split(text):
        if not piece or _MARKUP.fullmatch(piece):
            out.append(piece)
            continue
        out.append(_isolate_outside(piece))
    return "".join(out)


def _isolate_outside(text: str) -> str:
    result: list[str] = []
    pos = 0
    for m in _ISOLATED.finditer(text):
        result.append(_LTR_RUN.sub(_wrap, text[pos : m.start()]))
        result.append(m.group())
        pos = m.end()
    result.append(_LTR_RUN.sub(_wrap, text[pos:]))
    return "".join(result)


def _wrap(match: re.Match[str]) -> str:
    core, tail = _split_tail(match.group())
    return f"{FSI}{core}{PDI}{tail}" if core and _needs_isolation(core) else match.group()
