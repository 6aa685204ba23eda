"""Import and export on a site's page (superadmins): the same importers and export as the
commands, for an owner who has a browser but no shell."""

import io
import tempfile
from datetime import UTC, datetime
from typing import NamedTuple

from flask import current_app, request, send_file
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import handle_http_error, render_safely
from ..extensions import db
from ..porting.export import write_export
from ..porting.service import run_import
from ..porting.stream import ImportRefused
from . import access, audit
from .audit_details import import_params
from .auth import current_admin
from .blueprint import bp
from .forms import IMPORT_FORMAT_CHOICES, ImportForm
from .views_sites import site_page

IMPORT_ENDPOINT = "admin.import_comments"
FORMAT_LABELS = {choice.value: choice.label for choice in IMPORT_FORMAT_CHOICES}
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # an export larger than this is written to a temporary file


class Imported(NamedTuple):
    """What the page reports after an import."""

    report: object  # porting.report.ImportReport
    format_label: str
    file_name: str


@bp.url_value_preprocessor
def allow_import_uploads(endpoint, _values):
    """Let a signed-in superadmin's import be larger than any other request.

    URL value preprocessors run before every before_request function, so the limit is
    raised before CSRFProtect reads the form; everyone else keeps MAX_CONTENT_LENGTH, so
    an anonymous or moderator's request never makes the server store a big body.
    """
    if endpoint == IMPORT_ENDPOINT and request.method == "POST" and _is_superadmin():
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.post("/sites/<int:site_id>/import")
def import_comments(site_id):
    admin = current_admin()
    access.require_superadmin(admin, _("import comments"))
    site = access.site_or_404(admin, site_id)
    form = ImportForm(site=site)
    if not form.validate_on_submit():
        return site_page(site, import_form=form)
    format_name, upload = form.format.data, form.file.data
    options = {"base_url": form.isso_base_url} if format_name == "isso" else {}

    def record(report):  # stored in the import's own transaction
        audit.record(admin, "import", site.id, message="import",
                     params=import_params(format_name, _file_name(upload), report))

    try:
        # Werkzeug keeps the upload in memory or an anonymous temporary file; the Isso
        # reader copies it to a named one for SQLite and deletes it when done.
        report = run_import(format_name, upload.stream, site, before_commit=record, **options)
    except ImportRefused as error:
        form.file.errors.append(str(error))
        return site_page(site, import_form=form)
    finally:
        upload.close()
    done = ImportForm(formdata=None, site=site, data={"format": format_name,
                                                      "base_url": form.base_url.data})
    return site_page(site, import_form=done,
                     imported=Imported(report, FORMAT_LABELS[format_name], _file_name(upload)))


@bp.get("/sites/<int:site_id>/export.json")
def export_comments(site_id):
    """The same JSON as `flask export --site KEY`, as a download (emails and IP hashes too)."""
    admin = current_admin()
    access.require_superadmin(admin, _("export comments"))
    site = access.site_or_404(admin, site_id)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    write_export(text, [site])
    text.detach()  # keep the bytes open for send_file, which closes them when sent
    spool.seek(0)
    audit.record(admin, "export", site.id, details="JSON")
    db.session.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return send_file(spool, mimetype="application/json", as_attachment=True,
                     download_name=f"comments-{site.key}-{stamp}.json")


@bp.errorhandler(RequestEntityTooLarge)
@render_safely
def too_large(error):
    """An import over the limit: the site page, with the limit beside the file field."""
    if request.endpoint != IMPORT_ENDPOINT or not _is_superadmin():
        return handle_http_error(error)
    site = access.site_or_404(current_admin(), request.view_args["site_id"])
    form = ImportForm(formdata=None, site=site)
    # The body was refused unread, so the chosen format is unknown: the default shows.
    form.file.errors = [form.too_large_message]
    return site_page(site, import_form=form, status=413)


def _is_superadmin():
    admin = current_admin()
    return admin is not None and admin.is_superadmin


def _file_name(upload):
    return (upload.filename or "")[:200]
