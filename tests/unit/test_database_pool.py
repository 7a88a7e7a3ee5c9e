"""A PostgreSQL process keeps one connection per web thread (issue 13): with SQLAlchemy's default pool of 5 a
busy web process of 32 threads opened and closed connections for its requests all the time."""

from crm.config import Config

POSTGRES = "postgresql+psycopg://kefu@db.example.com:5432/kefu"


def pool(monkeypatch, url=POSTGRES, **env):
    for name in ("WEB_THREADS", "KEFU_DB_POOL_SIZE", "KEFU_DB_MAX_OVERFLOW"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    options = Config(SQLALCHEMY_DATABASE_URI=url).SQLALCHEMY_ENGINE_OPTIONS
    return options.get("pool_size"), options.get("max_overflow")


def test_the_pool_has_a_connection_per_web_thread(monkeypatch):
    assert pool(monkeypatch) == (32, 8)
    assert pool(monkeypatch, WEB_THREADS="12") == (12, 8)


def test_the_pool_sizes_can_be_set(monkeypatch):
    assert pool(monkeypatch, WEB_THREADS="12", KEFU_DB_POOL_SIZE="5", KEFU_DB_MAX_OVERFLOW="0") == (5, 0)


def test_sqlite_keeps_sqlalchemy_s_own_pool(monkeypatch):
    assert pool(monkeypatch, url="sqlite:///kefu.db", WEB_THREADS="12") == (None, None)
