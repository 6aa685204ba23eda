"""0012_api_tokens goes down and up again, and a token's sites go with its site
(tests/test_config.py checks that models and migrations agree)."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from tests.admin.conftest import make_admin
from tests.api.conftest import make_token
from tests.conftest import make_site
from widget.api.models import ApiToken, api_token_site
from widget.extensions import db

TABLES = {"api_token", "api_token_site"}


def test_the_api_tokens_migration_downgrades_and_upgrades(app):
    db.session.remove()
    downgrade(revision="0012_api_tokens-1")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    upgrade()
    assert TABLES <= set(inspect(db.engine).get_table_names())


def test_deleting_a_site_or_admin_takes_its_tokens_links(app):
    site = make_site()
    admin = make_admin()
    make_token(admin, [site])
    db.session.delete(site)
    db.session.commit()
    assert db.session.execute(select(api_token_site)).all() == []
    db.session.delete(admin)
    db.session.commit()
    assert db.session.scalar(select(ApiToken)) is None
