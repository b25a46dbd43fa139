"""The content pack as immutable, validated objects.

Pydantic checks the shape of each file (unknown keys are typos, not extensions);
the loader adds the checks that need the whole pack (topic ids, contacts, HTML).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


LocalText = dict[str, str]


class Source(_Frozen):
    """Where a fact comes from. `date` is the date printed on the source, if it
    shows one; `checked` is when a person last opened it and checked the facts.
    The two differ, and an undated page must not be given an invented date."""

    title: str
    url: str = Field(pattern=r"^https?://\S+$")
    date: dt.date | None = None
    checked: dt.date


class Contact(_Frozen):
    name: str | LocalText
    phone: str | None = None
    url: str | None = None
    hours: str | LocalText | None = None
    # Optional here so the loader can say which contact lacks one, in words.
    source: Source | None = None

    def local_name(self, language: str, default: str) -> str:
        return _local(self.name, language, default)

    def local_hours(self, language: str, default: str) -> str | None:
        return _local(self.hours, language, default) if self.hours else None


def _local(value: str | LocalText, language: str, default: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get(default) or next(iter(value.values()), "")


class Category(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,30}$")
    title: LocalText
    topics: tuple[str, ...]


class ReviewPolicy(_Frozen):
    max_age_days: int = Field(gt=0, le=3650)


class PackFile(_Frozen):
    city: str
    default_language: str
    languages: tuple[str, ...]
    review: ReviewPolicy
    contacts: dict[str, Contact] = Field(default_factory=dict)
    menu: tuple[Category, ...]
    about_topic: str | None = None
    # The contact every decline names, so that no reply is a dead end.
    help_contact: str | None = None
    # Hosts (and their subdomains) whose pages may be shown as sources.
    trusted_sources: tuple[str, ...] = ()
    # One line closing every answer, e.g. "general information, not legal advice".
    footer: LocalText | None = None

    def footer_text(self, language: str) -> str | None:
        return _local(self.footer, language, self.default_language) if self.footer else None


class LanguageBlock(_Frozen):
    title: str | None = None
    answer: str | None = None
    reviewed: date | None = None
    translated_from: str | None = None
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @field_validator("examples", "keywords", mode="before")
    @classmethod
    def _strings(cls, value: object) -> object:
        if isinstance(value, list):
            return tuple(str(v) if isinstance(v, int | float) else v for v in value)
        return value


class TopicFile(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    urgent: StrictBool = False
    related: tuple[str, ...] = ()
    # A topic about a place that residents also ask about for other reasons
    # (a hospital's visiting hours, a mosque's prayer times) is answered only
    # when the message carries one of these signals (conversation.yaml):
    # without one the question may not be ours at all.
    needs_signals: tuple[str, ...] = ()
    # A topic about several places together (sensitive locations) answers a
    # message that names two or more of these signals' places ("schools,
    # hospitals or churches"), where one place's topic would answer a part.
    answers_several: tuple[str, ...] = ()
    # Signals that point to this topic whatever else a message says (benefit
    # words to public charge, a filed application to one's own case): a
    # message carrying one, answered with a topic that neither claims nor
    # shares it while this one is close behind, gets both as choices.
    claims_signals: tuple[str, ...] = ()
    # Signals this topic's own questions carry too, without their being the
    # claimant's (health care's "Medicaid", a notario's "asylum application").
    shares_signals: tuple[str, ...] = ()
    # A message that is nothing but these signals' phrases (a greeting or
    # thanks around them allowed) gets this topic: "who are you?" has too
    # few words for the matcher to tell the bot's own topic from small talk.
    answers_alone: tuple[str, ...] = ()
    sources: tuple[Source, ...] = Field(min_length=1)
    languages: dict[str, LanguageBlock]


class ConversationFile(_Frozen):
    intents: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    signals: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)


NOTICE_ID = "privacy"
# The privacy notice is written like a topic (title, answer, sources, review
# date, translations) but is never matched or listed in the menu.
NOTICE_FILE = "privacy.yaml"


def source_version(title: str | None, answer: str | None) -> str:
    """A short, stable fingerprint of a source text, recorded by translations."""
    text = f"{(title or '').strip()}\n{(answer or '').strip()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


class Topic:
    """One topic, ready to serve: read-only after loading."""

    __slots__ = (
        "_blocks",
        "answers_alone",
        "answers_several",
        "claims_signals",
        "default_language",
        "id",
        "needs_signals",
        "related",
        "shares_signals",
        "sources",
        "urgent",
    )

    def __init__(self, spec: TopicFile, default_language: str):
        self.id = spec.id
        self.urgent = spec.urgent
        self.needs_signals = frozenset(spec.needs_signals)
        self.answers_several = frozenset(spec.answers_several)
        self.claims_signals = frozenset(spec.claims_signals)
        self.shares_signals = frozenset(spec.shares_signals) | self.claims_signals
        self.answers_alone = frozenset(spec.answers_alone)
        self.related = spec.related
        self.sources = spec.sources
        self.default_language = default_language
        self._blocks: Mapping[str, LanguageBlock] = MappingProxyType(dict(spec.languages))

    @property
    def blocks(self) -> Mapping[str, LanguageBlock]:
        return self._blocks

    def title(self, language: str) -> str:
        block = self._blocks.get(language)
        if block and block.title:
            return block.title
        return self._blocks[self.default_language].title or self.id

    def answer_language(self, language: str) -> str:
        """The language the answer will actually be shown in."""
        block = self._blocks.get(language)
        return language if block and block.answer else self.default_language

    def source_version(self) -> str:
        block = self._blocks[self.default_language]
        return source_version(block.title, block.answer)

    def is_stale(self, language: str, unrecorded: bool = False) -> bool:
        """A translation made from an older version of the default-language text.

        `unrecorded`: a translation with no version recorded counts as stale
        too (the translator workflow: importing it unflagged would stamp it
        current without anyone having checked it).
        """
        block = self._blocks.get(language)
        if language == self.default_language or not block or not block.answer:
            return False
        if block.translated_from is None:
            return unrecorded
        return block.translated_from != self.source_version()


class Pack:
    """A whole validated content pack."""

    def __init__(
        self,
        spec: PackFile,
        topics: Mapping[str, Topic],
        conversation: ConversationFile,
        root: str,
        privacy: Topic | None = None,
    ):
        self.spec = spec
        self.root = root
        self.city = spec.city
        self.default_language = spec.default_language
        self.languages = spec.languages
        self.contacts = MappingProxyType(dict(spec.contacts))
        self.menu = spec.menu
        self.topics: Mapping[str, Topic] = MappingProxyType(dict(topics))
        self.conversation = conversation
        self.about_topic = spec.about_topic if spec.about_topic in self.topics else None
        self.urgent_topics = tuple(t for t in self.topics.values() if t.urgent)
        self.privacy = privacy

    def translatable(self) -> tuple[Topic, ...]:
        """Every text written like a topic: the topics, then the privacy notice."""
        return (*self.topics.values(), *([self.privacy] if self.privacy else []))

    def relative_file(self, topic_id: str) -> str:
        """Where a topic (or the notice) is written, relative to the pack folder."""
        if self.privacy is not None and topic_id == self.privacy.id:
            return NOTICE_FILE
        return f"topics/{topic_id}.yaml"

    def find(self, topic_id: str) -> Topic | None:
        """A topic, or the privacy notice: both can be opened by id."""
        if self.privacy is not None and topic_id == self.privacy.id:
            return self.privacy
        return self.topics.get(topic_id)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.menu if c.id == category_id), None)

    def category_title(self, category: Category, language: str) -> str:
        return _local(category.title, language, self.default_language)
