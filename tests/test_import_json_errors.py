"""A JSON file that does not parse is refused on one line that says where: line, column."""

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Thread

from .conftest import make_site

BROKEN = [
    ('{"format": "widget-export",\n "version": 1,\n "sites": [ {"key": x} ]}',
     "lexical error: invalid char in json text, line 3, column 21"),
    ('{"format": "widget-export",\n "version": 1,\n "sites": [ {"key": "a"',
     "parse error: premature EOF, line 3, column 24"),
    ('{"format": "widget-export", "version": 1, "sites": [1,,2]}',
     "parse error: unallowed token at this point in JSON text, line 1, column 55"),
    ("\n" * 70000 + '{"format": "widget-export", "note": "関西", x}',
     "lexical error: invalid char in json text, line 70001, column 43"),
]


@pytest.mark.parametrize(("text", "where"), BROKEN)
def test_the_command_says_where_on_one_line(app, runner, tmp_path, text, where):
    make_site()
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import", "json", str(path)])
    assert result.exit_code == 1
    assert result.output == f"Error: The file is not valid JSON ({where}); nothing was imported.\n"
    assert "right here" not in result.output
    assert db.session.scalar(select(func.count(Thread.id))) == 0
