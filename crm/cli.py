"""``flask --app wsgi kefu …``: operator commands."""

import click


@click.group()
def kefu():
    """Kefu operator commands."""
