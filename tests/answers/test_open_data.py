"""Open data of a published process: the JSON export validates against the schema in the repository, the CSV files
say the same, nothing personal or hidden by moderation goes out, and nothing of an unpublished process does."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import jsonschema
import pytest

from toolkit.access import Role
from toolkit.answers import links, open_data, publishing
from toolkit.answers.models import AnswerStatus
from toolkit.answers.operations import CommitmentData, record_answer
from toolkit.answers.published import current_publication
from toolkit.answers.threads import thread_of
from toolkit.barriers.models import BarrierStatus
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue

PSEUDONYM = "Leone Ruggente"
EMAIL = "maria.rossi@asl-borgo.example.org"
SIGNATURE = "Dott.ssa Maria Rossi"
HIDDEN_TEXT = "Il dottor Bianchi del CUP urla a tutti"
HIDDEN_TESTIMONY = "Mi chiamo Fatima e abito in via Verdi 3"


def _schema() -> dict:
    return json.loads(open_data.SCHEMA_PATH.read_text(encoding="utf-8"))


def _validate(document: dict) -> None:
    jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.FormatChecker()).validate(document)


def published_world(make, *, publish: bool = True) -> dict:
    """A process whose workshop had a participant with a pseudonym, a barrier hidden by moderation, answers by an
    addressee's account (signed) and by a letter's link, then published."""
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    workshop = make.live_workshop(territory, title="Laboratorio al CUP")
    process = workshop.process
    ids = make.contributions(workshop)
    from toolkit.workshops.models import Participant

    db.session.get(Participant, ids["participant_id"]).pseudonym = PSEUDONYM
    categories = make.categories_of(territory)
    make.barrier(process, text="Il CUP chiude alle 12", categories=categories[:2])
    hidden = make.barrier(process, text=HIDDEN_TEXT, testimony=HIDDEN_TESTIMONY)
    hidden.status = BarrierStatus.HIDDEN
    to_health = make.recommendation(process, title="Un mediatore al CUP")
    to_health.addressee = health
    to_health.respond_by = date(2026, 9, 30)
    to_school = make.recommendation(process, title='=HYPERLINK("http://x.example";"Moduli")')
    to_school.addressee = school
    db.session.commit()
    addressee = make.user(Role.ADDRESSEE, territory, email=EMAIL, locale="en")
    make.membership(addressee, health)
    version = issue(process)
    link, token = links.new_link(process, school, version)
    first = record_answer(
        thread_of(process, health, to_health.id),
        status=AnswerStatus.IN_PROGRESS,
        text="Stiamo cercando un mediatore.",
        language="it",
        signed_by=SIGNATURE,
        commitments=[CommitmentData("Bando per mediatori", "Ufficio personale", date(2026, 11, 1))],
        user=addressee,
    )
    db.session.commit()
    second = record_answer(
        thread_of(process, health, to_health.id),
        status=AnswerStatus.IMPLEMENTED,
        text="-1 ora di attesa: il mediatore c'è il martedì.",
        language="it",
        signed_by=SIGNATURE,
        user=addressee,
    )
    record_answer(
        thread_of(process, school, to_school.id),
        status=AnswerStatus.NOT_OUR_COMPETENCE,
        text="Se ne occupa l'istituto comprensivo.",
        language="it",
        competent_body="Istituto comprensivo di Borgo",
        link=link,
    )
    db.session.commit()
    if publish:
        publishing.publish(process, None)
        db.session.commit()
    return {
        "territory": territory,
        "process": process,
        "health": health,
        "to_health": to_health,
        "to_school": to_school,
        "token": token,
        "answers": (first, second),
    }


def _downloads(process) -> list[str]:
    base = f"/results/borgo/{process.id}"
    return [
        f"{base}/open-data.json",
        f"{base}/recommendations.csv",
        f"{base}/answers.csv",
        f"{base}/barriers.csv",
    ]


def test_the_json_export_validates_and_says_what_was_published(make, client):
    world = published_world(make)
    response = client.get(f"/results/borgo/{world['process'].id}/open-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert (
        f'filename="borgo-process-{world["process"].id}-open-data.json"'
        in response.headers["Content-Disposition"]
    )
    document = response.get_json()
    _validate(document)
    assert document["schema_version"] == open_data.SCHEMA_VERSION
    assert document["process"]["title"] == "Percorso Laboratorio al CUP"
    assert document["version"]["number"] == 1
    titles = [r["title"] for r in document["recommendations"]]
    assert titles == ["Un mediatore al CUP", '=HYPERLINK("http://x.example";"Moduli")']
    mediator = document["recommendations"][0]
    assert mediator["addressee"] == "Azienda sanitaria di Borgo" and mediator["respond_by"] == "2026-09-30"
    assert mediator["principles"] == [6] and mediator["priority"] == "high"
    # Every answer, in its history's order, with its commitments and the moment with its offset.
    answers = document["answers"]
    assert [(a["body"], a["status"]) for a in answers] == [
        ("Azienda sanitaria di Borgo", "in_progress"),
        ("Azienda sanitaria di Borgo", "implemented"),
        ("Ufficio scuola di Borgo", "not_our_competence"),
    ]
    assert answers[0]["commitments"] == [
        {"what": "Bando per mediatori", "who": "Ufficio personale", "due_on": "2026-11-01"}
    ]
    assert answers[2]["competent_body"] == "Istituto comprensivo di Borgo"
    assert all(a["answered_at"].endswith("+00:00") for a in answers)
    # Barriers counted when publishing: the hidden one is not.
    counts = document["barrier_counts"]
    totals = {c["service"]: c["count"] for c in counts if c["category"] is None}
    assert sum(totals.values()) == 2
    assert any(c["category"] for c in counts)


def test_every_object_of_the_schema_refuses_what_it_does_not_name():
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(schema))
    assert len(found) >= 7 and all(node.get("additionalProperties") is False for node in found)


@pytest.mark.parametrize(
    "breaking",
    [
        lambda d: d.update(participants=[{"pseudonym": PSEUDONYM}]),  # an extra property
        lambda d: d["answers"][0].update(signed_by=SIGNATURE),  # an extra property, deep down
        lambda d: d["answers"][0]["commitments"][0].update(email=EMAIL),
        lambda d: d["answers"][0].update(recommendation_id=str(d["answers"][0]["recommendation_id"])),
        lambda d: d["recommendations"][0].update(principles="6"),  # a wrong type
        lambda d: d["answers"][0].update(answered_at="2026-05-01 10:00"),  # no offset
        lambda d: d["answers"][0].update(status="maybe"),
        lambda d: d.pop("barrier_counts"),
    ],
)
def test_a_broken_export_fails_validation(make, breaking):
    world = published_world(make)
    document = open_data.export(current_publication(world["process"]))
    _validate(document)
    breaking(document)
    with pytest.raises(jsonschema.ValidationError):
        _validate(document)


def test_the_csv_files_say_the_same_and_neutralise_formulas(make, client):
    world = published_world(make)
    base = f"/results/borgo/{world['process'].id}"
    tables = {}
    for name in ("recommendations", "answers", "barriers"):
        response = client.get(f"{base}/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert (
            f'filename="borgo-process-{world["process"].id}-{name}.csv"'
            in response.headers["Content-Disposition"]
        )
        text = response.get_data(as_text=True)
        assert not text.startswith("\ufeff")
        tables[name] = list(csv.DictReader(io.StringIO(text, newline="")))
    # A title a spreadsheet would run as a formula is opened as text.
    assert tables["recommendations"][1]["title"] == '\'=HYPERLINK("http://x.example";"Moduli")'
    assert tables["recommendations"][0]["principles"] == "6"
    answers = tables["answers"]
    assert [a["status"] for a in answers] == ["in_progress", "implemented", "not_our_competence"]
    assert answers[1]["text"] == "'-1 ora di attesa: il mediatore c'è il martedì."
    assert answers[0]["commitment_1_what"] == "Bando per mediatori"
    assert answers[0]["commitment_1_due"] == "2026-11-01" and answers[0]["commitment_2_what"] == ""
    assert answers[0]["answered_at"].endswith("+00:00")
    assert {"service", "category", "count"} == set(tables["barriers"][0])
    assert sum(int(row["count"]) for row in tables["barriers"] if not row["category"]) == 2


def test_no_personal_data_and_nothing_hidden_by_moderation_in_any_export(make, client, runner, tmp_path):
    world = published_world(make)
    exported = [client.get(url).get_data(as_text=True) for url in _downloads(world["process"])]
    result = runner.invoke(
        args=["export", str(world["process"].id), "--format", "json", "--out", str(tmp_path / "o.json")]
    )
    assert result.exit_code == 0, result.output
    exported.append((tmp_path / "o.json").read_text(encoding="utf-8"))
    result = runner.invoke(
        args=["export", str(world["process"].id), "--format", "csv", "--out", str(tmp_path / "csv")]
    )
    assert result.exit_code == 0, result.output
    exported += [
        (tmp_path / "csv" / f"{name}.csv").read_text(encoding="utf-8") for name in open_data.CSV_FILES
    ]
    assert len(exported) == 8
    for text in exported:
        for secret in (
            PSEUDONYM,
            EMAIL,
            SIGNATURE,
            "Maria Rossi",
            HIDDEN_TEXT,
            HIDDEN_TESTIMONY,
            world["token"],
        ):
            assert secret not in text
        assert "Fatima" not in text and "Bianchi" not in text


def test_the_command_writes_what_the_downloads_give(make, client, runner, tmp_path):
    world = published_world(make)
    process_id = world["process"].id
    out = tmp_path / "export.json"
    result = runner.invoke(args=["export", str(process_id), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0 and "2 recommendations, 3 answers" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    _validate(written)
    assert written == client.get(f"/results/borgo/{process_id}/open-data.json").get_json()
    folder = tmp_path / "open-data"
    result = runner.invoke(args=["export", str(process_id), "--format", "csv", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "barriers.csv", "recommendations.csv"]
    for name in ("answers", "barriers", "recommendations"):
        served = client.get(f"/results/borgo/{process_id}/{name}.csv").data
        assert (folder / f"{name}.csv").read_bytes() == served


def test_an_unpublished_process_exports_nothing(make, client, runner, tmp_path):
    world = published_world(make, publish=False)
    process = world["process"]
    for url in _downloads(process):
        assert client.get(url).status_code == 404
    for form in ("json", "csv"):
        out = tmp_path / f"out-{form}"
        result = runner.invoke(args=["export", str(process.id), "--format", form, "--out", str(out)])
        assert result.exit_code == 1
        assert f"process {process.id} is not published" in result.output
        assert not out.exists()
    result = runner.invoke(args=["export", "999999", "--format", "json", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 1 and "there is no process 999999" in result.output
    # Published, then withdrawn: not found again; another territory's address is not found either.
    publishing.publish(process, None)
    db.session.commit()
    assert all(client.get(url).status_code == 200 for url in _downloads(process))
    make.territory("lago", name="Comune di Lago")
    assert client.get(f"/results/lago/{process.id}/open-data.json").status_code == 404
    publishing.unpublish(process, None)
    db.session.commit()
    for url in _downloads(process):
        assert client.get(url).status_code == 404


def test_barrier_counts_read_the_figures_defensively():
    figures = {
        "barriers": {
            "by_service": [
                {
                    "id": 1,
                    "name": {"it": "Anagrafe", "en": "Registry office"},
                    "barriers": 3,
                    "categories": [
                        {"id": 7, "barriers": 2},
                        {"id": 8, "barriers": "many"},  # not a count: left out
                    ],
                },
                {"id": 2, "name": {"it": "CUP"}, "barriers": None},  # no count: left out
                "not a service",
            ],
            "by_category": [{"id": 7, "name": {"it": "Lingua"}, "barriers": 2}],
        }
    }
    assert open_data.barrier_counts(figures, "en") == [
        {"service": "Registry office", "category": None, "count": 3},
        {"service": "Registry office", "category": "Lingua", "count": 2},
    ]
    for nothing in ({}, None, {"barriers": []}, {"barriers": {"by_service": "x"}}):
        assert open_data.barrier_counts(nothing) == []


def test_cells_are_guarded_and_read_back_as_written():
    for text in ("=1+1", "+39 0123", "-3 giorni", "@utente", "\tTab", "normale", "'citazione'", ""):
        assert open_data.unguard(open_data.guard(text)) == text
    assert open_data.guard("=1+1") == "'=1+1" and open_data.guard("normale") == "normale"
    assert open_data.guard(None) == "" and open_data.guard(12) == "12"
