"""The weight of the thread page's markup per comment (issue 15): what a comment costs
beyond its author (name and picture), text and date, measured on the bench's 200-comment
thread with the bench's own measure (bench/first_load.py). A size check of our own
output, not a timing: the bytes are the same on any machine."""

from datetime import timedelta

from bench.first_load import AUTHOR, AVATAR, BODY, DATE, comment_listing, without_author_text_and_date
from bench.seed import ORIGIN, article_path, generate_thread, insert_thread
from tests.commenting import thread_path
from tests.conftest import make_site
from widget.models import utcnow

COMMENTS = 200
# Issue 15 asks for at most 350 bytes (343 since attribute values go unquoted where HTML
# allows and the page's shared forms have short ids: BENCHMARKS.md, "First load and page
# weight"). What is left is the contract's hooks (article.comment#c-ID[data-parent],
# .comment-author, .comment-body, time[datetime]), the permalink, and the Reply and Like
# buttons that work without scripts.
MAX_MARKUP_PER_COMMENT = 350


def test_markup_per_comment_beyond_author_text_and_date(client, app):
    site = make_site(origins=[ORIGIN])
    insert_thread(site, article_path(COMMENTS), generate_thread(COMMENTS),
                  utcnow() - timedelta(days=30), max_depth=app.config["MAX_DEPTH"])
    page = client.get(thread_path(site, ORIGIN + article_path(COMMENTS), title="Bench thread",
                                  origin=ORIGIN)).text
    listing = comment_listing(page)
    assert listing.count("<article ") == COMMENTS
    left = without_author_text_and_date(listing)
    assert len(AUTHOR.findall(listing)) == len(BODY.findall(listing)) == COMMENTS
    assert len(DATE.findall(listing)) == len(AVATAR.findall(listing)) == COMMENTS
    per_comment = len(left.encode()) / COMMENTS
    assert per_comment <= MAX_MARKUP_PER_COMMENT, (per_comment, left[:1500])
    # Nothing the page holds once is repeated per comment.
    for once in (ORIGIN + article_path(COMMENTS), "Bench thread", site.key):
        assert once not in left, once


def test_the_measure_strips_only_author_text_and_date():
    listing = ('<article class=comment id=c-1 data-parent><header>'
               '<span class=comment-avatar><noscript><img src=/avatar/a1b2c3.svg alt=""></noscript></span>'
               '<bdi class=comment-author>Ann</bdi> <a href=#c-1><time datetime=2026-01-01T00:00:00Z '
               'title="January 1, 2026, 12:00:00 AM UTC">today</time></a></header><div class=comment-body dir=auto>'
               '<p>Hi</p></div><footer><button>Reply</button></footer></article>')
    assert without_author_text_and_date(listing) == (
        '<article class=comment id=c-1 data-parent><header><bdi class=comment-author></bdi> '
        '<a href=#c-1><time datetime=></time></a></header><div class=comment-body dir=auto></div>'
        '<footer><button>Reply</button></footer></article>')
