"""abuse: submit keys, reply targets, spam rules, ip salts

One submit, one comment (comment.submit_key, unique); the comment a capped reply
answered (comment.reply_to_id); why a comment was held (comment.spam_reason); each
site's blocked words and links limit; rotating salts for IP hashes (ip_salt).

Revision ID: 0003_abuse
Revises: 0002_commenter
Create Date: 2026-11-25 15:12:30.723069

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_abuse'
down_revision = '0002_commenter'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ip_salt',
    sa.Column('period', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('period', name=op.f('pk_ip_salt'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submit_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('spam_reason', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_comment_submit_key'), ['submit_key'])
        batch_op.create_foreign_key(batch_op.f('fk_comment_reply_to_id_comment'), 'comment', ['reply_to_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('site', schema=None) as batch_op:
        # Existing sites start with no words of their own.
        batch_op.add_column(sa.Column('blocked_words', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('max_links', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('max_links')
        batch_op.drop_column('blocked_words')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comment_reply_to_id_comment'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_comment_submit_key'), type_='unique')
        batch_op.drop_column('spam_reason')
        batch_op.drop_column('submit_key')
        batch_op.drop_column('reply_to_id')

    op.drop_table('ip_salt')
