"""Audit details in the reader's language: an entry keeps a message key and its
parameters beside the English text (older rows keep only the text, shown as written).

Revision ID: 0015_audit_details_message
Revises: 0014_mail_language
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_audit_details_message"
down_revision = "0014_mail_language"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details_message", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("details_params", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("details_params")
        batch_op.drop_column("details_message")
