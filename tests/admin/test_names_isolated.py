"""Names and text people typed read in their own direction on any dashboard page: an
Arabic name in an English list (or the reverse) is isolated with dir="auto" or <bdi>, and
the embed snippet reads left to right on a right-to-left page."""

from widget.models import CommentStatus

from .conftest import make_comment, make_thread

ARABIC_NAME = "سارة"


def test_authors_and_texts_are_isolated_in_the_dashboard(dashboard, site):
    thread = make_thread(site, title="مقالة")
    make_comment(thread, "مرحبا بالجميع", author=ARABIC_NAME, status=CommentStatus.PENDING)
    queue = dashboard.get("/admin/comments?status=all").text
    assert f'<h2 class="queue-author" dir="auto">{ARABIC_NAME}</h2>' in queue
    assert '<div class="comment-body" dir="auto">' in queue
    overview = dashboard.get("/admin/").text
    assert f'<span class="latest-author" dir="auto">{ARABIC_NAME}</span>' in overview
    assert 'dir="auto">مقالة</a>' in overview
    threads = dashboard.get("/admin/threads").text
    assert 'dir="auto">مقالة</a>' in threads


def test_the_snippet_reads_left_to_right_on_a_right_to_left_page(dashboard, site):
    html = dashboard.get(f"/admin/sites/{site.id}?lang=he").text
    assert '<html lang="he" dir="rtl"' in html
    assert '<textarea id="snippet" class="snippet" dir="ltr"' in html
