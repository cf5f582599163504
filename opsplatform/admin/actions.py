"""Unfold actions that write are POST-only, behind a confirmation page.

Unfold draws detail, row and list actions as links, so a plain GET reaches
them, and a GET carries no CSRF check: a link on any page could suspend a
company or send an invitation. Every such action of an admin built on our
bases is therefore guarded:

- GET shows "Suspend Acme Corp?" with a POST button (and a way back);
- POST (with CSRF, as every POST) runs the action;
- either way, a row outside the person's list is a 404 and an action they may
  not run is a 403, before the action's own code runs.

An action whose GET only shows a page of its own (a form, a redirect to
another screen) and writes on POST alone says so with ``@renders_on_get``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


def renders_on_get(action):
    """Mark an unfold action whose GET writes nothing (it renders a form or redirects)."""
    action.renders_on_get = True
    return action


class ConfirmedActionsMixin:
    """For ModelAdmins with unfold's action machinery (``actions_detail``, ...)."""

    def get_unfold_action(self, action: str):
        unfold_action = super().get_unfold_action(action)
        unfold_action.method = self._guard_action(unfold_action)
        return unfold_action

    def _guard_action(self, unfold_action):
        method = unfold_action.method
        if getattr(method, "_confirmed_guard", False):
            return method

        @wraps(method)
        def guarded(request, *args, **kwargs):
            # Submit-line actions are called from save_model as (request, obj),
            # inside the change form's own POST: nothing to add there.
            if args:
                return method(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD", "POST"):
                return HttpResponseNotAllowed(["GET", "POST"])
            object_id = kwargs.get("object_id")
            obj = None
            if object_id is not None:
                obj = self.get_object(request, unquote(object_id))
                if obj is None:
                    raise Http404
            if not self._filter_unfold_actions_by_permissions(request, [unfold_action], object_id):
                raise PermissionDenied
            if request.method == "POST" or getattr(method, "renders_on_get", False):
                return method(request, *args, **kwargs)
            return self._confirmation_page(request, unfold_action, obj)

        guarded._confirmed_guard = True
        return guarded

    def _confirmation_page(self, request, unfold_action, obj):
        opts = self.model._meta
        description = unfold_action.description
        if obj is not None:
            question = _("%(action)s %(object)s?") % {"action": description, "object": obj}
            back = _admin_url(self, "change", obj.pk)
        else:
            question = _("%(action)s?") % {"action": description}
            back = _admin_url(self, "changelist")
        return TemplateResponse(
            request,
            "opsplatform/admin/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "opts": opts,
                "title": question,
                "question": question,
                "action_label": description,
                "object": obj,
                "back_url": back,
            },
        )


def _admin_url(model_admin, page: str, *args) -> str:
    opts = model_admin.model._meta
    try:
        return reverse(
            f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_{page}", args=args
        )
    except NoReverseMatch:
        return ""
