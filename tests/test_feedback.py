"""Feedback under every topic answer: buttons, reasons, thanks, a changed vote."""

from __future__ import annotations

import io

import pytest

from bot.callbacks import CHOICES, HELPFUL, MAX_CALLBACK_BYTES, REASONS, Action, decode, encode
from bot.engine import Engine, Incoming
from bot.replies import Button, Reply
from bot.stats.outcomes import outcomes, vote_outcome
from bot.terminal import chat
from tests.conftest import Say


def feedback(reply: Reply) -> dict[str, Button]:
    found = {}
    for row in reply.buttons:
        for b in row:
            action = decode(b.data or "")
            if action and action.kind == "vote":
                found[action.choice or ""] = b
            elif action and action.kind == "reasons":
                found["reasons"] = b
    return found


def press(engine: Engine, button: Button) -> Reply:
    assert button.data is not None
    return engine.reply(Incoming(callback=button.data))


def test_every_topic_answer_in_every_language_has_feedback_under_its_own_buttons(
    engine: Engine,
) -> None:
    pack = engine.brain.pack
    for lang in pack.languages:
        for topic in pack.topics.values():
            reply = engine.reply(Incoming(callback=encode(Action("topic", topic.id, lang))))
            rows = reply.buttons
            found = feedback(reply)
            assert set(found) == {HELPFUL, "reasons"}, (topic.id, lang)
            row = next(i for i, r in enumerate(rows) if found[HELPFUL] in r)
            assert len(rows[row]) == 2  # one short row
            # Related topics and Share stay, above it; the menu row stays last.
            assert any(b.share for r in rows[:row] for b in r)
            related = [r for r in topic.related if r in pack.topics]
            topic_rows = [b for r in rows[:row] for b in r if (b.data or "").startswith("t:")]
            assert len(topic_rows) >= len(related)
            assert rows[-1][0].data == f"m:{lang}"


def test_the_privacy_notice_has_no_feedback(say: Say) -> None:
    assert not feedback(say(command="privacy"))


def test_callback_data_fits_for_the_longest_topic_id() -> None:
    longest = "a" * 41  # the pack's topic id pattern allows 41 characters
    for choice in CHOICES:
        for previous in (None, *CHOICES):
            for kind in ("vote", "reasons"):
                action = Action(kind, longest, "ht", choice=choice, previous=previous)
                if kind == "reasons":
                    action = Action(kind, longest, "ht", previous=previous)
                data = encode(action)
                assert len(data.encode()) <= MAX_CALLBACK_BYTES
                assert decode(data) == action


@pytest.mark.parametrize(
    "forged",
    [
        "v:ice-at-schools:en:z",
        "v:ice-at-schools:en:h:z",
        "v:no-such-topic:en:h",
        "v:privacy:en:h",
        "v:ice-at-schools:xx:h",
        "v:ice-at-schools:en",
        "r:ice-at-schools",
        "v:ice-at-schools:en:h:h:h",
    ],
)
def test_forged_feedback_gets_the_menu_and_counts_nothing(engine: Engine, forged: str) -> None:
    incoming = Incoming(callback=forged)
    reply = engine.reply(incoming)
    assert reply.kind == "stale_button"
    assert outcomes(incoming, reply) == []


def test_reasons_then_thanks_with_the_related_topics_in_every_language(engine: Engine) -> None:
    pack = engine.brain.pack
    english = None
    for lang in pack.languages:
        answer = engine.reply(Incoming(callback=f"t:ice-at-schools:{lang}"))
        reasons = press(engine, feedback(answer)["reasons"])
        assert reasons.kind == "feedback_reasons"
        labels = [b.label for r in reasons.buttons for b in r]
        assert len(labels) == len(REASONS)
        assert reasons.feedback_rows == reasons.buttons
        assert max(len(r) for r in reasons.buttons) <= 2  # readable on a phone
        if lang == "en":
            english = labels
        else:
            assert labels != english, lang  # translated
        thanks = press(engine, feedback(reasons)["out_of_date"])
        assert thanks.kind == "feedback" and thanks.language == lang
        assert (thanks.vote, thanks.unvote) == ("out_of_date", None)
        related = [engine.brain.pack.topics[r].title(lang) for r in answer_related(engine)]
        assert [b.label for r in thanks.buttons for b in r][: len(related)] == related


def answer_related(engine: Engine) -> list[str]:
    pack = engine.brain.pack
    return [r for r in pack.topics["ice-at-schools"].related if r in pack.topics]


def test_a_second_tap_changes_the_vote_instead_of_adding_one(engine: Engine) -> None:
    answer = engine.reply(Incoming(text="can ice come to my kids school"))
    first = Incoming(callback=feedback(answer)[HELPFUL].data)
    helpful = engine.reply(first)
    assert outcomes(first, helpful) == [("ice-at-schools", "en", "helpful", 1)]
    # The edited answer's row carries the vote: helpful is marked, both buttons carry it.
    row = helpful.feedback_rows
    assert row is not None and len(row) == 1
    edited = Reply("", "en", row)
    assert edited.buttons[0][0].label.startswith("✓ ")
    again = Incoming(callback=feedback(edited)[HELPFUL].data)
    assert outcomes(again, engine.reply(again)) == []  # the same vote twice counts once
    reasons = press(engine, feedback(edited)["reasons"])
    change = Incoming(callback=feedback(reasons)["wrong_topic"].data)
    changed = engine.reply(change)
    assert sorted(outcomes(change, changed)) == sorted(
        [
            ("ice-at-schools", "en", vote_outcome("wrong_topic"), 1),
            ("ice-at-schools", "en", "helpful", -1),
        ]
    )
    row = changed.feedback_rows
    assert row is not None and row[0][1].label.startswith("✓ ")
    back = Incoming(callback=row[0][0].data)
    assert sorted(outcomes(back, engine.reply(back))) == sorted(
        [
            ("ice-at-schools", "en", "helpful", 1),
            ("ice-at-schools", "en", vote_outcome("wrong_topic"), -1),
        ]
    )


def test_terminal_chat_feedback_by_number(engine: Engine) -> None:
    out = io.StringIO()
    session = ["can ice come to my kids school"]
    answer = engine.reply(Incoming(text=session[0]))
    flat = [b for row in answer.buttons for b in row]
    session.append(str(flat.index(feedback(answer)["reasons"]) + 1))
    session.append("2")  # hard to understand
    chat(engine, None, io.StringIO("\n".join(session) + "\n"), out)
    text = out.getvalue()
    assert "Choose what was wrong with this answer." in text
    assert "Hard to understand" in text
    assert "Thank you. Only the vote is counted" in text
