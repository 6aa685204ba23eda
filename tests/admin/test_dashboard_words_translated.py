"""Import refusals and audit-log details in the reader's language (issue 20): a refusal is
a gettext message (English on the command line), an audit entry keeps a message key with
its parameters and is rendered when read; rows from before the keys show their text."""

import re
from html import unescape

from sqlalchemy import select

from tests.test_import_refusals import BILLION_LAUGHS
from widget.admin import audit
from widget.extensions import db
from widget.models import AuditEntry

from .conftest import make_site
from .test_import_upload import (
    DISQUS_FIXTURE,
    FIXTURES,
    field_error,
    upload,
    upload_file,
)

GERMAN = {"Accept-Language": "de"}
ARABIC = {"Accept-Language": "ar"}


def details_cells(html):
    return [unescape(cell).strip() for cell in
            re.findall(r'<td [^>]*class="details"[^>]*>(.*?)</td>', html, re.S)]


def test_import_refusals_speak_the_admins_language(dashboard):
    site = make_site("Example", origins=["http://example.org"])
    broken = upload(dashboard, site, "disqus", b"<disqus><thread>", headers=GERMAN)
    assert field_error(broken.text).startswith("Die Datei ist kein wohlgeformtes XML (")
    assert field_error(broken.text).endswith("); nichts wurde importiert.")
    laughs = BILLION_LAUGHS.format(root="rss", body="<rss>&lol9;</rss>").encode()
    entities = upload(dashboard, site, "wordpress", laughs,
                      headers=ARABIC)
    assert field_error(entities.text).startswith("يُعلن الملف عن كيانات XML")
    assert "صادرات Disqus وWordPress لا تفعل ذلك أبدًا" in field_error(entities.text)
    wrong_root = upload(dashboard, site, "wordpress", b"<disqus/>", headers=GERMAN)
    assert field_error(wrong_root.text) == (
        "Dies ist kein WordPress (WXR)-Export: Sein Wurzelelement ist <disqus>, nicht <rss>.")


def test_the_audit_log_shows_details_in_the_readers_language(dashboard, superadmin):
    site = make_site("Example", origins=["http://example.org"])
    assert upload_file(dashboard, site, "disqus", DISQUS_FIXTURE).status_code == 200
    response = dashboard.post("/admin/bans/new", data={
        "target": "troll@example.com", "site": str(site.id), "reason": "Spam"})
    assert response.status_code == 303
    audit.record(superadmin, "approve", site.id, message="moderation_link", params={"email": None})
    db.session.add(AuditEntry(admin_id=superadmin.id, action="edit", site_id=site.id,
                              details="Previous text:\nwritten before the keys"))
    db.session.commit()

    english = details_cells(dashboard.get("/admin/audit").text)
    german = details_cells(dashboard.get("/admin/audit", headers=GERMAN).text)
    arabic = details_cells(dashboard.get("/admin/audit", headers=ARABIC).text)
    # Newest first: the old row, the emailed link, the ban, the import.
    assert english[0] == german[0] == arabic[0] == "Previous text:\nwritten before the keys"
    assert english[1] == "Through the moderation link emailed to a moderator."
    assert german[1] == ("Über den Moderationslink, der an eine Moderatorin oder einen "
                         "Moderator gemailt wurde.")
    assert english[2] == "email troll@example.com on Example (Spam)"
    assert german[2].startswith("E-Mail troll@example.com") and german[2] != english[2]
    assert "Threads created: 1" in english[3].splitlines()
    assert "Angelegte Diskussionen: 1" in german[3].splitlines()
    assert "Threads" not in arabic[3] and "Skipped" not in arabic[3]
    # The English words are kept too, for older readers of the table.
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[1].details == english[2] and entries[1].details_message == "ban"


def test_statuses_in_the_log_are_named_in_the_readers_language(dashboard, superadmin):
    site = make_site("Example", origins=["http://example.org"])
    audit.record(superadmin, "approve", site.id, from_status="pending", to_status="approved")
    db.session.commit()
    html = dashboard.get("/admin/audit", headers=GERMAN).text
    assert "pending →" not in html and "→ approved" not in html


def test_the_reports_reasons_stay_english_as_marked_on_a_german_page(dashboard):
    """A reason quoting a translated message (an unusable URL) is English too: the list is
    marked lang="en", and the command line prints the same words."""
    site = make_site("Example", origins=["http://example.tld"])
    wxr = (FIXTURES / "wordpress-isso.xml").read_text().replace(
        "<link>http://example.tld/?p=4</link>", "<link>ftp://example.tld/?p=4</link>")
    page = upload(dashboard, site, "wordpress", wxr.encode(), headers=GERMAN).text
    assert "Übersprungen, und warum" in page
    reason = re.search(r'<li><span lang="en" dir="ltr"><span class="report-what">thread '
                       r'[^<]*ftp://example.tld/\?p=4\)</span>: ([^<]*)</span></li>', page)
    assert reason and reason.group(1).startswith("The article URL"), page


def test_a_custom_css_change_counts_its_characters_in_the_readers_grammar(dashboard,
                                                                          superadmin):
    site = make_site("Example", origins=["http://example.org"])
    audit.record(superadmin, "edit_site", site.id, message="site_changes",
                 params={"changes": [["custom_css", 0, 12], ["comments_open", "True", "False"]]})
    db.session.commit()
    assert details_cells(dashboard.get("/admin/audit", headers=ARABIC).text) == [
        "custom_css: 0 → 12 حرفًا\ncomments_open: True → False"]
    assert details_cells(dashboard.get("/admin/audit").text) == [
        "custom_css: 0 → 12 characters\ncomments_open: True → False"]
