"""Join codes when planned: every workshop still to come or running has its join code, so its poster can be printed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: The same alphabet and length as toolkit.workshops.codes (copied: a migration must not change with the code).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

workshops = sa.table(
    'workshops',
    sa.column('id', sa.Integer),
    sa.column('state', sa.String),
    sa.column('join_code', sa.String),
)


def upgrade():
    connection = op.get_bind()
    taken = set(connection.scalars(sa.select(workshops.c.join_code).where(workshops.c.join_code.is_not(None))))
    waiting = connection.scalars(
        sa.select(workshops.c.id).where(workshops.c.join_code.is_(None), workshops.c.state != 'closed')
    ).all()
    for workshop_id in waiting:
        code = None
        while code is None or code in taken:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        taken.add(code)
        connection.execute(workshops.update().where(workshops.c.id == workshop_id).values(join_code=code))


def downgrade():
    # The codes given here cannot be told from those given when a workshop was planned: they stay.
    pass
