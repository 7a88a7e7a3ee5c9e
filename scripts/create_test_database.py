"""Create the PostgreSQL database named in the URL if it does not exist (used by scripts/test)."""

import sys

import sqlalchemy as sa


def main(url):
    target = sa.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
