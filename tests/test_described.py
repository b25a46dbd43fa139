"""Messages that describe a need without naming it, or name it with a slip,
declined though every view reads them one way (issue #9, round five): each
cause fixed in general and tested on messages of our own, each beside a near
neighbour that must still not be answered."""

from __future__ import annotations

from tests.conftest import Say


def test_a_clear_reading_with_a_slipped_word_is_answered(nyc_say: Say) -> None:
    """"ডাইভিং" for "ড্রাইভিং" and "সোসাল নাম্বার" leave too little of the
    message covered by the topic's phrasings, yet every view reads it as the
    driving licence, far ahead of the rest: it is answered."""
    reply = nyc_say("সোসাল নাম্বার ছাড়া ডাইভিং লাইসেন্স করা যায় নাকি")
    assert reply.topic == "drivers-license", (reply.topic, reply.choices)


def test_a_clear_reading_of_another_question_is_not_answered(nyc_say: Say) -> None:
    """Where to have the licence photo taken reads as the driving licence just
    as clearly, but most of its words are another question's: not answered."""
    reply = nyc_say("ডাইভিং লাইসেন্স এর ছবি তোলার স্টুডিও কোথায়")
    assert reply.topic is None, reply.topic
