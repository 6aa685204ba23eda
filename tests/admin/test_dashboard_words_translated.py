"""Import refusals, the import report's reasons and audit-log details in the reader's
language (issue 20): a refusal is a gettext message, a reason is kept as a message with its
parameters (porting/words.py), both English on the command line; an audit entry keeps a
message key with its parameters and is rendered when read; rows from before the keys show
their text."""

import gzip
import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.peers import peer
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


THEME_DATA = peer("wpimporter-theme-unit-test-data.xml")  # trackbacks, pingbacks, a protected post
# One of each kind of reason the theme data gives, as the report's list items read.
REASONS = {
    "de": ["die Datei: war gzip-komprimiert; sie wurde entpackt gelesen",
           "Kommentar 921 (Diskussion 1149): ein Trackback (der Link einer anderen Website "
           "auf den Beitrag), kein Kommentar",
           "Kommentar 923 (Diskussion 1149): ein Pingback (der Link einer anderen Website auf "
           "den Beitrag), kein Kommentar",
           "Diskussion 2 (https://wpthemetestdata.wordpress.com/about): sie hat keine Kommentare",
           "Diskussion 1168 (https://wpthemetestdata.wordpress.com/2012/01/04/template-password-"
           "protected/): der Beitrag ist passwortgeschützt: Sein einziger Kommentar wurde als "
           "wartend importiert, damit Sie ihn freigeben oder nicht"],
    "ar": ["الملف: كان مضغوطًا بـ gzip؛ وقُرئ بعد فكّ ضغطه",
           "التعليق 921 (النقاش 1149): تعقيب (trackback: رابط من موقع آخر إلى المقالة)، وليس "
           "تعليقًا",
           "التعليق 923 (النقاش 1149): تنبيه (pingback: رابط من موقع آخر إلى المقالة)، وليس "
           "تعليقًا",
           "النقاش 2 (https://wpthemetestdata.wordpress.com/about): لا تعليقات فيه",
           "النقاش 1168 (https://wpthemetestdata.wordpress.com/2012/01/04/template-password-"
           "protected/): المقالة محمية بكلمة مرور: استُورد تعليق واحد منها بانتظار المراجعة، "
           "لتوافق عليه أو لا"],
}
ENGLISH_REASONS = [
    "comment 921 (thread 1149): a trackback (another site's link to the post), not a comment",
    "comment 923 (thread 1149): a pingback (another site's link to the post), not a comment",
    "thread 2 (https://wpthemetestdata.wordpress.com/about): it has no comments",
    "thread 1168 (https://wpthemetestdata.wordpress.com/2012/01/04/template-password-protected/"
    "): the post is password-protected: its 1 comment was imported as pending, for you to "
    "approve or not"]


def report_items(html):
    """The report's list items: their HTML, and their text as read."""
    report = html[html.index('id="import-report"'):]
    items = re.findall(r"<li>(.*?)</li>", report[:report.index("</div>")], re.S)
    return items, [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_reports_reasons_speak_the_admins_language(dashboard, language):
    """What was skipped and why, in the reader's language; the ids and URLs quoted from the
    file stay as they are, each isolated, so a Latin URL keeps its order in Arabic."""
    site = make_site("Theme", origins=["https://wpthemetestdata.wordpress.com"])
    # gzip-compressed (a note more), as Werkzeug's test client leaves a body over 500 KB
    # in a temporary file it never closes
    page = upload(dashboard, site, "wordpress", gzip.compress(THEME_DATA.read_bytes()),
                  headers={"Accept-Language": language}).text
    items, texts = report_items(page)
    assert len(items) > 100
    assert all(reason in texts for reason in REASONS[language]), texts[:3]
    assert not [text for text in texts if re.search(r"\b(comment|thread|it has|the file)\b", text)]
    assert 'lang="en"' not in page[page.index('id="import-report"'):]
    quoted = ('<span class="report-what">' + {"de": "Diskussion", "ar": "النقاش"}[language]
              + ' <bdi>2</bdi> (<bdi>https://wpthemetestdata.wordpress.com/about</bdi>)</span>: ')
    assert any(item.startswith(quoted) for item in items)


def test_the_command_line_says_the_same_reasons_in_english(app, runner):
    site = make_site("Theme", origins=["https://wpthemetestdata.wordpress.com"])
    result = runner.invoke(args=["import", "wordpress", str(THEME_DATA), "--site", site.key,
                                 "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert all(f"  - {reason}\n" in result.output for reason in ENGLISH_REASONS), result.output


def test_a_reason_quoting_an_unusable_url_says_why_in_the_readers_language(dashboard):
    """The URL's own words come from the URL check, made in the request's language."""
    site = make_site("Example", origins=["http://example.tld"])
    wxr = (FIXTURES / "wordpress-isso.xml").read_text().replace(
        "<link>http://example.tld/?p=4</link>", "<link>ftp://example.tld/?p=4</link>")
    page = upload(dashboard, site, "wordpress", wxr.encode(), headers=GERMAN).text
    assert "Übersprungen, und warum" in page
    assert ("Diskussion item-2 (ftp://example.tld/?p=4): Die URL des Artikels muss mit http:// "
            "oder https:// beginnen.") in report_items(page)[1]


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
