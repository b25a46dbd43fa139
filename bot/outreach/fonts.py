"""Which installed fonts set each language's text.

Named, never downloaded: the site asks the reader's own system for them (a
phone has its own fonts for its language), and the flyers embed them from the
machine that prints (the Debian packages fonts-noto-core and fonts-noto-cjk,
installed by `python3 tasks.py setup-system`, `.ci/run` and the Dockerfile).
"""

from __future__ import annotations

_LATIN = ("Noto Sans", "DejaVu Sans")

# Noto Naskh for Arabic (the print-book style), Noto Nastaliq for Urdu (the
# style Urdu readers expect), Simplified Chinese and Korean forms of the CJK
# family: the same code points draw differently per language.
_STACKS: dict[str, tuple[str, ...]] = {
    "ar": ("Noto Naskh Arabic", "Noto Sans Arabic"),
    "ur": ("Noto Nastaliq Urdu", "Noto Naskh Arabic"),
    "bn": ("Noto Sans Bengali", "Noto Serif Bengali"),
    "zh": ("Noto Sans CJK SC", "Noto Sans SC"),
    "ko": ("Noto Sans CJK KR", "Noto Sans KR"),
}


def font_stack(language: str) -> str:
    """A CSS font-family value: the language's fonts, Latin for names and
    numbers inside it, then the generic family."""
    names = (*_STACKS.get(language, ()), *_LATIN)
    return ", ".join(f'"{name}"' for name in names) + ", sans-serif"


def line_height(language: str, compact: bool = False) -> str:
    # Nastaliq letters climb and descend far beyond other scripts' lines.
    if language == "ur":
        return "1.85" if compact else "2.1"
    return "1.35" if compact else "1.5"


def heading_line_height(language: str) -> str:
    """For titles and short labels, set tighter than running text (but a
    Nastaliq line needs its height even there, or its lines collide)."""
    return "2.0" if language == "ur" else "1.22"


def latin_inserts(language: str) -> str:
    """CSS for left-to-right inserts (names, numbers, links) in right-to-left
    text: set in the Latin font, whose spaces and punctuation they need (the
    Nastaliq font's space is a hairline)."""
    if language != "ur":
        return ""
    latin = ", ".join(f'"{name}"' for name in _LATIN)
    return f"\nbdi[dir=ltr], [dir=ltr] {{ font-family: {latin}, sans-serif; line-height: 1.5; }}\n"
