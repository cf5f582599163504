"""The team calendar's day cells, written in Python: a month page has up to 3,100
of them (100 people x 31 days), and a template include per cell cost most of the
page's time (bench/leave.py). The markup is what ``calendar.html`` documents:
classes for weekend, holiday, blackout, approved or pending leave and half days;
the type and "pending" as text for screen readers. Every value is escaped."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from modules.leave.selectors.calendar import Cell

register = template.Library()


@register.simple_tag
def calendar_cells(cells: list[Cell]) -> SafeString:
    """One row's ``<td>`` cells. The words are translated once per row, not per cell,
    and each request's markup is escaped once for all the days it covers."""
    words = {
        "pending": gettext("pending"),
        "morning": gettext("morning"),
        "afternoon": gettext("afternoon"),
    }
    fragments: dict[int, tuple[str, str, str, str]] = {}
    return mark_safe("".join(_cell(cell, words, fragments) for cell in cells))


def _leave_fragment(cell: Cell, words: dict[str, str]) -> tuple[str, str, str, str]:
    """(classes, attributes, spoken name, content) of a cell of this request."""
    pending, kind = cell.pending, cell.leave.leave_type
    name = escape(kind.name)
    said = f"{name} ({words['pending']})" if pending else name
    return (
        " lv-off lv-pending" if pending else " lv-off",
        f' data-type="{escape(kind.code)}"'
        f' data-status="{"pending" if pending else "approved"}"'
        f' style="--lv-colour: {escape(kind.colour)}"',
        said,
        f'<span class="sr-only">{said}</span>'
        f'<span aria-hidden="true">{escape(kind.code[:2].upper())}</span>',
    )


def _cell(cell: Cell, words: dict[str, str], fragments: dict) -> str:
    classes = "lv-cell lv-weekend" if cell.weekend else "lv-cell"
    holiday = escape(cell.holiday) if cell.holiday else ""
    if holiday:
        classes += " lv-holiday"
    if cell.blackout:
        classes += " lv-blackout"
    attributes = f' data-day="{cell.day.isoformat()}"'
    title = content = ""
    if cell.leave is not None:
        key = id(cell.leave)
        if key not in fragments:
            fragments[key] = _leave_fragment(cell, words)
        more_classes, more_attributes, title, content = fragments[key]
        classes += more_classes
        attributes += more_attributes
        if half := cell.half:
            classes += f" lv-half lv-{escape(half)}"
            title += f" ({words[half]})"
        if holiday:
            title += "; "
    elif holiday:
        content = f'<span class="sr-only">{holiday}</span>'
    title += holiday
    if title:
        attributes += f' title="{title}"'
    return f'<td class="{classes}"{attributes}>{content}</td>'
