"""Sites choose which of the configured sign-in providers (OAuth / OpenID Connect) their
threads offer.

Revision ID: 0010_site_login_providers
Revises: 0009_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_site_login_providers"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        # Existing sites offer none until their owner picks some.
        batch_op.add_column(sa.Column('login_providers', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('login_providers')
