"""Named phrase lists found in a message (keywords, signals), and phrases set
aside before matching (a volunteered status is not the question)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..normalize import pack_normalize
from .words import UNSPACED


class PhraseIndex:
    """Which named phrase lists occur in a normalised message: whole words in
    spaced scripts, plain substrings in Chinese and Korean (no word spaces).

    Phrases are indexed by first word (or first character), so one pass over
    the message's words and CJK characters finds every list that matches.
    """

    def __init__(self, named: Mapping[str, Iterable[str]]):
        self._by_word: dict[str, list[tuple[str, str]]] = {}
        self._by_char: dict[str, list[tuple[str, str]]] = {}
        for name, phrases in named.items():
            for phrase in {pack_normalize(p) for p in phrases} - {""}:
                if UNSPACED.search(phrase):
                    self._by_char.setdefault(phrase[0], []).append((f"{phrase}", name))
                else:
                    self._by_word.setdefault(phrase.split()[0], []).append((f" {phrase} ", name))

    def find(self, normalized_text: str) -> set[str]:
        found: set[str] = set()
        padded = f" {normalized_text} "
        for word in set(normalized_text.split()):
            for phrase, name in self._by_word.get(word, ()):
                if name not in found and phrase in padded:
                    found.add(name)
        if self._by_char:
            for m in UNSPACED.finditer(normalized_text):
                for phrase, name in self._by_char.get(m.group(), ()):
                    if name not in found and normalized_text.startswith(phrase, m.start()):
                        found.add(name)
        return found


class Phrases:
    """Phrases set aside before matching (a volunteered status is not the question)."""

    def __init__(self, phrases: Iterable[str]):
        normalized = {pack_normalize(p) for p in phrases} - {""}
        # Longest first, so "i have no papers" goes before "no papers".
        self.phrases = sorted(normalized, key=len, reverse=True)
        self._rank = {p: i for i, p in enumerate(self.phrases)}
        # Hundreds of phrases: find the few present in one pass (each phrase
        # is its own named list), remove only those.
        self._index = PhraseIndex({p: [p] for p in self.phrases})

    def remove(self, normalized_text: str) -> str:
        present = self._index.find(normalized_text)
        if not present:
            return normalized_text
        padded = f" {normalized_text} "
        for p in sorted(present, key=self._rank.__getitem__):
            padded = padded.replace(p if UNSPACED.search(p) else f" {p} ", " ")
        return " ".join(padded.split())

    def cover(self, normalized_text: str) -> bool:
        """Whether these phrases account for every word of the message, however
        they overlap ("necesito ayuda" and "ayuda por favor" in "necesito
        ayuda por favor"). Characters stand for words in Chinese and Korean."""
        present = self._index.find(normalized_text)
        if not present:
            return False
        padded = f" {normalized_text} "
        covered = [c == " " for c in padded]
        for p in present:
            needle = p if UNSPACED.search(p) else f" {p} "
            at = padded.find(needle)
            while at >= 0:
                covered[at : at + len(needle)] = [True] * len(needle)
                at = padded.find(needle, at + 1)
        return all(covered)

