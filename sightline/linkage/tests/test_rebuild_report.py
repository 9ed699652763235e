"""What a batch rebuild reports (persons before and after, seconds per step), and that its
DuckDB connection keeps output redirected to a file clean."""

from __future__ import annotations

import datetime as dt

from sightline.linkage.batch import connect
from sightline.linkage.rebuild import linkage_rebuild
from sightline.testing import factories as f


def _progress_bar(con) -> bool:  # type: ignore[no-untyped-def]
    return bool(con.sql("SELECT current_setting('enable_progress_bar')").fetchall()[0][0])


def test_the_batch_connection_draws_no_progress_bar_unless_asked() -> None:
    assert not _progress_bar(connect())
    assert _progress_bar(connect(progress=True))


def test_a_rebuild_counts_the_persons_before_and_after_its_merges(agencies) -> None:  # type: ignore[no-untyped-def]
    f.child(given_name="Poppy", family_name="Smith", date_of_birth=dt.date(2019, 1, 4))
    f.child(given_name="Popy", family_name="Smith", date_of_birth=dt.date(2019, 1, 4))
    summary = linkage_rebuild(actor="test")
    assert summary.merges == 1
    assert (summary.persons_before, summary.persons_after) == (2, 1)


def test_a_rebuild_reports_the_seconds_of_each_step(agencies) -> None:  # type: ignore[no-untyped-def]
    f.child(given_name="Ava", family_name="Testsmith", date_of_birth=dt.date(2018, 5, 6))
    summary = linkage_rebuild(actor="test")
    assert list(summary.seconds) == ["index", "export", "cluster", "apply"]
    assert all(seconds >= 0 for seconds in summary.seconds.values())
