"""Jinja filters: times for <time datetime> and the one door for stored, sanitized HTML.

Localized dates ("3 hours ago", the full date in the title) come from widget/i18n.py.
"""

from .markup import trusted
from .threads import walk


def isotime(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app):
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(isotime)
    app.add_template_filter(trusted)
    app.add_template_global(walk)
