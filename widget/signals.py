"""Events other parts react to, so that the comment rules need not know about email.

Both are sent inside the transaction that makes the change, before its commit, so that
what a receiver adds to the session (an outbox row) is stored with it or not at all.
"""

from blinker import Namespace

_events = Namespace()

# sender: the new Comment, already flushed (it has an id and a status)
comment_posted = _events.signal("comment-posted")
# sender: a Comment that a moderator has just approved
comment_approved = _events.signal("comment-approved")
# sender: a Comment its author has just edited (its status may be pending again)
comment_edited = _events.signal("comment-edited")
# sender: a Comment that readers or moderators were shown (published, or awaiting
# moderation) and that has just left: deleted by its author or a moderator, or marked as
# spam. Also sent, with erased=True, for every comment of a commenter erased on request
# (commenters.py), whatever its status, just before it is emptied or removed.
comment_deleted = _events.signal("comment-deleted")
# sender: a deleted Comment that a moderator has just published again
comment_restored = _events.signal("comment-restored")
