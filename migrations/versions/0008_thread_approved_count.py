"""Threads keep their number of approved comments (counted again on every change), so
comment counts are one row per article.

Revision ID: 0008_thread_approved_count
Revises: 0007_comment_count_index
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_thread_approved_count"
down_revision = "0007_comment_count_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_count", sa.Integer(), server_default="0",
                                      nullable=False))
    op.execute("UPDATE thread SET approved_count = (SELECT count(*) FROM comment "
               "WHERE comment.thread_id = thread.id AND comment.status = 'approved')")


def downgrade():
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_column("approved_count")
