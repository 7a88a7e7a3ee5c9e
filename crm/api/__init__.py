"""The JSON API under /api/v1: one module per resource, each a flask-smorest blueprint ``blp`` mounted at ``URL``.

An edge: a view loads with a schema, calls one service and dumps with a schema. It may import services,
models, ``crm.auth`` and (to enqueue a job by reference) ``workers``; nothing imports the API but the factory.
"""

import importlib

from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from crm.api.input_guard import apply_upload_limit, register_input_guard
from crm.api.schemas.fields import INTEGER_MAX


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in a path: a row id, at most what an ``integer`` column holds (documented as the maximum).

    A larger one names no row: 404 at once, where the database's integer would overflow (a 500). It is raised
    rather than refused as a non-match, which would make werkzeug answer 405 when the same path has a route
    for another method.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INTEGER_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound("No such record.") from None


def register_api(app, api, resources):
    """Mount ``crm/api/<name>.py`` for each name of ``resources``, in that order (the OpenAPI document's)."""
    app.url_map.converters["int"] = RowIdConverter
    api.register_converter(RowIdConverter, integerconverter2paramschema)
    app.before_request(apply_upload_limit)  # before the input guard reads the body
    register_input_guard(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in resources:
        resource = importlib.import_module(f"{__name__}.{name}")
        api.register_blueprint(resource.blp, url_prefix=f"/api/v1/{resource.URL}")
    if "customers" in resources:
        from crm.api.screen_pop_lane import ScreenPopLane

        app.wsgi_app = ScreenPopLane(app, app.wsgi_app)
