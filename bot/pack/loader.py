"""Loading a content pack: parse, validate, report, build.

Every problem in every file is reported at once, as `path:line: message`, so
an editor fixes a whole batch in one go. Errors stop the pack from loading
(the running bot keeps its last good pack); warnings do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ValidationError

from .. import html
from ..bidi import unisolated_runs
from ..languages import is_rtl
from ..normalize import pack_normalize
from . import checked, provenance, yamlsource
from .answers import CONTACT_PARTS, named_twice, placeholders, render_answer_text
from .model import (
    NOTICE_FILE,
    NOTICE_ID,
    ConversationFile,
    LanguageBlock,
    Pack,
    PackFile,
    Source,
    Topic,
    TopicFile,
)

MIN_EXAMPLES = 15
Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass
class LoadResult:
    pack: Pack | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class _Report:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self._cwd = Path.cwd()  # once: a big pack's warnings number thousands

    def add(
        self,
        doc: yamlsource.Located,
        key: yamlsource.PathKey,
        message: str,
        severity: Severity = "error",
    ) -> None:
        self.problems.append(Problem(self._name(doc.path), doc.line(key), message, severity))

    def _name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self._cwd))
        except ValueError:
            return str(path)

    def from_doc(self, doc: yamlsource.Located) -> None:
        for line, message in doc.errors:
            self.problems.append(Problem(self._name(doc.path), line, message))

    def from_validation(self, doc: yamlsource.Located, exc: ValidationError) -> None:
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(file)"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (a typo?)"
            elif err["type"] == "missing":
                msg = "required key is missing"
            self.add(doc, loc, f"{where}: {msg}")


def _parse(doc: yamlsource.Located, model: type[BaseModel], report: _Report) -> Any:
    report.from_doc(doc)
    if doc.data is None:
        return None
    if not isinstance(doc.data, dict):
        report.add(doc, (), "the file must be a mapping of keys to values")
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        report.from_validation(doc, exc)
        return None


def _severity(name: str) -> Severity:
    return "warning" if name == "warning" else "error"


def _known_language(code: str) -> bool:
    if not re.fullmatch(r"[a-z]{2,3}", code):
        return False
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def load_pack(
    root: Path | str, today: date | None = None, cache_dir: Path | None = None
) -> LoadResult:
    """Load and validate a pack folder. Never raises on bad content. With
    `cache_dir`, the checks of content already checked (the same text, the
    same day, the same code) are not run again: their problems are read
    back (bot/pack/checked.py)."""
    root = Path(root).resolve()
    today = today or date.today()
    report = _Report(root)
    pack_path = root / "pack.yaml"
    if not pack_path.is_file():
        report.problems.append(Problem(str(pack_path), 1, "pack.yaml is missing"))
        return LoadResult(None, report.problems)

    pack_doc = yamlsource.load(pack_path)
    spec: PackFile | None = _parse(pack_doc, PackFile, report)

    conv_doc = (
        yamlsource.load(root / "conversation.yaml")
        if (root / "conversation.yaml").is_file()
        else None
    )
    conversation = ConversationFile()
    if conv_doc is not None:
        conversation = _parse(conv_doc, ConversationFile, report) or ConversationFile()

    topic_docs: list[tuple[yamlsource.Located, TopicFile]] = []
    topic_dir = root / "topics"
    files = sorted(topic_dir.glob("*.yaml")) if topic_dir.is_dir() else []
    # Topics whose file is broken: already reported once, so references to
    # them are not reported again as unknown.
    unparsed: set[str] = set()
    if not files:
        report.problems.append(Problem(str(topic_dir), 1, "no topic files (topics/*.yaml)"))
    for path in files:
        doc = yamlsource.load(path)
        topic = _parse(doc, TopicFile, report)
        if topic is None:
            unparsed.add(path.stem)
            continue
        if topic.id != path.stem:
            report.add(doc, ("id",), f"id {topic.id!r} must match the file name {path.stem!r}")
        if topic.id == NOTICE_ID:
            report.add(doc, ("id",), f"{NOTICE_ID!r} is the privacy notice's id ({NOTICE_FILE})")
        topic_docs.append((doc, topic))

    notice: tuple[yamlsource.Located, TopicFile] | None = None
    if (root / NOTICE_FILE).is_file():
        notice_doc = yamlsource.load(root / NOTICE_FILE)
        notice_spec = _parse(notice_doc, TopicFile, report)
        notice = (notice_doc, notice_spec) if notice_spec is not None else None
    elif spec is not None:
        _check_notice(spec, pack_doc, None, report, today)

    if spec is None:
        return LoadResult(None, sorted(report.problems))

    name = None
    if cache_dir is not None:
        docs = [pack_doc, conv_doc, *(d for d, _ in topic_docs), notice[0] if notice else None]
        name = checked.key(
            (str(d.path).encode() + d.digest if d else b"-" for d in docs),
            (today.isoformat(), str(root), str(Path.cwd()), *sorted(unparsed)),
        )
    found = checked.load(cache_dir, name) if cache_dir is not None and name else None
    if found is not None:
        report.problems += [Problem(p, line, m, _severity(s)) for p, line, m, s in found]
    else:
        before = len(report.problems)
        _check(spec, pack_doc, topic_docs, conversation, conv_doc, report, today, unparsed)
        if notice is not None:
            _check_notice(spec, pack_doc, notice, report, today)
        if cache_dir is not None and name:
            new = report.problems[before:]
            checked.store(cache_dir, name, ((p.path, p.line, p.message, p.severity) for p in new))
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        return LoadResult(None, sorted(report.problems))
    topics = {t.id: Topic(t, spec.default_language) for _, t in topic_docs}
    privacy = Topic(notice[1], spec.default_language) if notice else None
    pack = Pack(spec, topics, conversation, str(root), privacy)
    return LoadResult(pack, sorted(report.problems))


def _check(
    spec: PackFile,
    pack_doc: yamlsource.Located,
    topic_docs: list[tuple[yamlsource.Located, TopicFile]],
    conversation: ConversationFile,
    conv_doc: yamlsource.Located | None,
    report: _Report,
    today: date,
    unparsed: set[str],
) -> None:
    languages = set(spec.languages)
    default = spec.default_language
    for i, code in enumerate(spec.languages):
        if not _known_language(code):
            report.add(pack_doc, ("languages", i), f"unknown language code {code!r}")
    if default not in languages:
        report.add(pack_doc, ("default_language",), f"{default!r} is not in languages")

    topic_ids = {t.id for _, t in topic_docs} | unparsed
    seen_ids: dict[str, yamlsource.Located] = {}
    for doc, topic in topic_docs:
        if topic.id in seen_ids:
            report.add(doc, ("id",), f"topic id {topic.id!r} is used twice")
        seen_ids[topic.id] = doc

    in_menu: set[str] = set()
    cat_ids: set[str] = set()
    for ci, cat in enumerate(spec.menu):
        if cat.id in cat_ids:
            report.add(pack_doc, ("menu", ci, "id"), f"category {cat.id!r} is listed twice")
        cat_ids.add(cat.id)
        if default not in cat.title:
            report.add(pack_doc, ("menu", ci, "title"), f"no {default!r} title for {cat.id!r}")
        for code in cat.title:
            if code not in languages:
                report.add(pack_doc, ("menu", ci, "title", code), f"unknown language code {code!r}")
        for code in languages - set(cat.title):
            report.add(
                pack_doc,
                ("menu", ci, "title"),
                f"category {cat.id!r} has no title in {code!r}",
                "warning",
            )
        for ti, tid in enumerate(cat.topics):
            if tid not in topic_ids:
                report.add(pack_doc, ("menu", ci, "topics", ti), f"unknown topic id {tid!r}")
            in_menu.add(tid)
    if spec.about_topic and spec.about_topic not in topic_ids:
        report.add(pack_doc, ("about_topic",), f"unknown topic id {spec.about_topic!r}")
    for key, contact in spec.contacts.items():
        if not re.fullmatch(r"[a-z0-9_]+", key):
            report.add(pack_doc, ("contacts", key), f"contact key {key!r}: use a-z, 0-9 and _")
        if not contact.phone and not contact.url:
            report.add(pack_doc, ("contacts", key), f"contact {key!r} has neither phone nor url")
        if contact.source is None:
            report.add(
                pack_doc,
                ("contacts", key),
                f"contact {key!r} has no source: add the official page that lists it",
            )
        else:
            _check_source(
                spec, pack_doc, ("contacts", key, "source"), contact.source, report, today
            )
    if spec.help_contact is not None and spec.help_contact not in spec.contacts:
        report.add(pack_doc, ("help_contact",), f"unknown contact {spec.help_contact!r}")
    elif spec.help_contact is None:
        report.add(
            pack_doc,
            (),
            "no help_contact: a decline cannot say where free legal help is",
            "warning",
        )
    if spec.footer is not None:
        for code in spec.footer:
            if code not in languages:
                report.add(pack_doc, ("footer", code), f"unknown language code {code!r}")
        for code in languages - set(spec.footer):
            report.add(pack_doc, ("footer",), f"footer has no {code!r} text", "warning")
    if not spec.trusted_sources:
        report.add(
            pack_doc,
            (),
            "no trusted_sources list: source hosts cannot be checked against it",
            "warning",
        )

    examples_seen: dict[str, tuple[yamlsource.Located, yamlsource.PathKey, str]] = {}
    for doc, topic in topic_docs:
        for si, source in enumerate(topic.sources):
            _check_source(spec, doc, ("sources", si), source, report, today)
        if topic.id not in in_menu:
            report.add(doc, ("id",), f"topic {topic.id!r} is in no menu category", "warning")
        for ri, rel in enumerate(topic.related):
            if rel not in topic_ids:
                report.add(doc, ("related", ri), f"unknown related topic {rel!r}")
            elif rel == topic.id:
                report.add(doc, ("related", ri), "a topic cannot be related to itself")
        for listed in (
            "needs_signals",
            "answers_several",
            "claims_signals",
            "shares_signals",
            "answers_alone",
        ):
            for ni, name in enumerate(getattr(topic, listed)):
                if name not in conversation.signals:
                    # Unknown, it would never be found: the rule could never hold.
                    report.add(doc, (listed, ni), f"unknown signal {name!r}")
        for code, block in topic.languages.items():
            if code not in languages:
                report.add(doc, ("languages", code), f"unknown language code {code!r}")
                continue
            _check_block(spec, doc, topic, code, block, report, today)
            for ei, example in enumerate(block.examples):
                key = pack_normalize(example)
                if not key:
                    report.add(doc, ("languages", code, "examples", ei), "empty example question")
                    continue
                here = ("languages", code, "examples", ei)
                other = examples_seen.get(key)
                if other and other[2] != topic.id:
                    odoc, okey, _ = other
                    report.add(
                        doc,
                        here,
                        f"example {example!r} is also under {other[2]!r} "
                        f"({report._name(odoc.path)}:{odoc.line(okey)})",
                        "warning",
                    )
                else:
                    examples_seen.setdefault(key, (doc, here, topic.id))
        if default not in topic.languages or not topic.languages[default].answer:
            report.add(doc, ("languages",), f"no {default!r} answer (the default language)")
        elif not topic.languages[default].title:
            report.add(doc, ("languages", default), f"no {default!r} title")
        for code in spec.languages:
            tblock = topic.languages.get(code)
            if code == default:
                continue
            if tblock is None or not tblock.answer or not tblock.title:
                report.add(doc, ("languages",), f"no {code!r} translation yet", "warning")
            if tblock is None or len(tblock.examples) < MIN_EXAMPLES:
                n = len(tblock.examples) if tblock else 0
                report.add(
                    doc,
                    ("languages", code) if tblock else ("languages",),
                    f"{code!r}: {n} example questions (want at least {MIN_EXAMPLES})",
                    "warning",
                )
        dblock = topic.languages.get(default)
        if dblock and len(dblock.examples) < MIN_EXAMPLES:
            report.add(
                doc,
                ("languages", default),
                f"{default!r}: {len(dblock.examples)} example questions "
                f"(want at least {MIN_EXAMPLES})",
                "warning",
            )
        _check_translations(spec, doc, topic, report)

    if conv_doc is not None:
        for section in ("intents", "signals"):
            for name, per_lang in getattr(conversation, section).items():
                for code in per_lang:
                    if code not in languages:
                        report.add(
                            conv_doc, (section, name, code), f"unknown language code {code!r}"
                        )


def _check_translations(
    spec: PackFile, doc: yamlsource.Located, topic: TopicFile, report: _Report
) -> None:
    """Translations that record no source version, or an older one."""
    default = spec.default_language
    dblock = topic.languages.get(default)
    if not dblock or not dblock.answer:
        return
    version = Topic(topic, default).source_version()
    for code, block in topic.languages.items():
        if code == default or not block.answer:
            continue
        if block.translated_from is None:
            report.add(
                doc,
                ("languages", code),
                f"{code!r} translation does not record its source version "
                "(run `safecity-bot translations stamp`)",
                "warning",
            )
        elif block.translated_from != version:
            report.add(
                doc,
                ("languages", code, "translated_from"),
                f"{code!r} translation is stale: made from source {block.translated_from}, "
                f"the {default!r} text is now {version}",
                "warning",
            )


def _check_notice(
    spec: PackFile,
    pack_doc: yamlsource.Located,
    notice: tuple[yamlsource.Located, TopicFile] | None,
    report: _Report,
    today: date,
) -> None:
    """The privacy notice: present, complete in the default language, and fresh.

    Unlike a topic, a notice past the review policy is an error: residents
    decide what to type from it, and what Telegram keeps changes.
    """
    if notice is None:
        report.add(
            pack_doc,
            (),
            f"no privacy notice: add {NOTICE_FILE} (what the bot, its operator and "
            "Telegram keep, in every language)",
        )
        return
    doc, spec_notice = notice
    if spec_notice.id != NOTICE_ID:
        report.add(doc, ("id",), f"the privacy notice's id must be {NOTICE_ID!r}")
    default = spec.default_language
    if default not in spec_notice.languages or not spec_notice.languages[default].answer:
        report.add(doc, ("languages",), f"no {default!r} privacy notice (the default language)")
    for si, source in enumerate(spec_notice.sources):
        _check_source(spec, doc, ("sources", si), source, report, today)
    for code, block in spec_notice.languages.items():
        if code not in spec.languages:
            report.add(doc, ("languages", code), f"unknown language code {code!r}")
            continue
        _check_block(spec, doc, spec_notice, code, block, report, today, age_severity="error")
        if block.answer and not _first_paragraph(block.answer):
            report.add(doc, ("languages", code, "answer"), "the notice needs a first paragraph")
    for code in set(spec.languages) - set(spec_notice.languages):
        report.add(doc, ("languages",), f"no {code!r} privacy notice yet", "warning")
    _check_translations(spec, doc, spec_notice, report)


def _first_paragraph(answer: str) -> str:
    return answer.strip().split("\n\n", 1)[0].strip()


def _check_source(
    spec: PackFile,
    doc: yamlsource.Located,
    key: yamlsource.PathKey,
    source: Source,
    report: _Report,
    today: date,
) -> None:
    for problem in provenance.source_problems(source, today):
        report.add(doc, key, f"source {source.title!r}: {problem}")
    untrusted = provenance.untrusted_host_message(source.url, spec)
    if untrusted:
        report.add(doc, (*key, "url"), untrusted, "warning")


def _check_block(
    spec: PackFile,
    doc: yamlsource.Located,
    topic: TopicFile,
    code: str,
    block: LanguageBlock,
    report: _Report,
    today: date,
    age_severity: Severity = "warning",
) -> None:
    key = ("languages", code)
    if block.answer:
        for problem in html.validate(block.answer):
            report.add(
                doc, (*key, "answer"), f"{code!r} answer: {problem} (Telegram would reject it)"
            )
        for name, part in placeholders(block.answer):
            if name not in spec.contacts:
                report.add(doc, (*key, "answer"), f"{code!r} answer: unknown contact {{{name}}}")
            elif part is not None and part not in CONTACT_PARTS:
                report.add(
                    doc,
                    (*key, "answer"),
                    f"{code!r} answer: {{{name}.{part}}}: a contact has only "
                    + ", ".join(CONTACT_PARTS),
                )
        for key_name in named_twice(block.answer, spec.contacts, code, spec.default_language):
            report.add(
                doc,
                (*key, "answer"),
                f"{code!r} answer: {{{key_name}}} prints the contact's name, which the sentence "
                f"already gives: write {{{key_name}.phone}} (or .url)",
                "warning",
            )
        for number in provenance.typed_phone_numbers(block.answer):
            report.add(
                doc,
                (*key, "answer"),
                f"{code!r} answer: phone number {number!r} typed into the text; "
                "make it a contact in pack.yaml (with its source) and write {key.phone}",
            )
        if block.reviewed is None:
            report.add(doc, key, f"{code!r} answer has no `reviewed` date")
        rendered = render_answer_text(spec, topic, code)
        length = html.visible_length(rendered)
        if length > html.MAX_MESSAGE:
            report.add(
                doc,
                (*key, "answer"),
                f"{code!r} answer is {length} characters with its sources; "
                f"Telegram allows {html.MAX_MESSAGE}",
            )
    elif block.title and not block.answer:
        pass
    if is_rtl(code):
        for field in ("title", "answer"):
            runs = unisolated_runs(getattr(block, field) or "")
            if runs:
                report.add(
                    doc,
                    (*key, field),
                    f"{code!r} {field}: wrap left-to-right text in U+2068 ... U+2069 so it "
                    f"reads right in right-to-left text: {', '.join(repr(r) for r in runs[:3])}",
                    "warning",
                )
    if block.title and ("<" in block.title or "&" in block.title):
        report.add(doc, (*key, "title"), "titles are plain text: no HTML or entities")
    if block.title and placeholders(block.title):
        report.add(
            doc, (*key, "title"), "titles are plain text: {contact} placeholders only in answers"
        )
    if block.reviewed is not None:
        if block.reviewed > today:
            report.add(doc, (*key, "reviewed"), f"review date {block.reviewed} is in the future")
        age = (today - block.reviewed).days
        if age > spec.review.max_age_days:
            report.add(
                doc,
                (*key, "reviewed"),
                f"{code!r} last reviewed {block.reviewed} ({age} days ago; "
                f"the policy allows {spec.review.max_age_days})",
                age_severity,
            )
