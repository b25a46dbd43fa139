"""Languages: names, direction, and telling which language a message is in.

Detection is deliberately cautious. A script settles most languages at once
(Hangul, Han, Bengali, Cyrillic, Arabic script); Latin-script messages are
scored with a character n-gram model trained on the pack's own example
questions, which is the only offline way we have to recognise Haitian Creole.
Which languages are "other" follows the pack: the bot's own word lists
(language_words.py) name the Latin-script languages a pack does not offer,
whatever subset it offers. A short or ambiguous message is reported as
unclear, and the caller falls back to the resident's chosen language.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import numpy as np
from babel import Locale, UnknownLocaleError

from .bidi import FSI, PDI
from .language_words import EVERYDAY, LATIN, TELLING
from .normalize import normalize, pack_normalize
from .romanised import EVERYDAY_ROMAN, HINDI_ROMAN

RTL = frozenset({"ar", "ur", "fa", "he", "ps", "yi", "dv", "sd", "ug"})


# CLDR has no language names in Haitian Creole yet.
_HT_NAMES = {"en": "anglè", "es": "panyòl", "fr": "franse", "ht": "kreyòl ayisyen"}


# Names already known: filled by bot/localized.py so that a start from the
# cache never loads Babel's locale data.
_NAMES: dict[tuple[str, str | None], str] = {}


def remember_names(rows: Iterable[tuple[str, str | None, str]]) -> None:
    """(code, in_language, name) rows, as `display_name` would give them."""
    _NAMES.update(((code, within), name) for code, within, name in rows)


@lru_cache(maxsize=256)
def display_name(code: str, in_language: str | None = None) -> str:
    """A language's name: by default in that language itself, capitalised for a
    button ("Español"); with `in_language`, as it reads inside a sentence of that
    language ("inglés" in Spanish)."""
    known = _NAMES.get((code, in_language))
    if known is not None:
        return known
    target = in_language or code
    name = _HT_NAMES.get(code) if target == "ht" else None
    if name is None:
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(target)
        except (UnknownLocaleError, ValueError, TypeError):
            name = None
    if not name:
        if in_language is not None:
            return display_name(code)  # the language's own name is the next best thing
        return code
    return name[:1].upper() + name[1:] if in_language is None else name


def is_rtl(code: str) -> bool:
    return code.split("-")[0].split("_")[0].lower() in RTL


def isolate(text: str, language: str) -> str:
    """Wrap a left-to-right insert (number, URL, name) for right-to-left text."""
    if is_rtl(language) and text and not text.startswith(FSI):
        return f"{FSI}{text}{PDI}"
    return text


def base_code(code: str | None) -> str | None:
    """'pt-BR' -> 'pt', 'zh-hans' -> 'zh'; None for nothing usable."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if re.fullmatch(r"[a-z]{2,3}", base) else None


def negotiate(code: str | None, offered: Iterable[str]) -> str | None:
    """The offered language that best serves a platform code such as 'es-MX'."""
    base = base_code(code)
    if base is None:
        return None
    offered = list(offered)
    if base in offered:
        return base
    negotiated = Locale.negotiate([code.replace("-", "_")] if code else [], offered, sep="_")
    return str(negotiated) if negotiated and str(negotiated) in offered else None


@dataclass(frozen=True, slots=True)
class Detection:
    """What a message's text says about its language."""

    language: str | None  # None: nothing usable (digits, emoji, one unknown word)
    clear: bool  # True when the text alone settles it
    supported: bool = True  # False: a language the pack does not offer
    # For a message too short to be clear ("hola", "abogado"): the one pack
    # language whose residents use its words; a guess that beats Telegram's
    # app language or the default, never a language the resident chose.
    word_language: str | None = None


# Script ranges that settle a language by themselves.
_SCRIPTS: tuple[tuple[str, str, str], ...] = (
    ("\uac00", "\ud7a3", "ko"),
    ("\u1100", "\u11ff", "ko"),
    ("\u3130", "\u318f", "ko"),
    ("\u3040", "\u30ff", "ja"),
    ("\u4e00", "\u9fff", "zh"),
    ("\u3400", "\u4dbf", "zh"),
    ("\u0980", "\u09ff", "bn"),
    ("\u0400", "\u04ff", "ru"),
    ("\u0600", "\u06ff", "arabic"),
    ("\u0750", "\u077f", "arabic"),
    ("\ufb50", "\ufdff", "arabic"),
    ("\ufe70", "\ufeff", "arabic"),
    ("\u0590", "\u05ff", "he"),
    ("\u0370", "\u03ff", "el"),
    ("\u0900", "\u097f", "hi"),
    ("\u0e00", "\u0e7f", "th"),
    ("\u10a0", "\u10ff", "ka"),
    ("\u0530", "\u058f", "hy"),
    ("\u0a00", "\u0a7f", "pa"),
    ("\u0a80", "\u0aff", "gu"),
    ("\u0b80", "\u0bff", "ta"),
    ("\u0c00", "\u0c7f", "te"),
    ("\u1200", "\u137f", "am"),
    ("\u1780", "\u17ff", "km"),
    ("\u1000", "\u109f", "my"),
)

# Letters Urdu uses and Arabic does not, and the reverse.
_URDU_LETTERS = set("ٹڈڑںےۓہھگچپژکیۃ")
_ARABIC_LETTERS = set("ةيكىأإؤ")
_URDU_WORDS = {"ہے", "کیا", "میں", "کے", "کی", "کو", "اور", "نہیں", "ہیں", "مجھے", "آپ", "کر"}
_ARABIC_WORDS = {"في", "هل", "من", "على", "أن", "ما", "هذا", "لا", "إلى", "عن", "أنا", "يمكن"}
# Cyrillic letters of Ukrainian, Belarusian and Serbian that Russian lacks.
_NOT_RUSSIAN = {
    "і": "uk",
    "ї": "uk",
    "є": "uk",
    "ґ": "uk",
    "ў": "be",
    "ј": "sr",
    "љ": "sr",
    "њ": "sr",
}

_VIETNAMESE_MARKS = set("ơưăđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def _script_votes(text: str) -> Counter[str]:
    votes: Counter[str] = Counter()
    for ch in text:
        o = ord(ch)
        if o < 0x0370:
            if ch.isalpha():
                votes["latin"] += 1
            continue
        for lo, hi, lang in _SCRIPTS:
            if ord(lo) <= o <= ord(hi):
                votes[lang] += 1
                break
    return votes


class LanguageDetector:
    """Detects the language of short chat messages for one content pack."""

    def __init__(self, languages: Iterable[str], samples: Mapping[str, Iterable[str]]):
        self.languages = tuple(languages)
        latin = [lang for lang in self.languages if lang in _LATIN_LANGUAGES]
        self._model = _NgramModel({lang: list(samples.get(lang, ())) for lang in latin})
        # The Latin-letter words of each sample (accents folded); for Urdu,
        # Bengali, Arabic or Russian these are their romanised messages.
        latin_words = {
            lang: [
                {w for w in pack_normalize(text).split() if _latin_word(w)}
                for text in samples.get(lang, ())
            ]
            for lang in self.languages
        }
        self._words = {lang: set().union(*per) for lang, per in latin_words.items()}
        # Banglish and Roman Urdu everyday words, for a pack with few romanised
        # examples; less any word a Latin-script language of the pack uses.
        latin_vocab = set().union(
            *(w for lang, w in self._words.items() if lang in _LATIN_LANGUAGES)
        )
        for lang, everyday in EVERYDAY_ROMAN.items():
            if lang in self._words:
                self._words[lang] |= everyday - latin_vocab
        # The words that only one language's residents use: from the pack's
        # examples, and the bot's own few ("gracias") that no other language
        # of this pack uses, so a small pack's one-word thanks is recognised.
        self._owners = _word_owners(latin_words)
        for lang in self.languages:
            others = set().union(*(w for o, w in self._words.items() if o != lang))
            for word in map(pack_normalize, TELLING.get(lang, ())):
                if word and word not in others:
                    self._owners.setdefault(word, lang)
        # Everyday words of the Latin-script languages this pack does not
        # offer, less any word the pack's own phrasings use.
        supported = {_fold(w) for w in self._model.vocabulary}
        self._foreign = {
            lang: frozenset(_fold(w) for w in vocab) - supported
            for lang, vocab in EVERYDAY.items()
            if lang not in self.languages
        }

    def detect(self, text: str) -> Detection:
        text = unicodedata.normalize("NFKC", text[:2000])
        votes = _script_votes(text)
        if not votes:
            return Detection(None, False)
        script, count = votes.most_common(1)[0]
        letters = sum(votes.values())
        others = [(s, c) for s, c in votes.most_common() if s != "latin"]
        if script == "latin" and others and others[0][1] >= 2:
            # "IDNYC 신청", "ICE 学校": a Latin program name inside a message in
            # another script is in that script's language.
            script, count = others[0]
            lang = self._refine_script(script, text)
            return self._result("ja" if script == "zh" and votes.get("ja") else lang, True)
        if script != "latin":
            lang = self._refine_script(script, text)
            clear = count >= 2 and count / letters >= 0.5
            if script == "zh" and votes.get("ja"):
                lang = "ja"
            return self._result(lang, clear)
        return self._detect_latin(text)

    def _result(self, lang: str, clear: bool) -> Detection:
        return Detection(lang, clear, supported=lang in self.languages)

    @staticmethod
    def _refine_script(script: str, text: str) -> str:
        if script == "arabic":
            words = set(re.findall(r"\w+", text))
            urdu = sum(ch in _URDU_LETTERS for ch in text) + 3 * len(words & _URDU_WORDS)
            arabic = sum(ch in _ARABIC_LETTERS for ch in text) + 3 * len(words & _ARABIC_WORDS)
            return "ur" if urdu > arabic else "ar"
        if script == "ru":
            lowered = text.lower()
            for ch, lang in _NOT_RUSSIAN.items():
                if ch in lowered:
                    return lang
        return script

    def _detect_latin(self, text: str) -> Detection:
        lowered = text.casefold()
        words = re.findall(r"[^\W\d_]+", lowered)
        if not words:
            return Detection(None, False)
        if sum(ch in _VIETNAMESE_MARKS for ch in lowered) >= 2:
            return self._result("vi", True)
        foreign = self._other_latin(words)
        if foreign:
            return self._result(foreign, True)
        ranked = self._model.rank(lowered)
        if not ranked:
            return Detection(None, False)
        best, best_score = ranked[0]
        margin = best_score - ranked[1][1] if len(ranked) > 1 else 10.0
        letters = sum(len(w) for w in words)
        # Short texts ("ok", "idnyc", "ICE") say little about their language.
        clear = len(words) >= 2 and letters >= 7 and margin >= 2.5
        if len(words) >= 3 and margin >= 1.5:
            clear = True
        # Letters can look like a language the words are not: romanised Urdu
        # or Bengali is not English. Clear needs a share of known words too.
        folded = normalize(text).split()
        shares = {
            lang: sum(w in vocab for w in folded) / max(1, len(folded))
            for lang, vocab in self._words.items()
        }
        if shares.get(best, 0.0) < _KNOWN_SHARE:
            clear = False
        # Romanised Urdu or Bengali: a non-Latin language whose residents'
        # Latin-letter words cover the message better than any Latin language.
        romanised = max(
            (lang for lang in shares if lang not in _LATIN_LANGUAGES),
            key=lambda lang: shares[lang],
            default=None,
        )
        # Hindi in Latin letters reads like Roman Urdu but for a few words
        # ("kripya", "sahayata"): not Urdu, whose script its writer may not read.
        hindi = sum(w in HINDI_ROMAN for w in folded)
        if hindi and shares.get("ur", 0.0) + hindi / len(folded) >= _HINDI_SHARE:
            return self._result("hi", True)
        if (
            romanised
            and len(folded) >= 3
            and shares[romanised] >= _ROMANISED_SHARE
            and shares[romanised] > shares.get(best, 0.0)
        ):
            return self._result(romanised, True)
        best, clear = self._told_by_words(folded, best, clear)
        result = self._result(best, clear)
        if not clear:
            owner = self._word_owner(folded)
            if owner is not None:
                return Detection(best, clear, result.supported, word_language=owner)
        return result

    def _told_by_words(self, words: list[str], best: str, clear: bool) -> tuple[str, bool]:
        """The letters' guess, checked against the words only one language's
        residents use. Kreyòl borrows English and French words and spells
        them its own way, so its letters can read as either; its own words
        ("mwen", "pitit", "isit") cannot. A message none of whose telling
        words are the letters' language, and some another's, is that other
        language ("ICE isit la!"); so is a message most of whose several
        telling words are one language's ("Mwen resevwa food stamps pou
        pitit mwen yo ki born here")."""
        votes = Counter(self._owners[w] for w in words if w in self._owners)
        if not votes:
            return best, clear
        top, count = votes.most_common(1)[0]
        if top != best and best not in votes and len(votes) == 1:
            return top, True
        if count >= _TELLING_WORDS and 3 * count >= 2 * sum(votes.values()):
            return top, True
        return best, clear

    def _word_owner(self, words: list[str]) -> str | None:
        """The one language every telling word of a short message belongs to."""
        owners = {self._owners[w] for w in words if w in self._owners}
        return owners.pop() if len(owners) == 1 else None

    def _other_latin(self, words: list[str]) -> str | None:
        if len(words) < 3:
            return None
        folded = [_fold(w) for w in words]
        best, best_hits = None, 0
        for lang, vocab in self._foreign.items():
            hits = sum(1 for w in folded if w in vocab)
            if hits > best_hits:
                best, best_hits = lang, hits
        if best and best_hits >= 2 and best_hits / len(words) >= 0.3:
            return best
        return None


_LATIN_LANGUAGES = LATIN


_TRAINING_PER_LANGUAGE = 200
_KNOWN_SHARE = 0.4
# A word belongs to a language when that language has this share of its uses
# in the pack's examples (and it is used at least this often).
_OWNER_SHARE = 0.85
_OWNER_MIN_USES = 3


def _fold(word: str) -> str:
    """A word without its accents ("école" -> "ecole"), for comparing word lists."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _latin_word(word: str) -> bool:
    """A word in Latin letters; Arabizi writes some Arabic letters as digits
    ("3ayez", "mo7ami"), so digits count when there is a letter too."""
    return word.isascii() and word.isalnum() and not word.isdigit()


def _word_owners(latin_words: Mapping[str, list[set[str]]]) -> dict[str, str]:
    # Plain dicts (a Counter per word, made for every use, was most of a
    # cached start's language detector); the first language of the most uses
    # wins a tie, as Counter.most_common(1) has it.
    uses: dict[str, dict[str, int]] = {}
    for lang, samples in latin_words.items():
        for words in samples:
            for w in words:
                if len(w) >= 3:
                    counts = uses.get(w)
                    if counts is None:
                        uses[w] = {lang: 1}
                    else:
                        counts[lang] = counts.get(lang, 0) + 1
    owners = {}
    for word, counts in uses.items():
        lang, n = max(counts.items(), key=itemgetter(1))
        if n >= _OWNER_MIN_USES and n / sum(counts.values()) >= _OWNER_SHARE:
            owners[word] = lang
    return owners


_ROMANISED_SHARE = 0.6
# This many telling words of one language, two thirds of a message's telling
# words, settle its language whatever its letters look like.
_TELLING_WORDS = 3
_HINDI_SHARE = 0.4


class _NgramModel:
    """Naive Bayes over character 1-3-grams (accents kept: they are evidence)."""

    def __init__(self, samples: Mapping[str, list[str]]):
        self.vocabulary: set[str] = set()
        vocab: set[str] = set()
        counts: dict[str, Counter[str]] = {}
        for lang, texts in samples.items():
            if not texts:
                continue
            c: Counter[str] = Counter()
            # A few hundred phrasings per language are plenty for naive Bayes
            # and keep start-up fast.
            for t in texts[:_TRAINING_PER_LANGUAGE]:
                lowered = t.casefold()
                c.update(_grams(lowered))
                self.vocabulary.update(re.findall(r"[^\W\d_]+", lowered))
            counts[lang] = c
            vocab.update(c)
        v = len(vocab) + 1
        self.languages = list(counts)
        self.index = {g: i for i, g in enumerate(vocab)}
        # grams x languages table of log probabilities, unseen grams per column.
        self.table = np.zeros((len(vocab), len(counts)), dtype=np.float64)
        self.unseen = np.zeros(len(counts), dtype=np.float64)
        for col, c in enumerate(counts.values()):
            total = sum(c.values()) + v
            self.unseen[col] = math.log(1 / total)
            self.table[:, col] = self.unseen[col]
            rows = [self.index[g] for g in c]
            self.table[rows, col] = np.log((np.fromiter(c.values(), float, len(c)) + 1) / total)

    def rank(self, text: str) -> list[tuple[str, float]]:
        grams = _grams(text)
        if not grams or not self.languages:
            return []
        rows = [self.index[g] for g in grams if g in self.index]
        unknown = len(grams) - len(rows)
        totals = self.table[rows].sum(axis=0) + unknown * self.unseen
        scores = [
            (lang, float(total) / len(grams) * 10)
            for lang, total in zip(self.languages, totals, strict=True)
        ]
        scores.sort(key=lambda x: -x[1])
        return scores


def _grams(text: str) -> list[str]:
    out: list[str] = []
    for word in re.findall(r"[^\W\d_]+", text):
        padded = f" {word} "
        for n in (1, 2, 3):
            out.extend(
                padded[i : i + n] for i in range(len(padded) - n + 1) if padded[i : i + n] != " "
            )
    return out
