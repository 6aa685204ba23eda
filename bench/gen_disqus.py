"""Write a Disqus XML export of N comments, shaped like a real one, for the import benchmark.

Usage: python bench/gen_disqus.py [N] [-o FILE]   (default 100,000 comments to stdout)

Like a real export: categories, then threads, then posts in time order across threads;
HTML messages with paragraphs, links, bold and entities; about a third are replies (to
any earlier post of the thread, at any depth); a few are deleted or spam; some have
unicode names. Deterministic (seeded), written as it goes, so N has no memory cost.
"""

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

COMMENTS_PER_THREAD = 20
THREAD_ID_BASE = 9_000_000  # Disqus ids are numbers; threads and posts have their own
WORDS = ("comment article reply thanks great point agree disagree interesting really "
         "think about this that with from what when would could should there their "
         "código naïve café über 東京 ünïcode").split()
NAMES = ("Ann", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Grace", "Hiro", "Ingrid", "José")
START = datetime(2015, 1, 1, tzinfo=UTC)


def sentence(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))).capitalize() + "."


def message(rng):
    """A Disqus-style HTML body: one to three paragraphs, sometimes a link or bold."""
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        text = escape(sentence(rng) + " " + sentence(rng))
        roll = rng.random()
        if roll < 0.15:
            text += ' See <a href="https://example.com/ref/%d" rel="nofollow">this</a>.' % rng.randint(1, 999)
        elif roll < 0.25:
            text = "<b>Note:</b> " + text
        elif roll < 0.30:
            text += " 5 &lt; 6 &amp; true"
        paragraphs.append(f"<p>{text}</p>")
    return "".join(paragraphs)


def write_export(count, out, seed=1):
    rng = random.Random(seed)
    thread_count = max(1, count // COMMENTS_PER_THREAD)
    out.write('<?xml version="1.0" encoding="utf-8"?>\n'
              '<disqus xmlns="http://disqus.com" '
              'xmlns:dsq="http://disqus.com/disqus-internals" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
              '  <category dsq:id="1"><forum>bench</forum><title>General</title>'
              '<isDefault>true</isDefault></category>\n')
    for number in range(1, thread_count + 1):
        created = START + timedelta(hours=number)
        out.write(
            f'  <thread dsq:id="{THREAD_ID_BASE + number}">\n'
            f'    <id>post-{number}</id>\n'
            f'    <forum>bench</forum>\n'
            f'    <category dsq:id="1"/>\n'
            f'    <link>https://blog.example.com/{created:%Y/%m}/post-{number}/</link>\n'
            f'    <title>{escape(sentence(rng))}</title>\n'
            f'    <message/>\n'
            f'    <createdAt>{created:%Y-%m-%dT%H:%M:%SZ}</createdAt>\n'
            f'    <author><name>Owner</name><email>owner@example.com</email>'
            f'<isAnonymous>false</isAnonymous></author>\n'
            f'    <isClosed>false</isClosed>\n'
            f'    <isDeleted>false</isDeleted>\n'
            f'  </thread>\n'
        )
    posts_by_thread = {}
    when = START + timedelta(hours=1)
    for number in range(1, count + 1):
        thread = rng.randint(1, thread_count)
        earlier = posts_by_thread.setdefault(thread, [])
        parent = rng.choice(earlier) if earlier and rng.random() < 0.35 else None
        earlier.append(number)
        when += timedelta(seconds=rng.randint(1, 600))
        name = rng.choice(NAMES)
        roll = rng.random()
        deleted = "true" if roll < 0.02 else "false"
        spam = "true" if 0.02 <= roll < 0.03 else "false"
        parent_element = f'    <parent dsq:id="{parent}"/>\n' if parent else ""
        out.write(
            f'  <post dsq:id="{number}">\n'
            f'    <id/>\n'
            f'    <message><![CDATA[{message(rng)}]]></message>\n'
            f'    <createdAt>{when:%Y-%m-%dT%H:%M:%SZ}</createdAt>\n'
            f'    <isDeleted>{deleted}</isDeleted>\n'
            f'    <isSpam>{spam}</isSpam>\n'
            f'    <author><email>{name.lower()}{number % 500}@example.org</email>'
            f'<name>{escape(name)}</name><isAnonymous>false</isAnonymous>'
            f'<username>{quoteattr(name)[1:-1].lower()}</username></author>\n'
            f'    <ipAddress>192.0.2.{number % 250}</ipAddress>\n'
            f'    <thread dsq:id="{THREAD_ID_BASE + thread}"/>\n'
            f'{parent_element}'
            f'  </post>\n'
        )
    out.write("</disqus>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000, help="number of comments")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            write_export(args.count, out)
    else:
        write_export(args.count, sys.stdout)


if __name__ == "__main__":
    main()
