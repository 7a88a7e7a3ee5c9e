"""Random SECRET_KEY and TWILIO_AUTH_TOKEN for one benchmark run, unless the environment sets them.

Kefu refuses to start on PostgreSQL with its built-in secrets (crm.config.refuse_insecure_defaults);
a benchmark's throwaway database needs no lasting ones. Set before the app (and any gunicorn it
starts) reads the environment.
"""

import os
import secrets


def use_throwaway_secrets():
    for name in ("SECRET_KEY", "TWILIO_AUTH_TOKEN"):
        if not os.environ.get(name):
            os.environ[name] = secrets.token_hex(32)
