"""The demo data: a realistic territory a newcomer can explore right after `make run`."""

import unicodedata

from toolkit.access import Role
from toolkit.accounts.models import User
from toolkit.barriers import models as evidence
from toolkit.barriers.models import Barrier
from toolkit.demo.seed import DEMO_PASSWORD, load_demo
from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.workshops.models import Workshop


def scripts(text: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


def test_demo_has_every_role_workshops_in_several_phases_and_evidence_in_many_languages(app, login):
    load_demo()
    db.session.commit()
    users = db.session.scalars(db.select(User)).all()
    roles = {a.role for u in users for a in u.role_assignments}
    assert roles == set(Role)
    assert any(u.is_admin for u in users)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)

    process = db.session.scalar(db.select(Process))
    phases = {w.phase for w in db.session.scalars(db.select(Workshop))}
    assert len(phases) >= 3 and process.phase in phases

    barriers = db.session.scalars(db.select(Barrier)).all()
    testimonies = db.session.scalars(db.select(evidence.Testimony)).all()
    languages = {b.language for b in barriers} | {t.language for t in testimonies}
    assert len(languages) >= 6 and {"ar", "zh", "uk", "bn"} <= languages
    written = {b.language: b.text for b in barriers}
    assert "ARABIC" in scripts(written["ar"])
    assert "CJK" in scripts(written["zh"])
    assert "CYRILLIC" in scripts(written["uk"])
    assert "BENGALI" in scripts(written["bn"])
    assert all(b.categories for b in barriers)


def test_demo_process_page_shows_each_text_with_its_language(app, login):
    load_demo()
    db.session.commit()
    coordinator = db.session.scalar(db.select(User).where(User.email == "coordinatrice@example.org"))
    process = db.session.scalar(db.select(Process))
    client = login(coordinator, DEMO_PASSWORD)
    page = client.get(f"/t/borgo-san-vitale/processes/{process.id}").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page
    assert 'lang="zh-Hans" dir="ltr"' in page
    assert "办理居住登记" in page


def test_demo_has_proposals_with_feasibility_and_a_synthesis_to_explore(app, login):
    from toolkit.codesign.models import Proposal
    from toolkit.codesign.synthesis import synthesis

    load_demo()
    db.session.commit()
    process = db.session.scalar(db.select(Process))
    operator = db.session.scalar(db.select(User).where(User.email == "operatrice@example.org"))
    sections, _votes = synthesis(process)
    assert sum(len(s.proposals) for s in sections) >= 3
    assert any(s.unaddressed for s in sections) and any(p.assessment for s in sections for p in s.proposals)
    client = login(operator, DEMO_PASSWORD)
    page = client.get(f"/t/borgo-san-vitale/processes/{process.id}/synthesis").get_data(as_text=True)
    assert 'lang="uk" dir="ltr"' in page and "Дозволити запис" in page
    proposal = db.session.scalar(db.select(Proposal).where(Proposal.language == "it"))
    form = client.get(f"/t/borgo-san-vitale/proposals/{proposal.id}").get_data(as_text=True)
    assert 'name="verdict"' in form  # the registry office's operator can say what it can do


def test_every_demo_organisation_named_in_a_territory_belongs_to_it(app):
    """Borgo and Lagoverde have organisations of the same names: Borgo's records name Borgo's."""
    from toolkit.codesign.models import FeasibilityAssessment, Proposal
    from toolkit.territories.models import Organisation

    load_demo()
    db.session.commit()
    pairs = db.session.execute(
        db.select(Proposal.territory_id, Organisation.territory_id)
        .join(FeasibilityAssessment, FeasibilityAssessment.proposal_id == Proposal.id)
        .join(Organisation, Organisation.id == FeasibilityAssessment.organisation_id)
    ).all()
    assert pairs and all(proposal == organisation for proposal, organisation in pairs)
    authors = db.session.execute(
        db.select(Proposal.territory_id, Organisation.territory_id).join(
            Organisation, Organisation.id == Proposal.organisation_id
        )
    ).all()
    assert all(proposal == organisation for proposal, organisation in authors)
