"""URL converters for the routes: an id in a path is one the database can hold."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in every route: 1 to MAX_ID; a larger number does not match (a 404), so
    no query is ever sent with an id the database cannot compare (SQLite raises
    OverflowError past 2**63, PostgreSQL refuses past 2**31)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app):
    """Before any blueprint is registered: rules pick their converters when added."""
    app.url_map.converters["int"] = DatabaseIdConverter
