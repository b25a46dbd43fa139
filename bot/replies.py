"""What the bot says: reply objects and how answers and menus are written.

A Reply is plain data (Telegram HTML text, rows of buttons, the language),
so every shell (Telegram, terminal, `ask`) shows the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import ui
from .callbacks import HELPFUL, REASONS, Action, encode
from .html import escape
from .i18n import Catalogs
from .languages import display_name
from .pack.answers import answer_body, contact_html, expand
from .pack.model import Pack, Topic


@dataclass(frozen=True)
class Button:
    label: str
    data: str | None = None  # callback data (<= 64 bytes)
    share: str | None = None  # a deep-link payload the shell turns into a shareable link


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML
    language: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: str = "text"  # answer, choices, decline, menu, welcome, ...
    topic: str | None = None
    choices: tuple[str, ...] = ()
    confidence: int = 0
    set_language: str | None = None  # the resident just chose this language
    notes: tuple[str, ...] = field(default=())
    urgent: bool = False  # the answer for when agents are here now
    # Feedback: the vote this tap gives and the one it replaces (counted -1),
    # and the rows that replace the feedback row of the answer tapped on.
    vote: str | None = None
    unvote: str | None = None
    feedback_rows: tuple[tuple[Button, ...], ...] | None = None


# The label of each "not helpful" reason.
REASON_LABELS = {
    "wrong_topic": ui.REASON_WRONG_TOPIC,
    "hard_to_understand": ui.REASON_HARD_TO_UNDERSTAND,
    "out_of_date": ui.REASON_OUT_OF_DATE,
    "not_my_language": ui.REASON_NOT_MY_LANGUAGE,
    "unanswered": ui.REASON_UNANSWERED,
}
VOTED = "✓ "  # marks the vote already given on an answer


class Writer:
    """Writes replies for one pack and one set of catalogs."""

    def __init__(self, pack: Pack, catalogs: Catalogs, share: bool = True):
        self.pack = pack
        self.catalogs = catalogs
        self.share = share
        # An answer's text and buttons depend only on the topic, the
        # languages, the notes and the second topic offered: written once per
        # content load (a new Writer comes with each load). Keys hold ids and
        # UI strings, never a resident's words.
        self._answers: dict[_AnswerKey, _Answer] = {}

    def t(self, language: str, msgid: str, /, **values: object) -> str:
        return self.catalogs.text(language, msgid, **values)

    # -- buttons ---------------------------------------------------------
    def topic_button(self, topic: Topic, language: str, prefix: str = "") -> Button:
        return Button(prefix + topic.title(language), encode(Action("topic", topic.id, language)))

    def nav_row(self, language: str) -> tuple[Button, ...]:
        return (
            Button(self.t(language, ui.MENU_BUTTON), encode(Action("menu", None, language))),
            Button(
                self.t(language, ui.LANGUAGE_BUTTON), encode(Action("languages", None, language))
            ),
        )

    def menu_buttons(self, language: str) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = [
            (self.topic_button(t, language, "🚨 "),) for t in self.pack.urgent_topics
        ]
        cats = [
            Button(
                self.pack.category_title(c, language),
                encode(Action("category", c.id, language)),
            )
            for c in self.pack.menu
        ]
        rows.extend(tuple(cats[i : i + 2]) for i in range(0, len(cats), 2))
        rows.append(
            (
                Button(
                    self.t(language, ui.LANGUAGE_BUTTON),
                    encode(Action("languages", None, language)),
                ),
            )
        )
        return tuple(rows)

    # -- replies ---------------------------------------------------------
    def menu(
        self, language: str, lead: str | None = None, kind: str = "menu", **extra: object
    ) -> Reply:
        parts = [escape(lead)] if lead else []
        if kind in _NAMES_FREE_HELP:
            parts.append(self.free_help_line(language))
        if kind not in _INVITES_ALREADY:
            parts.append(escape(self.t(language, ui.CHOOSE_TOPIC)))
        text = "\n\n".join(p for p in parts if p)
        return Reply(text, language, self.menu_buttons(language), kind=kind, **extra)  # type: ignore[arg-type]

    def free_help_line(self, language: str) -> str:
        """Where free legal help is, so that no decline is a dead end."""
        key = self.pack.spec.help_contact
        contact = self.pack.contacts.get(key) if key else None
        if contact is None:
            return ""
        shown = contact_html(contact, language, self.pack.default_language)
        return self.catalogs.html(language, ui.FREE_HELP, contact=shown)

    def welcome(self, language: str) -> Reply:
        """Tier one of the privacy notice: its first line, and a button to the rest."""
        lead = self.t(language, ui.WELCOME, city=self.pack.city)
        choose = self.t(language, ui.CHOOSE_TOPIC)
        notice = self.pack.privacy
        if notice is None:
            privacy = f"<b>{escape(self.t(language, ui.PRIVACY))}</b>"
            rows = self.menu_buttons(language)
        else:
            privacy = notice_line(self.pack, notice, language)
            button = Button(
                self.t(language, ui.PRIVACY_BUTTON), encode(Action("topic", notice.id, language))
            )
            rows = ((button,), *self.menu_buttons(language))
        text = f"{escape(lead)}\n\n{privacy}\n\n{escape(choose)}"
        return Reply(text, language, rows, kind="welcome")

    def category(self, category_id: str, language: str) -> Reply | None:
        cat = self.pack.category(category_id)
        if cat is None:
            return None
        title = self.pack.category_title(cat, language)
        rows: list[tuple[Button, ...]] = [
            (self.topic_button(self.pack.topics[tid], language),)
            for tid in cat.topics
            if tid in self.pack.topics
        ]
        rows.append(self.nav_row(language))
        text = escape(self.t(language, ui.CATEGORY_HEADER, category=title))
        return Reply(text, language, tuple(rows), kind="category")

    def languages(self, language: str) -> Reply:
        buttons = [
            Button(
                ("✓ " if code == language else "") + display_name(code),
                encode(Action("set_language", code)),
            )
            for code in self.pack.languages
        ]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return Reply(escape(self.t(language, ui.CHOOSE_LANGUAGE)), language, rows, kind="languages")

    def language_set(self, language: str) -> Reply:
        lead = self.t(language, ui.LANGUAGE_SET, language=display_name(language, language))
        return self.menu(language, lead, kind="language_set", set_language=language)

    def answer(
        self,
        topic: Topic,
        language: str,
        answer_language: str | None = None,
        extra_notes: tuple[str, ...] = (),
        confidence: int = 100,
        also: Topic | None = None,
    ) -> Reply:
        """A topic's answer in `language`, falling back to the default language.

        `also`: the topic of a second question in the same message, offered as
        the first button ("➕ ...") rather than answered in the same breath."""
        key = (topic.id, language, answer_language, extra_notes, also.id if also else None)
        written = self._answers.get(key)
        if written is None or written[0] is not topic:
            written = self._write_answer(topic, language, answer_language, extra_notes, also)
            if len(self._answers) >= _ANSWERS_KEPT:
                self._answers.clear()  # bounded; refilled by the answers in use
            self._answers[key] = written
        _, text, buttons, notes = written
        return Reply(
            text,
            language,
            buttons,
            kind="answer",
            topic=topic.id,
            confidence=confidence,
            notes=notes,
            urgent=topic.urgent,
        )

    def _write_answer(
        self,
        topic: Topic,
        language: str,
        answer_language: str | None,
        extra_notes: tuple[str, ...],
        also: Topic | None,
    ) -> _Answer:
        requested = answer_language if answer_language in topic.blocks else None
        shown = topic.answer_language(requested or language)
        block = topic.blocks[shown]
        notes: list[str] = []
        buttons: list[tuple[Button, ...]] = []
        default = self.pack.default_language
        if shown != language and shown != requested:
            notes.append(
                self.t(
                    language,
                    ui.FALLBACK_NOTE,
                    language=display_name(language, language),
                    fallback=display_name(shown, language),
                )
            )
        elif topic.is_stale(shown):
            notes.append(self.t(language, ui.STALE_NOTE, fallback=display_name(default, language)))
            buttons.append(
                (
                    Button(
                        self.t(language, ui.READ_IN, language=display_name(default, language)),
                        encode(Action("topic", topic.id, language, default)),
                    ),
                )
            )
        notes.extend(extra_notes)
        title = topic.title(language)
        text = answer_body(
            self.pack.spec,
            title,
            block,
            topic.sources,
            shown,
            language,
            self.catalogs,
            tuple(notes),
        )
        if also is not None and also.id != topic.id:
            buttons.append((self.topic_button(also, language, "➕ "),))
        for rid in topic.related:
            if rid in self.pack.topics and (also is None or rid != also.id):
                buttons.append((self.topic_button(self.pack.topics[rid], language),))
        if self.share:
            buttons.append(
                (
                    Button(
                        self.t(language, ui.SHARE_BUTTON), share=_share_payload(topic.id, language)
                    ),
                )
            )
        if topic.id in self.pack.topics:  # topics, not the privacy notice
            buttons.append(self.feedback_row(topic.id, language))
        buttons.append(self.nav_row(language))
        return topic, text, tuple(buttons), tuple(notes)

    # -- feedback --------------------------------------------------------
    def feedback_row(
        self, topic_id: str, language: str, previous: str | None = None
    ) -> tuple[Button, ...]:
        """Helpful / Not helpful, the vote already given marked and carried."""
        helpful = self.t(language, ui.HELPFUL_BUTTON)
        not_helpful = self.t(language, ui.NOT_HELPFUL_BUTTON)
        if previous == HELPFUL:
            helpful = VOTED + helpful
        elif previous is not None:
            not_helpful = VOTED + not_helpful
        return (
            Button(
                helpful,
                encode(Action("vote", topic_id, language, choice=HELPFUL, previous=previous)),
            ),
            Button(not_helpful, encode(Action("reasons", topic_id, language, previous=previous))),
        )

    def reasons(self, topic: Topic, language: str, previous: str | None) -> Reply:
        """The reasons an answer was not helpful, in place of its feedback row."""
        buttons = [
            Button(
                (VOTED if reason == previous else "") + self.t(language, REASON_LABELS[reason]),
                encode(Action("vote", topic.id, language, choice=reason, previous=previous)),
            )
            for reason in REASONS
        ]
        # Two to a row: five short labels stay readable on a phone.
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        text = escape(self.t(language, ui.FEEDBACK_REASONS))
        return Reply(
            text,
            language,
            rows,
            kind="feedback_reasons",
            topic=topic.id,
            feedback_rows=rows,
        )

    def thanks(self, topic: Topic, language: str, choice: str, previous: str | None) -> Reply:
        """A vote: a short thanks, then the related topics."""
        rows: list[tuple[Button, ...]] = [
            (self.topic_button(self.pack.topics[rid], language),)
            for rid in topic.related
            if rid in self.pack.topics
        ]
        rows.append(self.nav_row(language))
        return Reply(
            escape(self.t(language, ui.FEEDBACK_THANKS)),
            language,
            tuple(rows),
            kind="feedback",
            topic=topic.id,
            vote=choice,
            unvote=previous,
            feedback_rows=(self.feedback_row(topic.id, language, choice),),
        )

    def choices(
        self, topics: list[Topic], language: str, notes: tuple[str, ...] = (), confidence: int = 0
    ) -> Reply:
        rows = [(self.topic_button(t, language),) for t in topics]
        rows.append(
            (Button(self.t(language, ui.NONE_OF_THESE), encode(Action("menu", None, language))),)
        )
        text = escape(self.t(language, ui.DID_YOU_MEAN))
        text = "\n\n".join([*(f"<i>{escape(n)}</i>" for n in notes), text])
        return Reply(
            text,
            language,
            tuple(rows),
            kind="choices",
            choices=tuple(t.id for t in topics),
            confidence=confidence,
        )

    def unsupported_language(self, language: str) -> Reply:
        names = "\n".join(f"• {escape(display_name(c))}" for c in self.pack.languages)
        text = f"{escape(self.t(language, ui.UNSUPPORTED_LANGUAGE))}\n{names}"
        return Reply(text, language, self.languages(language).buttons, kind="unsupported_language")

    def help(self, language: str) -> Reply:
        names = ", ".join(display_name(c) for c in self.pack.languages)
        text = escape(self.t(language, ui.HELP, languages=names))
        return Reply(text, language, self.menu_buttons(language), kind="help")


_AnswerKey = tuple[str, str, str | None, tuple[str, ...], str | None]
_Answer = tuple[Topic, str, tuple[tuple[Button, ...], ...], tuple[str, ...]]
_ANSWERS_KEPT = 4096  # topics x languages x notes in use: far fewer in practice

# Replies whose lead already invites the resident to choose or rephrase: the
# menu's own "Choose a topic" line would say it twice.
_INVITES_ALREADY = frozenset({"greeting", "thanks", "help_request", "decline", "empty", "not_text"})
# Replies that answer nothing: they name where free legal help is.
_NAMES_FREE_HELP = frozenset({"decline", "error", "help_request"})


def notice_line(pack: Pack, notice: Topic, language: str) -> str:
    """The notice's first paragraph, contacts expanded, in the resident's language
    (or the default language while a translation is missing)."""
    block = notice.blocks[notice.answer_language(language)]
    first = (block.answer or "").strip().split("\n\n", 1)[0]
    return expand(first, pack.contacts, language, pack.default_language)


def _share_payload(topic_id: str, language: str) -> str:
    from .callbacks import payload_for

    return payload_for(topic_id, language)
