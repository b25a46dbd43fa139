"""The translator workflow: content out to a PO file and back, on copies of the pack.

Every test works on a copy of content/ and locales/ in tmp_path: the real
content folder is being edited by others while tests run, and must never be
written by them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.cli import main
from bot.pack import yamledit
from bot.pack.loader import load_pack
from bot.pack.model import Pack
from bot.pack.poimport import import_po
from tests.conftest import CONTENT, LOCALES, PACKS, ROOT

TOPIC = "city-id-card"
EN_OLD = "IDNYC does not ask about immigration status."
EN_NEW = "IDNYC never asks about immigration status, and staff are told not to."
ES_OLD = "En IDNYC no le preguntan por su estatus migratorio."
ES_NEW = "IDNYC nunca pregunta por su estatus migratorio, y el personal tiene orden de no hacerlo."
# A day after the newest review or check date in the shipped content: an import
# on that day is never "in the future", however recently the content was checked.
LATER = max(
    date.fromisoformat(d)
    for p in CONTENT.rglob("*.yaml")
    for d in re.findall(r"(?:reviewed|checked): (\d{4}-\d{2}-\d{2})", p.read_text("utf-8"))
) + timedelta(days=1)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(LOCALES, tmp_path / "locales")
    return tmp_path


@pytest.fixture(params=sorted(PACKS))
def pack_work(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A copy of each pack (New York, Chicago) and the catalogs."""
    shutil.copytree(PACKS[request.param], tmp_path / "content")
    shutil.copytree(LOCALES, tmp_path / "locales")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def pack_of(content: Path, today: date | None = None) -> Pack:
    result = load_pack(content, today=today)
    assert result.pack is not None, result.errors
    return result.pack


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def export(capsys: pytest.CaptureFixture[str], work: Path, lang: str) -> Path:
    code, out, err = cli(
        capsys,
        "translations",
        "export",
        "--content",
        str(work / "content"),
        "--lang",
        lang,
        "--out",
        str(work / "po"),
    )
    assert code == 0, err
    assert "wrote" in out
    return work / "po" / f"{lang}.po"


def read(po: Path) -> Catalog:
    with po.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


def rewrite(po: Path, edit: Callable[[Catalog], None]) -> None:
    """Edit a PO file as a translation tool would: through a PO library."""
    catalog = read(po)
    edit(catalog)
    with po.open("wb") as fh:
        write_po(fh, catalog, sort_output=False)


def message(catalog: Catalog, context: str) -> Message:
    found = [m for m in catalog if m.context == context]
    assert len(found) == 1, context
    return found[0]


def entry_line(po: Path, context: str) -> int:
    """The line of the msgid of the entry with this msgctxt (what errors must name)."""
    lines = po.read_text(encoding="utf-8").splitlines()
    start = lines.index(f'msgctxt "{context}"')
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgid ")) + 1


def make_english_edit(content: Path) -> Path:
    """A real edit of the English answer: every translation of the topic becomes stale."""
    path = content / "topics" / f"{TOPIC}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(EN_OLD) == 1
    path.write_text(text.replace(EN_OLD, EN_NEW), encoding="utf-8")
    return path


def block_segment(text: str, code: str) -> tuple[int, int]:
    """Start and end offsets of languages.<code> in a topic file."""
    start = text.index(f"\n  {code}:\n") + 1
    nxt = re.search(r"^  [a-z]{2,3}:\n", text[start + 1 :], re.M)
    return start, (start + 1 + nxt.start()) if nxt else len(text)


# -- export -------------------------------------------------------------------


def test_export_writes_a_po_file_with_contexts_comments_and_fuzzy_stale_entries(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = work / "content"
    topic_file = make_english_edit(content)
    stale = [
        w.message
        for w in load_pack(content).warnings
        if Path(w.path).name == f"{TOPIC}.yaml" and "'es' translation is stale" in w.message
    ]
    assert stale, "check must report the es translation as stale"

    po = export(capsys, work, "es")
    catalog = read(po)
    pack = pack_of(content)
    assert catalog.locale_identifier == "es"
    assert catalog.project == "safecity-bot"
    assert "Language: es" in po.read_text(encoding="utf-8")

    entries = [m for m in catalog if m.id]
    ids = [*pack.topics, "privacy"]  # the privacy notice travels with the topics
    expected = {f"{t}:{f}" for t in ids for f in ("title", "answer")}
    expected |= {f"category:{c.id}:title" for c in pack.menu}
    assert {m.context for m in entries} == expected
    assert len(entries) == len(expected)
    assert not any(m.pluralizable for m in entries)

    en = pack.topics[TOPIC].blocks["en"]
    es = pack.topics[TOPIC].blocks["es"]
    answer = message(catalog, f"{TOPIC}:answer")
    assert answer.id == (en.answer or "").rstrip("\n")
    assert EN_NEW in answer.id
    assert answer.string == (es.answer or "").rstrip("\n")
    assert answer.fuzzy and message(catalog, f"{TOPIC}:title").fuzzy
    # Fuzzy exactly where the translation was made from another source version
    # (derived from the copy: others may be editing the real content meanwhile).
    stale_topics = {
        t.id
        for t in pack.topics.values()
        if (b := t.blocks.get("es")) and b.answer and b.translated_from != t.source_version()
    }
    assert TOPIC in stale_topics
    assert {m.context for m in entries if m.fuzzy} == {
        f"{t}:{f}" for t in stale_topics for f in ("title", "answer")
    }

    comments = "\n".join(answer.auto_comments)
    for source in pack.topics[TOPIC].sources:
        assert source.url in comments
    assert f"en text reviewed {en.reviewed}" in comments
    lines = topic_file.read_text(encoding="utf-8").splitlines()
    answer_line = next(i for i, line in enumerate(lines, 1) if line.startswith("    answer:"))
    assert answer.locations == [(f"content/topics/{TOPIC}.yaml", answer_line)]

    category = message(catalog, "category:safe-places:title")
    assert (category.id, category.string) == ("Safe places", "Lugares seguros")
    pack_lines = (content / "pack.yaml").read_text(encoding="utf-8").splitlines()
    ((filename, line),) = category.locations
    assert filename == "content/pack.yaml"
    assert pack_lines[line - 1].strip() == 'en: "Safe places"'

    if shutil.which("msgfmt"):  # GNU gettext's own checker, when installed
        check = subprocess.run(
            ["msgfmt", "-c", "--check-format", "-o", os.devnull, str(po)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("lang", ["en", "xx"])
def test_export_refuses_the_source_language_and_unknown_ones(
    work: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    code, _, err = cli(
        capsys, "translations", "export", "--content", str(work / "content"), "--lang", lang,
        "--out", str(work / "po"),
    )  # fmt: skip
    assert code == 1
    assert repr(lang) in err
    assert not (work / "po").exists()


# -- round trip ---------------------------------------------------------------


def test_round_trip_without_edits_changes_no_byte(
    pack_work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = pack_work
    content = work / "content"
    before = snapshot(content)
    pack = pack_of(content)
    for lang in pack.languages:
        if lang == pack.default_language:
            continue
        po = export(capsys, work, lang)
        code, out, err = cli(capsys, "translations", "import", str(po), "--content", str(content))
        assert code == 0, err
        assert " 0 updated" in out and "0 translation(s) now current" in out, out
    assert snapshot(content) == before


def test_round_trip_with_stale_entries_skips_them_and_changes_no_byte(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = work / "content"
    make_english_edit(content)
    before = snapshot(content)
    po = export(capsys, work, "es")
    code, out, err = cli(capsys, "translations", "import", str(po), "--content", str(content))
    assert code == 0, err
    assert f"{po}:{entry_line(po, f'{TOPIC}:answer')}: {TOPIC}:answer: fuzzy" in out
    assert f"{po}:{entry_line(po, f'{TOPIC}:title')}: {TOPIC}:title: fuzzy" in out
    assert snapshot(content) == before


# -- import -------------------------------------------------------------------


def test_import_of_an_edited_translation_changes_only_that_entry_and_its_stamps(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = work / "content"
    path = make_english_edit(content)
    old = path.read_text(encoding="utf-8")
    others = {k: v for k, v in snapshot(content).items() if not k.endswith(f"{TOPIC}.yaml")}
    po = export(capsys, work, "es")

    def confirm(catalog: Catalog) -> None:
        title, answer = message(catalog, f"{TOPIC}:title"), message(catalog, f"{TOPIC}:answer")
        assert ES_OLD in answer.string
        answer.string = answer.string.replace(ES_OLD, ES_NEW)
        title.flags.discard("fuzzy")
        answer.flags.discard("fuzzy")

    rewrite(po, confirm)
    pack = pack_of(content)
    version = pack.topics[TOPIC].source_version()
    result = import_po(po, pack, content, None, LATER)
    assert not result.errors
    assert (result.updated, result.stamped) == (1, 1)
    assert not [f for f in result.fuzzy if f"{TOPIC}:" in f]
    assert result.written == [path]

    # Expected: the old file with exactly three edits inside the es block.
    start, end = block_segment(old, "es")
    segment = old[start:end]
    segment = re.sub(r"(?m)^    reviewed: .*$", f"    reviewed: {LATER.isoformat()}", segment)
    segment = re.sub(r"(?m)^    translated_from: .*$", f"    translated_from: {version}", segment)
    assert segment.count(f"      {ES_OLD}\n") == 1
    segment = segment.replace(f"      {ES_OLD}\n", f"      {ES_NEW}\n")
    assert path.read_text(encoding="utf-8") == old[:start] + segment + old[end:]
    assert {k: v for k, v in snapshot(content).items() if k in others} == others

    after = load_pack(content, today=LATER)
    assert after.pack is not None
    assert not after.pack.topics[TOPIC].is_stale("es")
    assert not [w for w in after.warnings if "'es' translation is stale" in w.message]
    assert ES_NEW in (after.pack.topics[TOPIC].blocks["es"].answer or "")


def test_a_half_still_fuzzy_keeps_the_translation_stale(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = work / "content"
    make_english_edit(content)
    po = export(capsys, work, "es")

    def only_answer(catalog: Catalog) -> None:
        answer = message(catalog, f"{TOPIC}:answer")
        answer.string = answer.string.replace(ES_OLD, ES_NEW)
        answer.flags.discard("fuzzy")

    rewrite(po, only_answer)
    result = import_po(po, pack_of(content), content, None, LATER)
    assert not result.errors
    assert result.updated == 1 and result.stamped == 0
    assert [f for f in result.fuzzy if f"{TOPIC}:" in f] == [
        f"{po}:{entry_line(po, f'{TOPIC}:title')}: {TOPIC}:title"
    ]
    topic = pack_of(content, LATER).topics[TOPIC]
    assert ES_NEW in (topic.blocks["es"].answer or "")
    assert topic.blocks["es"].reviewed == LATER
    assert topic.is_stale("es")


def test_import_of_a_category_title_keeps_the_quoting(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = work / "content"
    pack_file = content / "pack.yaml"
    old = pack_file.read_text(encoding="utf-8")
    po = export(capsys, work, "es")
    rewrite(po, lambda c: setattr(message(c, "category:school:title"), "string", "La escuela"))
    code, out, err = cli(capsys, "translations", "import", str(po), "--content", str(content))
    assert code == 0, err
    assert "1 updated" in out
    assert old.count('      es: "Escuela"\n') == 1
    assert pack_file.read_text(encoding="utf-8") == old.replace(
        '      es: "Escuela"\n', '      es: "La escuela"\n'
    )


def test_import_creates_missing_fields_in_the_usual_order(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A language block with examples only gains title, reviewed, translated_from, answer."""
    content = work / "content"
    path = content / "topics" / f"{TOPIC}.yaml"
    original = path.read_text(encoding="utf-8")
    po, ko_po = export(capsys, work, "pl"), export(capsys, work, "ko")
    reviewed = pack_of(content).topics[TOPIC].blocks["pl"].reviewed
    assert reviewed is not None

    yaml = yamledit._yaml()

    def drop(edit: Callable[[Any], None]) -> None:
        data = yaml.load(path.read_text(encoding="utf-8"))
        edit(data["languages"])
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(data, fh)

    def drop_pl_fields(langs: Any) -> None:
        for key in ("title", "reviewed", "translated_from", "answer"):
            del langs["pl"][key]

    drop(drop_pl_fields)
    result = import_po(po, pack_of(content), content, None, reviewed)
    assert not result.errors and result.stamped == 1
    assert path.read_text(encoding="utf-8") == original  # pl restored exactly, in place

    drop(lambda langs: langs.pop("ko"))  # a whole block, in the middle of the order
    result = import_po(ko_po, pack_of(content), content, None, LATER)
    assert not result.errors and result.stamped == 1
    restored = yaml.load(path.read_text(encoding="utf-8"))
    assert list(restored["languages"]) == list(pack_of(content, LATER).languages)
    assert list(restored["languages"]["ko"]) == ["title", "reviewed", "translated_from", "answer"]
    assert isinstance(restored["languages"]["ko"]["answer"], LiteralScalarString)


BROKEN: list[tuple[str, Callable[[str], str], str]] = [
    (f"{TOPIC}:answer", lambda s: s.replace("</b>", "", 1), "<b> is never closed"),
    (f"{TOPIC}:answer", lambda s: s.replace("<b>", "<p>", 1), "tag <p> is not supported"),
    (
        f"{TOPIC}:answer",
        lambda s: s.replace("{idnyc.phone}", "311"),
        "placeholders must match the source: missing {idnyc.phone}",
    ),
    (
        f"{TOPIC}:answer",
        lambda s: s.replace("{idnyc.phone}", "{idnyc.phone} {nyc311}"),
        "not in the source {nyc311}",
    ),
    (f"{TOPIC}:title", lambda s: f"<b>{s}</b>", "titles are plain text"),
    (f"{TOPIC}:answer", lambda s: "\n\n".join([s] * 4), "Telegram allows 4096"),
]


@pytest.mark.parametrize(("context", "edit", "expected"), BROKEN)
def test_import_rejects_a_broken_translation_naming_its_line(
    work: Path,
    capsys: pytest.CaptureFixture[str],
    context: str,
    edit: Callable[[str], str],
    expected: str,
) -> None:
    content = work / "content"
    before = snapshot(content)
    po = export(capsys, work, "es")

    def breaks(catalog: Catalog) -> None:
        m = message(catalog, context)
        m.string = edit(m.string)
        good = message(catalog, "category:school:title")  # a valid edit: not written either
        good.string = "La escuela"

    rewrite(po, breaks)
    code, _, err = cli(capsys, "translations", "import", str(po), "--content", str(content))
    assert code == 1
    assert f"{po}:{entry_line(po, context)}: " in err
    line = next(x for x in err.splitlines() if x.startswith(f"{po}:{entry_line(po, context)}: "))
    assert expected in line
    assert "nothing was written" in err
    assert snapshot(content) == before


def test_import_reports_every_broken_entry_and_writes_nothing(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = work / "content"
    before = snapshot(content)
    po = export(capsys, work, "es")

    def breaks(catalog: Catalog) -> None:
        html = message(catalog, f"{TOPIC}:answer")
        html.string = html.string.replace("</b>", "", 1)
        ph = message(catalog, "legal-help:answer")
        ph.string = re.sub(r"\{[a-z0-9_]+(\.[a-z]+)?\}", "", ph.string, count=1)
        message(catalog, "ice-at-schools:title").context = "no-such-topic:title"
        message(catalog, "ice-at-schools:answer").context = "ice-at-schools:summary"
        current = message(catalog, "detainers:title")  # as if made from an older English title
        catalog.delete(current.id, context="detainers:title")
        catalog.add("An older English title", "Viejo", context="detainers:title")
        catalog.add(("one day", "{n} days"), ("un día", "{n} días", ""), context="ui:days")

    rewrite(po, breaks)
    code, _, err = cli(capsys, "translations", "import", str(po), "--content", str(content))
    assert code == 1
    for context, fragment in [
        (f"{TOPIC}:answer", "is never closed"),
        ("legal-help:answer", "placeholders must match the source: missing {"),
        ("no-such-topic:title", "unknown topic 'no-such-topic'"),
        ("ice-at-schools:summary", "unknown msgctxt 'ice-at-schools:summary'"),
        ("detainers:title", "msgid is not the current 'en' text"),
        ("ui:days", "plural entries are not allowed"),
    ]:
        assert f"{po}:{entry_line(po, context)}: " in err, (context, err)
        lines = [x for x in err.splitlines() if x.startswith(f"{po}:{entry_line(po, context)}: ")]
        assert any(fragment in x for x in lines), (context, lines)
    assert snapshot(content) == before


def test_import_needs_a_pack_language(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = work / "content"
    po = export(capsys, work, "es")
    code, _, err = cli(
        capsys, "translations", "import", str(po), "--content", str(content), "--lang", "en"
    )
    assert code == 1
    assert f"{po}:1: 'en' is the source language" in err


# -- as a translator runs it ---------------------------------------------------


def test_cli_export_and_import_as_subprocesses(work: Path) -> None:
    content = work / "content"
    before = snapshot(content)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "translations", *args, "--content", str(content)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            env=env,
            timeout=120,
        )

    exported = run("export", "--lang", "fr", "--out", str(work / "po"))
    assert exported.returncode == 0, exported.stderr
    po = work / "po" / "fr.po"
    assert f"wrote {po}" in exported.stdout
    assert 'msgctxt "category:safe-places:title"' in po.read_text(encoding="utf-8")

    imported = run("import", str(po))
    assert imported.returncode == 0, imported.stderr
    assert "fr: 0 updated" in imported.stdout
    assert snapshot(content) == before
