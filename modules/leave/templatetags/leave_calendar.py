"""The team calendar's day cells, written in Python: a month page has up to 3,100
of them (100 people x 31 days), and a template include per cell cost most of the
page's time (bench/leave.py). The markup is what ``calendar.html`` documents:
classes for weekend, holiday, blackout, approved or pending leave and half days;
the type and "pending" as text for screen readers. Every value is escaped."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from modules.leave.selectors.calendar import Cell

register = template.Library()


@register.simple_tag
def calendar_cells(cells: list[Cell]) -> SafeString:
    """One row's ``<td>`` cells. The words are translated once per row, not per cell."""
    words = {
        "pending": gettext("pending"),
        "morning": gettext("morning"),
        "afternoon": gettext("afternoon"),
    }
    return mark_safe("".join(_cell(cell, words) for cell in cells))  # noqa: S308 - escaped


def _cell(cell: Cell, words: dict[str, str]) -> str:
    classes = "lv-cell"
    if cell.weekend:
        classes += " lv-weekend"
    holiday = escape(cell.holiday) if cell.holiday else ""
    if holiday:
        classes += " lv-holiday"
    if cell.blackout:
        classes += " lv-blackout"
    attributes = f' data-day="{cell.day.isoformat()}"'
    leave = cell.leave
    title = content = ""
    if leave is not None:
        pending, half = cell.pending, cell.half
        classes += " lv-off"
        if pending:
            classes += " lv-pending"
        if half:
            classes += f" lv-half lv-{escape(half)}"
        kind = leave.leave_type
        name = escape(kind.name)
        attributes += (
            f' data-type="{escape(kind.code)}"'
            f' data-status="{"pending" if pending else "approved"}"'
            f' style="--lv-colour: {escape(kind.colour)}"'
        )
        said = f"{name} ({words['pending']})" if pending else name
        title = f"{said} ({words[half]})" if half else said
        content = (
            f'<span class="sr-only">{said}</span>'
            f'<span aria-hidden="true">{escape(kind.code[:2].upper())}</span>'
        )
        if holiday:
            title += "; "
    elif holiday:
        content = f'<span class="sr-only">{holiday}</span>'
    title += holiday
    if title:
        attributes += f' title="{title}"'
    return f'<td class="{classes}"{attributes}>{content}</td>'
