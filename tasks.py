#!/usr/bin/env python3
"""One-command setup for a fresh machine with only Python 3.11+.

    python3 tasks.py bot     # create .venv, install, run the bot (terminal chat without a token)
    python3 tasks.py test    # create .venv with test extras; run ruff, mypy, check, pytest
    python3 tasks.py setup-system   # as root: Debian packages for flyers and browser tests

Extra arguments after the task go to the command (e.g. `python3 tasks.py bot chat --lang es`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*cmd: str | Path) -> None:
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode:
        raise SystemExit(result.returncode)


def ensure_env(extras: str) -> None:
    """Create the virtualenv and install the project once per pyproject change."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be started by an older python3
        raise SystemExit("Python 3.11 or newer is needed")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    _run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)


# Debian packages for the outreach kit: Pango (WeasyPrint's text layout) and
# fonts for the pack's 11 scripts (Noto core: Latin, Cyrillic, Arabic, Naskh,
# Nastaliq Urdu, Bengali; Noto CJK: Chinese, Korean) for the flyers; fontconfig's
# tools and Chromium (driven by Playwright, never downloaded) for the tests.
SYSTEM_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "fontconfig",
    "fonts-noto-core",
    "fonts-noto-cjk",
    "chromium",
)


def missing_system_packages() -> list[str]:
    if shutil.which("dpkg-query") is None:
        return []  # not Debian: the README lists what to install instead
    missing = []
    for package in SYSTEM_PACKAGES:
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        ).stdout
        if not status.endswith(" installed"):
            missing.append(package)
    return missing


def ensure_system(required: bool) -> None:
    """Install the missing system packages with apt-get when running as root;
    otherwise say what is missing (and stop when `required`)."""
    missing = missing_system_packages()
    if not missing:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        ):
            if subprocess.run(cmd, env=env).returncode:
                raise SystemExit(f"could not install system packages: {' '.join(missing)}")
        return
    message = (
        f"missing system packages: {' '.join(missing)}\n"
        "install them with: sudo python3 tasks.py setup-system "
        f"(or: sudo apt-get install {' '.join(missing)})"
    )
    if required:
        raise SystemExit(message)
    print(message, file=sys.stderr)


def main(argv: list[str]) -> int:
    task, rest = (argv[0], argv[1:]) if argv else ("bot", [])
    if task == "bot":
        ensure_env("")
        os.execv(str(PY), [str(PY), "-m", "bot", *rest])
    if task == "setup-system":
        ensure_system(required=True)
        return 0
    if task == "test":
        ensure_system(required=True)
        ensure_env("test")
        _run(PY, "-m", "ruff", "check", "bot", "tests", "bench", "tasks.py")
        _run(PY, "-m", "mypy", "bot")
        _run(PY, "-m", "bot", "check", "--strict", *rest)
        if not rest:  # the second city too: nothing may depend on New York
            chicago = str(ROOT / "examples" / "chicago")
            _run(PY, "-m", "bot", "check", "--strict", "--content", chicago)
        _run(PY, "-m", "pytest", "-q")
        return 0
    if task == "bench":
        ensure_env("test,bench")
        _run(PY, "bench/run.py", *rest)
        return 0
    raise SystemExit(f"unknown task {task!r}: use bot, test, bench or setup-system")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
