"""0013_thread_url_normal_form: stored thread URLs re-normalized, threads that become one
merged with their comments, counts and versions (SQLite and PostgreSQL)."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread

from .conftest import make_comment, make_site, make_thread

RAW = "https://blog.example.com/2017/01/24/关于2016的一些思考"
ENCODED = ("https://blog.example.com/2017/01/24/"
           "%E5%85%B3%E4%BA%8E2016%E7%9A%84%E4%B8%80%E4%BA%9B%E6%80%9D%E8%80%83")


def test_threads_that_name_one_article_are_merged(app):
    site = make_site()
    raw = make_thread(site, RAW, title="关于2016的一些思考")
    encoded = make_thread(site, ENCODED, title="")
    lower = make_thread(site, "https://blog.example.com/a%e2%80%94b", title="Dash")
    upper_pending = make_thread(site, "https://blog.example.com/a%E2%80%94b", title="")
    alone = make_thread(site, "https://blog.example.com/caf%c3%a9", title="Café")
    untouched = make_thread(site, "https://blog.example.com/plain", title="Plain")
    imported = make_comment(raw, "From Disqus", import_key="disqus:1")
    reply = make_comment(encoded, "Read in a browser", parent=imported)
    make_comment(encoded, "Also imported, under the other form", import_key="disqus:1")
    make_comment(encoded, "Waits", status=CommentStatus.PENDING)
    make_comment(upper_pending, "Dash comment")
    encoded.closed = True
    encoded.version = 7
    db.session.commit()
    imported_id, reply_id = imported.id, reply.id
    ids = {name: thread.id for name, thread in [("raw", raw), ("lower", lower),
                                                 ("alone", alone), ("untouched", untouched)]}

    db.session.remove()
    downgrade(revision="0013_thread_url_normal_form-1")
    upgrade()

    threads = {row.id: row for row in db.session.scalars(select(Thread))}
    assert sorted(threads) == sorted(ids.values())  # the newer of each pair is gone
    merged = threads[ids["raw"]]
    assert (merged.url, merged.title, merged.closed) == (ENCODED, "关于2016的一些思考", True)
    assert merged.version == 8  # above every version a cached page had
    assert merged.approved_count == 3
    comments = db.session.scalars(select(Comment).where(Comment.thread_id == merged.id)
                                  .order_by(Comment.id)).all()
    assert [c.text for c in comments] == ["From Disqus", "Read in a browser",
                                          "Also imported, under the other form", "Waits"]
    assert comments[1].parent_id == imported_id == comments[0].id
    assert [c.import_key for c in comments] == ["disqus:1", None, None, None]
    dash = threads[ids["lower"]]
    assert (dash.url, dash.title, dash.approved_count) == (
        "https://blog.example.com/a%E2%80%94b", "Dash", 1)
    assert threads[ids["alone"]].url == "https://blog.example.com/caf%C3%A9"
    assert threads[ids["untouched"]].url == "https://blog.example.com/plain"
    assert reply_id == comments[1].id
