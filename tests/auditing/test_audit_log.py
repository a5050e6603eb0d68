"""The audit log as coordinators and administrators read it: their territory's entries only (all of them for an
administrator), who, what, which record and when, filters and a CSV of what they select; participants never named;
a page reads a fixed number of queries whatever its number of entries."""

from __future__ import annotations

import ast
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from toolkit import audit
from toolkit.access import Role
from toolkit.audit import AuditEntry
from toolkit.auditing import labels
from toolkit.demo.seed import load_demo
from toolkit.extensions import db
from toolkit.services import operations as services
from toolkit.territories import operations as territories
from toolkit.territories.models import Territory
from toolkit.workshops.models import Participant

TOOLKIT = Path(__file__).resolve().parents[2] / "toolkit"


def _said(app, html: str, text) -> str:
    """``text`` (a source string, or a lazy one) as the page that ``html`` is says it, in its language."""
    language = html.split('lang="', 1)[1].split('"', 1)[0]
    with app.test_request_context(), force_locale(language):
        return gettext(text) if isinstance(text, str) else str(text)


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [row for row in body.split("<tr>")[1:]]


@pytest.fixture
def two_territories(app, make, login):
    a = make.territory(slug="borgo", name="Borgo San Vitale")
    b = make.territory(slug="lagoverde", name="Lagoverde")
    coordinator = make.coordinator(a, email="coordinatrice.audit@example.org", name="Giulia Rossi")
    make.coordinator(b, email="coordinatore.lago@example.org", name="Marco Lago")
    organisation = make.organisation(a, name="Associazione Ponti")
    other = make.organisation(b, name="Cooperativa del Lago")
    client = login(coordinator)
    assert client.post(f"/t/{a.slug}/organisations/{organisation.id}/archive").status_code == 302
    territories.set_organisation_archived(other, True)  # from the command line, in the other territory
    db.session.commit()
    return a, b, coordinator, organisation, other, client


def test_a_coordinator_reads_who_did_what_to_which_record_in_their_territory_only(
    app, two_territories, make, login
):
    a, b, _coordinator, organisation, _other, client = two_territories
    page = client.get(f"/t/{a.slug}/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    archived = [
        row for row in _rows(html) if _said(app, html, labels.ACTIONS["organisation.archived"]) in row
    ]
    assert len(archived) == 1
    assert "Giulia Rossi" in archived[0]
    assert f'href="/t/{a.slug}/organisations/{organisation.id}/edit"' in archived[0]
    assert "Associazione Ponti" in archived[0]
    # Nothing of the other territory: neither its organisation nor its coordinator.
    assert "Cooperativa del Lago" not in html and "Marco Lago" not in html
    assert client.get(f"/t/{b.slug}/audit").status_code == 403
    assert client.get(f"/t/{a.slug}/audit.csv").status_code == 200
    # Only coordinators (and administrators) read it.
    for role in (Role.FACILITATOR, Role.TRANSLATOR, Role.ADDRESSEE, Role.OPERATOR):
        other_person = login(make.user(role, a))
        assert other_person.get(f"/t/{a.slug}/audit").status_code == 403
        assert other_person.get(f"/t/{a.slug}/audit.csv").status_code == 403
        assert other_person.get("/admin/audit").status_code == 403
    network = make.network(a, b)
    reader = login(make.user(Role.NETWORK_COORDINATOR, network=network))
    assert reader.get(f"/t/{a.slug}/audit").status_code == 403
    assert app.test_client().get(f"/t/{a.slug}/audit").status_code == 302  # to the login page


def test_an_administrator_reads_every_territory_and_filters_by_one(app, two_territories, make, login):
    _a, b, _coordinator, _organisation, _other, _client = two_territories
    admin = login(make.user(admin=True, email="admin.audit@example.org"))
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "Cooperativa del Lago" in html and "Associazione Ponti" in html
    command_line = [row for row in _rows(html) if "Cooperativa del Lago" in row]
    assert len(command_line) == 1 and _said(app, html, "Command line") in command_line[0]
    only_b = admin.get(f"/admin/audit?territory={b.id}").get_data(as_text=True)
    assert "Cooperativa del Lago" in only_b and "Associazione Ponti" not in only_b
    site = admin.get("/admin/audit?territory=none").get_data(as_text=True)
    assert all("Lagoverde" not in row and "Borgo San Vitale" not in row for row in _rows(site))
    assert _rows(site)  # accounts created have no territory
    assert admin.get("/admin/audit?territory=not-a-territory").status_code == 200


def test_filters_by_person_action_kind_and_dates_in_the_local_time_zone(app, two_territories):
    a, _b, coordinator, _organisation, _other, client = two_territories
    service = services_of(a)
    services.set_service_archived(service, True)
    # Just before midnight in UTC, just after it in Rome (the time zone times are shown in).
    late = AuditEntry(
        territory_id=a.id, action="service.restored", target_type="Service", target_id=service.id, details={}
    )
    late.at = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    db.session.add(late)
    db.session.commit()

    def shown(**args) -> list[str]:
        query = "&".join(f"{k}={v}" for k, v in args.items())
        response = client.get(f"/t/{a.slug}/audit?{query}")
        assert response.status_code == 200
        return _rows(response.get_data(as_text=True))

    mine = shown(person=coordinator.id)
    assert mine and all("Giulia Rossi" in row for row in mine)
    assert len(shown(action="organisation.archived")) == 1
    assert all(f"/services/{service.id}" in row for row in shown(kind="Service"))
    assert len(shown(kind="Service")) == 2
    nobody = shown(person="nobody")
    assert nobody and not any("Giulia Rossi" in row for row in nobody)
    on_the_16th = shown(since="2026-01-16", until="2026-01-16")
    assert len(on_the_16th) == 1 and "01:30" not in on_the_16th[0] and "0:30" in on_the_16th[0]
    assert shown(since="2026-01-15", until="2026-01-15") == []
    # Bad filters are told, never a 500, and the list is not filtered by them.
    bad = client.get(f"/t/{a.slug}/audit?since=yesterday&until=2026-13-40&person=99999999999999&action=drop")
    assert bad.status_code == 200 and 'role="alert"' in bad.get_data(as_text=True)
    assert len(_rows(bad.get_data(as_text=True))) == len(shown())
    reversed_dates = client.get(f"/t/{a.slug}/audit?since=2026-02-01&until=2026-01-01").get_data(as_text=True)
    assert 'role="alert"' in reversed_dates
    assert client.get(f"/t/{a.slug}/audit?page=99999999999999999999").status_code == 404
    assert client.get(f"/t/{a.slug}/audit?page=40").status_code == 200  # beyond the last: the last


def services_of(territory):
    from ..factories import services_of as listed

    return listed(territory)[0]


def test_the_csv_holds_the_filtered_entries(app, two_territories):
    a, _b, _coordinator, organisation, _other, client = two_territories
    territories.save_organisation(organisation, name="=HYPERLINK(1)")
    db.session.commit()
    response = client.get(f"/t/{a.slug}/audit.csv?kind=Organisation")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, rows = lines[0], lines[1:]
    assert len(rows) == 2
    assert len(header) == 8  # when, who, what, action, kind, number, name, details
    assert {row[3] for row in rows} == {"organisation.archived", "organisation.updated"}
    assert all(row[5] == str(organisation.id) for row in rows)
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert rows[0][0].endswith("+00:00")  # newest first, in UTC
    assert rows[0][0] >= rows[1][0]


def test_participants_are_never_named(app, make, login):
    load_demo()
    db.session.commit()
    territory = db.session.scalar(db.select(Territory).order_by(Territory.id))
    participant = db.session.scalar(
        db.select(Participant).where(Participant.territory_id == territory.id, Participant.pseudonym != "")
    )
    assert participant is not None
    # A change a participant makes from their phone (not logged in).
    workshop = participant.workshop
    with app.test_request_context():
        audit.record("participant.erased", workshop, barriers=1)
    db.session.commit()
    pseudonyms = set(db.session.scalars(db.select(Participant.pseudonym).where(Participant.pseudonym != "")))
    coordinator = login(make.coordinator(territory, email="coordinatrice.demo.audit@example.org"))
    pages = [coordinator.get(f"/t/{territory.slug}/audit?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    pages.append(coordinator.get(f"/t/{territory.slug}/audit.csv").get_data(as_text=True))
    admin = login(make.user(admin=True, email="admin.demo.audit@example.org"))
    pages.append(admin.get("/admin/audit").get_data(as_text=True))
    for page in pages:
        assert not [p for p in pseudonyms if p in page]
    erased = [
        row for row in _rows(pages[0]) if _said(app, pages[0], labels.ACTIONS["participant.erased"]) in row
    ]
    assert len(erased) == 1 and _said(app, pages[0], "A participant") in erased[0]


def test_a_page_reads_the_same_number_of_queries_for_few_or_many_entries(app, make, login, count_queries):
    territory = make.territory()
    coordinator = make.coordinator(territory)
    client = login(coordinator)
    process = make.process(territory)
    organisation = make.organisation(territory)
    service = services_of(territory)

    def add_entries(times: int) -> None:
        for _ in range(times):
            for target in (process, organisation, service, process.workshops[0], coordinator):
                db.session.add(
                    AuditEntry(
                        territory_id=territory.id,
                        user_id=coordinator.id,
                        action="process.updated",
                        target_type=type(target).__name__,
                        target_id=target.id,
                        details={"by": coordinator.id, "role": "facilitator"},
                    )
                )
        db.session.commit()

    def queries() -> int:
        with count_queries() as counted:
            assert client.get(f"/t/{territory.slug}/audit").status_code == 200
        return counted()

    add_entries(1)
    few = queries()
    add_entries(9)  # a full page of 50
    assert queries() == few


def test_every_recorded_action_has_a_label():
    """Reads every ``audit.record(...)`` call of the code: each action it can record has a label."""
    recorded, families, unreadable = set(), set(), []
    for path in sorted(TOOLKIT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            for action in _possible(node.args[0]):
                if isinstance(action, str):
                    recorded.add(action)
                elif isinstance(action, tuple):
                    families.add(action[0])
                else:
                    unreadable.append(f"{path.relative_to(TOOLKIT)}:{node.lineno}")
    assert not unreadable, (
        f"write the action as a string literal (or add its family to labels.FAMILIES): {unreadable}"
    )
    assert recorded, "no audit.record call found"
    assert sorted(recorded - labels.ACTIONS.keys()) == []
    assert sorted(families - labels.FAMILIES.keys()) == []
    for prefix, values in labels.FAMILIES.items():
        assert (
            sorted(f"{prefix}{v.value}" for v in values if f"{prefix}{v.value}" not in labels.ACTIONS) == []
        )


def _possible(node):
    """The actions an expression can give: strings, ``(prefix,)`` for an f-string, None when unreadable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return [*_possible(node.body), *_possible(node.orelse)]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [(node.values[0].value,)]
    return [None]


def test_an_action_or_record_kind_without_a_label_is_shown_as_its_code(app, two_territories):
    a, _b, _coordinator, _organisation, _other, client = two_territories
    db.session.add(
        AuditEntry(
            territory_id=a.id, action="old.renamed", target_type="Gone", target_id=3, details={"x": [1]}
        )
    )
    db.session.commit()
    html = client.get(f"/t/{a.slug}/audit").get_data(as_text=True)
    assert "old.renamed" in html and "Gone" in html


def test_dates_at_the_ends_of_the_calendar_filter_without_an_error(app, two_territories, make, login):
    a, _b, _coordinator, _organisation, _other, client = two_territories
    admin = login(make.user(admin=True, email="admin.calendar@example.org"))
    for reader, base in ((client, f"/t/{a.slug}/audit"), (admin, "/admin/audit")):
        for query in ("since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"):
            for address in (f"{base}?{query}", f"{base.replace('/audit', '/audit.csv')}?{query}"):
                response = reader.get(address)
                assert response.status_code == 200, address
                assert "Associazione Ponti" in response.get_data(as_text=True), address


def test_a_change_to_the_logged_in_account_names_the_account(app, make):
    from flask_login import current_user, login_user

    user = make.user(email="proxy@example.org")
    with app.test_request_context():
        login_user(user)
        audit.record("user.password_changed", current_user)
        db.session.commit()
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.target_type, entry.target_id, entry.user_id) == ("User", user.id, user.id)
