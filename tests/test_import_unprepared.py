"""The import's connection sends its statements unprepared on PostgreSQL (unprepared.py),
and gets psycopg's setting back afterwards, whether the import succeeds or is refused."""

from pathlib import Path

import pytest

from widget.extensions import db
from widget.porting.service import run_import
from widget.porting.stream import ImportRefused

from .conftest import make_site

FIXTURES = Path(__file__).parent / "fixtures"


def driver_connection():
    return db.session.connection().connection.driver_connection


def import_fixture(site, before_commit):
    with open(FIXTURES / "disqus-isso.xml", "rb") as fileobj:
        return run_import("disqus", fileobj, site, before_commit=before_commit)


def test_statements_are_unprepared_during_the_import_only(app):
    site = make_site(origins=["http://example.org"])
    seen = []
    report = import_fixture(site, lambda report: seen.append(
        getattr(driver_connection(), "prepare_threshold", "no such setting")))
    assert report.comments_added == 2
    if db.engine.dialect.name == "postgresql":
        assert seen == [None]
        assert driver_connection().prepare_threshold == 5  # psycopg's default, back
    else:
        assert seen == ["no such setting"]  # SQLite: nothing to change


def test_the_setting_comes_back_when_the_import_is_refused(app):
    site = make_site(origins=["http://example.org"])

    def refuse(report):
        raise ImportRefused("no")

    with pytest.raises(ImportRefused):
        import_fixture(site, refuse)
    if db.engine.dialect.name == "postgresql":
        assert driver_connection().prepare_threshold == 5
