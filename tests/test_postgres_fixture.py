"""The ``database_url`` fixture gives a working database on SQLite and on PostgreSQL."""

from sqlalchemy import create_engine, text


def test_database_url_connects(database_url: str) -> None:
    """Each back end answers ``select 1``; PostgreSQL is at least version 15."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar_one() == 1
            if engine.dialect.name == "postgresql":
                version = int(conn.execute(text("show server_version_num")).scalar_one())
                assert version >= 150000
    finally:
        engine.dispose()
