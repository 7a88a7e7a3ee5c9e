"""CLI fixtures: ``kefu`` runs an operator command in process, as ``flask --app wsgi kefu …`` would."""

import pytest


@pytest.fixture
def kefu(app, db):
    """``kefu(*args)``: run a ``kefu`` subcommand, return click's result."""
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=["kefu", *args])

    return run


@pytest.fixture
def kefu_lines(kefu):
    """``kefu_lines(*args)``: run a ``kefu`` subcommand, return its exit code and the lines it printed."""

    def run(*args):
        result = kefu(*args)
        return result.exit_code, result.output.splitlines()

    return run
