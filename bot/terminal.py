"""The terminal shells over the engine: `chat` (interactive or piped) and `ask`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from .callbacks import PLACEHOLDER_USERNAME, deep_link
from .engine import COMMANDS, Engine, Incoming
from .html import visible_text
from .replies import Button, Reply
from .stats import Recorder


def plain(reply: Reply) -> str:
    return visible_text(reply.text).strip()


def share_link(payload: str, bot_username: str | None) -> str:
    """The full t.me link, as the README says; the placeholder username when
    none is set, so the link's shape is right and what to replace is plain."""
    return deep_link((bot_username or "").lstrip("@") or PLACEHOLDER_USERNAME, payload)


def parse_line(line: str, language: str | None, buttons: list[Button]) -> Incoming | Button:
    """A typed line: a button number, a /command, or a message."""
    stripped = line.strip()
    if stripped.isdigit() and buttons and 1 <= int(stripped) <= len(buttons):
        return buttons[int(stripped) - 1]
    if stripped.startswith("/"):
        name, _, payload = stripped[1:].partition(" ")
        if name in COMMANDS:
            return Incoming(command=name, payload=payload.strip() or None, chosen_language=language)
    return Incoming(text=line, chosen_language=language)


def render(reply: Reply, out: TextIO, bot_username: str | None = None) -> list[Button]:
    out.write(plain(reply) + "\n")
    flat = [b for row in reply.buttons for b in row]
    for i, button in enumerate(flat, 1):
        out.write(f"  [{i}] {button.label}\n")
    out.write("\n")
    out.flush()
    return flat


def chat(
    engine: Engine,
    language: str | None,
    stdin: TextIO,
    out: TextIO,
    bot_username: str | None = None,
    stats: Recorder | None = None,
) -> int:
    """`stats`: count the replies (only with `--stats`, so that editors trying
    the bot do not add to the residents' numbers)."""
    interactive = stdin.isatty()
    chosen = language
    buttons = render(engine.reply(Incoming(command="start", chosen_language=chosen)), out)
    if interactive:
        out.write(
            "Type a question, a button number, /menu, /language, /help, or Ctrl-D to quit.\n\n"
        )
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        if not interactive:
            out.write(f"> {line.rstrip()}\n")
        item = parse_line(line, chosen, buttons)
        if isinstance(item, Button):
            if item.share:
                out.write(share_link(item.share, bot_username) + "\n\n")
                continue
            item = Incoming(callback=item.data, chosen_language=chosen)
        reply = engine.reply(item)
        if stats is not None:
            stats.record(item, reply)
        if reply.set_language:
            chosen = reply.set_language
        buttons = render(reply, out, bot_username)


def ask(
    engine: Engine,
    texts: Iterable[str],
    language: str | None,
    as_json: bool,
    out: TextIO,
    stats: Recorder | None = None,
) -> int:
    for text in texts:
        incoming = Incoming(text=text, chosen_language=language)
        reply = engine.reply(incoming)
        if stats is not None:
            stats.record(incoming, reply)
        if as_json:
            out.write(
                json.dumps(
                    {
                        "text": text,
                        "topic": reply.topic,
                        "choices": list(reply.choices),
                        "language": reply.language,
                        "confidence": reply.confidence,
                        "kind": reply.kind,
                        "reply": plain(reply),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        else:
            render(reply, out)
    out.flush()
    return 0


def stdin_lines(stream: TextIO = sys.stdin) -> Iterable[str]:
    # Every line gets an answer, blank ones too, so outputs line up with inputs.
    for line in stream:
        yield line.rstrip("\r\n")
