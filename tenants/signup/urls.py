"""Sign-up's addresses on the root domain: ``signup`` and what follows it."""

urlpatterns: list = []
