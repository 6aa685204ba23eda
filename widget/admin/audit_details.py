"""The audit log's details in the reader's language.

An entry keeps a message key and its parameters (AuditEntry.details_message and
details_params) and, for older readers and rows, the same words in English
(AuditEntry.details). The log page renders the key in the language of whoever reads it;
rows written before the keys existed show their stored text.
"""

from flask_babel import get_translations

from ..i18n import ENGLISH, status_name


def _ban(params, catalog):
    if params.get("email"):
        target = catalog.gettext("email %(email)s") % params
    else:
        target = catalog.gettext("IP hash %(hash)s…") % params
    where = params.get("site") or catalog.gettext("all sites")
    words = {"target": target, "where": where, "reason": params.get("reason")}
    if params.get("reason"):
        return catalog.gettext("%(target)s on %(where)s (%(reason)s)") % words
    return catalog.gettext("%(target)s on %(where)s") % words


def _account(params, catalog):
    account = catalog.gettext("commenter #%(id)s “%(name)s”") % params
    return f"{account} ({params['reason']})" if params.get("reason") else account


def _previous_text(params, catalog):
    label = catalog.gettext("Previous text:")
    return f"{label}\n{params['text']}"


def _moderation_link(params, catalog):
    if params.get("email"):
        return catalog.gettext("Through the moderation link emailed to %(email)s.") % params
    return catalog.gettext("Through the moderation link emailed to a moderator.")


def _sso_rotated(params, catalog):
    return catalog.ngettext("The previous secret stays valid for %(num)s more hour.",
                            "The previous secret stays valid for %(num)s more hours.",
                            params["num"]) % params


def _site_changes(params, catalog):
    """One line per changed setting, by its name in the code; the custom CSS by its size."""
    lines = []
    for name, before, after in params["changes"]:
        if name == "custom_css":
            lines.append(catalog.ngettext(
                "custom_css: %(before)s → %(num)s character",
                "custom_css: %(before)s → %(num)s characters", after)
                % {"before": f"{before:,}", "num": f"{after:,}"})
        else:
            lines.append(f"{name}: {before} → {after}")
    return "\n".join(lines)


def _import(params, catalog):
    """The import report's counts, each under the report's own label."""
    added = ", ".join(f"{status_name(status) if catalog is not ENGLISH else status}: {count}"
                      for status, count in sorted(params["added"].items()))
    counts = [(catalog.gettext("Threads created"), params["threads_created"]),
              (catalog.gettext("Existing threads with new comments"), params["threads_extended"]),
              (catalog.gettext("Comments imported"),
               f"{params['comments_added']} ({added})" if added else params["comments_added"]),
              (catalog.gettext("Already here from an earlier import"), params["already_present"])]
    if params.get("accounts_created") or params.get("accounts_present"):
        counts += [(catalog.gettext("Commenter accounts added"), params["accounts_created"]),
                   (catalog.gettext("Commenter accounts already here"),
                    params["accounts_present"])]
    counts += [(catalog.gettext("Skipped"), params["skipped"]),
               (catalog.gettext("Imported with a note"), params["notes"])]
    return "\n".join([f"{params['format']}: {params['file']}",
                      *(f"{label}: {value}" for label, value in counts)])


RENDERERS = {
    "ban": _ban,
    "account": _account,
    "previous_text": _previous_text,
    "moderation_link": _moderation_link,
    "sso_rotated": _sso_rotated,
    "import": _import,
    "site_changes": _site_changes,
}


def render(message, params, catalog=ENGLISH):
    """The words of a details message, in English unless another catalog is given."""
    return RENDERERS[message](params, catalog)


def shown_details(entry):
    """An entry's details in the current language; its stored text for older rows."""
    if entry.details_message in RENDERERS and entry.details_params is not None:
        try:
            return render(entry.details_message, entry.details_params, get_translations())
        except (KeyError, TypeError, ValueError):  # parameters of another version: the text
            pass
    return entry.details


def import_params(format_name, file_name, report):
    """What an import's audit entry keeps: the counts the report shows."""
    return {"format": format_name, "file": file_name,
            "threads_created": report.threads_created,
            "threads_extended": report.threads_extended,
            "comments_added": report.comments_added, "added": dict(report.added),
            "already_present": report.already_present,
            "accounts_created": report.accounts_created,
            "accounts_present": report.accounts_present,
            "skipped": len(report.skipped), "notes": len(report.notes)}
