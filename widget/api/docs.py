"""The OpenAPI document (made by flask-smorest from the schemas that validate requests
and answers) at /api/v1/openapi.json, and the same document as a readable page at
/api/v1/docs, rendered here: no viewer script from elsewhere."""

from flask import Blueprint, current_app, jsonify, render_template

from .blueprint import PREFIX

bp = Blueprint("api_docs", __name__, url_prefix=PREFIX)
METHODS = ("get", "post", "patch", "put", "delete")


def openapi_document():
    return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


@bp.get("/openapi.json")
def openapi_json():
    response = jsonify(openapi_document())
    response.access_control_allow_origin = "*"  # a public description, read by tools
    return response


@bp.get("/docs")
def docs_page():
    document = openapi_document()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in document["paths"].items()
        for method, operation in item.items() if method in METHODS
    ]
    return render_template("api/docs.html", document=document, operations=operations,
                           schemas=document.get("components", {}).get("schemas", {}),
                           schema_name=schema_name)


def schema_name(schema):
    """The name a schema has in the document (a $ref), or its type written out."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{schema_name(schema.get('items', {}))}]"
    kind = schema.get("type", "object")
    return " | ".join(kind) if isinstance(kind, list) else kind
