"""texts that coordinators write become one text per language; territories get a consent text

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:05:00

Each translatable column becomes a JSON object ``{language: text}``; the text already there is kept as the
territory's language.
"""

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TRANSLATED = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

#: table -> (columns that become translatable, their old type)
COLUMNS = {
    "services": (("name", sa.String(200)), ("description", sa.Text()), ("documents_needed", sa.Text())),
    "barrier_categories": (("name", sa.String(200)), ("description", sa.Text())),
    "organisations": (("description", sa.Text()),),
}


def _convert(table: str, columns, to_json: bool) -> None:
    bind = op.get_bind()
    names = [name for name, _ in columns]
    with op.batch_alter_table(table) as batch:
        for name, old_type in columns:
            batch.add_column(sa.Column(f"{name}_new", TRANSLATED if to_json else old_type, nullable=True))
    rows = bind.execute(
        sa.text(
            f"SELECT {table}.id, territories.default_locale, {', '.join(f'{table}.{n}' for n in names)} "  # noqa: S608 (fixed names)
            f"FROM {table} JOIN territories ON territories.id = {table}.territory_id"
        )
    ).all()
    new_table = sa.table(table, sa.column("id"), *(sa.column(f"{n}_new", TRANSLATED) for n in names))
    for row in rows:
        locale, values = row[1], row[2:]
        if to_json:
            converted = {f"{n}_new": ({locale: v} if v else {}) for n, v in zip(names, values, strict=True)}
        else:
            converted = {}
            for n, v in zip(names, values, strict=True):
                texts = v if isinstance(v, dict) else json.loads(v or "{}")
                converted[f"{n}_new"] = texts.get(locale) or next(iter(texts.values()), "")
        statement = new_table.update().where(new_table.c.id == row[0]).values(**converted)
        if not to_json:
            statement = sa.text(
                f"UPDATE {table} SET {', '.join(f'{k} = :{k}' for k in converted)} WHERE id = :id"  # noqa: S608
            ).bindparams(id=row[0], **converted)
        bind.execute(statement)
    with op.batch_alter_table(table) as batch:
        for name, old_type in columns:
            batch.drop_column(name)
            batch.alter_column(
                f"{name}_new",
                new_column_name=name,
                existing_type=TRANSLATED if to_json else old_type,
                nullable=False,
            )


def upgrade():
    for table, columns in COLUMNS.items():
        _convert(table, columns, to_json=True)
    with op.batch_alter_table("territories") as batch:
        batch.add_column(sa.Column("consent_text", TRANSLATED, nullable=True))
    op.execute(sa.text("UPDATE territories SET consent_text = '{}'"))
    with op.batch_alter_table("territories") as batch:
        batch.alter_column("consent_text", existing_type=TRANSLATED, nullable=False)


def downgrade():
    with op.batch_alter_table("territories") as batch:
        batch.drop_column("consent_text")
    for table, columns in COLUMNS.items():
        _convert(table, columns, to_json=False)
