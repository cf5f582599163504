"""The board's cards, written in Python: a board holds up to a thousand of them,
and the template language spent three quarters of the page's time on them
(bench/projects_board.py). The markup is the one board.css and board.js read:
``data-task``, ``data-reference``, ``data-position`` and ``data-testid="card"`` on
each card; the Move menu's buttons carry ``data-move``. The words are translated
once per page and every value is escaped."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from modules.projects.models import Priority
from modules.projects.selectors.board import Card

register = template.Library()


def _words() -> dict[str, str]:
    words = {
        "blocked_title": gettext("Blocked by an open task"),
        "blocked": gettext("Blocked"),
        "overdue": gettext("overdue"),
        "checklist": gettext("Checklist"),
        "hours_title": gettext("Hours logged against the estimate"),
        "h": gettext("h"),
        "move": gettext("Move"),
        "prev": gettext("To the previous column"),
        "next": gettext("To the next column"),
        "up": gettext("Up"),
        "down": gettext("Down"),
    }
    words = {key: escape(value) for key, value in words.items()}
    words["priority"] = {value: escape(str(label)) for value, label in Priority.choices}
    return words


def _hours(value) -> str:
    # floatformat:"-1": 3.5 stays 3.5, 8.0 shows as 8.
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.simple_tag(takes_context=True)
def board_cards(context, cards: list[Card]) -> SafeString:
    words = context.get("_board_words")
    if words is None:
        words = context["_board_words"] = _words()
    today = context["board"].today
    can_move = bool(context.get("can_move"))
    task_url = context.get("task_url") or ""
    return mark_safe("".join(_card(card, words, today, can_move, task_url) for card in cards))


def _card(card: Card, w: dict, today, can_move: bool, task_url: str) -> str:
    ref = escape(card.reference)
    title = escape(card.title)
    parts = [
        f'<li class="pb-card bg-white dark:bg-base-900 border border-base-200 '
        f'dark:border-base-700 rounded-default" data-task="{card.pk}" data-reference="{ref}" '
        f'data-position="{card.position}" data-testid="card" tabindex="0"'
        + (' draggable="true" aria-describedby="pb-help"' if can_move else "")
        + ">",
        f'<div class="pb-card-head"><span class="pb-ref">{ref}</span>'
        f'<span class="pb-priority pb-priority-{escape(card.priority)}">'
        f"{w['priority'].get(card.priority, escape(card.priority))}</span>",
    ]
    if card.blocked:
        parts.append(
            f'<span class="pb-blocked" title="{w["blocked_title"]}">'
            '<span class="material-symbols-outlined" aria-hidden="true">block</span>'
            f'<span class="sr-only">{w["blocked"]}</span></span>'
        )
    parts.append("</div>")
    if task_url:
        parts.append(
            f'<p class="pb-title"><a href="{escape(task_url)}{card.pk}/change/">{title}</a></p>'
        )
    else:
        parts.append(f'<p class="pb-title">{title}</p>')
    if card.labels:
        parts.append('<ul class="pb-labels">')
        parts.extend(
            f'<li class="pb-label" style="--pb-label: {escape(colour)}">{escape(name)}</li>'
            for name, colour in card.labels
        )
        parts.append("</ul>")
    parts.append('<div class="pb-meta">')
    if card.due_date:
        overdue = card.due_date < today and not card.done
        parts.append(
            f'<span class="pb-due{" pb-overdue" if overdue else ""}" data-testid="card-due">'
            '<span class="material-symbols-outlined" aria-hidden="true">event</span>'
            f"{escape(date_format(card.due_date, 'j M'))}"
            + (f'<span class="sr-only"> ({w["overdue"]})</span>' if overdue else "")
            + "</span>"
        )
    if card.checklist_total:
        parts.append(
            f'<span class="pb-checklist" title="{w["checklist"]}">'
            '<span class="material-symbols-outlined" aria-hidden="true">checklist</span>'
            f"{card.checklist_done}/{card.checklist_total}</span>"
        )
    if card.hours_logged or card.estimate_hours:
        over = card.estimate_hours and card.hours_logged > card.estimate_hours
        estimate = f" / {_hours(card.estimate_hours)}" if card.estimate_hours else ""
        parts.append(
            f'<span class="pb-hours{" pb-over-estimate" if over else ""}" '
            f'title="{w["hours_title"]}">'
            '<span class="material-symbols-outlined" aria-hidden="true">schedule</span>'
            f"<bdi>{_hours(card.hours_logged)}{estimate}</bdi> {w['h']}</span>"
        )
    parts.append('<span class="pb-people">')
    for _pk, first, last in card.assignees:
        name = escape(f"{first} {last}".strip())
        initials = escape((first[:1] + last[:1]).upper())
        parts.append(
            f'<span class="pb-avatar" title="{name}">{initials}'
            f'<span class="sr-only"> {name}</span></span>'
        )
    parts.append("</span></div>")
    if can_move:
        parts.append(
            f'<details class="pb-move" data-move-menu><summary>{w["move"]}</summary>'
            '<div class="pb-move-buttons">'
            f'<button type="button" data-move="prev">{w["prev"]}</button>'
            f'<button type="button" data-move="next">{w["next"]}</button>'
            f'<button type="button" data-move="up">{w["up"]}</button>'
            f'<button type="button" data-move="down">{w["down"]}</button>'
            "</div></details>"
        )
    parts.append("</li>")
    return "".join(parts)
