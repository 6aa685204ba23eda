"""Commenter accounts: identities, sessions, emailed codes; comments know their account;
sites choose who may comment, their SSO secret and the "trusted members" threshold.

Revision ID: 0009_accounts
Revises: 0008_thread_approved_count
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_accounts"
down_revision = '0008_thread_approved_count'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('name_skeleton', sa.String(length=400), nullable=False),
    sa.Column('name_shape', sa.String(length=400), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('email_verified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('banned_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_account_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_site_id_name_skeleton', ['site_id', 'name_skeleton'], unique=False)
        batch_op.create_index('ix_account_site_id_name_shape', ['site_id', 'name_shape'], unique=False)

    op.create_table('sign_in_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_sign_in_code_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_code'))
    )
    with op.batch_alter_table('sign_in_code', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_code_ip_hash_created_at', ['ip_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_sign_in_code_site_id_email', ['site_id', 'email'], unique=False)

    op.create_table('account_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_identity_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_account_identity_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_identity')),
    sa.UniqueConstraint('site_id', 'provider', 'subject', name=op.f('uq_account_identity_site_id_provider_subject'))
    )
    with op.batch_alter_table('account_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_identity_account_id'), ['account_id'], unique=False)

    op.create_table('account_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_session_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_session_token_hash'))
    )
    with op.batch_alter_table('account_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_session_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verified_via', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_comment_account_id'), ['account_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comment_account_id_account'), 'account', ['account_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commenters', sa.Enum('anyone', 'signed_in', name='commenters', native_enum=False, length=16), server_default='anyone', nullable=False))
        batch_op.add_column(sa.Column('trusted_after', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('sso_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sso_previous_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sso_rotated_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('sso_rotated_at')
        batch_op.drop_column('sso_previous_secret')
        batch_op.drop_column('sso_secret')
        batch_op.drop_column('trusted_after')
        batch_op.drop_column('commenters')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comment_account_id_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comment_account_id'))
        batch_op.drop_column('verified_via')
        batch_op.drop_column('account_id')

    with op.batch_alter_table('account_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_session_account_id'))

    op.drop_table('account_session')
    with op.batch_alter_table('account_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_identity_account_id'))

    op.drop_table('account_identity')
    with op.batch_alter_table('sign_in_code', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_code_site_id_email')
        batch_op.drop_index('ix_sign_in_code_ip_hash_created_at')

    op.drop_table('sign_in_code')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_site_id_name_shape')
        batch_op.drop_index('ix_account_site_id_name_skeleton')

    op.drop_table('account')
