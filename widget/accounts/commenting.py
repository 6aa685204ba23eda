"""What signing in changes for a new comment: who wrote it, and who may not pretend to."""

from flask_babel import gettext as _

from ..models import Commenters
from ..threads import PostRefused
from .names import is_member_name


def check_commenter(site, viewer, new):
    """Fill in a signed-in commenter's account on the new comment, or check an anonymous
    one: refused where the site takes signed-in commenters only, or when the name looks
    like a member's. Raises PostRefused (nothing is written)."""
    if viewer is not None:
        account = viewer.account
        new.author = account.display_name
        new.email = account.email if account.email_verified else None
        new.website = account.website
        new.account_id = account.id
        new.verified_via = viewer.method
        new.notify_replies = new.notify_replies and bool(new.email)
        return
    if site.commenters == Commenters.SIGNED_IN:
        raise PostRefused(_("Please sign in to comment on this site."), status=403)
    if is_member_name(site, new.author):
        raise PostRefused(_("This name belongs to a signed-in member of this site. Please "
                            "choose another name, or sign in if it is yours."), "name")
