"""The lists a territory keeps (services, barrier categories, organisations, agenda steps): the archive button
takes an entry out of use and brings it back, says which, and records it; a new entry of an ordered list goes to
its end."""

from __future__ import annotations

import pytest

from toolkit.audit import AuditEntry
from toolkit.extensions import db
from toolkit.processes.models import StepTemplate
from toolkit.services.models import BarrierCategory, Service
from toolkit.territories.models import Organisation

LISTS = {
    "service": (
        Service,
        "services/{id}",
        "The service is archived.",
        "The service is back in the catalogue.",
    ),
    "category": (
        BarrierCategory,
        "categories/{id}",
        "The category is withdrawn.",
        "The category is back in use.",
    ),
    "organisation": (
        Organisation,
        "organisations/{id}",
        "The organisation is saved.",
        "The organisation is saved.",
    ),
    "step_template": (
        StepTemplate,
        "agenda-steps/{id}",
        "The step is withdrawn.",
        "The step is back in use.",
    ),
}


def _first(model, territory):
    return db.session.scalars(
        db.select(model).where(model.territory_id == territory.id).order_by(model.id)
    ).first()


def _actions(entry) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEntry.action)
            .where(AuditEntry.target_type == type(entry).__name__, AuditEntry.target_id == entry.id)
            .order_by(AuditEntry.id)
        )
    )


def _after(client, url: str) -> str:
    """The page that pressing the button at ``url`` leads to."""
    pressed = client.post(url)
    assert pressed.status_code == 302
    return client.get(pressed.location).get_data(as_text=True)


@pytest.mark.parametrize("kind", list(LISTS))
def test_the_archive_button_takes_an_entry_out_of_use_and_brings_it_back(make, login, kind):
    model, path, archived, restored = LISTS[kind]
    territory = make.territory("alpha")
    if model is Organisation:
        make.organisation(territory)
    client = login(make.coordinator(territory, locale="en"))
    entry = _first(model, territory)
    url = f"/t/alpha/{path.format(id=entry.id)}/archive"

    assert archived in _after(client, url)
    db.session.refresh(entry)
    assert entry.archived_at is not None

    assert restored in _after(client, url)
    db.session.refresh(entry)
    assert entry.archived_at is None
    assert _actions(entry)[-2:] == [f"{kind}.archived", f"{kind}.restored"]


def test_a_new_category_and_a_new_step_go_to_the_end_of_their_lists(make, login):
    territory = make.territory("alpha")
    client = login(make.coordinator(territory))
    last_category = max(c.position for c in make.categories_of(territory))
    last_step = max(s.position for s in db.session.scalars(db.select(StepTemplate)))

    client.post(
        "/t/alpha/categories/new",
        data={"name-it": "Paura dei controlli", "description-it": "Timore", "dimension": "acceptability"},
    )
    client.post(
        "/t/alpha/agenda-steps/new",
        data={"title-it": "Pausa", "instructions-it": "Un caffè insieme", "kind": "break", "minutes": "10"},
    )

    category = db.session.scalar(db.select(BarrierCategory).order_by(BarrierCategory.id.desc()))
    step = db.session.scalar(db.select(StepTemplate).order_by(StepTemplate.id.desc()))
    assert category.name == {"it": "Paura dei controlli"} and category.position == last_category + 1
    assert step.title == {"it": "Pausa"} and step.position == last_step + 1
    assert _actions(category) == ["category.created"] and _actions(step) == ["step_template.created"]
