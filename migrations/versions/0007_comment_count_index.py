"""Comments indexed by thread and status: comment counts read from the index alone.

Revision ID: 0007_comment_count_index
Revises: 0006_admin
"""
from alembic import op

revision = "0007_comment_count_index"
down_revision = "0006_admin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index("ix_comment_thread_id_status", ["thread_id", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_thread_id_status")
