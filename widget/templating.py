"""Jinja filters: times for <time datetime> and the one door for stored, sanitized HTML."""

from .markup import trusted
from .threads import walk


def isotime(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def shorttime(moment):
    return moment.strftime("%-d %b %Y, %H:%M UTC")


def init_app(app):
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(isotime)
    app.add_template_filter(shorttime)
    app.add_template_filter(trusted)
    app.add_template_global(walk)
