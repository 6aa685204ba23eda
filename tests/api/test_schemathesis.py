"""Schemathesis against the served OpenAPI document: every operation, public and with a
token, answers without a 5xx and as its schema says; and the links post → read → edit →
delete work as a state machine. A fixed budget keeps it under a minute on two cores."""

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer, make_token
from tests.conftest import ARTICLE, make_comment, make_thread
from widget.embed.forms import fresh_form_token
from widget.models import CommentStatus

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES_PER_OPERATION = 12
STATEFUL_STEPS = 8
BUDGET = settings(deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))


def load(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def aim(case, site, plain_post=False):
    """Point a generated request at the test site and article (random keys only ever
    meet a 404), and give a post a real form token, as a client fetches one first."""
    if "site_key" in (case.path_parameters or {}):
        case.path_parameters["site_key"] = site.key
    url = next((p for p in case.operation.query if p.name == "url"), None)
    if url is not None and url.definition.get("schema", {}).get("type") == "string":
        case.query = {**(case.query or {}), "url": ARTICLE}
    if case.operation.label == "POST /api/v1/sites/{site_key}/comments" and \
            isinstance(case.body, dict):
        case.body["token"] = fresh_form_token(f"{site.key} {ARTICLE}")
        if plain_post:  # random names and texts are mostly refused: the chain needs a post
            case.body.update(name="Ann", text=f"Hello {case.body.get('text', '')!r}",
                             email="", website="", parent_id=None, notify=False)
    return case


def seed(site):
    thread = make_thread(site)
    approved = make_comment(thread, "Seed")
    make_comment(thread, "Held", status=CommentStatus.PENDING, email="a@example.org")
    return approved


def test_every_operation_matches_its_schema(app, site, superadmin):
    seed(site)
    schema = load(app)
    # The WSGI client does not undo compression, as an HTTP client would: ask for none.
    headers = {**bearer(make_token(superadmin, [site])), "Accept-Encoding": "identity"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(BUDGET, max_examples=EXAMPLES_PER_OPERATION)
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                if mode == GenerationMode.POSITIVE:
                    aim(case, site)
                with app.app_context():
                    case.call_and_validate(headers=headers, checks=CHECKS)

            run()


def test_links_post_read_edit_delete(app, site, superadmin):
    seed(site)
    schema = load(app)
    # The WSGI client does not undo compression, as an HTTP client would: ask for none.
    headers = {**bearer(make_token(superadmin, [site])), "Accept-Encoding": "identity"}

    calls = []

    class Machine(schema.as_state_machine()):
        def before_call(self, case):
            aim(case, site, plain_post=True)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            calls.append((case.operation.definition.raw.get("operationId"),
                          response.status_code))

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    links = schema.raw_schema["paths"]["/api/v1/sites/{site_key}/comments"]["post"][
        "responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "read_comment", "edit_comment", "delete_comment"}
    with app.app_context():
        Machine.run(settings=settings(BUDGET, max_examples=STATEFUL_STEPS,
                                      stateful_step_count=4))
    # The chain really ran: comments were posted, then read, edited or deleted by link.
    assert {"create_comment", "read_comment", "edit_comment", "delete_comment"} <= {
        operation for operation, status in calls if status < 300}, calls
