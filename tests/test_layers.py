"""Imports point inward (DESIGN.md, Layout): models and core never reach up to the layers that use
them, services never touch Flask's request state, and each service area imports only the areas
before it (``crm/services/__init__.py``).

The source is read with ``ast``, never imported, so an import inside a function counts too and
no app is built. A failure lists each offending module, line and imported name.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "crm" / "services"

# The edges: what serves HTTP, pages, commands, webhooks and queued jobs, over the services.
EDGES = ("crm.api", "crm.console", "crm.cli", "telephony", "workers")
# Flask's request state: what exists only while a request is served. ``current_app`` is not
# request state (a worker and the CLI have an app context too), so services may use it.
REQUEST_STATE = ("flask.request", "flask.g", "flask.session")

# folder → the names (and everything under them) its modules may not import
FORBIDDEN = {
    "crm/core": ("crm.models", "crm.services", *EDGES),
    "crm/models": ("crm.services", *EDGES),
    "crm/services": (*REQUEST_STATE, *EDGES),
}

# The business areas in the order of crm/services/__init__.py: each may import only those before it.
AREAS = ("org", "customers", "cases", "calls", "surveys", "messages", "activity", "quality", "demo")


def module_name(path):
    """``crm/services/cases/workflow.py`` → ``crm.services.cases.workflow`` (a package is its folder)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path):
    """(line, absolute dotted name) of each import in ``path``.

    ``from a import b`` gives ``a.b`` (``b`` may be a module or a name in ``a``); a relative
    import is resolved against the module's own package.
    """
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def is_under(name, prefixes):
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)


def forbidden_imports(folder, prefixes):
    """``path:line imports name`` for each import under ``folder`` of a name under ``prefixes``."""
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, name in imported_names(path)
        if is_under(name, prefixes)
    ]


@pytest.mark.parametrize(("folder", "prefixes"), FORBIDDEN.items(), ids=list(FORBIDDEN))
def test_imports_point_inward(folder, prefixes):
    found = forbidden_imports(folder, prefixes)
    assert not found, f"{folder} may not import {', '.join(prefixes)}:\n" + "\n".join(found)


def test_every_service_package_is_an_area_with_a_place_in_the_order():
    entries = {path.name for path in SERVICES.iterdir()} - {"__init__.py", "__pycache__"}
    assert entries == set(AREAS), "crm/services holds only the areas, each named in AREAS in its place"


def test_each_service_area_imports_only_the_areas_before_it():
    found = [
        f"{violation} ({area} may import these areas: {', '.join(AREAS[:i]) or 'none'})"
        for i, area in enumerate(AREAS)
        for violation in forbidden_imports(
            f"crm/services/{area}", [f"crm.services.{later}" for later in AREAS[i + 1 :]]
        )
    ]
    assert not found, "a service area imports a later one:\n" + "\n".join(found)
