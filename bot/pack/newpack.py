"""`safecity-bot new-pack DIR --city NAME --languages en,es`: a new city's
content pack, valid from the start, with a list of what to fill in.

The skeleton is city-neutral: the conversation file (greetings, thanks, small
talk, generic out-of-scope questions, urgency and status phrases), the privacy
notice and the footer in every language the bot's catalogs speak, an about
topic in English, Spanish and Polish, one placeholder contact for free legal
help and a menu. Translations are stamped so `check --strict` can pass; what
`check` still warns about is printed as the list of things to do.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml

from ..check import run_check
from ..languages import display_name
from ..translations import stamp

SKELETON = Path(__file__).parent / "skeleton"
ABOUT_ID = "about-this-bot"
_LANGUAGE_LINE = re.compile(r"^  ([a-z]{2,3}):\s*$")


def keep_languages(text: str, languages: Sequence[str]) -> str:
    """A pack YAML file's text with only these languages' blocks (two-space
    keys under a top-level mapping), comments and layout kept."""
    out: list[str] = []
    keep = True
    for line in text.splitlines(keepends=True):
        m = _LANGUAGE_LINE.match(line)
        if m:
            keep = m.group(1) in languages
        elif line.strip() and not line.startswith(" "):
            keep = True  # back at the top level
        elif re.match(r"^  [a-z_]+:\s*$", line):
            keep = True  # a named section (intents.greeting) rather than a language
        if keep:
            out.append(line)
    return "".join(out)


def _conversation(languages: Sequence[str]) -> str:
    text = (SKELETON / "conversation.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    for section in data.values():
        for per_language in section.values():
            for code in list(per_language):
                if code not in languages:
                    del per_language[code]
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


def _pack_yaml(city: str, languages: Sequence[str], today: date) -> str:
    strings = yaml.safe_load((SKELETON / "strings.yaml").read_text("utf-8"))
    footer = {c: strings["footer"][c] for c in languages if c in strings["footer"]}
    about = {c: strings["about_title"][c] for c in languages if c in strings["about_title"]}

    def flow(mapping: dict[str, str]) -> str:
        stream = io.StringIO()
        yaml.safe_dump(mapping, stream, allow_unicode=True, default_flow_style=True, width=10_000)
        return stream.getvalue().strip()

    return f"""\
# The {city} content pack, made by `safecity-bot new-pack` on {today.isoformat()}.
# Documented field by field in content/README.md; examples/chicago/ is a
# complete small pack to copy from.
city: {city}
default_language: {languages[0]}
languages: [{", ".join(languages)}]

# The topic /about opens.
about_topic: {ABOUT_ID}

# Every decline names this contact, so a resident always learns where free
# legal help is. TO DO: a real organisation, with its official page as source.
help_contact: legal_help

review:
  max_age_days: 180

# Hosts of the sources shown to residents (subdomains count). TO DO: your
# city's, county's and state's official sites; remove example.org.
trusted_sources:
  - example.org
  - telegram.org  # the privacy notice's sources: Telegram's own policies

footer: {flow(footer)}

contacts:
  # Every phone number an answer shows lives here, with the official page that
  # lists it. Answers write {{legal_help}} (name and number) or
  # {{legal_help.phone}}, .url, .name, .hours; write {{legal_help.phone}} when
  # the sentence already names the contact. `name` and `hours` may be one text
  # or one per language ({{en: ..., es: ...}}).
  legal_help:
    name: "TO DO: the name of an organisation ({city})"
    url: https://example.org/to-do
    source:
      title: "TO DO: the official page that lists this contact"
      url: https://example.org/to-do
      checked: {today.isoformat()}

menu:
  # Categories of topics, in this order; every topic belongs to one.
  - id: about
    title: {flow(about)}
    topics: [{ABOUT_ID}]
"""


def create(folder: Path, city: str, languages: Sequence[str], today: date | None = None) -> None:
    """Write the skeleton; refuses a folder that already has files."""
    today = today or date.today()
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")
    (folder / "topics").mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(_pack_yaml(city, languages, today), "utf-8")
    (folder / "conversation.yaml").write_text(_conversation(languages), "utf-8")
    privacy = (SKELETON / "privacy.yaml").read_text("utf-8")
    (folder / "privacy.yaml").write_text(keep_languages(privacy, languages), "utf-8")
    about = (SKELETON / "about-this-bot.yaml").read_text("utf-8")
    about = about.replace("@CITY@", city).replace("@TODAY@", today.isoformat())
    (folder / "topics" / f"{ABOUT_ID}.yaml").write_text(keep_languages(about, languages), "utf-8")


def todo(folder: Path, city: str, languages: Sequence[str]) -> str:
    names = ", ".join(f"{display_name(c, 'en')} ({c})" for c in languages)
    return f"""\
New pack for {city} in {folder} ({names}). To fill in:
  1. pack.yaml: the legal-help contact (name, phone, official source page),
     more contacts, trusted_sources (your official sites; remove example.org).
  2. topics/: one file per question residents ask ({city}'s ID card, schools,
     police and immigration, legal help, health care, work, rights at home...),
     each with sources, an answer and at least 15 example questions per language,
     and each listed in a menu category in pack.yaml. examples/chicago/ shows nine.
  3. topics/{ABOUT_ID}.yaml and privacy.yaml: read them, source them, fix what
     differs in {city}; conversation.yaml: add {city}'s own out-of-scope
     questions (sports teams, transit, neighbourhoods).
  4. After editing English text: `safecity-bot translations stamp --content {folder}`
     once the translations are updated, then `safecity-bot check --strict --content {folder}`.
  5. Run it: `safecity-bot chat --content {folder}`; on Telegram
     `SAFECITY_CONTENT={folder} safecity-bot run`.
"""


def cmd_new_pack(folder: Path, city: str, languages: Sequence[str], locales: Path) -> int:
    import sys

    codes = [c.strip() for c in languages if c.strip()]
    if not codes or not city.strip():
        sys.stderr.write("new-pack needs --city and at least one language\n")
        return 2
    missing = [c for c in codes if not (locales / c / "LC_MESSAGES" / "messages.po").is_file()]
    if missing:
        have = sorted(p.name for p in locales.iterdir() if (p / "LC_MESSAGES").is_dir())
        sys.stderr.write(
            f"no interface catalog for {', '.join(missing)} in {locales} (there are: "
            f"{', '.join(have)}); add locales/<code>/LC_MESSAGES/messages.po first\n"
        )
        return 2
    try:
        create(folder, city.strip(), codes)
    except FileExistsError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    stamp(folder, None, force=False)
    report = io.StringIO()
    run_check(folder, locales, strict=True, out=report)
    problems = [line for line in report.getvalue().splitlines() if ": warning: " in line]
    problems += [line for line in report.getvalue().splitlines() if ": error: " in line]
    sys.stdout.write(todo(folder, city.strip(), codes))
    if problems:
        sys.stdout.write("`check --strict` says, for now:\n")
        sys.stdout.writelines(f"  {line}\n" for line in problems[:40])
    else:
        sys.stdout.write("`check --strict` passes already.\n")
    return 0
