"""The JSON API under /api/v1: one module per resource, each a flask-smorest blueprint ``blp`` mounted at ``URL``.

An edge: a view loads with a schema, calls one service and dumps with a schema. It may import services,
models, ``crm.auth`` and (to enqueue a job by reference) ``workers``; nothing imports the API but the factory.
"""

import importlib

# Every resource the API serves (crm/api/<name>.py), mounted in this order: the OpenAPI document's.
RESOURCES = (
    "admin_jobs",
    "assessments",
    "branches",
    "calendar",
    "calls",
    "cases",
    "customers",
    "deadline_policies",
    "greetings",
    "notifications",
    "phone_lines",
    "products",
    "recommendations",
    "scripts",
    "softphone",
    "staff",
    "surveys",
    "visits",
)


def register_api(api):
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in RESOURCES:
        resource = importlib.import_module(f"{__name__}.{name}")
        api.register_blueprint(resource.blp, url_prefix=f"/api/v1/{resource.URL}")
