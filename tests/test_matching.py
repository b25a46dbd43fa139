"""The matcher on a small, hand-made bank: typos, scripts, declines, intents."""

from __future__ import annotations

import numpy as np
import pytest

from bot.matching import Candidate, Matcher, Phrase, Ranking, cache, linear

BANK = {
    "schools": [
        "can ice come to my kids school",
        "immigration agents at school",
        "la migra puede entrar a la escuela",
        "移民局可以进学校吗",
    ],
    "hospital": [
        "is it safe to go to the hospital",
        "can ice arrest me at the emergency room",
        "puedo ir al hospital sin papeles",
        "병원에 가도 안전한가요",
    ],
    "lawyer": [
        "where can i find a free immigration lawyer",
        "free legal help for immigrants",
        "necesito un abogado gratis",
        "محامي هجرة مجاني",
    ],
    "_greeting": ["hi", "hello", "hola", "good morning", "你好"],
    "_out_of_scope": ["what is the weather tomorrow", "tell me a joke", "best pizza in brooklyn"],
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    phrases = [Phrase(label, "xx", text) for label, texts in BANK.items() for text in texts]
    return Matcher(
        phrases,
        keywords={"lawyer": ["abogado", "lawyer"]},
        signals={"status_disclosure": ["no papers", "sin papeles"], "urgent_now": ["right now"]},
        asides=["no papers", "sin papeles"],
    )


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("can ICE come to my kid's school?", "schools"),
        ("can ise come to my kids skool", "schools"),  # typos
        ("LA MIGRA puede entrar a la ESCUELA", "schools"),
        ("la migra puede entrar a la escuéla", "schools"),  # stray accent
        ("移民局 可以进 学校吗", "schools"),  # spacing in Chinese
        ("병원에 가도 안전 한가요", "hospital"),  # Korean spacing
        ("i have no papers, is it safe to go to the hospital", "hospital"),
        ("necesito abogado gratis por favor", "lawyer"),
    ],
)
def test_answers(matcher: Matcher, text: str, topic: str) -> None:
    m = matcher.match(text)
    assert m.topic == topic, (text, m)
    assert 0 < m.confidence <= 100
    assert m.candidates[0].label == topic


def test_greeting_is_an_intent_not_a_topic(matcher: Matcher) -> None:
    for text in ("hi", "hello!!", "holaaa", "你好"):
        m = matcher.match(text)
        assert m.topic is None and m.intent == "greeting", text


def test_out_of_scope_declines(matcher: Matcher) -> None:
    m = matcher.match("tell me a joke please")
    assert m.topic is None and not m.choices


def test_nonsense_declines(matcher: Matcher) -> None:
    for text in ("qwxzv plmk", "🙏🙏", "", "   ", "12345"):
        m = matcher.match(text)
        assert m.topic is None and not m.choices, text


def test_close_call_offers_choices(matcher: Matcher) -> None:
    m = matcher.match("ice school hospital")
    assert m.topic is None
    assert set(m.choices) >= {"schools", "hospital"}


def test_signals_are_reported(matcher: Matcher) -> None:
    assert "status_disclosure" in matcher.match("sin papeles, necesito abogado").signals
    assert "urgent_now" in matcher.match("ice at school right now").signals
    assert not matcher.match("ice at school").signals


def test_runner_ups_are_ordered(matcher: Matcher) -> None:
    m = matcher.match("is it safe to go to the hospital")
    scores = [c.score for c in m.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(m.candidates) > 1


def test_phrase_language_is_reported() -> None:
    matcher = Matcher([Phrase("t", "es", "necesito un abogado"), Phrase("u", "en", "weather")])
    assert matcher.match("necesito un abogado").phrase_language == "es"


def test_empty_bank_declines() -> None:
    assert Matcher([]).match("anything").topic is None


# -- the linear view and its cache ---------------------------------------------
SHARED_WORDS = {
    "id-privacy": [
        "will the city give my idnyc data to ice",
        "is my idnyc information private",
        "does idnyc keep copies of my documents",
        "can immigration see my idnyc records",
    ],
    "city-data": [
        "will the city give my data to ice",
        "does the city share my information with immigration",
        "is my data safe with the city",
        "can immigration see my city records",
    ],
}


def _bank(bank: dict[str, list[str]]) -> list[Phrase]:
    return [Phrase(label, "en", text) for label, texts in bank.items() for text in texts]


def test_linear_view_fits_its_phrasings(matcher: Matcher) -> None:
    for phrase in matcher.phrases:
        scores = matcher.linear.scores(matcher.word_features.query(phrase.text))
        assert matcher.labels[int(scores.argmax())] == phrase.label, phrase


def test_linear_view_weighs_the_word_that_tells_topics_apart() -> None:
    m = Matcher(_bank(SHARED_WORDS))
    query = m.word_features.query("will the city give my data to ice if i get an idnyc")
    scores = dict(zip(m.labels, m.linear.scores(query), strict=True))
    assert scores["id-privacy"] > scores["city-data"]
    best = m.match("will the city give my data to ice if i get an idnyc").candidates[0]
    assert best.label == "id-privacy"


def test_trained_weights_are_cached_and_reused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = Matcher(_bank(SHARED_WORDS), cache_dir=tmp_path)
    cached = list(tmp_path.glob("linear-*.npz"))
    assert len(cached) == 1

    def no_training(*args: object) -> None:
        raise AssertionError("trained again although the content did not change")

    monkeypatch.setattr(linear, "_train_svm", no_training)
    second = Matcher(_bank(SHARED_WORDS), cache_dir=tmp_path)
    assert (second.linear.weights.dense() == first.linear.weights.dense()).all()
    assert (second.linear.intercept == first.linear.intercept).all()

    monkeypatch.undo()
    edited = {**SHARED_WORDS, "city-data": [*SHARED_WORDS["city-data"], "city database ice"]}
    Matcher(_bank(edited), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("linear-*.npz"))) == 2  # an edit trains afresh


def test_damaged_or_unwritable_cache_only_costs_training(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    good = Matcher(_bank(SHARED_WORDS))
    Matcher(_bank(SHARED_WORDS), cache_dir=tmp_path)
    (cached,) = tmp_path.glob("linear-*.npz")
    cached.write_bytes(b"not a zip file")
    again = Matcher(_bank(SHARED_WORDS), cache_dir=tmp_path)
    assert (again.linear.weights.dense() == good.linear.weights.dense()).all()
    assert cached.read_bytes() != b"not a zip file"  # written anew

    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    with caplog.at_level("WARNING"):
        m = Matcher(_bank(SHARED_WORDS), cache_dir=blocked / "cache")
    assert (m.linear.weights.dense() == good.linear.weights.dense()).all()
    assert "cache not written" in caplog.text


def test_cache_keeps_only_recent_packs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for i in range(cache.CACHE_KEEP + 3):
        bank = {**SHARED_WORDS, "extra": [f"phrasing number {i}", "another phrasing"]}
        Matcher(_bank(bank), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("linear-*.npz"))) == cache.CACHE_KEEP


def test_pruned_weights_stay_within_the_bound_of_the_full_ones(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bank = {**SHARED_WORDS, **{f"extra-{i}": [f"phrasing {i} about thing {i}"] for i in range(70)}}
    pruned, bound = Matcher(_bank(bank)).linear, linear._PRUNE
    monkeypatch.setattr(linear, "_PRUNE", 0.0)
    full = Matcher(_bank(bank)).linear
    assert pruned.weights.n_labels > linear._BLOCK  # more than one block of labels
    gap = np.abs(pruned.weights.dense() - full.weights.dense())
    assert 0 < gap.max() <= bound
    assert len(pruned.weights.vals) < len(full.weights.vals)  # and it is smaller
    assert (pruned.intercept == full.intercept).all()


def test_sparse_centroids_score_as_the_dense_matrix_would() -> None:
    m = Matcher(_bank(SHARED_WORDS))
    features = m.word_features
    dense = np.zeros((len(features.vocab), len(m.labels)))
    np.add.at(dense, (features.ids, m.phrase_label[features.docs]), features.unit)
    dense /= np.linalg.norm(dense, axis=0)
    for text in ("will the city give my data to ice", "idnyc card", "nothing known here"):
        query = features.query(text)
        expected = np.zeros(len(m.labels)) if query is None else query[1] @ dense[query[0]]
        assert np.allclose(m.words.scores(query), expected, atol=1e-6)


def test_a_big_pack_trains_each_block_on_a_share_and_still_fits(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Blocks of a big pack see their own phrasings and a share of the
    others; the weights still tell the pack's topics apart."""
    extra = {f"extra-{i:03}": [f"phrasing {i} about thing {i}"] for i in range(200)}
    rows: list[int] = []
    train = linear._train_block

    def counted(steps, labels, n, *args, **kwargs):  # type: ignore[no-untyped-def]
        rows.append(n)
        return train(steps, labels, n, *args, **kwargs)

    monkeypatch.setattr(linear, "_train_block", counted)
    m = Matcher(_bank({**SHARED_WORDS, **extra}))
    everything = len(m.phrases)
    assert len(rows) == -(-len(m.labels) // linear._BLOCK) and min(rows) < everything / 2
    for phrase in m.phrases:
        if phrase.label in SHARED_WORDS:
            scores = m.linear.scores(m.word_features.query(phrase.text))
            assert m.labels[int(scores.argmax())] == phrase.label, phrase
    best = m.match("will the city give my data to ice if i get an idnyc").candidates[0]
    assert best.label == "id-privacy"


def test_a_topic_close_to_its_out_of_scope_reading_is_not_answered(matcher: Matcher) -> None:
    """ "Visiting hours at the hospital" scores high for the hospital topic and
    almost as high for out of scope: the question may not be ours at all, so
    it is offered, not answered; the same topic well clear of it is answered."""

    def ranking(out_of_scope: float) -> Ranking:
        candidates = (
            Candidate("hospital", 0.80),
            Candidate("_out_of_scope", out_of_scope),
            Candidate("schools", 0.40),
        )
        return Ranking(candidates, True, "xx", frozenset())  # coverage 1.0

    close = matcher.decide(ranking(0.72))
    assert close.topic is None and close.intent is None
    assert "hospital" in close.choices
    assert matcher.decide(ranking(0.60)).topic == "hospital"


def test_training_steps_are_cut_as_they_are_trained_and_alike_every_time() -> None:
    """A big block's steps are never all in memory at once (they are cut
    lazily), and every block trained on all rows gets the same steps."""
    m = Matcher(_bank(SHARED_WORDS))
    f = m.word_features
    n = len(m.texts)
    order = np.argsort(f.docs, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(f.docs, minlength=n), out=indptr[1:])
    cut = linear._cut_steps(np.arange(n), indptr, f.ids[order], f.unit[order])
    assert not isinstance(cut, list | tuple)
    first = next(iter(cut))
    again = next(iter(linear._cut_steps(np.arange(n), indptr, f.ids[order], f.unit[order])))
    assert np.array_equal(first.rows, again.rows) and np.array_equal(first.words, again.words)


def test_a_whole_message_read_clearly_needs_less_of_it_covered(matcher: Matcher) -> None:
    """A whole message every view gives to one topic, twice the usual margins
    clear of the next topic and of out of scope, is answered with less of its
    words covered when the rest are words no phrasing uses (slips and
    dialect), not words the pack knows from other topics, and the message is
    not short; a close call, a reading near out of
    scope, views that disagree, or one sentence of a story are not."""
    s = matcher.settings

    def ranking(
        coverage: float, second: float = 0.55, outside: float = 0.20, agree: bool = True
    ) -> Ranking:
        candidates = (
            Candidate("hospital", 0.80),
            Candidate("schools", second),
            Candidate("_out_of_scope", outside),
        )
        return Ranking(
            candidates,
            agree,
            "xx",
            frozenset(),
            lambda: coverage,
            measure_unknown_covered=lambda: unknown_covered,
            words=words,
        )

    low = 0.8 * s.min_coverage  # above the clear floor, below the usual one
    unknown_covered = s.min_coverage  # the rest: words no phrasing uses (slips)
    words = 8
    assert matcher.decide(ranking(low), whole=True).topic == "hospital"
    assert matcher.decide(ranking(low)).topic is None  # a sentence of a story
    assert matcher.decide(ranking(0.5 * s.min_coverage), whole=True).topic is None
    assert matcher.decide(ranking(low, second=0.72), whole=True).topic is None  # close call
    assert matcher.decide(ranking(low, outside=0.60), whole=True).topic is None  # near out of scope
    assert matcher.decide(ranking(low, agree=False), whole=True).topic is None
    words = 4  # one unknown word weighs most of a short message
    assert matcher.decide(ranking(low), whole=True).topic is None
    words = 8
    unknown_covered = low  # the rest: words the pack knows from other topics
    assert matcher.decide(ranking(low), whole=True).topic is None
