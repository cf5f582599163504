"""The kernel's one refusal and its one safe ``next``: what a person sees when a
service says no, and where a POST may send them afterwards."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from opsplatform.redirects import redirect_next, safe_next
from opsplatform.refusals import Refused, show_refusal


def _request(method="get", data=None, host="acme.localhost", secure=False):
    factory = RequestFactory()
    build = factory.post if method == "post" else factory.get
    request = build("/admin/", data or {}, HTTP_HOST=host, secure=secure)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


class _AmountForm(forms.Form):
    amount = forms.DecimalField()


def test_a_refusal_is_a_validation_error_with_the_persons_message():
    with pytest.raises(ValidationError) as caught:
        raise Refused("The request has moved on: it is now at Finance.")
    assert caught.value.messages == ["The request has moved on: it is now at Finance."]


def test_a_refusal_shows_on_the_form_and_on_its_field():
    form = _AmountForm(data={"amount": "10"})
    assert form.is_valid()
    show_refusal(_request(), Refused("Not now."), form=form)
    show_refusal(_request(), Refused("Too high for this route.", field="amount"), form=form)
    assert form.non_field_errors() == ["Not now."]
    assert form.errors["amount"] == ["Too high for this route."]
    assert not form.is_valid()


def test_a_refusal_without_a_form_is_an_error_message_for_the_next_page():
    request = _request()
    show_refusal(request, Refused("You have already decided this request."))
    shown = [(m.level_tag, str(m)) for m in get_messages(request)]
    assert shown == [("error", "You have already decided this request.")]


@pytest.mark.parametrize(
    "candidate",
    [
        "https://evil.example/admin/",
        "//evil.example/admin/",
        "http://globex.localhost/admin/",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_next_never_leaves_this_host(candidate):
    assert safe_next(_request(), candidate, "/admin/") == "/admin/"


def test_next_on_this_host_is_followed():
    request = _request()
    assert safe_next(request, "/admin/approvals/?p=2", "/admin/") == "/admin/approvals/?p=2"
    assert safe_next(request, "http://acme.localhost/admin/x/", "/admin/") == (
        "http://acme.localhost/admin/x/"
    )


def test_an_https_page_does_not_send_a_person_to_plain_http():
    request = _request(secure=True)
    assert safe_next(request, "http://acme.localhost/admin/x/", "/admin/") == "/admin/"


def test_redirect_next_reads_the_post_first():
    request = _request("post", {"next": "/admin/inbox/"})
    assert redirect_next(request, "/admin/")["Location"] == "/admin/inbox/"
    hostile = _request("post", {"next": "https://evil.example/"})
    assert redirect_next(hostile, "/admin/")["Location"] == "/admin/"
