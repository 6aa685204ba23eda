"""The shapes of the API's requests and answers (marshmallow): flask-smorest validates
requests and writes answers with them, and the OpenAPI document is made from them."""

from marshmallow import EXCLUDE, INCLUDE, Schema, fields, validate

SORTS = ("oldest", "newest", "liked")
MAX_INT = 2**31 - 1


class ErrorSchema(Schema):
    """Every refusal: a sentence for people, and the problems per field when there are
    (errors the app answers for every path, e.g. a 405 or a 503, add `error`, a title)."""

    class Meta:
        unknown = INCLUDE

    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ThreadQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    url = fields.String(required=True, metadata={
        "description": "The article's URL (on one of the site's allowed origins).",
        "example": "https://blog.example.com/hello"})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))
    sort = fields.String(load_default="oldest", validate=validate.OneOf(SORTS))
    own = fields.String(metadata={
        "description": "The loader's signed list of the reader's own comments (shows "
                       "those still awaiting moderation)."})


class ArticleQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    url = fields.String(required=True, metadata={"example": "https://blog.example.com/hello"})
    title = fields.String(load_default="", validate=validate.Length(max=300))


class CountsQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    url = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                      metadata={"description": "Article URLs (repeat the parameter)."})


class CommentSchema(Schema):
    """A comment as the thread page shows it; replies follow their parent (depth says how
    deep), so the list reads in page order."""

    id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    depth = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ("approved", "pending", "deleted")), metadata={
        "description": "pending: the reader's own comment awaiting moderation; deleted: "
                       "a placeholder kept because replies hang below it."})
    author = fields.String(allow_none=True, required=True)
    website = fields.String(allow_none=True, required=True)
    verified = fields.Boolean(required=True, metadata={
        "description": "Written by a signed-in commenter."})
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    edited_at = fields.String(allow_none=True, required=True)
    html = fields.String(required=True, metadata={
        "description": "The comment's sanitized HTML (empty for a placeholder)."})
    likes = fields.Integer(required=True)


class ThreadSchema(Schema):
    url = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "Approved comments."})
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    sort = fields.String(required=True)
    closed = fields.Boolean(required=True)
    comments = fields.List(fields.Nested(CommentSchema), required=True)


class FormTokenSchema(Schema):
    token = fields.String(required=True, metadata={
        "description": "Signed, bound to this thread, valid for COMMENT_FORM_MAX_AGE "
                       "seconds; send it with the post."})
    min_seconds = fields.Integer(required=True, metadata={
        "description": "Comments sent sooner after the token was made are held for "
                       "moderation."})


class NewCommentSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(max=500))
    name = fields.String(load_default="", validate=validate.Length(max=1000))
    email = fields.String(load_default="", validate=validate.Length(max=1000))
    website = fields.String(load_default="", validate=validate.Length(max=2000))
    text = fields.String(required=True, validate=validate.Length(max=200_000))
    parent_id = fields.Integer(allow_none=True, load_default=None,
                               validate=validate.Range(1, MAX_INT))
    notify = fields.Boolean(load_default=False)


class PostedSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("approved", "pending")))
    html = fields.String(required=True)
    edit_token = fields.String(required=True, metadata={
        "description": "Send as X-Edit-Token to edit or delete the comment."})
    editable_until = fields.String(required=True, metadata={"format": "date-time"})
    message = fields.String()


class EditSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=200_000))


class EditedSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("approved", "pending")))
    html = fields.String(required=True)


class DeletedSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    placeholder = fields.Boolean(required=True, metadata={
        "description": "Still shown as “[deleted]” because replies hang below it."})


class LikeSchema(Schema):
    action = fields.String(load_default="like", validate=validate.OneOf(("like", "unlike")))
    visitor = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(min=16, max=64), metadata={
        "description": "A random token of the reader's (else their network stands in)."})


class LikedSchema(Schema):
    comment = fields.Integer(required=True)
    count = fields.Integer(required=True)
    liked = fields.Boolean(required=True)


class CountsSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class QueueQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default="pending", validate=validate.OneOf(("pending", "spam")))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))


class QueuedCommentSchema(Schema):
    """A comment as moderators see it: with the email and IP hash readers never see."""

    id = fields.Integer(required=True)
    thread_url = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True)
    author = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    website = fields.String(allow_none=True, required=True)
    ip_hash = fields.String(allow_none=True, required=True)
    spam_reason = fields.String(allow_none=True, required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    text = fields.String(required=True)
    html = fields.String(required=True)


class QueueSchema(Schema):
    comments = fields.List(fields.Nested(QueuedCommentSchema), required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)


class ModerationSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("approve", "spam", "delete")))


class ModeratedSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    changed = fields.Boolean(required=True, metadata={
        "description": "False when the comment already had that status."})


class BanRequestSchema(Schema):
    target = fields.String(required=True, validate=validate.Length(min=1, max=254), metadata={
        "description": "An email address, an IP address, or an IP hash from the queue."})
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class BanSchema(Schema):
    id = fields.Integer(required=True)
    description = fields.String(required=True)


class ExportSchema(Schema):
    """The export format of docs/export-format.md (as `flask export`)."""

    class Meta:
        unknown = EXCLUDE

    format = fields.String(required=True)
    version = fields.Integer(required=True)
    sites = fields.List(fields.Dict(), required=True)


class AccountHeader(Schema):
    class Meta:
        unknown = EXCLUDE

    account_token = fields.String(data_key="X-Widget-Account", metadata={
        "description": "A signed-in commenter's token (see the README's accounts)."})


class OwnerHeaders(AccountHeader):
    edit_token = fields.String(data_key="X-Edit-Token", metadata={
        "description": "The edit_token the post answered with."})
