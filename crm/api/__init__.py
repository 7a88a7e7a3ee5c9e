"""The JSON API under /api/v1: one module per resource, each a flask-smorest blueprint ``blp`` mounted at ``URL``.

An edge: a view loads with a schema, calls one service and dumps with a schema. It may import services,
models, ``crm.auth`` and (to enqueue a job by reference) ``workers``; nothing imports the API but the factory.
"""

import importlib


def register_api(api, resources):
    """Mount ``crm/api/<name>.py`` for each name of ``resources``, in that order (the OpenAPI document's)."""
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in resources:
        resource = importlib.import_module(f"{__name__}.{name}")
        api.register_blueprint(resource.blp, url_prefix=f"/api/v1/{resource.URL}")
