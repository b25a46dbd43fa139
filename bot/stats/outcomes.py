"""What a reply counts as: one (topic, language, outcome) and +1, or for a
changed vote, the new vote +1 and the old one -1. Derived from the Reply only."""

from __future__ import annotations

from ..callbacks import CHOICES, HELPFUL
from ..engine import Incoming
from ..replies import Reply

NO_TOPIC = "-"  # declines, "did you mean", unsupported languages: no topic was shown

ANSWERED = "answered"  # a typed message answered with a topic
OPENED = "opened"  # an answer opened from a button, a command or a deep link
URGENT = "urgent"  # a typed message answered with an urgent topic (agents here now)
DID_YOU_MEAN = "did_you_mean"
DECLINED = "declined"
UNSUPPORTED = "unsupported_language"
NOT_HELPFUL = "not_helpful_"  # + the reason


def vote_outcome(choice: str) -> str:
    return "helpful" if choice == HELPFUL else NOT_HELPFUL + choice


VOTES = tuple(vote_outcome(c) for c in CHOICES)
OUTCOMES = (ANSWERED, OPENED, URGENT, DID_YOU_MEAN, DECLINED, UNSUPPORTED, *VOTES)
SHOWN = (ANSWERED, OPENED, URGENT)  # the answer was on the resident's screen

Count = tuple[str, str, str, int]  # topic, language, outcome, +1 or -1


def outcomes(incoming: Incoming, reply: Reply) -> list[Count]:
    lang = reply.language
    if reply.kind == "feedback" and reply.topic and reply.vote in CHOICES:
        if reply.vote == reply.unvote:
            return []  # the same vote again: nothing changes
        counts = [(reply.topic, lang, vote_outcome(reply.vote), 1)]
        if reply.unvote in CHOICES:
            counts.append((reply.topic, lang, vote_outcome(reply.unvote), -1))
        return counts
    if reply.kind == "answer" and reply.topic:
        typed = incoming.text is not None
        outcome = OPENED if not typed else URGENT if reply.urgent else ANSWERED
        return [(reply.topic, lang, outcome, 1)]
    simple = {"choices": DID_YOU_MEAN, "decline": DECLINED, "unsupported_language": UNSUPPORTED}
    if reply.kind in simple:
        return [(NO_TOPIC, lang, simple[reply.kind], 1)]
    return []
