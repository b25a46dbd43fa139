"""The matcher: every view's score blended per label, then a decision."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from .. import malloc, romanised
from ..language_words import LATIN
from ..normalize import normalize, pack_normalize
from ..romanised import EVERYDAY_ROMAN, release_pinyin
from . import arabic
from .cache import load_arrays, store_arrays
from .chars import CharIndex
from .linear import LinearWords
from .model import INTENT_PREFIX, Candidate, Match, Phrase, Ranking, Settings
from .phrases import PhraseIndex, Phrases
from .romanised import Keyed, RomanisedView
from .slips import Slips
from .words import UNSPACED, WordCentroids, WordFeatures, word_tokens

_FUZZY_POOL = 400
# A romanised message's best keyed phrasing must be at least this close, and
# no further below the best phrasing of a Latin-script language than this.
ROMANISED_SCORE = 0.2
ROMANISED_SLACK = 0.1
# ...and at most this share of its words may be words of those phrasings.
ROMANISED_LATIN_WORDS = 0.6
# A romanised message with this share of its words known to the pack (from
# its romanised phrasings) is read by them too: see `Matcher.rank`.
ROMANISED_KNOWN = 0.8
ROMANISED_FAMILIAR = 0.6
_OUT_OF_SCOPE = INTENT_PREFIX + "out_of_scope"
# A clear reading (see `Matcher.decide`): every view's topic, this many times
# the usual margins ahead, answered with this share of the usual coverage.
CLEAR_MARGINS = 2.0
CLEAR_COVERAGE = 0.75
# ...in a message of at least this many words (one unknown word weighs most
# of a short message: "read my friend's text message").
CLEAR_WORDS = 6


class Matcher:
    """Built once per content load; `match` is pure and thread-safe."""

    def __init__(
        self,
        phrases: Iterable[Phrase],
        keywords: Mapping[str, Iterable[str]] | None = None,
        signals: Mapping[str, Iterable[str]] | None = None,
        settings: Settings | None = None,
        asides: Iterable[str] = (),
        cache_dir: Path | None = None,
        romanised: bool = True,
    ):
        """`asides` are phrases that are not the question ("hello", "I have no
        papers", in "hello, I have no papers, can I get a city ID"): they are
        set aside before matching when enough of the message is left.
        `romanised=False` leaves out the romanised view (the calibration's
        trial matchers do without it)."""
        self.settings = settings or Settings()
        unique: dict[tuple[str, str], Phrase] = {}
        for p in phrases:
            text = pack_normalize(p.text)
            if text:
                unique.setdefault((text, p.label), Phrase(p.label, p.language, text))
        ordered = sorted(unique.values(), key=lambda p: p.label)
        self.phrases: tuple[Phrase, ...] = tuple(ordered)
        self.texts = [p.text for p in ordered]
        self.labels = sorted({p.label for p in ordered})
        self._label_pos = {label: i for i, label in enumerate(self.labels)}
        self._intents = np.asarray([label.startswith(INTENT_PREFIX) for label in self.labels])
        self.phrase_label = np.asarray([self._label_pos[p.label] for p in ordered], dtype=np.int32)
        self._starts = np.searchsorted(self.phrase_label, np.arange(len(self.labels)))
        # The n-gram index and the linear view's weights are derived from the
        # phrasings alone: kept in `cache_dir` under a hash of everything
        # they depend on, so a restart with unchanged content loads them.
        cache = None
        if cache_dir is not None:
            cache = cache_dir / f"linear-{self._key()}.npz"
        cached = load_arrays(cache) if cache else None
        self.index = CharIndex(self.texts, cached)
        features = WordFeatures.from_arrays(cached, len(self.texts)) if cached else None
        self.word_features = features or WordFeatures.build(self.texts)
        self.words = WordCentroids(self.word_features, self.phrase_label, len(self.labels))
        self._label_vocab = self._label_words()
        self._arabic_keys: list[frozenset[str]] | None = None
        # Words the phrasings of half the labels use ("and", "my", "want",
        # "without papers") tell no topic from another nor from out of
        # scope: the coverage gate counts them as covered for every label.
        # Thin languages need it most: a topic's 40 dialect phrasings cannot
        # hold all the everyday words of a story told in that dialect.
        uses = np.zeros(len(self.word_features.vocab), dtype=np.int32)
        for ids, _ in self._label_vocab:
            uses[ids] += 1
        self._everyday = frozenset(np.flatnonzero(2 * uses >= len(self.labels)).tolist())
        idf = self.word_features.idf
        self._unknown_idf = float(idf.max()) if len(idf) else 1.0
        shape = (len(self.word_features.vocab), len(self.labels))
        linear = LinearWords.from_arrays(cached, shape) if cached else None
        trained = linear is None
        if linear is None:
            linear = LinearWords.train(
                self.word_features, self.phrase_label, len(self.labels), self.settings.linear_c
            )
            # Training's many small temporaries leave freed heap behind.
            malloc.trim()
        self.linear = linear
        # The phrasings of Latin-script languages, which a romanised message
        # must fit less well than its own language's keyed phrasings.
        self._latin_rows = np.flatnonzero([p.language in LATIN for p in self.phrases])
        # ...and whose words it mostly does not use.
        self._latin_words = frozenset(
            w for i in self._latin_rows.tolist() for w in self.texts[i].split()
        )
        # Built after the training: pypinyin's tables (the romanised keys of
        # Chinese) and the training's temporaries are never in memory at once;
        # and the tables are let go as soon as the keys are made.
        self.romanised = (
            RomanisedView(
                self.phrases, self.phrase_label, len(self.labels), cached, self._latin_words
            )
            if romanised
            else None
        )
        if release_pinyin():
            malloc.trim()
        if trained and cache:
            arrays = {**self.index.arrays(), **self.word_features.arrays()}
            if self.romanised is not None:
                arrays.update(self.romanised.arrays())
            store_arrays(cache, {**arrays, **linear.arrays()})
        # token_sort_ratio is ratio over sorted tokens: sort the phrasings once.
        self.sorted_texts = [" ".join(sorted(t.split())) for t in self.texts]
        # The same, for picking the fuzzy pool with one numpy take (a quarter
        # of the time of a Python loop over it, on every message).
        self._sorted_pool = np.array(self.sorted_texts, dtype=object)
        self.keywords = PhraseIndex(
            {label: words for label, words in (keywords or {}).items() if label in self._label_pos}
        )
        self.signals = PhraseIndex(signals or {})
        self.asides = Phrases(asides)
        self.slips = Slips(self.phrases, self.word_features.vocab)
        if romanised:
            # The serving matcher builds them now, not on a resident's first
            # Arabic message (the calibration's trial matchers never need them).
            self._arabic_label_keys()

    def _key(self) -> str:
        linear = LinearWords.key(self.settings.linear_c)
        digest = hashlib.sha256(f"{linear!r}\x1e{romanised.VERSION}\x1e".encode())
        digest.update("\x1f".join(self.labels).encode())
        digest.update(b"\x1e")
        digest.update("\x1f".join(self.texts).encode())
        digest.update(np.ascontiguousarray(self.phrase_label, dtype=np.int32).tobytes())
        return digest.hexdigest()[:32]

    def _label_words(self) -> list[tuple[np.ndarray, list[str]]]:
        """Per label: the ids of the words its phrasings use (sorted, as an
        array: a set of Python ints costs ~20 times the memory), and those
        words (for spelling-slip lookups), from the word features built."""
        features = self.word_features
        words = list(features.vocab)
        size = max(1, len(words))
        pairs = np.unique(self.phrase_label[features.docs].astype(np.int64) * size + features.ids)
        ids = (pairs % size).astype(np.int32)
        bounds = np.searchsorted(pairs // size, np.arange(len(self.labels) + 1))
        out = []
        for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            own = ids[first:last]
            out.append((own, sorted(words[i] for i in own.tolist())))
        return out

    def with_settings(self, settings: Settings) -> Matcher:
        """The same views under other thresholds: a shallow copy (its index and
        weights are shared, never written), so this matcher keeps answering
        as before while the copy is swapped in."""
        other = copy.copy(self)
        other.settings = settings
        return other

    @property
    def topics(self) -> list[str]:
        return [label for label in self.labels if not label.startswith(INTENT_PREFIX)]

    def _label_scores(
        self, text: str, keyed: Keyed | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per label and per phrasing: the character and fuzzy views blended;
        with `keyed`, over one language's keyed phrasings instead. Last, the
        character view's own score per phrasing."""
        s = self.settings
        if keyed is None:
            tfidf = self.index.scores(text)
            query = " ".join(sorted(text.split()))
        else:
            tfidf = np.zeros(len(self.texts), dtype=np.float32)
            tfidf[keyed.rows] = keyed.scores
            query = keyed.query
        # The fuzzy view only re-scores phrasings the n-grams already found.
        top = np.argpartition(-tfidf, min(_FUZZY_POOL, len(tfidf) - 1))[:_FUZZY_POOL]
        if keyed is not None:
            top = top[tfidf[top] > 0]  # the language's own phrasings only
            at = np.searchsorted(keyed.rows, top)  # the rows are in ascending order
            chosen = [keyed.sorted_texts[i] for i in at.tolist()]
        else:
            chosen = self._sorted_pool[top].tolist()
        fuzzy = np.zeros_like(tfidf)
        if len(top):
            fuzzy[top] = (
                process.cdist([query], chosen, scorer=fuzz.ratio, dtype=np.uint8)[0] / 100.0
            )
        blended = s.tfidf_weight * tfidf + (1 - s.tfidf_weight) * fuzzy
        per_label = np.maximum.reduceat(blended, self._starts) if len(blended) else blended
        if s.support_weight:
            # A topic that several phrasings support beats one lucky phrasing:
            # blend in the mean of each label's best few phrasings.
            labels = self.phrase_label[top]
            order = np.lexsort((-blended[top], labels))  # by label, best first
            labels, scores = labels[order], blended[top][order]
            first = np.searchsorted(labels, labels)  # start of each label's run
            keep = np.arange(len(labels)) - first < s.support_k
            support = (
                np.bincount(labels[keep], weights=scores[keep], minlength=len(per_label)).astype(
                    np.float32
                )
                / s.support_k
            )
            per_label = (1 - s.support_weight) * per_label + s.support_weight * support
        return per_label, blended, tfidf

    def rank(self, text: str) -> Ranking:
        """Score every label for a message; no decision yet."""
        s = self.settings
        norm = normalize(text)
        if not norm or not self.labels:
            return Ranking((), False, None, frozenset())
        found = frozenset(self.signals.find(norm))
        rest = self.asides.remove(norm)
        if len(rest.split()) >= 2 or (rest and UNSPACED.search(rest)):
            norm = rest
        per_label, blended, tfidf = self._label_scores(norm)
        language = self.phrases[int(np.argmax(blended))].language if len(blended) else None
        # Whole words see a slipped word as unknown: put it right for the word
        # and linear views (characters already see through it).
        query = self.word_features.query(self.slips.correct(norm))
        word_view = self.words.scores(query)
        linear = self.linear.scores(query) if s.linear_weight else None
        ranking = self._ranked(norm, per_label, word_view, linear, language, found)
        written = self._romanised(text, norm, tfidf)
        if written is None:
            return ranking
        words = norm.split()
        share = sum(w in self.word_features.vocab for w in words) / len(words)
        known = share >= ROMANISED_KNOWN
        first = self.decide(ranking)
        own = ranking.candidates[0].label.startswith(INTENT_PREFIX) and known
        # Banglish and Roman Urdu: the pack's romanised phrasings are many
        # (the view is for messages they miss), and the choices they offer
        # stand: keyed, a native phrasing of one topical word ("নামাজ",
        # "হাসপাতাল") answers a question next door ("visiting hours").
        offered = (
            written.language in EVERYDAY_ROMAN
            and bool(first.choices)
            and share >= ROMANISED_FAMILIAR
        )
        if own or offered or first.topic is not None:
            # Its own letters settle it (the pack has romanised phrasings
            # too): that answer stands, in the native language; so does
            # their reading as out of scope ("masjid mein namaz kitne baje
            # hai") when the pack knows its words.
            return replace(ranking, phrase_language=written.language, romanised=written.language)
        # Else the keyed views stand in for the character, fuzzy and word
        # views (on its own letters they only find what the Latin languages'
        # phrasings happen to share with it).
        per_label, _, _ = self._label_scores(norm, written)
        if written.word_scores is not None:
            word_view = written.word_scores
        if linear is not None and not known:
            # The linear view reads the message's own Latin words, mostly
            # unknown to it here; unknown words are what it learned the
            # out-of-scope reading from: only its topics' evidence ("ICE",
            # "lawyer") is kept.
            linear = np.where(self._intents, np.minimum(linear, 0), linear)
        keyed = self._ranked(norm, per_label, word_view, linear, written.language, found)
        # Its words are another language's, keyed: coverage says nothing (the
        # gate in _romanised stands for it), nor does the linear view's lead
        # (it reads only the message's few Latin words the pack knows).
        return replace(
            keyed,
            measure_coverage=None,
            measure_unknown_covered=None,
            romanised=written.language,
            lead=0.0,
        )

    def _ranked(
        self,
        norm: str,
        per_label: np.ndarray,
        word_view: np.ndarray,
        linear: np.ndarray | None,
        language: str | None,
        found: frozenset[str],
    ) -> Ranking:
        """The views' scores blended into a ranking."""
        s = self.settings
        per_label = per_label.copy()
        for label in self.keywords.find(norm):
            per_label[self._label_pos[label]] += s.keyword_bonus
        char_top = int(np.argmax(per_label))
        word_top = int(np.argmax(word_view)) if word_view.max() > 0 else -1
        chars = per_label
        per_label = per_label + s.word_weight * word_view
        if linear is not None:
            per_label = per_label + s.linear_weight * linear
        order = np.argsort(-per_label)
        candidates = tuple(
            Candidate(self.labels[i], float(per_label[i])) for i in order[:5] if per_label[i] > 0
        )
        # Two views that agree on the same topic are evidence on their own.
        agree = bool(candidates) and char_top == word_top == int(order[0])
        if not candidates:
            return Ranking(candidates, agree, language, found)
        best = int(order[0])
        lead = 0.0
        if linear is not None and len(order) > 1:
            # How far the words that tell these two apart point to the best
            # ("documents" and "fee" to the ID card, not to ID privacy):
            # only when the other views order the two alike.
            second = int(order[1])
            if chars[best] >= chars[second] and word_view[best] >= word_view[second]:
                lead = float(linear[best] - linear[second])
        return Ranking(
            candidates,
            agree,
            language,
            found,
            lambda: self._coverage(norm, best),
            measure_unknown_covered=lambda: self._coverage(norm, best, unknown_covered=True),
            words=sum(len(word) > 1 for word in norm.split()),  # not "friend s"'s "s"
            lead=lead,
        )

    def _romanised(self, text: str, norm: str, tfidf: np.ndarray) -> Keyed | None:
        """A Latin-letter message that looks romanised (`RomanisedView.language`)
        and that one language's keyed phrasings fit about as well as any
        phrasing of a Latin-script language, or better: "gde sdelat IDNYC"
        against "где сделать IDNYC" (a Spanish message that writes "3mil"
        stays Spanish)."""
        if self.romanised is None or not norm.isascii():
            return None
        words = norm.split()
        known = sum(w in self._latin_words for w in words) >= ROMANISED_LATIN_WORDS * len(words)
        if known and not self.romanised.everyday(text):
            # "I need a free immigration lawyer zorblaxian4567" (Banglish and
            # Roman Urdu are told by their own words: "amar asylum case er
            # work permit renew korbo kivabe" is theirs). Asked first: most
            # Latin messages stop here, before every language's keys are tried.
            return None
        language = self.romanised.language(text)
        if language is None:
            return None
        keyed = self.romanised.score(norm, language)
        best = float(keyed.scores.max()) if len(keyed.scores) else 0.0
        latin = float(tfidf[self._latin_rows].max()) if len(self._latin_rows) else 0.0
        return keyed if best >= max(ROMANISED_SCORE, latin - ROMANISED_SLACK) else None

    def _coverage(self, norm: str, label: int, unknown_covered: bool = False) -> float:
        """How much of the message the label's own phrasings account for,
        each word weighted by its IDF (a word no phrasing uses weighs most).

        "how do I cook rice" looks like "how do I get an IDNYC" to every
        view, yet most of its weight is on words no IDNYC phrasing has: a
        confident answer needs most of the message covered. Spelling slips
        count as covered when close to a word the label knows. Chinese and
        Korean are left out: their tokens are character pairs, too sparse
        to judge this way. With `unknown_covered`, a word no phrasing of the
        pack uses (a slip too far off, a dialect word) counts as covered: the
        words left uncovered are then those the pack knows from other labels.
        """
        if UNSPACED.search(norm):
            return 1.0
        known, close = self._label_vocab[label]
        features = self.word_features
        words = []
        for word in set(word_tokens(norm)):
            pos = features.vocab.get(word)
            weight = float(features.idf[pos]) if pos is not None else self._unknown_idf
            at = int(known.searchsorted(pos)) if pos is not None else len(known)
            hit = pos is not None and (
                pos in self._everyday or (at < len(known) and int(known[at]) == pos)
            )
            words.append((word, weight, hit))
        slips = [word for word, _, hit in words if not hit and len(word) >= 4]
        near: set[str] = set()
        if slips and close:
            # Every possible slip against the label's words in one call
            # (rapidfuzz compares many short strings at once), rather than one
            # search of the whole vocabulary per word.
            scores = process.cdist(slips, close, scorer=fuzz.ratio, score_cutoff=80)
            found = np.asarray(scores).any(axis=1).astype(bool).tolist()
            near = {word for word, hit in zip(slips, list(found), strict=True) if hit}
        clitics = [word for word, _, hit in words if not hit and word not in near]
        if (
            clitics
            and any(arabic.ARABIC_WORD.match(word) for word in clitics)
            and not arabic.URDU_LETTERS.search(norm)
        ):
            # An Arabic word the label knows under other clitics ("وعالبوليس"
            # for "البوليس") is the same word: see arabic.py.
            # Tokens keep five letters: the keys are read off the whole words.
            own = self._arabic_label_keys()[label]
            wanted = set(clitics)
            near |= {
                word[: arabic.KEY]
                for word in norm.split()
                if word[: arabic.KEY] in wanted and arabic.keys(word) & own
            }
        covered = total = 0.0
        unknown = (
            {word for word, _, hit in words if not hit and word not in features.vocab}
            if unknown_covered
            else set()
        )
        for word, weight, hit in words:  # summed in the same order as ever
            total += weight
            if hit or word in near or word in unknown:
                covered += weight
        return covered / total if total else 1.0

    def _arabic_label_keys(self) -> list[frozenset[str]]:
        """Per label, the clitic-free keys of the Arabic words its phrasings
        use (built on the first Arabic message, kept: a few milliseconds)."""
        if self._arabic_keys is None:
            found: list[set[str]] = [set() for _ in self.labels]
            labels = self.phrase_label.tolist()
            keyed: dict[str, frozenset[str]] = {}  # the pack's words, each keyed once
            for phrase, label in zip(self.phrases, labels, strict=True):
                if phrase.language == "ar":
                    for word in phrase.text.split():
                        if word not in keyed:
                            keyed[word] = arabic.keys(word)
                        found[label] |= keyed[word]
            self._arabic_keys = [frozenset(k) for k in found]
        return self._arabic_keys

    def match(self, text: str) -> Match:
        return self.decide(self.rank(text))

    def decide(
        self, ranking: Ranking, settings: Settings | None = None, *, whole: bool = False
    ) -> Match:
        """`whole`: the ranking is a whole message's, not one sentence or
        clause of it (a part's few words are too easily clear of the rest)."""
        s = settings or self.settings
        if ranking.romanised:
            s = replace(
                s,
                answer_score=s.answer_score - s.romanised_answer,
                choice_score=s.choice_score - s.romanised_choice,
            )
        candidates, found = ranking.candidates, ranking.signals
        if not candidates:
            return Match(None, None, 0, signals=found)
        best = candidates[0]
        confidence = max(0, min(100, round(best.score * 100)))
        if best.label.startswith(INTENT_PREFIX):
            # Greetings, thanks, small talk and out-of-scope questions win
            # outright when they match best: never guess a topic behind them.
            return Match(
                None,
                best.label[len(INTENT_PREFIX) :] if best.score >= s.choice_score else None,
                confidence,
                candidates=candidates,
                phrase_language=ranking.phrase_language,
                signals=found,
            )
        topics = [c for c in candidates if not c.label.startswith(INTENT_PREFIX)]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        margin = best.score - runner_up
        # Alone, a view must be clearly ahead of the next topic.
        confident = best.score >= s.answer_score and margin >= s.answer_margin
        # Long Chinese or Korean messages score lower in absolute terms; two
        # independent views agreeing is evidence that does not depend on script.
        agreed = ranking.agree and best.score >= s.agree_score and margin >= s.agree_margin
        # A question next door uses a topic's words ("visiting hours at the
        # hospital") and reads almost as well as out of scope: the topic must
        # be clear of that reading too, or the question may not be ours at all.
        beyond = best.score - _out_of_scope_score(candidates) >= s.out_of_scope_margin
        # Coverage last: it is measured only when asked (see Ranking).
        # A typo or an unknown name (an airport, a spoken "detenshun") leaves
        # words no phrasing has, and the coverage gate (for questions next
        # door) counts them against the topic. When the character and word
        # views both pick the best, every view orders the best two alike, and
        # the linear view, which learned the words that tell topics apart and
        # what is out of scope, puts the best far ahead, less of the message
        # need be covered.
        led = ranking.agree and ranking.lead >= s.views_lead
        floor = s.led_coverage if led else s.min_coverage
        # A whole message that every view gives to one topic, far ahead of
        # every other label (twice the margins an answer needs, out of scope
        # included), needs less of it covered when its uncovered words are
        # slips and dialect ("ডাইভিং", "الايدي") no phrasing uses, not the
        # words of another question the pack knows ("read my friend's text
        # message").
        clear = (
            whole
            and confident
            and ranking.agree
            and margin >= CLEAR_MARGINS * s.answer_margin
            and best.score - _out_of_scope_score(candidates)
            >= CLEAR_MARGINS * s.out_of_scope_margin
        )
        covered = ranking.coverage >= floor or (
            clear
            and ranking.words >= CLEAR_WORDS
            and ranking.coverage >= CLEAR_COVERAGE * s.min_coverage
            and ranking.unknown_covered >= s.min_coverage
        )
        if (confident or agreed) and beyond and covered:
            return Match(
                best.label,
                None,
                confidence,
                candidates=candidates,
                phrase_language=ranking.phrase_language,
                signals=found,
            )
        if best.score >= s.choice_score:
            close = tuple(c.label for c in topics if best.score - c.score <= s.choice_window)
            if len(close) < 2:
                close = tuple(c.label for c in topics[:2])
            return Match(
                None,
                None,
                confidence,
                choices=close[: s.max_choices],
                candidates=candidates,
                phrase_language=ranking.phrase_language,
                signals=found,
            )
        return Match(None, None, confidence, candidates=candidates, signals=found)


def _out_of_scope_score(candidates: tuple[Candidate, ...]) -> float:
    """The out-of-scope reading's score among the best few, 0 when absent."""
    return next((c.score for c in candidates if c.label == _OUT_OF_SCOPE), 0.0)
