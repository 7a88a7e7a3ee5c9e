"""The JSON API under /api/v1: every module in this package that defines ``blp`` and ``URL``."""

import importlib
import pkgutil


def register_api(api):
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "blp") and hasattr(module, "URL"):
            api.register_blueprint(module.blp, url_prefix=f"/api/v1/{module.URL}")
