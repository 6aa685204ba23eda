"""admins, bans, audit log, login failures; sites open/closed and max length; threads closed

Revision ID: 0006_admin
Revises: 0005_site_language_css
Create Date: 2026-11-25 15:06:47.584754

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_admin'
down_revision = '0005_site_language_css'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_superadmin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin')),
    sa.UniqueConstraint('email', name=op.f('uq_admin_email'))
    )
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_key_at', ['key', 'at'], unique=False)

    op.create_table('admin_site',
    sa.Column('admin_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admin.id'], name=op.f('fk_admin_site_admin_id_admin'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_admin_site_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('admin_id', 'site_id', name=op.f('pk_admin_site'))
    )
    op.create_table('ban',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('ip_hash', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(email IS NULL) <> (ip_hash IS NULL)', name=op.f('ck_ban_email_or_ip_hash')),
    sa.ForeignKeyConstraint(['created_by_id'], ['admin.id'], name=op.f('fk_ban_created_by_id_admin'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_ban_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ban'))
    )
    with op.batch_alter_table('ban', schema=None) as batch_op:
        batch_op.create_index('ix_ban_email', ['email'], unique=False)
        batch_op.create_index('ix_ban_ip_hash', ['ip_hash'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admin.id'], name=op.f('fk_audit_entry_admin_id_admin'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_audit_entry_comment_id_comment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_audit_entry_site_id_site'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_admin_id'), ['admin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_site_id_at', ['site_id', 'at'], unique=False)

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comments_open', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('max_comment_length', sa.Integer(), nullable=True))

    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_column('closed')

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('max_comment_length')
        batch_op.drop_column('comments_open')

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_site_id_at')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_admin_id'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('ban', schema=None) as batch_op:
        batch_op.drop_index('ix_ban_ip_hash')
        batch_op.drop_index('ix_ban_email')

    op.drop_table('ban')
    op.drop_table('admin_site')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_key_at')

    op.drop_table('login_failure')
    op.drop_table('admin')
