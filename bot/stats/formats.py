"""The report as Markdown, CSV or one self-contained HTML file (inline SVG
bars, no JavaScript, no remote assets). Every format prints the same cells,
so a figure withheld in one is withheld in all."""

from __future__ import annotations

import csv
import io
from html import escape

from .report import WITHHELD, Report, Table


def render(report: Report, fmt: str) -> str:
    return {"md": markdown, "csv": to_csv, "html": html}[fmt](report)


def _period(report: Report) -> str:
    if not report.since:
        return "no counts in this period"
    return f"{report.since} to {report.until} (UTC days)"


def _legend(report: Report) -> str:
    k = report.min_count
    return (
        f'Figures under {k} are shown as "< {k}". "{WITHHELD}": withheld so that a '
        f"figure under {k} cannot be worked out from the others ({report.withheld} withheld). "
        "Counts are of topics and outcomes per day, never of people."
    )


def markdown(report: Report) -> str:
    lines = [
        "# safecity-bot: what to fix",
        "",
        f"Period: {_period(report)}. {_legend(report)}",
    ]
    for table in report.tables:
        lines += ["", f"## {table.title}", ""]
        if table.note:
            lines += [table.note, ""]
        if not table.rows:
            lines.append("Nothing to list.")
            continue
        lines.append("| " + " | ".join(table.columns) + " |")
        align = ["---" if i < table.labels or _is_text(table, i) else "---:" for i in
                 range(len(table.columns))]  # fmt: skip
        lines.append("| " + " | ".join(align) + " |")
        for row in table.rows:
            lines.append("| " + " | ".join(c.text.replace("|", "/") for c in row) + " |")
    return "\n".join(lines) + "\n"


def _is_text(table: Table, column: int) -> bool:
    """A column of words (why a topic is on the work list), not of figures."""
    return all(row[column].value is None and not row[column].text[:1].isdigit()
               and not row[column].text.startswith(("<", "x", "-"))
               for row in table.rows if row[column].text)  # fmt: skip


def to_csv(report: Report) -> str:
    """One line per cell: section, row, column, value (as printed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "row", "column", "value"])
    for table in report.tables:
        for row in table.rows:
            name = " / ".join(c.text for c in row[: table.labels])
            cut = table.labels
            for column, cell in zip(table.columns[cut:], row[cut:], strict=True):
                if cell.text:
                    writer.writerow([table.title, name, column, cell.text])
    return buffer.getvalue()


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right;vertical-align:middle}
td:first-child,th:first-child{text-align:left}
.note,.legend{color:#555}.bar{display:inline-block;vertical-align:middle;margin-left:.4em}
"""
_BAR_WIDTH = 120


def _bar(value: float, top: float) -> str:
    width = 0 if top <= 0 else max(1, round(_BAR_WIDTH * value / top))
    return (
        f'<svg class="bar" width="{_BAR_WIDTH}" height="12" role="img" aria-hidden="true">'
        f'<rect width="{_BAR_WIDTH}" height="12" fill="#eee"/>'
        f'<rect width="{width}" height="12" fill="#3b6ea5"/></svg>'
    )


def _html_table(table: Table) -> str:
    parts = [f"<h2>{escape(table.title)}</h2>"]
    if table.note:
        parts.append(f'<p class="note">{escape(table.note)}</p>')
    if not table.rows:
        parts.append("<p>Nothing to list.</p>")
        return "\n".join(parts)
    col = table.bar_column
    values = [r[col].value for r in table.rows] if col is not None else []
    top = max((v for v in values if v is not None), default=0.0)
    parts.append("<table><thead><tr>")
    parts.extend(f"<th>{escape(c)}</th>" for c in table.columns)
    parts.append("</tr></thead><tbody>")
    for row in table.rows:
        parts.append("<tr>")
        for i, cell in enumerate(row):
            content = escape(cell.text)
            if i == col and cell.value is not None:
                content += _bar(float(cell.value), top)
            parts.append(f"<td>{content}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def html(report: Report) -> str:
    body = "\n".join(_html_table(t) for t in report.tables)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>safecity-bot: what to fix</title>"
        f"<style>{_STYLE}</style></head><body>\n"
        "<h1>safecity-bot: what to fix</h1>\n"
        f"<p>Period: {escape(_period(report))}.</p>\n"
        f'<p class="legend">{escape(_legend(report))}</p>\n'
        f"{body}\n</body></html>\n"
    )
