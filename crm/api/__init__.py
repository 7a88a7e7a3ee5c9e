"""The JSON API under /api/v1: one module per resource, each a flask-smorest blueprint ``blp`` mounted at ``URL``.

An edge: a view loads with a schema, calls one service and dumps with a schema. It may import services,
models, ``crm.auth`` and (to enqueue a job by reference) ``workers``; nothing imports the API but the factory.
"""

import importlib

from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

from crm.api.input_guard import register_input_guard
from crm.api.schemas.fields import INTEGER_MAX


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in a path: a row id, at most what an ``integer`` column holds; a larger one matches no
    route (404), where it would overflow the database's integer and fail."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def register_api(app, api, resources):
    """Mount ``crm/api/<name>.py`` for each name of ``resources``, in that order (the OpenAPI document's)."""
    app.url_map.converters["int"] = RowIdConverter
    api.register_converter(RowIdConverter, integerconverter2paramschema)
    register_input_guard(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in resources:
        resource = importlib.import_module(f"{__name__}.{name}")
        api.register_blueprint(resource.blp, url_prefix=f"/api/v1/{resource.URL}")
