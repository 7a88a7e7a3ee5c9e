"""What gunicorn loads: the app, with its start-up objects out of the garbage collector's reach."""

import os
import subprocess
import sys

from crm.config import ROOT


def test_the_served_app_freezes_its_start_up_objects(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KEFU_INSTANCE_DIR=str(tmp_path))
    code = "import gc, wsgi; print('frozen:', gc.get_freeze_count())"

    command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    frozen = next(line for line in result.stdout.splitlines() if line.startswith("frozen:"))
    assert int(frozen.split()[1]) > 10_000  # the modules, mappers and catalogs: a full collection skips them
