"""The command line, run as residents and editors would run it: as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import MINI_SCHOOLS, ROOT, write_pack


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=full_env,
        timeout=120,
    )


def test_ask_json_one_object_per_line_in_order() -> None:
    lines = ["hola", "can ice come to my kids school", "", "移民局可以进学校吗", "🙏"]
    out = run("ask", "--json", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert set(rows[0]) >= {"text", "topic", "choices", "language", "confidence", "reply"}
    assert rows[0]["topic"] is None
    assert rows[1]["topic"] == "ice-at-schools"
    assert rows[3]["language"] == "zh"
    assert all(isinstance(r["confidence"], int) and 0 <= r["confidence"] <= 100 for r in rows)


def test_ask_one_text_argument_with_lang() -> None:
    out = run("ask", "--json", "--lang", "es", "idnyc")
    row = json.loads(out.stdout)
    assert row["language"] == "es"


def test_chat_with_piped_stdin_and_numbered_buttons() -> None:
    out = run("chat", "--lang", "es", stdin="/menu\n2\n1\n")
    assert out.returncode == 0, out.stderr
    assert "[1]" in out.stdout
    assert "Escuela" in out.stdout or "Lugares" in out.stdout


def test_chat_privacy_notice_from_the_welcome_button_and_command() -> None:
    import yaml

    notice = yaml.safe_load((ROOT / "content" / "privacy.yaml").read_text(encoding="utf-8"))
    for lang in ("es", "ar", "zh"):
        title = notice["languages"][lang]["title"]
        # The chat opens with the welcome; its button [1] is the Privacy button.
        out = run("chat", "--lang", lang, stdin="1\n/privacy\n")
        assert out.returncode == 0, out.stderr
        assert out.stdout.count(title) >= 2, (lang, out.stdout[:500])


def test_default_command_without_token_opens_the_chat() -> None:
    out = run(stdin="hello\n")
    assert out.returncode == 0, out.stderr
    assert "terminal chat" in out.stderr
    assert "[1]" in out.stdout


def test_check_passes_on_the_shipped_pack_strictly() -> None:
    out = run("check", "--strict")
    assert out.returncode == 0, out.stdout[-2000:]
    assert "0 error(s), 0 warning(s)" in out.stdout
    assert "ice-at-schools" in out.stdout  # the coverage table


def test_check_fails_with_file_and_line(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"topics/schools.yaml": MINI_SCHOOLS.replace("[about]", "[ghost]")})
    out = run("check", "--content", str(root))
    assert out.returncode == 1
    assert "schools.yaml:2: error: unknown related topic 'ghost'" in out.stdout


def test_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = write_pack(tmp_path)  # the mini pack lacks Spanish for one topic
    assert run("check", "--content", str(root), "--locales", str(ROOT / "locales")).returncode == 0
    out = run("check", "--content", str(root), "--strict")
    assert out.returncode == 1


def test_content_from_environment_variable(tmp_path: Path) -> None:
    root = write_pack(tmp_path)
    out = run("ask", "--json", "who made this bot", env={"SAFECITY_CONTENT": str(root)})
    assert json.loads(out.stdout)["topic"] == "about"


def test_broken_content_is_a_clear_error(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"topics/schools.yaml": "id: [unclosed\n"})
    out = run("ask", "hello", "--content", str(root))
    assert out.returncode == 1
    assert "schools.yaml:" in out.stderr and "YAML syntax" in out.stderr
    assert "unknown topic" not in out.stderr  # no cascade from the one broken file
    assert "Traceback" not in out.stderr
