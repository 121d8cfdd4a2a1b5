"""Back up, wipe, restore: every table comes back identical."""

from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from app.core.backup import backup, restore
from app.core.migrations import upgrade
from tests.conftest import TEST_DATABASE_URL, _ensure_database


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'spatial_ref_sys' ORDER BY 1"
                )  # fmt: skip
            )
            .scalars()
            .all()
        )
        prints = {
            t: tuple(
                conn.execute(
                    text(
                        "SELECT count(*), "
                        "coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') "
                        f'FROM "{t}" x'
                    )
                ).one()
            )  # fmt: skip
            for t in tables
        }
    engine.dispose()
    return prints  # type: ignore[return-value]


def test_backup_wipe_restore_gives_back_every_table(engine: object, tmp_path: Path) -> None:
    url = make_url(TEST_DATABASE_URL)
    scratch = url.set(database=f"{url.database}_backup").render_as_string(hide_password=False)
    _ensure_database(scratch)
    upgrade(scratch)
    seeded = create_engine(scratch)
    from sqlmodel import Session

    from app.seed import seed_all

    with Session(seeded) as session:
        seed_all(session)
        session.commit()
    seeded.dispose()
    before = _fingerprints(scratch)
    assert before["asset"][0] >= 80 and before["place"][0] == 7

    dump = backup(scratch, tmp_path)
    assert dump.stat().st_size > 10_000
    wipe = create_engine(scratch, isolation_level="AUTOCOMMIT")
    with wipe.connect() as conn:
        conn.execute(text("DROP TABLE asset, schedule, venue, revision CASCADE"))
        conn.execute(text("TRUNCATE place CASCADE"))
    wipe.dispose()
    assert _fingerprints(scratch) != before

    restore(scratch, dump)
    assert _fingerprints(scratch) == before
