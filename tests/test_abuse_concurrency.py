"""Many clients posting to one thread at once, through a real threaded server, on SQLite
(WAL, busy timeout) and PostgreSQL: every accepted comment stored once, counts right,
no error to any user."""

import logging
import random
import threading

import httpx
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, IpSalt, Thread

from .abuse_helpers import JSON, LiveServer, comment_fields, live_app, thread_path
from .conftest import form_token

CLIENTS = 8
POSTS_EACH = 5


def test_parallel_clients_posting_to_one_new_thread(app, database, site, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    site_key = site.key  # the threads have no app context
    server = LiveServer(live_app(database, tmp_path))
    answers, failures = [], []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def commenter(number):
        chooser = random.Random(number)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            start.wait()  # the first posts race to create the thread and the IP salt
            for index in range(POSTS_EACH):
                page = http.get(thread_path(site_key))
                if page.status_code != 200:
                    with lock:
                        failures.append(("GET", page.status_code, page.text[:300]))
                    continue
                with lock:
                    earlier = [answer["id"] for answer in answers]
                parent = str(chooser.choice(earlier)) if earlier and index % 2 else ""
                fields = comment_fields(form_token(page.text), f"client {number} post {index}",
                                        name=f"C{number}", parent=parent)
                as_json = index % 3 != 0
                response = http.post(thread_path(site_key), data=fields,
                                     headers=JSON if as_json else {})
                with lock:
                    if as_json and response.status_code == 201:
                        answers.append(response.json())
                    elif not as_json and response.status_code == 303:
                        comment_id = int(response.headers["Location"].rsplit("#c-", 1)[1])
                        answers.append({"id": comment_id})
                    else:
                        failures.append(("POST", response.status_code, response.text[:300]))

    threads = [threading.Thread(target=commenter, args=(n,)) for n in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        with httpx.Client(base_url=server.url) as http:
            final_page = http.get(thread_path(site_key)).text
    finally:
        server.stop()
        with server.app.app_context():
            db.engine.dispose()

    total = CLIENTS * POSTS_EACH
    assert failures == []
    ids = [answer["id"] for answer in answers]
    assert len(ids) == len(set(ids)) == total
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Comment.id))) == total
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    assert db.session.scalar(select(Thread.version)) == 1 + total  # one bump per comment
    assert db.session.scalar(select(func.count(IpSalt.period))) == 1
    texts = db.session.scalars(select(Comment.text)).all()
    assert sorted(texts) == sorted(f"client {n} post {i}" for n in range(CLIENTS)
                                   for i in range(POSTS_EACH))
    assert f"{total} comments" in final_page
    assert final_page.count('<article class=comment ') == total
    assert "database is locked" not in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
