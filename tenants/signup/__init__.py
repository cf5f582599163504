"""Self-serve sign-up on the root domain: a company creates its own workspace.

Step one checks the address and emails a signed link (nothing is stored);
the link's page asks for a POST, which creates the company, its owner's
invitation and the trial (docs/billing.md, "Sign-up").
"""
