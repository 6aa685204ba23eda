"""Import from a site's dashboard page in a real browser: upload a WordPress export, read
the report (which passes axe), see the thread; a file over the limit is stopped beside the
field, by the script before sending and by the server without it."""

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.admin.conftest import make_admin
from tests.browser.axe import axe_problems
from tests.browser.conftest import sign_in_to_dashboard
from tests.conftest import make_site
from widget.extensions import db
from widget.models import Comment

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOO_LARGE = ("This file is larger than the 0.1 MB an upload may be. Import it with the command "
             "line instead (see “Import and export” in the README).")


@pytest.fixture
def old_blog(live_app):
    with live_app.app_context():
        site = make_site("Old blog", origins=["http://example.tld"])
        make_admin("boss@example.org")
        return site.id, site.key


def test_upload_a_wordpress_export_and_read_the_report(context_for, live_app, old_blog):
    site_id, site_key = old_blog
    page = context_for("light")
    sign_in_to_dashboard(page, live_app)
    page.goto(f"{live_app.base_url}/admin/sites/{site_id}")
    page.get_by_label("Format").select_option(label="WordPress export (WXR)")
    page.get_by_label("File", exact=True).set_input_files(FIXTURES / "wordpress-isso.xml")
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.locator("#import-report")
    report.wait_for()
    assert page.url.endswith(f"/admin/sites/{site_id}/import#import")
    assert "Comments imported\n8 (approved: 8)" in report.inner_text()
    assert "thread item-3 (http://example.tld/?p=6): it has no comments" in report.inner_text()
    assert page.get_by_label("Format").input_value() == "wordpress"
    assert axe_problems(page) == []
    with live_app.app_context():
        assert db.session.query(Comment).count() == 8

    page.goto(f"{live_app.base_url}/t/{site_key}?url={quote('http://example.tld/2014/test/')}")
    assert page.locator(".thread-count").inner_text() == "7 comments"


@pytest.mark.parametrize("live_app_config", [{"IMPORT_MAX_BYTES": 100_000}])
def test_a_file_over_the_limit_is_stopped_before_it_is_sent(context_for, live_app, old_blog,
                                                            tmp_path):
    site_id, _key = old_blog
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 150_000)
    page = context_for("light")
    sign_in_to_dashboard(page, live_app)
    page.goto(f"{live_app.base_url}/admin/sites/{site_id}")
    page.get_by_label("Format").select_option("isso")
    file_field = page.get_by_label("File", exact=True)
    file_field.set_input_files(big)
    error = page.locator("#file-size-error")
    assert error.inner_text() == TOO_LARGE  # said as soon as it is chosen
    assert file_field.get_attribute("aria-invalid") == "true"
    page.get_by_role("button", name="Import", exact=True).click()
    assert page.url == f"{live_app.base_url}/admin/sites/{site_id}"  # nothing was sent
    assert page.get_by_label("Format").input_value() == "isso"
    file_field.set_input_files(FIXTURES / "isso.db")
    assert error.is_hidden() and file_field.get_attribute("aria-invalid") is None


@pytest.mark.parametrize("live_app_config", [{"IMPORT_MAX_BYTES": 100_000}])
def test_without_the_script_the_server_answers_a_readable_413(browser, live_app, old_blog,
                                                              tmp_path):
    site_id, _key = old_blog
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 3_000_000)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_to_dashboard(page, live_app)
        page.goto(f"{live_app.base_url}/admin/sites/{site_id}")
        page.get_by_label("File", exact=True).set_input_files(big)
        with page.expect_navigation():
            page.get_by_role("button", name="Import", exact=True).click()
        assert page.locator("#file-error").inner_text() == TOO_LARGE
        assert page.locator("h1").inner_text() == "Site “Old blog”"
    finally:
        context.close()
