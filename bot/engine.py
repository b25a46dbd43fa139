"""The conversation engine: one message in, one reply out. No Telegram here.

The engine holds a "brain" (pack, matcher, language detector, catalogs) built
once per content load and swapped with a single assignment on reload, so a
reply is always made from one consistent version of the content.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import clauses as clauses_module
from . import errors, localized, malloc, normalized, settings, shorthand, story, ui
from .calibration import Calibration, Measured, calibrated_settings, measure_apart
from .callbacks import Action, decode, parse_payload
from .i18n import CatalogProblem, Catalogs, load_catalogs
from .languages import Detection, LanguageDetector, negotiate
from .matching import INTENT_PREFIX, Match, Matcher, Phrase, Ranking
from .matching.phrases import Phrases
from .normalize import clean, normalize
from .pack.loader import Problem, load_pack
from .pack.model import Pack, Topic
from .replies import Reply, Writer

log = logging.getLogger(__name__)

COMMANDS = ("start", "menu", "language", "help", "about", "privacy")
# Signal names in conversation.yaml that drive behaviour.
STATUS_SIGNAL = "status_disclosure"
URGENT_SIGNAL = "urgent_now"
ALARM_SIGNAL = "alarm"
SECOND_QUESTION_SIGNAL = "another_question"
# A cry of alarm is short; a longer message naming ICE is a question about it.
ALARM_WORDS = 4
ASIDE_INTENTS = ("greeting", "thanks")
# A message that is nothing but a call for help ("help", "please, I need
# help") gets an invitation and the menu. It is a signal, not an intent or
# an aside: "can the city help me with rent" needs its "help me", and the
# matcher must keep learning what "help" means next to other words.
HELP_SIGNAL = "help_call"
OUT_OF_SCOPE = "out_of_scope"
# A topic that claims a message's signal (`claims_signals`) turns another
# answer into choices only from this close behind it: one far behind has
# little beyond the signal's word for it ("we are applying for asylum; is my
# son's school safe from ICE?" is about the school).
CLAIM_WINDOW = 0.2


@dataclass(frozen=True)
class Incoming:
    """A resident's message, command or button press, as any shell sees it."""

    text: str | None = None
    command: str | None = None  # one of COMMANDS
    payload: str | None = None  # /start payload (deep link)
    callback: str | None = None  # button data
    non_text: bool = False  # sticker, photo, voice, location, ...
    chosen_language: str | None = None  # remembered choice, if any
    platform_language: str | None = None  # e.g. Telegram's language_code


@dataclass(frozen=True)
class Brain:
    pack: Pack
    matcher: Matcher
    detector: LanguageDetector
    catalogs: Catalogs
    writer: Writer
    openers: story.Openers
    calibration: Calibration = field(default_factory=Calibration)  # thresholds raised for this pack
    help_calls: Phrases = field(default_factory=lambda: Phrases(()))  # calls for help, greetings
    # Per topic with `answers_alone`: its signals' phrases and the greetings
    # and thanks that may come with them (a message they cover gets the topic).
    alone: tuple[tuple[str, Phrases], ...] = ()


@dataclass
class LoadReport:
    problems: list[Problem] = field(default_factory=list)
    catalog_problems: list[CatalogProblem] = field(default_factory=list)
    loaded: bool = False


def build_brain(
    content_dir: Path | str,
    locales_dir: Path | str,
    share: bool = True,
    cache_dir: Path | None = None,
    calibrate_now: bool = True,
) -> tuple[Brain | None, LoadReport]:
    """The content loaded and indexed. With `calibrate_now` False, a pack
    whose thresholds are not cached gets the provisional ones
    (`calibration.PROVISIONAL`) and `calibrate(brain, ...)` measures them."""
    malloc.fix_mmap_threshold()  # a load's large temporaries are not kept
    result = load_pack(content_dir, cache_dir=cache_dir)
    report = LoadReport(result.problems)
    if result.pack is None:
        return None, report
    pack = result.pack
    catalogs, cat_problems = load_catalogs(locales_dir, pack.languages, ui.ALL)
    report.catalog_problems = cat_problems
    if any(p.fatal for p in cat_problems):
        # An unreadable catalog is a broken edit like any other: keep the last
        # good one. (A missing or fuzzy entry only falls back to English.)
        return None, report
    matcher, samples, calibration = _index(pack, cache_dir, calibrate_now)
    # Review dates and language names written now, not on a resident's time
    # (from the cache when it has them: then Babel's locale data is never loaded).
    localized.prepare(pack, cache_dir)
    detector = LanguageDetector(pack.languages, samples)
    tables = pack.conversation
    openers = story.Openers(_every_language(tables.signals, SECOND_QUESTION_SIGNAL))
    asides = _every_language(tables.intents, *ASIDE_INTENTS)
    help_calls = Phrases([*_every_language(tables.signals, HELP_SIGNAL), *asides])
    alone = tuple(
        (
            topic.id,
            Phrases([*asides, *_every_language(tables.signals, *sorted(topic.answers_alone))]),
        )
        for topic in pack.topics.values()
        if topic.answers_alone
    )
    report.loaded = True
    writer = Writer(pack, catalogs, share)
    brain = Brain(
        pack, matcher, detector, catalogs, writer, openers, calibration, help_calls, alone
    )
    return brain, report


def calibrate(brain: Brain, cache_dir: Path | None) -> tuple[Brain, Measured]:
    """`brain` with its pack's measured thresholds (measured in a process of
    its own, and stored in `cache_dir`)."""
    phrases, keywords, signals, asides, _ = _inputs(brain.pack)
    measured = measure_apart(phrases, keywords, signals, asides, cache_dir)
    matcher = brain.matcher.with_settings(measured.settings)
    return replace(brain, matcher=matcher, calibration=measured.calibration), measured


def _index(
    pack: Pack, cache_dir: Path | None, calibrate_now: bool = True
) -> tuple[Matcher, Mapping[str, list[str]], Calibration]:
    phrases, keywords, signals, asides, samples = _inputs(pack)
    # The pack's strings in normal form, from the cache when unchanged.
    texts = sorted({p.text for p in phrases}.union(*signals.values(), asides))
    recalled = normalized.recall(texts, cache_dir)
    # Thresholds measured on this pack (bot/calibration.py), cached with the weights.
    tuning, calibration = calibrated_settings(
        phrases, keywords, signals, asides, cache_dir, measure=calibrate_now
    )
    matcher = Matcher(phrases, keywords, signals, tuning, asides=asides, cache_dir=cache_dir)
    if not recalled:
        normalized.keep(texts, cache_dir)
    return matcher, samples, calibration


def _inputs(
    pack: Pack,
) -> tuple[
    list[Phrase], dict[str, list[str]], dict[str, list[str]], list[str], dict[str, list[str]]
]:
    """The matcher's inputs from the pack: phrasings, keywords, signals,
    asides, and the language detector's samples."""
    phrases: list[Phrase] = []
    keywords: dict[str, list[str]] = {}
    samples: dict[str, list[str]] = {}
    for topic in pack.topics.values():
        for lang, block in topic.blocks.items():
            texts = list(block.examples)
            if block.title:
                texts.append(block.title)
            phrases.extend(Phrase(topic.id, lang, t) for t in texts)
            phrases.extend(Phrase(topic.id, lang, k) for k in block.keywords)
            keywords.setdefault(topic.id, []).extend(block.keywords)
            samples.setdefault(lang, []).extend(texts)
    for intent, per_lang in pack.conversation.intents.items():
        for lang, intent_texts in per_lang.items():
            phrases.extend(Phrase(INTENT_PREFIX + intent, lang, t) for t in intent_texts)
            samples.setdefault(lang, []).extend(intent_texts)
    signals = {
        name: _every_language(pack.conversation.signals, name) for name in pack.conversation.signals
    }
    # Not the question: a volunteered status, and the greeting or thanks
    # wrapped around it ("Bonjou, mwen bezwen èd pou lopital").
    asides = [
        *signals.get(STATUS_SIGNAL, ()),
        *_every_language(pack.conversation.intents, *ASIDE_INTENTS),
    ]
    return phrases, keywords, signals, asides, samples


def _every_language(tables: Mapping[str, Mapping[str, tuple[str, ...]]], *names: str) -> list[str]:
    """The phrases of the named conversation tables (signals or intents), in
    every language, table by table."""
    return [p for name in names for texts in tables.get(name, {}).values() for p in texts]


class Engine:
    """Stateless replies over the current brain; `reload` swaps it atomically.

    A pack whose thresholds are not cached yet (first start, or content just
    edited) is served at once behind the provisional thresholds, the strictest
    a measurement can give, while a background thread measures them; the
    measured ones are then swapped in with the same single assignment.
    """

    def __init__(
        self,
        content_dir: Path | str,
        locales_dir: Path | str,
        share: bool = True,
        cache_dir: Path | None = None,
        calibrate_now: bool = True,
    ):
        """`cache_dir` keeps the matcher's trained weights between starts
        (default: settings.cache_dir()). With `calibrate_now` False (the
        Telegram bot, see settings.calibrate_now()), a pack whose thresholds
        are not cached is served at once and measured in the background;
        tools and tests wait for the measured thresholds."""
        self.content_dir = Path(content_dir)
        self.locales_dir = Path(locales_dir)
        self.share = share
        self.cache_dir = cache_dir if cache_dir is not None else settings.cache_dir()
        self.calibrate_now = calibrate_now
        self._lock = threading.Lock()
        self._measured = threading.Event()  # set while the brain's thresholds are measured
        self._measuring = threading.Lock()  # held by the one measuring under way
        self.last_measured: Measured | None = None  # the last background measuring (its cost)
        brain, report = build_brain(
            self.content_dir, self.locales_dir, share, self.cache_dir, self.calibrate_now
        )
        self.last_report = report
        if brain is None:
            raise ContentError(report)
        self.brain: Brain = brain
        self._known_catalog_problems = {str(p) for p in report.catalog_problems}
        self._measure_later(brain)

    def reload(self) -> LoadReport:
        """Load the content again; keep serving the old brain if it is broken."""
        with self._lock:
            brain, report = build_brain(
                self.content_dir, self.locales_dir, self.share, self.cache_dir, self.calibrate_now
            )
            # A catalog edit that breaks entries which were fine (a half-saved
            # file, a lost brace) is refused like a content error.
            new_problems = {str(p) for p in report.catalog_problems} - self._known_catalog_problems
            if brain is not None and new_problems:
                brain, report.loaded = None, False
            self.last_report = report
            if brain is not None:
                self.brain = brain  # one assignment: replies see old or new, never a mix
                self._known_catalog_problems = {str(p) for p in report.catalog_problems}
                self._measure_later(brain)
            return report

    def wait_calibrated(self, timeout: float | None = None) -> bool:
        """Block until the current content's thresholds are measured (True),
        or `timeout` seconds pass (False)."""
        return self._measured.wait(timeout)

    def _measure_later(self, brain: Brain) -> None:
        if brain.calibration.measured:
            self._measured.set()
            return
        self._measured.clear()
        threading.Thread(
            target=self._measure, args=(brain,), name="calibration", daemon=True
        ).start()

    def _measure(self, brain: Brain) -> None:
        # One measuring at a time (each is a process of its own, seconds of
        # CPU and ~150 MB): an editor saving five times in a row waits for one,
        # and the content already replaced by then is not measured at all.
        with self._measuring:
            if self.brain is not brain:
                return
            try:
                tuned, measured = calibrate(brain, self.cache_dir)
            except Exception as exc:  # the provisional thresholds stay: stricter, never wrong
                log.error(
                    "thresholds not measured; keeping the strict ones: %s", errors.describe(exc)
                )
                return
        self.last_measured = measured
        with self._lock:
            # Content reloaded meanwhile: that load measures its own.
            if self.brain is brain:
                self.brain = tuned
                self._measured.set()

    # -- the one entry point ----------------------------------------------
    def reply(self, incoming: Incoming) -> Reply:
        brain = self.brain
        try:
            return _Turn(brain, incoming).reply()
        except Exception as exc:  # a reply must always come back, whatever the input
            log.error("engine failed on one message: %s", errors.describe(exc))
            lang = fallback_language(brain.pack, incoming)
            return brain.writer.menu(lang, brain.catalogs.text(lang, ui.ERROR), kind="error")


class ContentError(Exception):
    def __init__(self, report: LoadReport):
        self.report = report
        lines = [str(p) for p in report.problems if p.severity == "error"]
        lines += [str(p) for p in report.catalog_problems if p.fatal]
        super().__init__("content has errors:\n" + "\n".join(lines[:50]))


def fallback_language(pack: Pack, incoming: Incoming) -> str:
    """The resident's chosen language, else Telegram's, else the pack default."""
    if incoming.chosen_language in pack.languages:
        return incoming.chosen_language
    return negotiate(incoming.platform_language, pack.languages) or pack.default_language


class _Turn:
    """One reply's worth of decisions."""

    def __init__(self, brain: Brain, incoming: Incoming):
        self.brain = brain
        self.pack = brain.pack
        self.writer = brain.writer
        self.incoming = incoming
        self.base_language = fallback_language(brain.pack, incoming)
        # A sentence is ranked and matched once per turn (speed: the story
        # logic asks about the same sentences several times). Kept for this
        # turn only: a resident's words are never kept past the reply.
        self._ranks: dict[str, Ranking] = {}
        self._parts: dict[str, Match] = {}

    def rank_part(self, sentence: str) -> Ranking:
        """One sentence of the message, ranked on its own."""
        if sentence not in self._ranks:
            self._ranks[sentence] = self.brain.matcher.rank(sentence)
        return self._ranks[sentence]

    def match_part(self, sentence: str) -> Match:
        """One sentence of the message, matched on its own."""
        if sentence not in self._parts:
            self._parts[sentence] = self.brain.matcher.decide(self.rank_part(sentence))
        return self._parts[sentence]

    def t(self, language: str, msgid: str, /, **values: object) -> str:
        return self.brain.catalogs.text(language, msgid, **values)

    def reply(self) -> Reply:
        inc = self.incoming
        if inc.callback is not None:
            return self.button(inc.callback)
        if inc.command is not None:
            return self.command(inc.command, inc.payload)
        if inc.non_text:
            lang = self.base_language
            return self.writer.menu(lang, self.t(lang, ui.NOT_TEXT), kind="not_text")
        return self.text(inc.text or "")

    # -- commands and buttons --------------------------------------------
    def command(self, name: str, payload: str | None) -> Reply:
        lang = self.base_language
        if name == "start":
            if payload in self.pack.languages:  # a poster's "start" code: welcome in its language
                return self.writer.welcome(payload)
            action = parse_payload(payload, self.pack.languages)
            if action is not None:
                reply = self.action(action)
                if reply is not None:
                    return reply
            return self.writer.welcome(lang)
        if name == "menu":
            return self.writer.menu(lang)
        if name == "language":
            return self.writer.languages(lang)
        if name == "help":
            return self.writer.help(lang)
        if name == "privacy" and self.pack.privacy is not None:
            return self.writer.answer(self.pack.privacy, lang)
        if name == "about":
            if self.pack.about_topic:
                return self.writer.answer(self.pack.topics[self.pack.about_topic], lang)
            return self.writer.help(lang)
        return self.writer.menu(lang)

    def button(self, data: str) -> Reply:
        action = decode(data)
        reply = self.action(action) if action else None
        if reply is None:
            lang = self.base_language
            return self.writer.menu(lang, self.t(lang, ui.STALE_BUTTON), kind="stale_button")
        return reply

    def action(self, action: Action) -> Reply | None:
        lang = self.base_language
        if action.language is not None and action.language in self.pack.languages:
            lang = action.language
        topic = self.pack.find(action.target) if action.target else None
        if action.kind == "topic" and topic is not None:
            return self.writer.answer(topic, lang, action.answer_language)
        if action.kind == "category" and action.target:
            return self.writer.category(action.target, lang)
        if action.kind == "menu":
            return self.writer.menu(lang)
        if action.kind == "languages":
            return self.writer.languages(lang)
        if action.kind == "set_language" and action.target in self.pack.languages:
            return self.writer.language_set(action.target)
        # Feedback is on topics only (never the privacy notice), in a pack language.
        feedback_topic = self.pack.topics.get(action.target or "")
        if feedback_topic is None or action.language not in self.pack.languages:
            return None
        if action.kind == "reasons":
            return self.writer.reasons(feedback_topic, lang, action.previous)
        if action.kind == "vote" and action.choice is not None:
            return self.writer.thanks(feedback_topic, lang, action.choice, action.previous)
        return None

    # -- free text -------------------------------------------------------
    def reply_language(self, detection: Detection, match: Match, words: int) -> str:
        if detection.language in self.pack.languages:
            if detection.clear:
                return detection.language
            # Unclear alone, but a multi-word message whose best-matching
            # phrasing is in the same language says enough.
            if match.phrase_language == detection.language and words >= 2:
                return detection.language
        chosen = self.incoming.chosen_language in self.pack.languages
        if detection.word_language in self.pack.languages and not chosen:
            return detection.word_language  # "hola": only Spanish speakers write it
        return self.base_language

    def text(self, raw: str) -> Reply:
        text = clean(raw)
        words = len(normalize(text).split())
        if not words:
            lang = self.base_language
            return self.writer.menu(lang, self.t(lang, ui.EMPTY), kind="empty")
        detection = self.brain.detector.detect(text)
        # "pls where r the classes": the pack's phrasings spell words out.
        text = shorthand.spell_out(text, detection.language)
        ranking = self.brain.matcher.rank(text)
        self._ranks[text] = ranking  # a one-sentence story's sentence is the message
        if ranking.romanised in self.pack.languages:
            # "gde sdelat IDNYC": Russian in Latin letters, answered in Russian.
            detection = Detection(ranking.romanised, True)
        match = self.brain.matcher.decide(ranking, whole=True)
        lang = self.reply_language(detection, match, words)
        if detection.clear and not detection.supported and match.topic is None:
            return self.writer.unsupported_language(self.base_language)
        if HELP_SIGNAL in match.signals and self.brain.help_calls.cover(normalize(text)):
            lead = self.t(lang, ui.HELP_REQUEST)
            return self.writer.menu(lang, lead, kind="help_request", confidence=match.confidence)
        notes: tuple[str, ...] = ()
        if STATUS_SIGNAL in match.signals:
            notes = (self.t(lang, ui.STATUS_NOTE),)
        alone = self.alone_topic(text, match)
        if alone is not None:
            return self.writer.answer(alone, lang, extra_notes=notes, confidence=match.confidence)
        urgent = self.urgent_topic(match)
        if urgent is not None:
            return self.writer.answer(urgent, lang, extra_notes=notes, confidence=match.confidence)
        two = story.main_and_other(
            story.in_clauses(text, detection.language, spoken=True), self.brain.openers
        )
        if two is not None and match.intent is None:
            match = self.main_question(two, match)
        if match.topic is None and match.intent is None and story.is_long(text, words):
            match = self.story_match(text, match, ranking, detection.language)
            if match.topic is not None and self.near_out_of_scope(match):
                match = self.not_confident(match, decline=False)
            if two is not None and self.later_question_won(two, match):
                match = self.main_unclear(self.match_part(two.main), match)
        if match.topic is None and match.intent is None and not match.choices:
            by_lead = self.unspaced_lead(text, match)
            topic = by_lead.topic
            if two is None or topic is None or self.leads_with(two.main, topic):
                # Of two questions, the whole's lead must be the main one's.
                match = by_lead
        if two is not None and match.topic is None and match.intent is None and not match.choices:
            # Two questions and no reading of the whole: the main question's
            # own close calls, rather than a decline.
            match = replace(match, choices=self.match_part(two.main).choices)
        if (
            match.topic is not None
            and story.is_long(text, words)
            and self.asks_elsewhere(text, match)
        ):
            match = replace(match, topic=None, intent=OUT_OF_SCOPE, choices=())
        several = self.several_places(match)
        if several is not None:
            match = replace(match, topic=several, choices=())
        if match.topic is not None and self.lacks_signal(match.topic, match):
            match = self.not_confident(match)
        if match.topic is not None and story.is_long(text, words):
            doubted = self.runon_doubt(text, match.topic, detection.language)
            if doubted:
                match = replace(match, topic=None, choices=doubted)
        also: Topic | None = None
        if match.topic is not None and story.is_long(text, words):
            match, also = self.joined_questions(text, match, detection.language)
        claimant = self.claimed_elsewhere(match, two)
        if match.topic is not None and claimant is not None:
            match, also = replace(match, topic=None, choices=(match.topic, claimant)), None
        if match.topic is not None:
            return self.writer.answer(
                self.pack.topics[match.topic],
                lang,
                extra_notes=notes,
                confidence=match.confidence,
                also=also
                or self.second_question([two.main, *two.others] if two else [], match.topic),
            )
        if match.intent in ("greeting", "thanks", "smalltalk"):
            msgid = {"greeting": ui.GREETING, "thanks": ui.THANKS, "smalltalk": ui.SMALLTALK}[
                match.intent
            ]
            lead = self.t(lang, msgid, city=self.pack.city)
            if notes:
                lead = f"{lead}\n\n{notes[0]}"
            return self.writer.menu(lang, lead, kind=match.intent, confidence=match.confidence)
        short = words <= ALARM_WORDS and not story.says_enough(text)  # Chinese has no spaces
        if ALARM_SIGNAL in match.signals and short and self.pack.urgent_topics:
            # Danger with no question: never a decline; the urgent answer first.
            first = list(self.pack.urgent_topics)
            rest = [self.pack.topics[c] for c in match.choices if c in self.pack.topics]
            alarm = first + [t for t in rest if t not in first]
            return self.writer.choices(alarm[:4], lang, notes, confidence=match.confidence)
        if match.choices:
            topics = [self.pack.topics[c] for c in match.choices if c in self.pack.topics]
            return self.writer.choices(topics, lang, notes, confidence=match.confidence)
        lead = self.t(lang, ui.DECLINE)
        if notes:
            lead = f"{lead}\n\n{notes[0]}"
        return self.writer.menu(lang, lead, kind="decline", confidence=match.confidence)

    def main_question(self, two: story.TwoQuestions, whole: Match) -> Match:
        """Two questions in one message: the first one's confident topic,
        when the whole message ranks it among its best too. A confident
        whole-message topic gives way only when a later question is what
        pulled it there, or no question has it as its own (their words
        blended), and that question is a "by the way" or the message opened
        with the main one (no story before it: a story's questions lean on
        the story, "what papers do I need?", and say little alone). A main
        question unclear alone, pulled past by the other, gets choices."""
        part = self.match_part(two.main)
        if part.topic == whole.topic:
            return whole
        if self.second_took_over(two, part, whole):
            return replace(whole, topic=part.topic, confidence=part.confidence, choices=())
        known: list[bool] = []

        def pulled() -> bool:
            """A later question pulls the whole message its way when the
            whole's best label is that question's own best, confident or not,
            and a topic (a later question out of scope, "T-Mobile wants a
            social security number", pulls the whole toward no topic and
            vouches for no reading of the main one).
            (Asked only when the answer matters, once: each later question is
            matched on its own, the costliest step of a long message.)"""
            if not known:
                known.append(
                    (two.opened or two.leads)
                    and bool(whole.candidates)
                    and whole.candidates[0].label in self.pack.topics
                    and any(
                        self.leads_with(other, whole.candidates[0].label) for other in two.others
                    )
                )
            return known[0]

        if part.topic is None:
            own = [c.label for c in part.candidates[: story.AGREE_WITHIN]]
            if whole.topic not in (None, *own) and part.intent is None and pulled():
                # The whole message answers a later question, and the main
                # one, unclear alone, does not even lean that way (a later
                # "can they ask me that?" only goes on with the main one):
                # the resident chooses, the main question's readings first.
                return self.main_unclear(part, whole)
            return whole
        ranked = [c.label for c in whole.candidates[: story.AGREE_WITHIN]]
        # The second question's words can push the first one's topic off the
        # whole message's shortlist; then the whole says nothing about the
        # first, and its own clear reading (views agreeing) decides, if it is
        # long enough to say what it asks: "who did this? they smashed my car
        # window, should I call the police" is not asking who made the bot.
        if part.topic not in ranked and not (
            pulled() and self.clear_part(two.main) and story.says_enough(two.main)
        ):
            return whole
        if whole.topic is not None and not pulled():
            blend = (two.opened or two.leads) and not any(
                self.leads_with(other, whole.topic) for other in two.others
            )
            if not blend:
                return whole
            # Neither question has the whole message's topic as its own: the
            # two questions' words blended into a third reading ("the ER
            # without insurance? and also, can ICE enter a mosque?" reads as
            # agents at hospitals). The main question, confident alone and
            # among the whole's best, is answered; the other is offered.
        if not (two.opened or two.leads) and ranked[:1] != [part.topic]:
            # After a story the question leans on it ("where can I report
            # this?") and says little alone: the whole must put it first.
            return whole
        return replace(whole, topic=part.topic, confidence=part.confidence, choices=())

    def second_took_over(self, two: story.TwoQuestions, part: Match, whole: Match) -> bool:
        """Two clear questions, the whole message answering the second: "...
        what do I need to register him at school? And my wife wants to learn
        English, is there a free class?" The main question, confident alone
        with every view agreeing, and a close second in the whole message, is
        the one answered (the other is offered as a button), even after a
        story, where a main question usually leans on the whole."""
        if part.topic is None or not whole.candidates:
            return False
        # The whole message unsure between the two (each clear alone) is the
        # same case: its best reading is still the second question's.
        lead = whole.topic or whole.candidates[0].label
        if lead not in self.pack.topics or lead == part.topic:
            return False
        window = self.brain.matcher.settings.choice_window
        best = whole.candidates[0].score
        close = any(c.label == part.topic and best - c.score <= window for c in whole.candidates)
        return (
            close
            and self.clear_part(two.main)
            and any(self.match_part(other).topic == lead for other in two.others)
        )

    def later_question_won(self, two: story.TwoQuestions, match: Match) -> bool:
        """A story read sentence by sentence gave `match.topic`, which a later
        question is confidently about, while the main question, unclear
        alone, does not even lean that way (its best two are other topics):
        the later question would be answered in place of the main one."""
        part = self.match_part(two.main)
        if match.topic is None or part.topic is not None or part.intent is not None:
            return False
        own = [c.label for c in part.candidates[:2]]
        if match.topic in own or not any(c in self.pack.topics for c in own):
            return False
        return any(self.match_part(other).topic == match.topic for other in two.others)

    def main_unclear(self, part: Match, whole: Match) -> Match:
        """Did-you-mean choices for two questions whose main one is unclear:
        its two best topics, then the one the whole message leans to."""
        own = [c.label for c in part.candidates[:2] if c.label in self.pack.topics]
        offered = tuple(dict.fromkeys([*own, *([whole.topic] if whole.topic else [])]))
        limit = self.brain.matcher.settings.max_choices
        return replace(whole, topic=None, choices=offered[:limit])

    def leads_with(self, sentence: str, label: str) -> bool:
        """`label` is one of the sentence's own best two (its neighbours, such
        as health care and agents at hospitals, often score alike)."""
        part = self.match_part(sentence)
        return part.topic == label or (
            part.intent is None and label in [c.label for c in part.candidates[:2]]
        )

    def clear_part(self, sentence: str) -> bool:
        """A sentence the character and word views both give to its topic."""
        return self.rank_part(sentence).agree

    def story_match(
        self, text: str, whole: Match, ranking: Ranking, language: str | None = None
    ) -> Match:
        """A long message: the sentence whose confident topic the whole agrees
        with; else the whole message's topic when every view picks it and it
        stands clearly ahead; else, for a run-on, its clauses' agreement."""
        found = self.story_sentences(text, whole, ranking, language)
        if found.topic is not None or found.intent is not None:
            return found
        clauses = story.in_clauses(text, language)
        if len(clauses) == len(story.in_order(text)):
            return found  # no run-on was cut
        agreed = self.clauses_agree(clauses, whole)
        return found if agreed is None else replace(found, topic=agreed, choices=())

    def clauses_agree(self, clauses: list[str], whole: Match) -> str | None:
        """A run-on's topic when its clauses settle it with the whole message:
        the whole puts the topic first (a tie will do), and either the last
        clause, where a story asks its question, is confident of it, or every
        clause puts it first too; no clause is confidently about anything else."""
        label = self.leading_topic(whole, story.CLAUSES_AGREE_SCORE, 0.0)
        if label is None:
            return None
        if self.match_part(clauses[-1]).topic != label and not all(
            [c.label for c in self.rank_part(clause).candidates[:1]] == [label]
            for clause in clauses  # stops at the first clause that leans elsewhere
        ):
            return None
        return None if self.read_otherwise(label, clauses) else label

    def story_sentences(
        self, text: str, whole: Match, ranking: Ranking, language: str | None = None
    ) -> Match:
        """`story_match` by sentences (and a run-on's clauses when no sentence settles it)."""
        ranked = [
            c.label for c in whole.candidates[: story.AGREE_WITHIN] if c.label in self.pack.topics
        ]
        opens = self.brain.openers.opens
        parts = [s for s in story.sentences(text) if not opens(s)]
        # A run-on told without stops is also read clause by clause.
        cut = [c for c in story.sentences(text, language) if c not in parts and not opens(c)]
        parts += cut
        if len(parts) < 2:
            return whole  # one sentence: it was the whole message
        best: Match | None = None
        best_part = ""
        # The clauses of a run-on are read only when no sentence settles it,
        # and never one that reports what someone said (the boss's threat).
        asked = [c for c in cut if not clauses_module.reported(c, language)]
        for group in (parts[: len(parts) - len(cut)], asked):
            for sentence in group:
                part = self.match_part(sentence)
                if part.topic in ranked and (best is None or part.confidence > best.confidence):
                    best, best_part = part, sentence
            if best is not None:
                break
        others = [p for p in parts if p != best_part]
        if best and best.topic and best_part in cut and self.read_otherwise(best.topic, others):
            # A clause cut from a run-on is one reading of a story that
            # another part reads confidently otherwise: it settles nothing.
            best = None
        if best is None or best.topic is None:
            if len(parts) == len(cut) + 1 and story.unspaced_enough(text):
                # One Chinese or Korean run-on: its views agree at a lower
                # score than other languages', so the bar is theirs.
                return self.unspaced_lead(text, whole)
            agreed = self.views_agree(whole, ranking)
            if agreed.topic is None and not agreed.choices:
                return self.sentence_agrees(parts, whole)
            return agreed
        leads = len(whole.candidates) < 2 or (
            whole.candidates[0].score - whole.candidates[1].score >= story.LEAD
        )
        if ranked and best.topic == ranked[0] and leads:
            # The sentence and the whole message agree on the best topic.
            return replace(whole, topic=best.topic, confidence=best.confidence, choices=())
        agreed = self.views_agree(whole, ranking)
        if agreed.topic is not None:
            # A stray sentence (the police in a story about unpaid wages)
            # does not outvote the whole message when every view agrees.
            return agreed
        # They agree only that it is among the best: offer both, answer neither.
        offered = tuple(dict.fromkeys([best.topic, *ranked[:1], *whole.choices]))[:3]
        return replace(whole, choices=offered)

    def runon_doubt(self, text: str, topic: str, language: str | None) -> tuple[str, ...]:
        """Choices instead of `topic` for a spoken run-on (one sentence, not
        even a comma) none of whose clauses puts `topic` first while one is
        confident of another topic: the whole message's reading is a blend
        of the story's words (a car wash's unpaid wages read as housing)."""
        sentences = story.in_order(text)
        if len(sentences) > 1 or not clauses_module.spoken(sentences[0]):
            return ()
        clauses = clauses_module.split(sentences[0], language)
        if len(clauses) < 2 or any(
            [c.label for c in self.rank_part(clause).candidates[:1]] == [topic]
            for clause in clauses
        ):
            return ()
        others = [self.match_part(c).topic for c in clauses]
        offered = [t for t in others if t is not None and t != topic]
        if not offered:
            return ()
        limit = self.brain.matcher.settings.max_choices
        return tuple(dict.fromkeys([topic, *offered]))[:limit]

    def joined_questions(
        self, text: str, match: Match, language: str | None
    ) -> tuple[Match, Topic | None]:
        """Two questions joined by a plain "and" in one sentence ("what papers
        do I need to register my son at school and where can I find a free
        English class"): the later question's words can win the whole
        message. When `match.topic` is the confident reading of a clause
        joined to the one before by "and", and an earlier clause that says
        enough is read confidently as another topic the whole ranks among its
        best, the earlier (main) question is answered, the later one offered
        as a button, if the character and word views agree on the earlier
        clause; else both are offered as choices, the earlier first."""
        topic = match.topic
        parts = story.in_clauses(text, language)
        if topic is None or len(parts) < 2:
            return match, None
        # Only the clauses joined by "and" are matched first (speed: most
        # long messages have none about the topic, and stop here).
        joined = [k for k in range(1, len(parts)) if story.joined_by_and(parts, k)]
        if not any(self.match_part(parts[k]).topic == topic for k in joined):
            return match, None
        ranked = [c.label for c in match.candidates[: story.AGREE_WITHIN]]
        for part in parts:
            earlier = self.match_part(part).topic
            if earlier == topic:
                break  # the clauses before the first one about the topic
            if (
                earlier is None
                or earlier not in ranked
                or not story.says_enough(part)
                or self.lacks_signal(earlier, match)
            ):
                continue
            if self.clear_part(part):
                own_match = self.match_part(part)
                answered = replace(match, topic=earlier, confidence=own_match.confidence)
                return answered, self.pack.topics[topic]
            return replace(match, topic=None, choices=(earlier, topic)), None
        return match, None

    def read_otherwise(self, topic: str, parts: list[str]) -> bool:
        """One of the message's parts is read confidently as another topic
        than `topic`, or as out of scope."""
        for sentence in parts:
            part = self.match_part(sentence)
            if part.topic not in (None, topic) or part.intent == OUT_OF_SCOPE:
                return True
        return False

    def sentence_agrees(self, parts: list[str], whole: Match) -> Match:
        """A story no sentence settles and no view alone answers: the whole
        message's topic when it stands clearly ahead and one sentence, on
        which the character and word views agree, puts it first too."""
        label = self.leading_topic(whole, 0.0, story.VIEWS_AGREE_LEAD)
        if label is None:
            return whole
        for sentence in parts:
            own = self.rank_part(sentence)
            first = own.candidates[0] if own.candidates else None
            if (
                own.agree
                and first is not None
                and first.label == label
                and first.score >= story.SENTENCE_AGREES_SCORE
            ):
                return replace(whole, topic=label, choices=())
        return whole

    def unspaced_lead(self, text: str, whole: Match) -> Match:
        """Chinese and Korean messages score lower than others (their tokens
        are character pairs): one whose best topic stands far ahead of every
        other label is answered below the usual bar."""
        if not story.unspaced_enough(text):
            return whole
        label = self.leading_topic(whole, story.UNSPACED_LEAD_SCORE, story.UNSPACED_LEAD)
        return whole if label is None else replace(whole, topic=label, choices=())

    def views_agree(self, whole: Match, ranking: Ranking) -> Match:
        """A story no sentence settles: the whole message's topic when the
        character and word views pick it and it leads the next label (an
        out-of-scope intent included) clearly."""
        if not ranking.agree:
            return whole
        label = self.leading_topic(whole, story.VIEWS_AGREE_SCORE, story.VIEWS_AGREE_LEAD)
        return whole if label is None else replace(whole, topic=label, choices=())

    def leading_topic(self, whole: Match, score: float, lead: float) -> str | None:
        """The whole message's best label, if it is a topic scoring at least
        `score` and ahead of the next label (an intent included) by `lead`."""
        candidates = whole.candidates
        if not candidates or candidates[0].label not in self.pack.topics:
            return None
        best = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if best.score < score or best.score - runner_up < lead:
            return None
        return best.label

    def asks_elsewhere(self, text: str, whole: Match) -> bool:
        """A story whose every real question is out of scope ("...my son is
        ten, we live in Queens, I drive a cab at night: is there a cricket
        club for kids?"): the story's words pull it toward a topic, but what
        the resident asks is not ours. Short questions ("what do I do?") say
        nothing either way and are not counted. Only asked when the whole
        message already sees an out-of-scope reading among its best."""
        if all(c.label != INTENT_PREFIX + OUT_OF_SCOPE for c in whole.candidates):
            return False
        parts = story.in_order(text)
        if len(parts) < 2:
            return False
        asked = [p for p in parts if story.is_question(p)] or parts[-1:]
        asked = [p for p in asked if story.says_enough(p)]
        return bool(asked) and all(self.match_part(p).intent == OUT_OF_SCOPE for p in asked)

    def several_places(self, match: Match) -> str | None:
        """A message naming two or more places ("can ICE arrest people in
        schools, hospitals or churches?") asks about them together: the topic
        that answers several (sensitive locations), when the message reads
        that way too (among its best labels) and is about to get a place's
        topic or choices. One place's topic would answer a part of it."""
        about = match.topic or (match.choices[0] if match.choices else None)
        if about is None or not self.pack.topics[about].needs_signals:
            return None  # not about to answer with a place (a topic that needs a sign)
        ranked = {c.label for c in match.candidates}
        for topic in self.pack.topics.values():
            if (
                topic.id in ranked
                and len(topic.answers_several & match.signals) >= 2
                and not self.lacks_signal(topic.id, match)
            ):
                return topic.id
        return None

    def claimed_elsewhere(self, match: Match, two: story.TwoQuestions | None) -> str | None:
        """Another topic among the whole message's best three, close behind
        its best score, that claims one of its signals (`claims_signals`) which the
        answer neither claims nor shares: a story about a pregnancy, Medicaid
        and papers read as agents at hospitals on "afraid to go to the
        hospital" is as much about public benefits (public charge); "I filed
        for asylum... when can I work" read as workers' rights on "my boss
        pays me badly" is about one's own case. The words that point to the
        claimant are there, so the resident chooses. In two questions only
        the main one's words count (the other is offered as a button)."""
        if match.topic is None or not match.candidates:
            return None
        answer = self.pack.topics[match.topic]
        signals = self.rank_part(two.main).signals if two is not None else match.signals
        signals -= answer.shares_signals
        if not signals:
            return None
        top = match.candidates[0].score
        for candidate in match.candidates[: story.AGREE_WITHIN]:
            other = self.pack.topics.get(candidate.label)
            if (
                other is not None
                and other is not answer
                and other.claims_signals & signals
                and top - candidate.score <= CLAIM_WINDOW
            ):
                return other.id
        return None

    def alone_topic(self, text: str, match: Match) -> Topic | None:
        """The topic whose `answers_alone` phrases make up the whole message
        ("who are you?", "hi, what is this bot"): too short for the matcher,
        which reads it as small talk or between two topics."""
        for topic_id, phrases in self.brain.alone:
            topic = self.pack.topics[topic_id]
            if topic.answers_alone & match.signals and phrases.cover(normalize(text)):
                return topic
        return None

    def lacks_signal(self, topic: str, match: Match) -> bool:
        """A topic about a place (agents at hospitals) asked about with none
        of the signals it needs (immigration, agents, papers, fear...):
        "visiting hours at Bellevue" names the place and nothing of ours."""
        needs = self.pack.topics[topic].needs_signals
        return bool(needs) and not needs & match.signals

    def near_out_of_scope(self, match: Match) -> bool:
        """A story's topic (story_match) that the whole message reads about
        as well out of scope ("I was a nurse at home, how do I get my diploma
        recognised? Is that done at immigration or a city office?"): the
        whole must put the topic ahead of that reading by the margin any
        answer needs over the next label. (Not the wider out-of-scope margin
        of Matcher.decide: a story's everyday words raise that reading.) The
        views-agree and Chinese/Korean lead rules already ask a lead over
        every other label, intents too."""
        own = next((c.score for c in match.candidates if c.label == match.topic), None)
        outside = next(
            (c.score for c in match.candidates if c.label == INTENT_PREFIX + OUT_OF_SCOPE), None
        )
        if own is None or outside is None:
            return False
        return own - outside < self.brain.matcher.settings.answer_margin

    def not_confident(self, match: Match, decline: bool = True) -> Match:
        """A topic that may not be what is asked: never a confident answer.
        Did-you-mean choices, that topic first (a frightened "can I take my
        son to the hospital" still finds agents at hospitals); a decline when
        the out-of-scope reading is as close as the next topic (prayer times,
        school calendars: not ours). With `decline` False, choices always:
        the story's reading stays on offer."""
        tuning = self.brain.matcher.settings
        best = match.candidates[0].score if match.candidates else 0.0
        near = [c for c in match.candidates if best - c.score <= tuning.choice_window]
        if decline and any(c.label == INTENT_PREFIX + OUT_OF_SCOPE for c in near):
            return replace(match, topic=None, intent=OUT_OF_SCOPE, choices=())
        topics = [c.label for c in match.candidates if c.label in self.pack.topics]
        offered = tuple(dict.fromkeys([*([match.topic] if match.topic else []), *topics]))
        return replace(match, topic=None, choices=offered[: tuning.max_choices])

    def second_question(self, asked: list[str], answered: str) -> Topic | None:
        """Another question in the same message, about another topic: the
        sentence that asks it is matched confidently on its own."""
        for sentence in asked:
            part = self.match_part(sentence)
            if part.topic is not None and part.topic != answered:
                return self.pack.topics[part.topic]
        return None

    def urgent_topic(self, match: Match) -> Topic | None:
        """Agents here now: in a close call, the urgent answer comes first.

        "Now" words alone are common ("can I go to the clinic now"), so the
        urgent topic must also be among the best few and near the top score.
        """
        if URGENT_SIGNAL not in match.signals or not self.pack.urgent_topics:
            return None
        urgent_ids = {t.id for t in self.pack.urgent_topics}
        if match.topic in urgent_ids or not match.candidates:
            return None
        tuning = self.brain.matcher.settings
        top = match.candidates[0].score
        for cand in match.candidates[:3]:
            if (
                cand.label in urgent_ids
                and cand.score >= tuning.choice_score
                and top - cand.score <= tuning.urgent_window
            ):
                return self.pack.topics[cand.label]
        return None
