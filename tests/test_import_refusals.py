"""Files an import refuses (XML bombs, external entities, broken or foreign files): a clear
message, and the database exactly as it was."""

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, Site, Thread
from widget.porting.service import run_import
from widget.porting.stream import ImportRefused

from .conftest import make_comment, make_site, make_thread
from .test_import_disqus import FIXTURES, HEAD, post_xml, thread_xml

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
{body}"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE {root} [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
{body}"""
BODIES = {
    "disqus": ("disqus", HEAD.split("\n", 1)[1] + thread_xml(1, "https://blog.example.com/a")
               + post_xml(1, 1, message="&{entity};").replace("<![CDATA[", "").replace("]]>", "")
               + "</disqus>"),
    "wordpress": ("rss", '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
                  "<link>https://blog.example.com/a</link><wp:comment><wp:comment_id>1"
                  "</wp:comment_id><wp:comment_content>&{entity};</wp:comment_content>"
                  "<wp:comment_date_gmt>2020-01-01 00:00:00</wp:comment_date_gmt>"
                  "</wp:comment></item></channel></rss>"),
}


@pytest.fixture
def populated(app):
    """A site with a thread and a comment that every refused import must leave alone."""
    site = make_site()
    make_comment(make_thread(site), "Here before")
    return site


def snapshot():
    return (db.session.scalar(select(func.count(Site.id))),
            db.session.execute(select(Thread.id, Thread.url, Thread.version)).all(),
            db.session.execute(select(Comment.id, Comment.text, Comment.parent_id)).all())


def refuse(site, format_name, path):
    before = snapshot()
    with open(path, "rb") as fileobj, pytest.raises(ImportRefused) as refused:
        run_import(format_name, fileobj, site)
    db.session.expire_all()
    assert snapshot() == before
    return str(refused.value)


@pytest.mark.parametrize("format_name", ["disqus", "wordpress"])
def test_billion_laughs_is_refused(populated, tmp_path, format_name):
    root, body = BODIES[format_name]
    path = tmp_path / "bomb.xml"
    path.write_text(BILLION_LAUGHS.format(root=root, body=body.format(entity="lol9")))
    message = refuse(populated, format_name, path)
    assert message.startswith("The file declares XML entities (EntitiesForbidden(name='lol'")
    assert "refused and nothing was imported" in message


@pytest.mark.parametrize("format_name", ["disqus", "wordpress"])
def test_external_entity_is_refused(populated, tmp_path, format_name):
    root, body = BODIES[format_name]
    path = tmp_path / "xxe.xml"
    path.write_text(EXTERNAL_ENTITY.format(root=root, body=body.format(entity="secret")))
    message = refuse(populated, format_name, path)
    assert "declares XML entities" in message and "name='secret'" in message
    assert "root:" not in message
    assert not db.session.scalar(select(func.count(Comment.id)).where(Comment.text.contains("root:")))


def test_truncated_file_after_stored_batches_leaves_the_database_as_it_was(
        populated, tmp_path, count_queries):
    posts = "".join(post_xml(n, 1, parent=n - 1 if n % 2 else None) for n in range(1, 2501))
    whole = HEAD + thread_xml(1, "https://blog.example.com/big") + posts + "</disqus>"
    path = tmp_path / "truncated.xml"
    path.write_text(whole[: len(whole) * 9 // 10])
    with count_queries() as queries:
        message = refuse(populated, "disqus", path)
    # two batches of 1000 comments had gone into the database before the file broke off
    assert sum(statement.startswith("INSERT INTO comment") for statement in queries.statements) >= 2
    assert message.startswith("The file is not well-formed XML (unclosed token: line 2254")
    assert message.endswith("nothing was imported.")


@pytest.mark.parametrize(("format_name", "fixture", "expected"), [
    ("disqus", "wordpress-isso.xml",
     "This is not a Disqus export: its root element is <rss>, not <disqus>."),
    ("wordpress", "disqus-isso.xml",
     "This is not a WordPress (WXR) export: its root element is <disqus>, not <rss>."),
    ("isso", "disqus-isso.xml", "This is not an Isso database: file is not a database."),
    ("json", "disqus-isso.xml", "The file is not valid JSON ("),
])
def test_a_file_of_another_format_is_refused(populated, format_name, fixture, expected):
    assert refuse(populated, format_name, FIXTURES / fixture).startswith(expected)


def test_command_shows_the_refusal(populated, runner, tmp_path):
    root, body = BODIES["disqus"]
    path = tmp_path / "bomb.xml"
    path.write_text(BILLION_LAUGHS.format(root=root, body=body.format(entity="lol9")))
    result = runner.invoke(args=["import", "disqus", str(path), "--site", populated.key])
    assert result.exit_code == 1
    assert "Error: The file declares XML entities" in result.output
