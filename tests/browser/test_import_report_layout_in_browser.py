"""The dashboard's import report at 320, 768 and 1,280 px, light and dark, in English,
German and Arabic: long URLs and reasons wrap (or scroll) inside the report's box; nothing
sticks out of it and nothing is cut."""

from pathlib import Path

import pytest

from tests.admin.conftest import make_admin
from tests.browser.conftest import sign_in_to_dashboard
from tests.conftest import make_site

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent.parent / "fixtures"
LONG_PATH = "/" + "-".join(["a-rather-long-article-slug-that-never-ends"] * 4)
EXTRA_ITEMS = f"""
        <item><title>Far away</title>
            <link>http://elsewhere.example.tld{LONG_PATH}?utm_source=newsletter&amp;utm_campaign=x</link>
            <wp:comment><wp:comment_id>90</wp:comment_id>
                <wp:comment_author>Far</wp:comment_author>
                <wp:comment_date_gmt>2014-04-29 15:21:57</wp:comment_date_gmt>
                <wp:comment_content>Hello</wp:comment_content>
                <wp:comment_approved>1</wp:comment_approved></wp:comment>
        </item>
        <item><title>Empty</title><link>http://example.tld{LONG_PATH}/</link></item>
    </channel>"""

# Every element of the report lies within the report's box, and no box hides its text.
OUTSIDE = """(report) => {
  const box = report.getBoundingClientRect();
  const problems = [];
  if (report.scrollWidth > report.clientWidth + 1) {
    problems.push(`report scrolls: ${report.scrollWidth}px in ${report.clientWidth}px`);
  }
  for (const el of report.querySelectorAll("*")) {
    for (const rect of el.getClientRects()) {
      if (rect.width && (rect.left < box.left - 1 || rect.right > box.right + 1)) {
        problems.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" `
                      + `from ${Math.round(rect.left)} to ${Math.round(rect.right)} in `
                      + `${Math.round(box.left)}..${Math.round(box.right)}`);
      }
    }
    const overflow = getComputedStyle(el).overflowX;
    if (el.scrollWidth > el.clientWidth + 1 && overflow !== "auto" && overflow !== "scroll"
        && getComputedStyle(el).display !== "inline") {
      problems.push(`${el.tagName.toLowerCase()} cuts its text`);
    }
  }
  return problems;
}"""


@pytest.fixture
def long_export(tmp_path):
    text = (FIXTURES / "wordpress-isso.xml").read_text()
    path = tmp_path / "export-with-long-addresses.xml"
    path.write_text(text.replace("</channel>", EXTRA_ITEMS))
    return path


@pytest.mark.parametrize("language", ["en", "de", "ar"])
def test_the_import_report_fits_its_box(context_for, live_app, long_export, language):
    with live_app.app_context():
        site_id = make_site("Old blog", origins=["http://example.tld"]).id
        make_admin("boss@example.org")
    problems = {}
    for scheme in ("light", "dark"):
        page = context_for(scheme, locale=language, viewport={"width": 1280, "height": 900})
        sign_in_to_dashboard(page, live_app)
        page.goto(f"{live_app.base_url}/admin/sites/{site_id}")
        page.locator("select[name=format]").select_option("wordpress")
        page.locator("input[type=file]").set_input_files(long_export)
        page.locator("#import button[type=submit]").click()
        report = page.locator("#import-report")
        report.wait_for()
        assert "elsewhere.example.tld" in report.inner_text()
        for width in (320, 768, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            found = report.evaluate(OUTSIDE)
            if found:
                problems[f"{scheme} {width}px"] = found
    assert problems == {}
