"""The forms of a page as a browser without scripts would submit them, for tests that
talk to a running server over HTTP (the wheel test, the scale-out test)."""

from html.parser import HTMLParser


class FormParser(HTMLParser):
    """The forms of a page: action, and the name/value of every input."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value") or ""


def forms_of(page):
    parser = FormParser()
    parser.feed(page)
    return parser.forms
