"""Scoring the engine on labelled messages (the dev set, or any JSONL like it).

A message is handled right when the reply's topic equals its label (for a
null label: no topic) or one of its optional `accept` ids. "Did you mean"
choices count as neither right nor wrong.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine, Incoming


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    wrong: int = 0  # answered with a wrong topic (the worst failure)
    choices: int = 0
    label_in_choices: int = 0

    def add(
        self,
        label: str | None,
        topic: str | None,
        choices: tuple[str, ...],
        accept: tuple[str, ...] = (),
    ) -> None:
        self.total += 1
        if topic == label or (topic is not None and topic in accept):
            self.right += 1
        elif topic is not None:
            self.wrong += 1
        if choices:
            self.choices += 1
            if label in choices or any(a in choices for a in accept):
                self.label_in_choices += 1

    @property
    def right_rate(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.total if self.total else 0.0


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_language: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    failures: list[tuple[str, str, str | None, str | None, tuple[str, ...]]] = field(
        default_factory=list
    )

    def table(self) -> str:
        rows = [
            f"{'lang':<6}{'n':>5}{'right':>8}{'wrong':>8}{'choices':>9}{'label in choices':>18}"
        ]
        items = [*sorted(self.by_language.items()), ("ALL", self.overall)]
        for lang, t in items:
            rows.append(
                f"{lang:<6}{t.total:>5}{t.right_rate:>8.1%}{t.wrong_rate:>8.1%}"
                f"{t.choices:>9}{t.label_in_choices:>18}"
            )
        return "\n".join(rows)


def read_jsonl(path: Path | str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(engine: Engine, items: Iterable[dict[str, object]]) -> Report:
    report = Report()
    for item in items:
        text = str(item["text"])
        label = item.get("topic")
        lang = str(item.get("lang", "?"))
        reply = engine.reply(Incoming(text=text))
        label_s = str(label) if label is not None else None
        raw_accept = item.get("accept")
        accept = tuple(str(a) for a in raw_accept) if isinstance(raw_accept, list) else ()
        report.overall.add(label_s, reply.topic, reply.choices, accept)
        report.by_language[lang].add(label_s, reply.topic, reply.choices, accept)
        if reply.topic != label_s and reply.topic not in accept:
            report.failures.append((lang, text, label_s, reply.topic, reply.choices))
    return report
