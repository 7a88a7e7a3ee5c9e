"""Several threads doing the same database work at the same instant, as several workers would."""

import threading

from crm.extensions import db


def at_once(app, count, work):
    """Run ``work()`` in ``count`` threads released together, each in its own app context and session
    and committing after it; returns what each returned."""
    start, results = threading.Barrier(count), []

    def run():
        with app.app_context():
            start.wait()
            results.append(work())
            db.session.commit()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
