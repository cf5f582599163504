"""Dashboard cards of the projects module (filled in with the analytics)."""


def project_cards(request) -> list:
    return []
