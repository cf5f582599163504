"""The project's health as people read it: a badge and a sentence written from the
stored facts, in the reader's language (services/health.py computes the facts).

"At risk: 4 tasks overdue; 82% of the budget spent at 60% complete". Each
signal that fired is one phrase, worst first; nothing is queried here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from modules.projects.models import Project

Health = Project.Health

# unfold's label variants (``@display(label=HEALTH_COLOURS)`` on a list) and the
# page's own badge classes.
HEALTH_COLOURS = {
    Health.ON_TRACK.value: "success",
    Health.AT_RISK.value: "warning",
    Health.OFF_TRACK.value: "danger",
}
NOT_YET = _("Not computed yet")


def _whole(value) -> str:
    """A percentage shown whole, in the reader's number format (82, not 81.6)."""
    whole = Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return number_format(whole, 0)


def _phrase(signal: str, facts: dict) -> str:
    if signal == "overdue":
        count = facts.get("overdue", 0)
        return ngettext("%(count)d task overdue", "%(count)d tasks overdue", count) % {
            "count": count
        }
    if signal == "budget":
        numbers = {
            "spent": _whole(facts.get("spent_pct") or 0),
            "complete": _whole(facts.get("complete_pct") or 0),
        }
        if facts.get("spent_basis") == "hours":
            return gettext("%(spent)s%% of the budgeted hours spent at %(complete)s%% complete") % (
                numbers
            )
        return gettext("%(spent)s%% of the budget spent at %(complete)s%% complete") % numbers
    if signal == "past_due":
        count = facts.get("open", 0)
        return ngettext(
            "past its due date with %(count)d task open",
            "past its due date with %(count)d tasks open",
            count,
        ) % {"count": count}
    if signal == "slip":
        days = facts.get("slip_days") or 0
        return ngettext(
            "projected to finish %(days)d day late",
            "projected to finish %(days)d days late",
            days,
        ) % {"days": days}
    if signal == "blocked":
        count = facts.get("blocked", 0)
        return ngettext("%(count)d task blocked", "%(count)d tasks blocked", count) % {
            "count": count
        }
    if signal == "late_by_blockers":
        count = facts.get("late_by_blockers", 0)
        return ngettext(
            "%(count)d task due before its blockers",
            "%(count)d tasks due before their blockers",
            count,
        ) % {"count": count}
    return ""


def _on_track_phrases(facts: dict) -> list[str]:
    phrases = [gettext("%(complete)s%% complete") % {"complete": _whole(facts["complete_pct"])}]
    if facts.get("spent_pct") is not None:
        spent = {"spent": _whole(facts["spent_pct"])}
        if facts.get("spent_basis") == "hours":
            phrases.append(gettext("%(spent)s%% of the budgeted hours spent") % spent)
        else:
            phrases.append(gettext("%(spent)s%% of the budget spent") % spent)
    return phrases


def _join(phrases: list[str]) -> str:
    # Joined pairwise through a translatable pattern, so that Arabic uses its own separator.
    text = phrases[0]
    for phrase in phrases[1:]:
        text = gettext("%(first)s; %(second)s") % {"first": text, "second": phrase}
    return text


def health_sentence(project: Project) -> str:
    """The sentence beside the badge; empty when the health was never computed."""
    facts = project.health_facts or {}
    if not project.health or "complete_pct" not in facts:
        return ""
    label = str(Health(project.health).label)
    if project.health == Health.ON_TRACK:
        phrases = _on_track_phrases(facts)
    else:
        phrases = [_phrase(signal, facts) for signal, _level in facts.get("signals", [])]
        phrases = [phrase for phrase in phrases if phrase]
    if not phrases:
        return label
    return pgettext("health sentence", "%(health)s: %(reasons)s") % {
        "health": label,
        "reasons": _join(phrases),
    }


def health_badge(project: Project) -> dict:
    """What a list or page shows for the health, without HTML.

    ``level`` is the stored code (or ""), ``label`` the translated level,
    ``colour`` an unfold label variant (success, warning, danger, info: pass
    ``HEALTH_COLOURS`` to ``@display(label=...)``), ``css`` this module's badge
    class, and ``sentence`` the explanation (title attribute, or beside it).
    """
    level = project.health or ""
    if not level:
        return {
            "level": "",
            "label": str(NOT_YET),
            "colour": "info",
            "css": "pj-health pj-health-none",
            "sentence": "",
        }
    return {
        "level": level,
        "label": str(Health(level).label),
        "colour": HEALTH_COLOURS[level],
        "css": f"pj-health pj-health-{level.replace('_', '-')}",
        "sentence": health_sentence(project),
    }
