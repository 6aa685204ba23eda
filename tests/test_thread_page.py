import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import CommentStatus, Thread

from .conftest import ARTICLE, make_comment, make_site, make_thread


def thread_url(site, url=ARTICLE, **extra):
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in {"url": url, **extra}.items())
    return f"/t/{site.key}?{query}"


def test_empty_thread_page_has_form_and_no_row(client, site):
    response = client.get(thread_url(site))
    assert response.status_code == 200
    assert "No comments yet" in response.text
    assert "Post comment" in response.text
    for label in ("Name", "Email (optional)", "Website (optional)", "Comment"):
        assert f">{label}</label>" in response.text
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_nested_replies_and_markup_hooks(client, site):
    thread = make_thread(site)
    first = make_comment(thread, "First", author="Ann")
    reply = make_comment(thread, "Reply", parent=first, author="Bob")
    deep = make_comment(thread, "Deep", parent=reply, author="Cy")
    response = client.get(thread_url(site))
    html = response.text
    assert "3 comments" in html
    assert f'<article class=comment id=c-{first.id} data-parent>' in html
    assert f'id=c-{reply.id} data-parent={first.id}>' in html
    assert f'id=c-{deep.id} data-parent={reply.id}>' in html
    # nesting: the reply's article opens before its parent's closes
    assert html.index(f'id=c-{first.id} ') < html.index(f'id=c-{reply.id} ') < html.index(f'id=c-{deep.id} ')
    assert html.count("</article>") == 3
    # Each comment's Reply button submits the page's one GET form, naming the comment.
    replies = re.findall(r'<button form=rg name=reply value=(\d+)>Reply</button>', html)
    assert replies == [str(first.id), str(reply.id), str(deep.id)]
    assert html.count('<form id=rg method=get') == 1
    # The name is isolated (<bdi>): an Arabic name does not reorder the line around it.
    assert '<time datetime=' in html and '<bdi class=comment-author>Ann</bdi>' in html
    # User text is isolated: an Arabic comment reads right to left on an English page.
    assert '<div class=comment-body dir=auto><p>Deep</p></div>' in html


def test_the_same_article_by_another_link_shows_the_same_thread(client, site):
    thread = make_thread(site, url="https://blog.example.com/posts/hello")
    make_comment(thread, "Found")
    response = client.get(thread_url(site, "HTTPS://blog.example.com:443/posts/hello/?utm_source=tw#x"))
    assert "Found" in response.text


def test_email_is_never_shown(client, site):
    thread = make_thread(site)
    make_comment(thread, "Hi", email="secret@example.org", website="https://ann.example")
    html = client.get(thread_url(site)).text
    assert "secret@example.org" not in html
    assert 'href="https://ann.example"' in html


def test_pending_spam_hidden_deleted_placeholder_only_with_replies(client, site):
    thread = make_thread(site)
    make_comment(thread, "Waiting", status=CommentStatus.PENDING)
    make_comment(thread, "Buy pills", status=CommentStatus.SPAM)
    gone = make_comment(thread, "Gone alone", status=CommentStatus.DELETED)
    parent = make_comment(thread, "Removed parent", status=CommentStatus.DELETED)
    make_comment(thread, "Orphan reply", parent=parent)
    html = client.get(thread_url(site)).text
    assert "Waiting" not in html and "Buy pills" not in html
    assert "Gone alone" not in html and f'id=c-{gone.id} ' not in html
    assert "Removed parent" not in html
    assert f'id=c-{parent.id} ' in html and "[deleted]" in html
    assert "Orphan reply" in html
    assert "1 comment<" in html


@pytest.mark.parametrize("size", [1, 500])
def test_thread_page_makes_a_constant_number_of_queries(app, client, site, count_queries, size):
    app.config.update(THREAD_PAGE_SIZE=size, THREAD_PAGE_COMMENTS=size)  # all on one page
    thread = make_thread(site)
    comments = []
    from widget.models import Comment
    from widget.markup import render_comment

    for index in range(size):
        parent_id = comments[index // 3].id if index > 2 and index % 2 else None
        comment = Comment(thread_id=thread.id, parent_id=parent_id, author=f"A{index}",
                          text=f"c{index}", html=render_comment(f"c{index}"))
        db.session.add(comment)
        db.session.flush()
        comments.append(comment)
    db.session.commit()
    page_url = thread_url(site)
    db.session.expunge_all()  # nothing cached in the session: the page must load it all
    with count_queries() as counter:
        response = client.get(page_url)
    assert response.status_code == 200
    assert response.text.count('<article class=comment ') == size
    assert counter.count <= 3, counter.statements


def test_unknown_site_is_a_clear_404(client, site):
    response = client.get(f"/t/nope?url={quote(ARTICLE)}")
    assert response.status_code == 404
    assert "No site is registered" in response.text


def test_origin_not_allowed_is_a_clear_403_and_no_row(client, site):
    response = client.get(thread_url(site, "https://evil.example.net/post"))
    assert response.status_code == 403
    assert "https://evil.example.net" in response.text
    assert db.session.scalar(select(func.count(Thread.id))) == 0


@pytest.mark.parametrize("bad_url", ["", "javascript:alert(1)", "https://blog.example.com:99999/"])
def test_malformed_url_is_a_clear_400(client, site, bad_url):
    response = client.get(thread_url(site, bad_url))
    assert response.status_code == 400
    assert "article URL" in response.text


def test_thread_page_may_be_framed_only_by_the_site(client):
    site = make_site(origins=["https://blog.example.com", "http://localhost:8000"])
    response = client.get(thread_url(site))
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https://blog.example.com http://localhost:8000" in policy
    assert "X-Frame-Options" not in response.headers
    assert "script-src 'self'" in policy


def test_other_pages_are_never_framed(client, site):
    response = client.get("/t/nope?url=x")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_very_deep_thread_renders_every_level(client, site):
    thread = make_thread(site)
    parent = None
    for index in range(400):
        parent = make_comment(thread, f"level {index}", parent=parent)
    response = client.get(thread_url(site))
    assert response.status_code == 200
    assert response.text.count('<article class=comment ') == 400
    assert response.text.count("</article>") == 400
    assert f'data-parent={parent.parent_id}>' in response.text


def test_tree_is_built_whatever_the_order():
    from types import SimpleNamespace

    from widget.threads import build_tree, walk

    def comment(id_, parent_id, status="approved"):
        return SimpleNamespace(id=id_, parent_id=parent_id, reply_to_id=parent_id, status=status)

    # a reply listed before its parent (as imports may store them), a deleted leaf
    roots = build_tree([comment(5, 9), comment(9, None), comment(3, None, "deleted"),
                        comment(4, 3), comment(6, 9, "deleted")])
    assert [node.comment.id for node in roots] == [9, 3]
    order = [(node.comment.id, opening) for node, opening in walk(roots)]
    assert order == [(9, True), (5, True), (5, False), (9, False),
                     (3, True), (4, True), (4, False), (3, False)]
