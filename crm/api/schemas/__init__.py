"""marshmallow schemas of the API, one module per resource: what comes in and what goes out.

May import models (for their value lists) and the customers' field rules; no database access.
"""
