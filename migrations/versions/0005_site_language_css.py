"""Sites: a default language for their threads and their own (sanitized) CSS.

Revision ID: 0005_site_language_css
Revises: 0004_import
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_site_language_css"
down_revision = "0004_import"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_language", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("custom_css", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("custom_css")
        batch_op.drop_column("default_language")
