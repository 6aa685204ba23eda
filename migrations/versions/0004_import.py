"""import keys: where an imported comment came from, unique per thread

Revision ID: 0004_import
Revises: 0003_abuse
Create Date: 2026-11-25 15:09:05.002358

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_import'
down_revision = '0003_abuse'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_key', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_comment_thread_id_import_key'), ['thread_id', 'import_key'])


def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_comment_thread_id_import_key'), type_='unique')
        batch_op.drop_column('import_key')
