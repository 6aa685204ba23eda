"""The OpenAPI document and its page: 3.1, made from the code, readable without any
request to another host; and the API leaves the other blueprints' errors alone."""

import re


def test_document_is_openapi_31_with_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.1")
    operations = {operation["operationId"] for item in document["paths"].values()
                  for method, operation in item.items() if method != "parameters"}
    assert operations == {"read_thread", "form_token", "create_comment", "read_comment",
                          "edit_comment", "delete_comment", "like_comment", "counts",
                          "queue", "moderate_comment", "ban", "export"}
    assert document["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    queue = document["paths"]["/api/v1/admin/sites/{site_key}/queue"]["get"]
    assert queue["security"] == [{"ApiToken": []}]
    posted = document["paths"]["/api/v1/sites/{site_key}/comments"]["post"]["responses"]["201"]
    assert posted["content"]["application/json"]["schema"]["$ref"].endswith("/Posted")
    assert set(posted["links"]) == {"ReadComment", "EditComment", "DeleteComment"}
    # nullable fields the 3.1 way, from the marshmallow schema
    assert document["components"]["schemas"]["Comment"]["properties"]["parent_id"]["type"] == [
        "integer", "null"]


def test_docs_page_renders_the_document_from_our_host_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.text
    assert "POST /api/v1/sites/{site_key}/comments" in page
    assert 'id="schema-NewComment"' in page and "edit_token" in page
    external = [url for url in re.findall(r'(?:src|href)="([^"]+)"', page)
                if url.startswith(("http:", "https:", "//"))]
    assert external == []
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_other_blueprints_keep_their_error_pages(client, site):
    page = client.get(f"/t/{site.key}?url=not-a-url")
    assert page.status_code == 400 and page.mimetype == "text/html"
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    api_missing = client.get("/api/v1/no/such/operation")
    assert api_missing.status_code == 404 and api_missing.json["message"]
