"""The kinds of request the engine knows: each module registers its own.

Registration happens when the module defining the kind is imported, which
Django does while loading models (define the kind next to its subject model).
"""

from __future__ import annotations

from modules.approvals.kinds.base import RequestKindSpec

_KINDS: dict[str, RequestKindSpec] = {}


def register_kind(spec_class: type[RequestKindSpec]) -> type[RequestKindSpec]:
    """Class decorator: make ``spec_class`` a kind of request."""
    spec = spec_class()
    if not spec.code:
        raise ValueError(f"{spec_class.__name__} has no code.")
    known = _KINDS.get(spec.code)
    if known is not None and type(known).__qualname__ != spec_class.__qualname__:
        raise ValueError(f"Two request kinds use the code {spec.code!r}.")
    _KINDS[spec.code] = spec
    return spec_class


def get_kind(code: str) -> RequestKindSpec | None:
    return _KINDS.get(code)


def all_kinds() -> list[RequestKindSpec]:
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, str]]:
    """The ``kind`` columns' choices (a callable, so a new kind needs no migration)."""
    return [(spec.code, spec.label) for spec in _KINDS.values()]


def subject_accessors() -> list[str]:
    """Every kind's subject name on the request, for ``select_related``."""
    return [spec.accessor for spec in _KINDS.values()]
