"""Signing in and out of the dashboard."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import count_text, current_language
from ..privacy import hash_ip
from ..ratelimit import login_limit
from . import throttle
from .accounts import authenticate, normalize_email
from .auth import current_admin, end_session, safe_next, start_session
from .blueprint import bp
from .forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
@login_limit  # per client network (issue 5's Flask-Limiter); the throttle below per account
def login():
    form = LoginForm()
    if request.method == "GET":
        if current_admin() is not None:
            return redirect(url_for("admin.overview"))
        form.next.data = request.args.get("next", "")
        return render_template("admin/login.html", form=form)
    if not form.validate():
        return render_template("admin/login.html", form=form), 422
    email = normalize_email(form.email.data)
    ip_hash = hash_ip(request.remote_addr)
    wait = throttle.seconds_to_wait(email, ip_hash)
    if wait:
        error = _lockout_message(wait)
        page = render_template("admin/login.html", form=form, error=error)
        return page, 429, {"Retry-After": str(wait)}
    admin = authenticate(email, form.password.data)
    if admin is None:
        throttle.record_failure(email, ip_hash)
        error = _("Wrong email or password.")
        return render_template("admin/login.html", form=form, error=error), 401
    throttle.clear_failures(email)
    admin.language = current_language()  # moderation mails to them speak it (mail/language.py)
    db.session.commit()
    start_session(admin)
    return redirect(safe_next(form.next.data, url_for("admin.overview")), code=303)


@bp.post("/logout")
def logout():
    end_session()
    return redirect(url_for("admin.login"), code=303)


def _lockout_message(seconds):
    """Seconds under 90, else whole minutes rounded up; one plural message each, so that
    every language says "in N seconds" in its own grammar (Arabic's dual and its
    genitive after "in" included, which Babel's format_timedelta does not give)."""
    if seconds < 90:
        return count_text("Too many failed sign-ins. Try again in %(num)s second.",
                          "Too many failed sign-ins. Try again in %(num)s seconds.", seconds)
    return count_text("Too many failed sign-ins. Try again in %(num)s minute.",
                      "Too many failed sign-ins. Try again in %(num)s minutes.", -(-seconds // 60))
