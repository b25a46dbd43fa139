"""Describing a failure for the log without what it might quote.

An exception's message can quote its input (a KeyError on a word, a
ValueError on a line of a resident's message), so logs get the exception's
type and where it was raised, never its message.
"""

from __future__ import annotations

import traceback


def describe(error: BaseException | None) -> str:
    """The exception's type and stack, without its message."""
    if error is None:
        return "unknown error"
    stack = "".join(traceback.format_tb(error.__traceback__)).rstrip()
    return f"{type(error).__name__}\n{stack}" if stack else type(error).__name__
