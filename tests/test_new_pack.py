"""`safecity-bot new-pack`: a new city's pack that passes `check` at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import Engine, Incoming
from bot.pack.loader import load_pack
from tests.conftest import LOCALES


def new_pack(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["new-pack", *args, "--locales", str(LOCALES)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_new_pack_passes_the_strict_check_and_says_what_to_fill_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "springfield"
    code, out, err = new_pack(
        capsys, str(folder), "--city", "Springfield", "--languages", "en,es,pl"
    )
    assert code == 0, err
    assert "To fill in" in out and "legal-help contact" in out
    assert "`check --strict` passes already." in out
    assert main(["check", "--strict", "--content", str(folder), "--locales", str(LOCALES)]) == 0
    pack = load_pack(folder).pack
    assert pack is not None
    assert pack.city == "Springfield" and pack.languages == ("en", "es", "pl")
    assert pack.about_topic == "about-this-bot"
    assert set(pack.conversation.intents) >= {"greeting", "thanks", "smalltalk", "out_of_scope"}
    # Nothing of any real city in the skeleton.
    text = " ".join(
        line
        for p in folder.rglob("*.yaml")
        for line in p.read_text("utf-8").lower().splitlines()
        if not line.lstrip().startswith("#")
    )
    for city_word in ("new york", "nueva york", "nyc", "chicago", "queens", "bronx"):
        assert not re.search(rf"\b{city_word}\b", text), city_word


def test_a_new_pack_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "springfield"
    assert new_pack(capsys, str(folder), "--city", "Springfield", "--languages", "es,en")[0] == 0
    engine = Engine(folder, LOCALES, cache_dir=tmp_path / "cache")
    assert engine.brain.pack.default_language == "es"
    assert engine.reply(Incoming(text="hola")).kind == "greeting"
    about = engine.reply(Incoming(command="about", chosen_language="en"))
    assert about.topic == "about-this-bot" and "Springfield" in about.text
    decline = engine.reply(Incoming(text="qwzx vbnm plkj", chosen_language="en"))
    assert decline.kind == "decline"


def test_languages_without_a_skeleton_translation_are_listed_as_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "boston"
    code, out, _ = new_pack(capsys, str(folder), "--city", "Boston", "--languages", "en,ht,zh")
    assert code == 0
    assert "no 'ht' translation yet" in out and "'zh': 0 example questions" in out
    assert main(["check", "--content", str(folder), "--locales", str(LOCALES)]) == 0


def test_refuses_a_folder_with_files_and_a_language_without_a_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", "utf-8")
    code, _, err = new_pack(capsys, str(tmp_path / "busy"), "--city", "X", "--languages", "en")
    assert code == 1 and "not empty" in err
    assert (tmp_path / "busy" / "notes.txt").read_text("utf-8") == "mine"
    code, _, err = new_pack(capsys, str(tmp_path / "new"), "--city", "X", "--languages", "en,pt")
    assert code == 2 and "pt" in err
    assert not (tmp_path / "new").exists()
