"""The data pages, mounted on the project admin (see projects.py)."""


def urls(model_admin) -> list:
    return []
