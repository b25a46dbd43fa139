"""Rule 5: any text gets a reply, never an exception."""

from __future__ import annotations

import random
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine, Incoming
from bot.html import validate, visible_length
from tests.conftest import PACKS, pack_engine


@pytest.fixture(scope="module", params=sorted(PACKS))
def engine(request: pytest.FixtureRequest) -> Engine:
    """Pack-independent: every test here runs on the New York and Chicago packs."""
    return pack_engine(request.param)


NASTY = [
    "",
    " ",
    "\n\n\t",
    "x" * 100_000,
    "ICE " * 25_000,
    "\x00\x01\x02\x1b[31m",
    "\u200b\u200c\u200d\ufeff",
    "🙏🙏🙏😭😭",
    "🇺🇸🗽",
    "‮ICE at school‬",
    "ICE в школе 学校 مدرسة",
    "<b>not html</b> & <script>alert(1)</script>",
    "{nyc311} {0} %s %(x)s",
    "\ud800",
    "a" * 5000 + "escuela",
    "؟؟؟",
    "?????",
    "১২৩",
    "ـ",  # Arabic tatweel alone: folds to nothing
    "ـــ ً",
]


def check(engine: Engine, text: str, lang: str | None = None) -> None:
    reply = engine.reply(Incoming(text=text, chosen_language=lang))
    assert reply.text
    assert reply.language in engine.brain.pack.languages
    assert not validate(reply.text), validate(reply.text)
    assert visible_length(reply.text) <= 4096
    assert reply.kind != "error", text[:50]


def test_nasty_inputs(engine: Engine) -> None:
    for text in NASTY:
        for lang in (None, "ar", "zh"):
            check(engine, text, lang)


def test_user_text_is_never_echoed_as_html(engine: Engine) -> None:
    reply = engine.reply(Incoming(text="<b>hello</b><script>x</script>"))
    assert "<script>" not in reply.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_unicode_text(engine: Engine, text: str) -> None:
    check(engine, text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_binary_decoded_text(engine: Engine, data: bytes) -> None:
    check(engine, data.decode("utf-8", errors="replace"))


def test_flood_of_mixed_messages_in_one_process(engine: Engine) -> None:
    rng = random.Random(7)
    words = ["ICE", "escuela", "学校", "병원", "محامي", "idnyc", "help", "?", "🙏", "polícia"]
    for _ in range(500):
        check(engine, " ".join(rng.choice(words) for _ in range(rng.randint(0, 12))))


def test_buttons_and_commands_with_garbage(engine: Engine) -> None:
    for data in [
        "t:" + "x" * 200,
        "t::",
        "l:",
        "m:zz",
        "c:school:zz",
        "\x00",
        "t:ice-at-schools:xx:yy",
    ]:
        reply = engine.reply(Incoming(callback=data))
        assert reply.text and not validate(reply.text)
    for payload in ["x" * 300, "c_", "_es", "ice-at-schools_", "ice-at-schools_zz", "🙂"]:
        reply = engine.reply(Incoming(command="start", payload=payload))
        assert reply.text


def test_no_message_text_stays_in_memory_after_the_reply(engine: Engine) -> None:
    """Caches hold the pack's own strings only, never a resident's words."""
    import gc

    from bot.normalize import pack_normalize

    before = pack_normalize.cache_info().currsize
    marker = "q" + uuid.uuid4().hex  # new each run: no source file or earlier test holds it
    for i in range(50):
        engine.reply(Incoming(text=f"{marker}{i} can ice come to my kids school"))
        # Long and two-question messages are read sentence by sentence too.
        engine.reply(
            Incoming(
                text=f"We came two years ago and {marker}{i} works nights. Can my landlord "
                f"evict us? By the way {marker}{i}, where are free English classes?"
            )
        )
    assert pack_normalize.cache_info().currsize == before
    gc.collect()
    holders = [
        type(o).__name__
        for o in gc.get_objects()
        if isinstance(o, dict | list | tuple | set)
        and any(
            isinstance(v, str) and marker in v for v in (o.values() if isinstance(o, dict) else o)
        )
    ]
    assert holders == [], holders[:5]
