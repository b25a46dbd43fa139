"""Decision thresholds that hold for a pack of any size, measured on the pack.

The matcher's thresholds (`matching.Settings`) were tuned on the New York
pack's dev set. Another pack (fewer topics, fewer phrasings, no out-of-scope
examples) may score differently, so at load time the pack is tested on itself:

* every fifth phrasing of each topic and language, and every third
  out-of-scope question of conversation.yaml, are held out; a matcher built
  from the rest ranks them: a held-out phrasing answered with another topic
  is *wrong*, an out-of-scope question answered with a topic is *off-topic*;
  the bot's own generic out-of-scope questions (bot/pack/skeleton/) in the
  pack's languages count too when the pack does not list them;
* the topics are split in three; a matcher built without one third ranks
  that third's held-out phrasings: any topic answer there is *unseen* (the
  question is next door to the pack, which cannot answer it);
* the answer thresholds are raised, in steps of 0.01, until these rates are
  no higher than the shipped thresholds give on the New York pack (the
  `REFERENCE_*` figures, measured with this same procedure); the "did you
  mean" threshold likewise for out-of-scope questions getting choices.

In a big pack the topic split is made on an even sample of `MAX_TOPICS`
of its topics (and every intent): three matchers over two thirds of a pack
of hundreds of topics would cost several times the pack's own training on
every first start. The held-out test of the whole pack (wrong, off-topic,
choices) always uses every topic. Packs up to `MAX_TOPICS` topics (New York,
examples/chicago) are split whole.

Thresholds are only ever raised, never lowered, so a pack that is already as
safe as the one they were tuned on (New York, and examples/chicago) is decided
exactly as before. The result is cached next to the matcher's weights, keyed
by everything it depends on, so a restart with unchanged content costs nothing.

Measuring takes seconds (four more matchers), so the Telegram bot does not
wait for it (`Engine(calibrate_now=False)`): until it ends, it answers behind
`PROVISIONAL`, every threshold raised by `MAX_RAISE`, the most any measurement
can raise it. Each threshold only gates an answer or a choice from below, so
the stricter thresholds answer a subset of what the measured ones will: while
measuring, a message may get choices or the menu where it will later get an
answer, never an answer it would not get. The measuring runs in a process of
its own (`measure_apart`): its matchers' memory goes back to the system when
it ends, and its CPU time does not hold the interpreter lock the bot's
replies need.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import malloc
from .cachefile import read_json, write_json
from .matching import INTENT_PREFIX, Matcher, Phrase, Ranking, Settings
from .normalize import normalize, pack_normalize

log = logging.getLogger(__name__)

VERSION = 3  # bump when the procedure below changes
OUT_OF_SCOPE = INTENT_PREFIX + "out_of_scope"
HOLD_OUT_EVERY = 5  # of each topic's phrasings in one language
HOLD_OUT_OFF_TOPIC_EVERY = 3
MAX_HELD_OUT = 600  # messages ranked, at most: bounds the first start of a big pack
TOPIC_FOLDS = 3
MAX_TOPICS = 64  # the topic split of a bigger pack uses an even sample of this many
# The shipped thresholds on the New York pack, by this procedure (2026-12-03,
# after the examples for stories and romanised writing): wrong 8.0%, off-topic
# 11.0%, unseen 32.8%, off-topic choices 13.0%; with a margin of two to four
# messages, so that a small change to the matcher or the New York content does
# not raise New York's thresholds by noise alone (a test checks that it does
# not; when New York's content grows, measure these again).
REFERENCE_WRONG = 0.09
REFERENCE_OFF_TOPIC = 0.125
REFERENCE_UNSEEN = 0.34
REFERENCE_OFF_TOPIC_CHOICES = 0.145
SKELETON_CONVERSATION = Path(__file__).parent / "pack" / "skeleton" / "conversation.yaml"
STEP = 0.01
MAX_RAISE = 0.20
_KEEP = 8


@dataclass(frozen=True)
class Calibration:
    """How much the thresholds were raised, and what the held-out test saw."""

    answer_raise: float = 0.0
    choice_raise: float = 0.0
    held_out: int = 0
    off_topic: int = 0
    measured: bool = True  # False: `PROVISIONAL`, while the pack is being measured

    def apply(self, settings: Settings) -> Settings:
        return dataclasses.replace(
            settings,
            answer_score=settings.answer_score + self.answer_raise,
            agree_score=settings.agree_score + self.answer_raise,
            choice_score=settings.choice_score + self.choice_raise,
        )


# The strictest thresholds a measurement can give: served until it ends.
PROVISIONAL = Calibration(answer_raise=MAX_RAISE, choice_raise=MAX_RAISE, measured=False)


def calibrated_settings(
    phrases: Sequence[Phrase],
    keywords: Mapping[str, Iterable[str]],
    signals: Mapping[str, Iterable[str]],
    asides: Sequence[str],
    cache_dir: Path | None,
    base: Settings | None = None,
    measure: bool = True,
) -> tuple[Settings, Calibration]:
    """The pack's own thresholds (cached), from its phrasings and its
    out-of-scope questions. With `measure` False and nothing cached:
    `PROVISIONAL` at once (the caller measures later)."""
    base = base or Settings()
    cache = None
    if cache_dir is not None:
        cache = cache_dir / f"calibration-{_key(phrases, keywords, signals, asides, base)}.json"
        found = _load(cache)
        if found is not None:
            return found.apply(base), found
    if not measure:
        return PROVISIONAL.apply(base), PROVISIONAL
    result = calibrate(phrases, keywords, signals, asides, base)
    if cache is not None:
        _store(cache, result)
    return result.apply(base), result


@dataclass(frozen=True)
class Measured:
    """`calibrated_settings`'s answer from `measure_apart`, and the cost of it."""

    settings: Settings
    calibration: Calibration
    peak_rss_mb: float = 0.0  # the measuring process's high-water mark (0: measured here)
    apart: bool = True


def measure_apart(
    phrases: Sequence[Phrase],
    keywords: Mapping[str, Iterable[str]],
    signals: Mapping[str, Iterable[str]],
    asides: Sequence[str],
    cache_dir: Path | None,
) -> Measured:
    """`calibrated_settings` (measured, and cached) in a fresh process; in
    this one where no process can be started. Blocks until done: call it
    from a thread of its own."""
    args = (
        list(phrases),
        {name: list(words) for name, words in keywords.items()},
        {name: list(words) for name, words in signals.items()},
        list(asides),
        cache_dir,
    )
    # The strings' normal forms, known here already: not worked out again there.
    texts = {p.text for p in args[0]}.union(*args[1].values(), *args[2].values(), args[3])
    forms = [(text, pack_normalize(text)) for text in texts]
    context = multiprocessing.get_context("spawn")  # forking a threaded process is unsafe
    receive, send = context.Pipe(duplex=False)
    try:
        # A daemon: stopping the bot stops the measuring too (the next start
        # measures again: nothing half-measured is cached).
        process = context.Process(
            target=_measure_child, args=(send, forms, *args), name="calibration", daemon=True
        )
        process.start()
    except OSError as exc:
        receive.close()
        send.close()
        log.warning("no process for the calibration (%s): measuring in this one", exc)
        return Measured(*calibrated_settings(*args), apart=False)
    send.close()
    try:
        found: Measured = receive.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"the calibration process ended with code {process.exitcode}") from None
    finally:
        receive.close()
    process.join()
    return found


def _measure_child(
    send: multiprocessing.connection.Connection,
    forms: list[tuple[str, str]],
    phrases: list[Phrase],
    keywords: dict[str, list[str]],
    signals: dict[str, list[str]],
    asides: list[str],
    cache_dir: Path | None,
) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the bot stops
    # this process itself (a daemon), without a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    malloc.fix_mmap_threshold()
    pack_normalize.remember(forms)
    try:
        settings, result = calibrated_settings(phrases, keywords, signals, asides, cache_dir)
        send.send(Measured(settings, result, _peak_rss_mb()))
    finally:
        send.close()


def _peak_rss_mb() -> float:
    # VmHWM of this process alone (ru_maxrss carries the parent's over exec).
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def calibrate(
    phrases: Sequence[Phrase],
    keywords: Mapping[str, Iterable[str]],
    signals: Mapping[str, Iterable[str]],
    asides: Sequence[str],
    base: Settings,
) -> Calibration:
    kept, positives, negatives = _hold_out(phrases)
    if not positives:
        return Calibration()

    def matcher(subset: list[Phrase]) -> Matcher:
        # Not cached: these weights are for this test only.
        return Matcher(
            subset, keywords, signals, base, asides=asides, cache_dir=None, romanised=False
        )

    judge = matcher(kept)
    pos = [(judge.rank(p.text), p.label) for p in positives]
    neg = [judge.rank(p.text) for p in negatives]
    topics = _sample_evenly(sorted({p.label for p in positives}), MAX_TOPICS)
    sampled = set(topics)
    # A decision depends on the ranking and the thresholds only (`Matcher.decide`
    # reads no other state: any of these matchers decides alike), so each
    # matcher is dropped once it has ranked, before the next one trains: one
    # of them in memory at a time.
    unseen: list[Ranking] = []
    for fold in range(TOPIC_FOLDS if len(topics) >= TOPIC_FOLDS else 0):
        left_out = set(topics[fold::TOPIC_FOLDS])
        subset = [p for p in kept if p.label not in left_out and _in(p, sampled)]
        del judge
        judge = matcher(subset)
        unseen += [judge.rank(p.text) for p in positives if p.label in left_out]

    def safe(s: Settings) -> bool:
        wrong = sum(judge.decide(r, s).topic not in (None, label) for r, label in pos)
        off = sum(judge.decide(r, s).topic is not None for r in neg)
        guessed = sum(judge.decide(r, s).topic is not None for r in unseen)
        return (
            _rate(wrong, len(pos)) <= REFERENCE_WRONG
            and _rate(off, len(neg)) <= REFERENCE_OFF_TOPIC
            and _rate(guessed, len(unseen)) <= REFERENCE_UNSEEN
        )

    answer_raise = _smallest_raise(safe, lambda r: Calibration(answer_raise=r).apply(base))
    answered = Calibration(answer_raise=answer_raise).apply(base)
    choice_raise = _smallest_raise(
        lambda s: (
            _rate(sum(bool(judge.decide(r, s).choices) for r in neg), len(neg))
            <= REFERENCE_OFF_TOPIC_CHOICES
        ),
        lambda r: dataclasses.replace(answered, choice_score=answered.choice_score + r),
    )
    result = Calibration(answer_raise, choice_raise, len(pos), len(neg))
    log.info(
        "thresholds from the pack: answer +%.2f, did-you-mean +%.2f (%d held-out phrasings, "
        "%d out-of-scope questions)",
        answer_raise,
        choice_raise,
        len(pos),
        len(neg),
    )
    return result


def _rate(count: int, total: int) -> float:
    return count / total if total else 0.0


def _smallest_raise(
    holds: Callable[[Settings], bool],
    settings_for: Callable[[float], Settings],
) -> float:
    """The smallest raise (in STEPs, up to MAX_RAISE) for which `holds`."""
    steps = round(MAX_RAISE / STEP)
    for i in range(steps + 1):
        raise_ = round(i * STEP, 4)
        if holds(settings_for(raise_)):
            return raise_
    return MAX_RAISE


def _hold_out(phrases: Sequence[Phrase]) -> tuple[list[Phrase], list[Phrase], list[Phrase]]:
    """(kept, held-out topic phrasings, held-out out-of-scope questions)."""
    groups: dict[tuple[str, str], list[Phrase]] = {}
    for p in phrases:
        groups.setdefault((p.label, p.language), []).append(p)
    kept: list[Phrase] = []
    positives: list[Phrase] = []
    negatives: list[Phrase] = []
    for (label, _), group in groups.items():
        if label == OUT_OF_SCOPE:
            every, out = HOLD_OUT_OFF_TOPIC_EVERY, negatives
        elif label.startswith(INTENT_PREFIX) or len(group) < HOLD_OUT_EVERY:
            kept += group
            continue
        else:
            every, out = HOLD_OUT_EVERY, positives
        for i, p in enumerate(group):
            (out if i % every == every - 1 else kept).append(p)
    negatives += _generic_off_topic(phrases)
    # A big pack: rank an even sample, not every held-out message.
    positives = _sample(positives, MAX_HELD_OUT * 2 // 3)
    negatives = _sample(negatives, MAX_HELD_OUT // 3)
    return kept, positives, negatives


def _sample_evenly(topics: list[str], limit: int) -> list[str]:
    if len(topics) <= limit:
        return topics
    stride = len(topics) / limit
    return [topics[int(i * stride)] for i in range(limit)]


def _in(phrase: Phrase, topics: set[str]) -> bool:
    """A phrasing of one of `topics`, or of an intent (kept in every split)."""
    return phrase.label in topics or phrase.label.startswith(INTENT_PREFIX)


def _generic_off_topic(phrases: Sequence[Phrase]) -> list[Phrase]:
    """The bot's own out-of-scope questions in the pack's languages, less the
    ones the pack already lists (every third, like the pack's own)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(SKELETON_CONVERSATION.read_text("utf-8"), Loader=loader)
        generic: Mapping[str, list[str]] = data["intents"]["out_of_scope"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return []
    languages = {p.language for p in phrases}
    listed = {normalize(p.text) for p in phrases if p.label == OUT_OF_SCOPE}
    return [
        Phrase(OUT_OF_SCOPE, lang, text)
        for lang in sorted(languages)
        for text in generic.get(lang, [])[HOLD_OUT_OFF_TOPIC_EVERY - 1 :: HOLD_OUT_OFF_TOPIC_EVERY]
        if normalize(text) not in listed
    ]


def _sample(items: list[Phrase], limit: int) -> list[Phrase]:
    if len(items) <= limit:
        return items
    stride = len(items) / limit
    return [items[int(i * stride)] for i in range(limit)]


def _key(
    phrases: Sequence[Phrase],
    keywords: Mapping[str, Iterable[str]],
    signals: Mapping[str, Iterable[str]],
    asides: Sequence[str],
    base: Settings,
) -> str:
    # The references and steps are part of the procedure: a result measured
    # against other references must not be taken from the cache.
    procedure = (
        VERSION,
        REFERENCE_WRONG,
        REFERENCE_OFF_TOPIC,
        REFERENCE_UNSEEN,
        REFERENCE_OFF_TOPIC_CHOICES,
        STEP,
        MAX_RAISE,
        dataclasses.astuple(base),
    )
    digest = hashlib.sha256(repr(procedure).encode())
    for p in phrases:
        digest.update(f"{p.label}\x1f{p.language}\x1f{p.text}\x1e".encode())
    for name, words in sorted(keywords.items()):
        digest.update(f"k{name}\x1f{sorted(words)!r}\x1e".encode())
    for name, words in sorted(signals.items()):
        digest.update(f"s{name}\x1f{sorted(words)!r}\x1e".encode())
    digest.update("\x1f".join(asides).encode())
    with contextlib.suppress(OSError):  # the generic questions are part of the test
        digest.update(SKELETON_CONVERSATION.read_bytes())
    return digest.hexdigest()[:32]


def _load(path: Path) -> Calibration | None:
    data = read_json(path)
    if not isinstance(data, dict):
        return None  # missing or damaged: measure again
    try:
        found = Calibration(**{f.name: data[f.name] for f in dataclasses.fields(Calibration)})
    except (KeyError, TypeError):
        return None  # missing or damaged: measure again
    if not found.measured:
        return None  # only measurements are stored; never serve a placeholder as one
    return found


def _store(path: Path, result: Calibration) -> None:
    """A cache that cannot be written only costs the next start its measuring time."""
    write_json(path, dataclasses.asdict(result), _KEEP)
