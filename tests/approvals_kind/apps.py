from django.apps import AppConfig


class ApprovalsKindConfig(AppConfig):
    """A throwaway module, installed only by the test settings: it routes errands
    through the approvals engine (docs/approvals.md, "Adding a request kind")."""

    name = "tests.approvals_kind"
    label = "approvals_kind"
    default_auto_field = "django.db.models.BigAutoField"
