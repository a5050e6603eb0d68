"""Security and privacy: invitations, memberships per territory, sessions, second factor, retention, audit actors, job owners

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:17:57.120827

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # The composite foreign key of memberships points at this constraint, so it comes first.
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_unique_constraint('organisation_in_territory', ['id', 'territory_id'])

    op.create_table('organisation_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id', 'territory_id'], ['organisations.id', 'organisations.territory_id'], name='membership_organisation_in_territory', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_organisation_memberships_territory_id_territories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organisation_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_memberships')),
    sa.UniqueConstraint('user_id', 'territory_id', name='one_organisation_per_territory')
    )
    with op.batch_alter_table('organisation_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_memberships_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_memberships_territory_id'), ['territory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('territory_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_territory_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_territory_invitations_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_territory_invitations_territory_id_territories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_territory_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_territory_invitations'))
    )
    with op.batch_alter_table('territory_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_territory_invitations_territory_id'), ['territory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_invitations_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_audit_entries_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_entries_territory_at', ['territory_id', 'at'], unique=False)

    with op.batch_alter_table('issue_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker_host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('worker_pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('worker_boot', sa.String(length=200), nullable=True))

    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_two_factor', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), server_default='24', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_territory_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_created_by_territory_id_territories'), 'territories', ['created_by_territory_id'], ['id'], ondelete='SET NULL')

    connection = op.get_bind()
    # Each account's organisation becomes its membership in that organisation's territory.
    connection.execute(sa.text(
        "INSERT INTO organisation_memberships (user_id, territory_id, organisation_id, created_at) "
        "SELECT u.id, o.territory_id, o.id, CURRENT_TIMESTAMP FROM users u "
        "JOIN organisations o ON o.id = u.organisation_id"
    ))
    # An account still waiting for its first password was created by the one territory it has roles in.
    connection.execute(sa.text(
        "UPDATE users SET created_by_territory_id = (SELECT MIN(r.territory_id) FROM role_assignments r "
        "WHERE r.user_id = users.id AND r.territory_id IS NOT NULL) "
        "WHERE password_hash = '' AND (SELECT COUNT(DISTINCT r.territory_id) FROM role_assignments r "
        "WHERE r.user_id = users.id AND r.territory_id IS NOT NULL) = 1"
    ))
    # Every existing session and stay-logged-in cookie carried only the account id: they all end here.
    for (user_id,) in connection.execute(sa.text("SELECT id FROM users")).all():
        connection.execute(
            sa.text("UPDATE users SET session_token = :token WHERE id = :id"),
            {"token": secrets.token_urlsafe(24), "id": user_id},
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_users_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('organisation_id')

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.INTEGER(), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_users_created_by_territory_id_territories'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_users_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_token')
        batch_op.drop_column('created_by_territory_id')

    op.get_bind().execute(sa.text(
        "UPDATE users SET organisation_id = (SELECT MIN(m.organisation_id) FROM organisation_memberships m "
        "WHERE m.user_id = users.id)"
    ))

    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.drop_column('retention_months')
        batch_op.drop_column('require_two_factor')

    with op.batch_alter_table('issue_jobs', schema=None) as batch_op:
        batch_op.drop_column('worker_boot')
        batch_op.drop_column('worker_pid')
        batch_op.drop_column('worker_host')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_territory_at')
        batch_op.drop_index('ix_audit_entries_at')
        batch_op.drop_column('actor')

    with op.batch_alter_table('territory_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_territory_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_territory_invitations_territory_id'))

    op.drop_table('territory_invitations')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('organisation_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_memberships_territory_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_memberships_organisation_id'))

    op.drop_table('organisation_memberships')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint('organisation_in_territory', type_='unique')

