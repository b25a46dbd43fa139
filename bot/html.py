"""Telegram's HTML subset: validation, visible length and safe splitting.

Telegram rejects a whole message when one tag or entity is wrong, so content is
checked here with the same rules before a resident ever sees it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Tag -> allowed attributes (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
MAX_MESSAGE = 4096
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_NAMED_OK = {"lt", "gt", "amp", "quot"}


def escape(text: str) -> str:
    """Escape a string inserted into HTML (names, user text, labels)."""
    return html.escape(text, quote=False)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.errors: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> is not supported by Telegram")
            return
        for name, value in attrs:
            if name not in ALLOWED_TAGS[tag]:
                self.errors.append(f"attribute {name!r} is not allowed on <{tag}>")
            if tag == "a" and name == "href" and not (value or "").strip():
                self.errors.append("<a> has an empty href")
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.errors.append('<span> needs class="tg-spoiler"')
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/> is not supported by Telegram")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag </{tag}> is not supported by Telegram")
            return
        if not self.stack or self.stack[-1] != tag:
            expected = f"</{self.stack[-1]}>" if self.stack else "no closing tag"
            self.errors.append(f"</{tag}> closes nothing open here (expected {expected})")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.errors.append("a bare '<' must be written &lt;")

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_OK:
            self.errors.append(f"entity &{name}; is not supported (use &lt; &gt; &amp; &quot;)")

    def handle_comment(self, data: str) -> None:
        self.errors.append("HTML comments are not supported by Telegram")


def validate(text: str) -> list[str]:
    """Every reason Telegram would reject this HTML; empty when it is fine."""
    errors: list[str] = []
    for m in re.finditer(r"&", text):
        if not _ENTITY.match(text, m.start()):
            errors.append("a bare '&' must be written &amp;")
            break
    checker = _Checker()
    checker.feed(text)
    checker.close()
    errors.extend(checker.errors)
    if checker.stack:
        errors.append(f"<{checker.stack[-1]}> is never closed")
    return list(dict.fromkeys(errors))


def visible_text(text: str) -> str:
    """What the resident sees: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def visible_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units of the visible text)."""
    return len(visible_text(text).encode("utf-16-le")) // 2


def split(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML at paragraph boundaries so each part is within the limit.

    Paragraphs are never cut inside a tag. A single paragraph longer than the
    limit (which the content checker forbids) is cut at line breaks, then at
    words, with its open tags closed and reopened.
    """
    if visible_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for para in _pieces(text, limit):
        candidate = f"{current}\n\n{para}" if current else para
        if visible_length(candidate) <= limit:
            current = candidate
        else:
            if current:
                parts.append(current)
            current = para
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for para in text.split("\n\n"):
        if visible_length(para) <= limit:
            out.append(para)
            continue
        out.extend(_hard_split(para, limit))
    return out


_TOKEN = re.compile(r"(<[^>]+>)")


def _hard_split(para: str, limit: int) -> list[str]:
    chunks: list[str] = []
    open_tags: list[str] = []
    current = ""
    length = 0
    for token in _TOKEN.split(para):
        if not token:
            continue
        if token.startswith("<"):
            current += token
            if token.startswith("</"):
                if open_tags:
                    open_tags.pop()
            elif not token.endswith("/>"):
                open_tags.append(token)
            continue
        for word in re.split(r"(\s+)", token):
            wlen = visible_length(word)
            if length + wlen > limit - 1 and length:
                closing = "".join(f"</{t.strip('<>').split()[0]}>" for t in reversed(open_tags))
                chunks.append(current + closing)
                current = "".join(open_tags)
                length = 0
                if word.isspace():
                    continue
            while wlen > limit - 1:  # one enormous "word": cut it
                take = html.unescape(word)[: limit - 1]
                chunks.append(current + escape(take))
                word = escape(html.unescape(word)[limit - 1 :])
                wlen = visible_length(word)
                current = "".join(open_tags)
            current += word
            length += wlen
    if current.strip():
        chunks.append(current)
    return chunks
