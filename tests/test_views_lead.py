"""Choices that should have been answers: a message with typos or names the
pack does not know (an airport, a town) covers little of its best topic's
words, and the coverage gate offered choices though every view put that
topic first and the linear view far ahead. Messages of our own, written for
these tests (none is a held-out line)."""

from __future__ import annotations

import pytest

from bot.matching import Candidate, Matcher, Ranking
from tests.conftest import Say, pack_engine

LED = [
    # Spelling slips and place names: little of the message is the topic's words.
    ("айс забрал шурина в аэропорту Ньюарк, как его найти", "ru"),
    ("ICE zgarnelo tesciowa na JFK jak sie dowiedziec w ktorym detenszyn ona jest", "pl"),
]


@pytest.mark.parametrize(("text", "lang"), LED)
def test_a_topic_every_view_puts_far_ahead_is_answered_past_unknown_words(
    nyc_say: Say, text: str, lang: str
) -> None:
    reply = nyc_say(text)
    assert reply.topic == "family-member-detained", (reply.topic, reply.choices)
    assert reply.language == lang


@pytest.mark.parametrize(
    "text",
    [
        # Two topics next door to each other, the views divided: still choices.
        "my cuzin got pikd up by polis, will they hand him to ICE",
        "ICE a pris mon beauf au boulot à Elizabeth, où le chercher",
    ],
)
def test_neighbours_the_views_do_not_tell_apart_still_get_choices(nyc_say: Say, text: str) -> None:
    reply = nyc_say(text)
    assert reply.topic is None and len(reply.choices) >= 2, (reply.topic, reply.choices)


@pytest.mark.parametrize(
    "text",
    [
        # Next door, with slips: the lower bar must not give them a topic.
        "how do i renew my pasport at the consulat of ecuador",
        "wat time duz the bronx zoo open on sundays",
        "jak przedluzyc paszport w konsulacie na manhatanie",
        "كيف اجدد جوازي بالقنصليه اليمنيه بنيويورك",
        "как продлить загранпаспорт в консульстве на манхэттене",
        "visiting ours at elmhurst hospitl for my grandma",
    ],
)
def test_questions_next_door_with_slips_get_no_topic(nyc_say: Say, text: str) -> None:
    reply = nyc_say(text)
    assert reply.topic is None, (text, reply.topic)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return pack_engine("nyc").brain.matcher


def _ranking(lead: float, coverage: float, agree: bool = True) -> Ranking:
    candidates = (Candidate("hospital", 0.80), Candidate("schools", 0.70))
    return Ranking(candidates, agree, "xx", frozenset(), lambda: coverage, lead=lead)


def test_the_lower_coverage_bar_needs_the_linear_views_lead(matcher: Matcher) -> None:
    s = matcher.settings
    covered = (s.led_coverage + s.min_coverage) / 2  # between the two bars
    assert matcher.decide(_ranking(s.views_lead, covered)).topic == "hospital"
    short = matcher.decide(_ranking(s.views_lead - 0.05, covered))
    assert short.topic is None and short.choices[:2] == ("hospital", "schools")
    # The character and word views must both pick the best, too.
    split = matcher.decide(_ranking(1.0, covered, agree=False))
    assert split.topic is None and split.choices
    # Below the lower bar, no lead is enough.
    bare = matcher.decide(_ranking(1.0, s.led_coverage - 0.05))
    assert bare.topic is None and bare.choices


def test_a_romanised_message_read_by_its_keyed_phrasings_has_no_lead(matcher: Matcher) -> None:
    """Its linear view reads only the few Latin words the pack knows."""
    ranking = matcher.rank("gde mne sdelat kartu IDNYC")
    assert ranking.romanised == "ru" and ranking.lead == 0.0
