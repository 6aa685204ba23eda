"""Deep conversations: where replies stop indenting (level 5, thread.css), each reply names
the comment it answers, so replies at levels 5 to 10 do not look like siblings."""

import re

from .conftest import make_comment, make_thread
from .test_thread_page import thread_url


def chips(html):
    """{comment id: the "in reply to" text in its header, or None}."""
    found = {}
    for article in re.finditer(r'<article [^>]*id=c-(\d+)(.*?)</header>', html, re.S):
        chip = re.search(r'class=comment-reply-to href=#c-(\d+)>(.*?)</a>', article.group(2), re.S)
        found[int(article.group(1))] = (int(chip.group(1)), re.sub(r"<[^>]+>", "", chip.group(2)).strip()) if chip else None
    return found


def test_replies_past_the_indentation_cap_name_their_parent(client, site):
    thread = make_thread(site)
    chain = [make_comment(thread, "Level 0", author="Person 0")]
    for level in range(1, 9):
        chain.append(make_comment(thread, f"Level {level}", parent=chain[-1],
                                  author=f"Person {level}"))
    sibling = make_comment(thread, "Another at level 1", parent=chain[0], author="Sam")
    found = chips(client.get(thread_url(site)).text)
    for level, comment in enumerate(chain):
        if level < 5:
            assert found[comment.id] is None, level
        else:
            parent = chain[level - 1]
            assert found[comment.id] == (parent.id, f"in reply to @Person {level - 1}"), level
    assert found[sibling.id] is None


def test_a_reply_posted_inline_past_the_cap_names_its_parent_too(client, site):
    from .commenting import post_json

    thread = make_thread(site)
    chain = [make_comment(thread, "Level 0", author="Person 0")]
    for level in range(1, 5):
        chain.append(make_comment(thread, f"Level {level}", parent=chain[-1],
                                  author=f"Person {level}"))
    shallow = post_json(client, site, text="At level 2", parent=str(chain[1].id))
    assert "comment-reply-to" not in shallow.get_json()["html"]
    deep = post_json(client, site, text="At level 5", parent=str(chain[4].id), name="Zed")
    assert deep.status_code == 201
    assert (f'<a class=comment-reply-to href=#c-{chain[4].id}>in reply to @<bdi>Person 4</bdi></a>'
            in deep.get_json()["html"])
