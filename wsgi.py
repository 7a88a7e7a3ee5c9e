"""What gunicorn and ``flask --app wsgi`` load."""

import gc

from crm import create_app

app = create_app()

# The objects made at start-up (modules, mappers, catalogs: some 230,000) live as long as the process: kept out
# of the collector's reach, a full collection walks only what requests made since — about 25 ms instead of
# 170 ms during which every thread of the process stands still (the call-centre benchmark's p99 outliers).
gc.freeze()
