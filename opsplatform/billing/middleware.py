"""The plan's two gates on every workspace request (docs/billing.md).

After authentication and the second-factor step: a person not signed in is sent
to sign in by the admin as before, and only then told about the plan.

- a request for a part of the product the company's plan lacks answers the
  upgrade page (402, opsplatform.billing.gating);
- while the company is read-only, a write answers the read-only page (403), and
  every page carries a banner that says so (opsplatform.billing.read_only).

The company's entitlement is read once per request (memoised on the request's
own copy of the tenant), so paying restores everything on the next request.
"""

from __future__ import annotations

from opsplatform.billing import gating, read_only


class BillingGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(request, "tenant", None) is None:
            return None  # the landlord site and unknown hosts: no plan
        if request.user.is_authenticated:
            feature = gating.request_lock(request)
            if feature is not None:
                return gating.upgrade_response(request, feature)
        if read_only.refuses(request):
            return read_only.refusal(request)
        return None

    def process_template_response(self, request, response):
        if getattr(request, "tenant", None) is None:
            return response
        return read_only.add_banner(request, response)
