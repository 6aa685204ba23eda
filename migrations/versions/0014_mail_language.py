"""Mails in the recipient's language: a comment remembers the language its author asked
for reply notifications in, an admin the dashboard language they sign in with.

Revision ID: 0014_mail_language
Revises: 0013_thread_url_normal_form
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_mail_language"
down_revision = "0013_thread_url_normal_form"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("admin", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("admin", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("language")
