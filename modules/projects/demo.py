"""Demo data of the projects module (docs/projects.md, "Demo")."""


def seed(tenant, stdout=None) -> None:
    return None
