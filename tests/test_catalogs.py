"""The UI catalogs: complete, not fuzzy, placeholders intact, in sync with the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from bot import ui
from bot.i18n import catalog_path, load_catalogs
from tests.conftest import LOCALES, ROOT
from tests.test_shipped_pack import NYC_LANGUAGES


def test_every_catalog_is_complete_and_clean() -> None:
    _, problems = load_catalogs(LOCALES, NYC_LANGUAGES, ui.ALL)
    assert not problems, "\n".join(map(str, problems))


def test_catalogs_hold_exactly_the_strings_in_the_code() -> None:
    for lang in NYC_LANGUAGES:
        with catalog_path(LOCALES, lang).open("rb") as fh:
            ids = {m.id for m in read_po(fh) if m.id}
        assert ids == set(ui.ALL), lang


def test_template_is_up_to_date(tmp_path: Path) -> None:
    """`pybabel extract` over the code gives the committed template's messages."""
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as fh:
        fresh = {m.id for m in read_po(fh) if m.id}
    with (LOCALES / "messages.pot").open("rb") as fh:
        committed = {m.id for m in read_po(fh) if m.id}
    assert fresh == committed


def test_a_broken_entry_is_reported_with_its_line(tmp_path: Path) -> None:
    src = catalog_path(LOCALES, "es").read_text(encoding="utf-8")
    broken = src.replace('msgstr "Elija su idioma."', 'msgstr ""', 1)
    fuzzy = broken.replace(
        '#, python-brace-format\nmsgid "From now on',
        '#, fuzzy, python-brace-format\nmsgid "From now on',
        1,
    )
    target = catalog_path(tmp_path, "es")
    target.parent.mkdir(parents=True)
    target.write_text(fuzzy, encoding="utf-8")
    _, problems = load_catalogs(tmp_path, ["es"], ui.ALL)
    messages = [str(p) for p in problems]
    assert any("untranslated" in m for m in messages), messages
    assert any("fuzzy" in m for m in messages), messages
    assert all(":1:" not in m for m in messages if "untranslated" in m)


def test_a_broken_placeholder_is_an_error(tmp_path: Path) -> None:
    src = catalog_path(LOCALES, "fr").read_text(encoding="utf-8")
    lines = src.splitlines(keepends=True)
    i = next(
        n for n, line in enumerate(lines) if line.startswith("msgstr") and "{language}" in line
    )
    lines[i] = lines[i].replace("{language}", "{langue}")
    target = catalog_path(tmp_path, "fr")
    target.parent.mkdir(parents=True)
    target.write_text("".join(lines), encoding="utf-8")
    _, problems = load_catalogs(tmp_path, ["fr"], ui.ALL)
    assert any("placeholders" in p.message for p in problems)


def test_translation_with_wrong_placeholder_falls_back_safely() -> None:
    from bot.i18n import Catalogs

    catalogs = Catalogs({"xx": {ui.LANGUAGE_SET: "Ahora {idioma}"}})
    assert catalogs.text("xx", ui.LANGUAGE_SET, language="X") == "From now on I will answer in X."


def test_one_catalogs_problem_does_not_hide_anothers(tmp_path: Path) -> None:
    """A fuzzy entry in es.po must not hide the same entry missing from fr.po."""
    es = catalog_path(LOCALES, "es").read_text(encoding="utf-8")
    es = es.replace(
        '#, python-brace-format\nmsgid "From now on',
        '#, fuzzy, python-brace-format\nmsgid "From now on',
        1,
    )
    fr_lines = catalog_path(LOCALES, "fr").read_text(encoding="utf-8").split("\n\n")
    fr = "\n\n".join(b for b in fr_lines if 'msgid "From now on' not in b)
    for lang, text in (("es", es), ("fr", fr)):
        target = catalog_path(tmp_path, lang)
        target.parent.mkdir(parents=True)
        target.write_text(text, encoding="utf-8")
    _, problems = load_catalogs(tmp_path, ["es", "fr"], ui.ALL)
    messages = [str(p) for p in problems]
    assert any("es" in m and "fuzzy" in m for m in messages), messages
    assert any("/fr/" in m and "missing entry" in m for m in messages), messages


def test_html_escapes_the_string_but_not_the_markup_put_in_it() -> None:
    from bot.i18n import Catalogs

    catalogs = Catalogs({"es": {"Help & advice: {contact}": "Ayuda <gratis> & consejo: {contact}"}})
    shown = catalogs.html("es", "Help & advice: {contact}", contact='<a href="x">311</a>')
    assert shown == 'Ayuda &lt;gratis&gt; &amp; consejo: <a href="x">311</a>'
