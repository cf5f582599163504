"""Self-serve sign-up on the root domain (helper "signup" fills it)."""
