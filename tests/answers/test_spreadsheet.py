"""An office answers in a spreadsheet: it downloads its recommendations as CSV, fills in the answer columns and
uploads the file. A bad row gets its own error and then nothing of the file is stored; a good file is stored
whole, and nothing of what was typed is lost on the way back."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import force_locale

from toolkit.access import Role
from toolkit.answers import links, publishing
from toolkit.answers.labels import ANSWER_STATUSES
from toolkit.answers.models import Answer, AnswerStatus
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue


def spreadsheet_world(make) -> dict:
    """Three recommendations to the health authority (one whose title looks like a formula), one to the school
    office, issued; the health authority's addressee and its letter's link."""
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    process = make.process(territory, title="Servizi più vicini")
    titles = ["Un mediatore al CUP", "Orari del sabato", "=cmd|' /C calc'!A0"]
    to_health = [make.recommendation(process, title=title) for title in titles]
    for recommendation in to_health:
        recommendation.addressee = health
    to_health[0].respond_by = date(2026, 9, 30)
    to_school = make.recommendation(process, title="Moduli di iscrizione tradotti")
    to_school.addressee = school
    db.session.commit()
    addressee = make.user(Role.ADDRESSEE, territory, email="ufficio.asl@example.org", locale="en")
    make.membership(addressee, health)
    version = issue(process)
    link, token = links.new_link(process, health, version)
    _school_link, school_token = links.new_link(process, school, version)
    db.session.commit()
    return {
        "territory": territory,
        "process": process,
        "health": health,
        "school": school,
        "to_health": to_health,
        "to_school": to_school,
        "addressee": addressee,
        "token": token,
        "link": link,
        "school_token": school_token,
    }


def _read(data: bytes) -> tuple[list[str], list[dict]]:
    text = data.decode("utf-8-sig")
    separator = ";" if text.split("\n", 1)[0].count(";") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=separator)
    return reader.fieldnames, list(reader)


def _write(header: list[str], rows: list[dict], separator: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=separator)
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _upload(client, url: str, data: bytes, **fields):
    return client.post(
        url, data={"file": (io.BytesIO(data), "answers.csv"), **fields}, content_type="multipart/form-data"
    )


def _answers() -> list[Answer]:
    return list(db.session.scalars(db.select(Answer).order_by(Answer.id)))


def test_a_round_trip_loses_nothing(make, login, client):
    world = spreadsheet_world(make)
    office = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    response = office.get(f"{base}/answers.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="answers-process-' in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())  # so that spreadsheets read UTF-8
    header, rows = _read(response.data)
    assert header[:8] == [
        "recommendation_id",
        "title",
        "respond_by",
        "current_status",
        "status",
        "text",
        "language",
        "competent_body",
    ]
    assert header[8:11] == ["commitment_1_what", "commitment_1_who", "commitment_1_due"]
    assert [row["title"] for row in rows] == [
        "Un mediatore al CUP",
        "Orari del sabato",
        "'=cmd|' /C calc'!A0",
    ]
    assert rows[0]["respond_by"] == "2026-09-30" and all(row["current_status"] == "" for row in rows)
    assert str(world["to_school"].id) not in {row["recommendation_id"] for row in rows}
    texts = [
        "Il mediatore c'è dal 1° ottobre.\nTre mattine a settimana.",
        "=SUM(A1:A3) è solo un testo",
        "سنوفر مترجمين في المستشفى",
    ]
    rows[0].update(status="implemented", text=texts[0], language="it")
    rows[1].update(status="in_progress", text="'" + texts[1], language="it")
    rows[1].update(
        commitment_1_what="Apertura il sabato", commitment_1_who="Direzione", commitment_1_due="31/12/2026"
    )
    rows[2].update(status="partly_accepted", text=texts[2], language="ar")
    response = _upload(office, f"{base}/upload", _write(header, rows))
    assert response.status_code == 302
    assert "3 answers stored." in office.get(response.headers["Location"]).get_data(as_text=True)
    stored = _answers()
    assert [a.text for a in stored] == texts
    assert [a.status for a in stored] == [
        AnswerStatus.IMPLEMENTED,
        AnswerStatus.IN_PROGRESS,
        AnswerStatus.PARTLY_ACCEPTED,
    ]
    assert (
        stored[1].commitments[0].due_on == date(2026, 12, 31) and stored[1].user_id == world["addressee"].id
    )
    # Downloaded again: the same recommendations, now with their statuses; the answer columns empty again.
    again_header, again = _read(office.get(f"{base}/answers.csv").data)
    assert again_header == header
    assert [row["current_status"] for row in again] == ["implemented", "in_progress", "partly_accepted"]
    for before, after in zip(rows, again, strict=True):
        assert {k: after[k] for k in header[:3]} == {k: before[k] for k in header[:3]}
        assert all(after[k] == "" for k in header[4:])
    # The open data gives back exactly the cells uploaded.
    publishing.publish(world["process"], None)
    db.session.commit()
    exported = list(
        csv.DictReader(io.StringIO(client.get(f"/results/borgo/{world['process'].id}/answers.csv").text))
    )
    assert [row["text"] for row in exported] == [row["text"] for row in rows]
    assert exported[1]["commitment_1_what"] == "Apertura il sabato"
    assert exported[1]["commitment_1_due"] == "2026-12-31"


def test_a_bad_row_gets_its_own_error_and_nothing_of_the_file_is_stored(make, login):
    world = spreadsheet_world(make)
    office = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    header, rows = _read(office.get(f"{base}/answers.csv").data)
    rows[0].update(status="accepted", text="Lo faremo.")
    rows[1].update(status="acepted", text="Refuso nello stato")
    rows[2].update(status="accepted", commitment_1_what="Bando", commitment_1_due="il mese prossimo")
    response = _upload(office, f"{base}/upload", _write(header, rows))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing of the file was stored." in page
    assert "Row 3, status: “acepted” is not a status" in page
    assert "Row 4, commitment_1_due: “il mese prossimo” is not a date" in page
    assert "Row 2" not in page  # the good row has no error
    assert _answers() == []


def test_each_kind_of_mistake_is_said(make, login):
    world = spreadsheet_world(make)
    office = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    header, rows = _read(office.get(f"{base}/answers.csv").data)
    ids = [row["recommendation_id"] for row in rows]
    bad = [
        {"recommendation_id": "999999", "status": "accepted"},
        {"recommendation_id": str(world["to_school"].id), "status": "accepted"},  # another body's
        {"recommendation_id": ids[0], "status": "accepted", "text": "x" * 5001},
        {"recommendation_id": ids[1], "status": "not_our_competence", "commitment_1_who": "Direzione"},
        {"recommendation_id": ids[2], "status": "accepted", "language": "xx"},
        {"recommendation_id": ids[2], "status": "rejected"},  # the same recommendation twice
        {"recommendation_id": ids[0], "status": "", "text": "Una risposta senza stato"},
    ]
    page = _upload(office, f"{base}/upload", _write(header, bad)).get_data(as_text=True)
    expected = [
        "Row 2, recommendation_id: “999999” is not a recommendation addressed to you",
        f"Row 3, recommendation_id: “{world['to_school'].id}” is not a recommendation addressed to you",
        "Row 4, text: 5001 characters, at most 5000 are taken.",
        "Row 5, competent_body: name the body that is competent for it.",
        "Row 6, language: “xx” is not a language of the toolkit",
        "Row 5, commitment_1_what: say what is committed to.",
        f"Row 7: recommendation {ids[2]} is answered in row 6 already.",
        "Row 8: it has an answer but no status.",
    ]
    for message in expected:
        assert message.replace("“", "&#8220;") in page or message in page, message
    assert _answers() == []


def test_files_that_cannot_be_read_are_refused_whole(make, login):
    world = spreadsheet_world(make)
    office = login(world["addressee"])
    url = f"/t/borgo/addressed/processes/{world['process'].id}/upload"
    header, rows = _read(office.get(url.replace("upload", "answers.csv")).data)
    rows[0].update(status="accepted", text="Perché sì")
    cases = {
        "is not in UTF-8": _write(header, rows).decode().encode("latin-1"),
        "lacks the columns: status": _write(
            [h for h in header if h != "status"], [{"recommendation_id": "1"}]
        ),
        "columns this page does not know: notes": _write([*header, "notes"], rows),
        "larger than": b"recommendation_id,status,text,language,competent_body\n" + b"x" * (1024 * 1024),
        "The file is empty": b"",
        "No row of the file has a status": _write(header, [{k: "" for k in header}]),
    }
    for said, data in cases.items():
        response = _upload(office, url, data)
        assert response.status_code == 422, said
        assert said in response.get_data(as_text=True), said
    assert _answers() == []


def test_semicolons_and_a_bom_are_read(make, login):
    """What Italian Excel saves: semicolons, a BOM, dates day first, maybe an empty last column."""
    world = spreadsheet_world(make)
    office = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    header, rows = _read(office.get(f"{base}/answers.csv").data)
    rows[0].update(status="accepted", text="Sì; dal 1° ottobre, anche il sabato")
    rows[0].update(commitment_1_what="Mediatore", commitment_1_due="1/10/2026")
    # A spreadsheet may also end each line with an empty column.
    response = _upload(office, f"{base}/upload", _write([*header, ""], rows, separator=";", bom=True))
    assert response.status_code == 302
    (answer,) = _answers()
    assert answer.text == "Sì; dal 1° ottobre, anche il sabato"
    assert answer.commitments[0].due_on == date(2026, 10, 1)


def test_an_italian_reader_downloads_with_semicolons(make, login):
    world = spreadsheet_world(make)
    world["addressee"].locale = "it"
    db.session.commit()
    data = (
        login(world["addressee"]).get(f"/t/borgo/addressed/processes/{world['process'].id}/answers.csv").data
    )
    assert data.decode("utf-8-sig").startswith("recommendation_id;title;")


def test_a_letters_link_answers_for_its_body_only(make, client):
    world = spreadsheet_world(make)
    base = f"/answer/{world['token']}"
    response = client.get(f"{base}/answers.csv")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    header, rows = _read(response.data)
    assert len(rows) == 3 and "Moduli di iscrizione tradotti" not in response.get_data(as_text=True)
    # The school office's recommendation cannot be answered with the health authority's link.
    intruding = [{"recommendation_id": str(world["to_school"].id), "status": "accepted", "text": "Sì"}]
    response = _upload(client, f"{base}/upload", _write(header, intruding))
    assert response.status_code == 422 and _answers() == []
    rows[0].update(status="received")
    response = _upload(client, f"{base}/upload", _write(header, rows))
    assert response.status_code == 302
    (answer,) = _answers()
    assert answer.link_id == world["link"].id and answer.user_id is None
    assert answer.organisation_id == world["health"].id
    # The school office's own link downloads its own recommendation only.
    _header, theirs = _read(client.get(f"/answer/{world['school_token']}/answers.csv").data)
    assert [row["recommendation_id"] for row in theirs] == [str(world["to_school"].id)]


def test_an_unknown_or_tampered_link_is_not_found_and_a_revoked_one_says_it_was_withdrawn(make, client):
    world = spreadsheet_world(make)
    token = world["token"]
    for wrong in ("not-a-token", token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert client.get(f"/answer/{wrong}/answers.csv").status_code == 404
        assert client.get(f"/answer/{wrong}/upload").status_code == 404
    links.revoke(world["link"], None)
    db.session.commit()
    assert client.get(f"/answer/{token}/answers.csv").status_code == 410
    withdrawn = client.get(f"/answer/{token}/upload", headers={"Accept-Language": "en"})
    assert withdrawn.status_code == 410 and "This link was withdrawn" in withdrawn.get_data(as_text=True)
    response = _upload(client, f"/answer/{token}/upload", b"recommendation_id,status\n1,accepted\n")
    assert response.status_code == 410 and _answers() == []


def test_only_the_addressees_organisation_downloads_and_uploads(make, login):
    world = spreadsheet_world(make)
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    stranger = make.user(Role.ADDRESSEE, world["territory"], locale="en")  # no organisation
    coordinator = make.coordinator(world["territory"])
    for person in (stranger, coordinator):
        client = login(person)
        assert client.get(f"{base}/answers.csv").status_code == 404
        assert client.get(f"{base}/upload").status_code == 404
    office = login(world["addressee"])
    assert office.get("/t/borgo/addressed/processes/999999/answers.csv").status_code == 404
    other = make.process(world["territory"], title="Un altro percorso")
    assert office.get(f"/t/borgo/addressed/processes/{other.id}/upload").status_code == 404


def test_the_same_file_sent_twice_from_one_page_is_stored_once(make, login):
    world = spreadsheet_world(make)
    office = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    header, rows = _read(office.get(f"{base}/answers.csv").data)
    rows[0].update(status="accepted", text="Sì")
    data = _write(header, rows)
    for _time in range(2):
        response = _upload(office, f"{base}/upload", data, submission_key="one-page-key")
        assert response.status_code == 302
    assert len(_answers()) == 1
    assert _upload(office, f"{base}/upload", data, submission_key="another-page").status_code == 302
    assert len(_answers()) == 2  # uploaded again from a new page: a new answer in the history


def test_the_upload_page_explains_the_columns(make, login):
    world = spreadsheet_world(make)
    page = login(world["addressee"]).get(f"/t/borgo/addressed/processes/{world['process'].id}/upload")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Answer in a spreadsheet" in text and 'enctype="multipart/form-data"' in text
    assert f"/t/borgo/addressed/processes/{world['process'].id}/answers.csv" in text
    assert "not_our_competence" in text and "Not our competence" in text


def test_a_status_may_be_written_as_the_page_names_it(make, login):
    """An office types the status it reads on screen, in its language, as well as the code."""
    world = spreadsheet_world(make)
    world["addressee"].locale = "it"
    db.session.commit()
    office = login(world["addressee"])
    base = f"/t/borgo/addressed/processes/{world['process'].id}"
    header, rows = _read(office.get(f"{base}/answers.csv").data)
    with force_locale("it"):
        label = str(ANSWER_STATUSES[AnswerStatus.PARTLY_ACCEPTED])
    rows[0].update(status=f"  {label.upper()} ", text="Sì, ma solo il sabato mattina")
    response = _upload(office, f"{base}/upload", _write(header, rows, separator=";"))
    assert response.status_code == 302, response.get_data(as_text=True)
    (answer,) = _answers()
    assert answer.status is AnswerStatus.PARTLY_ACCEPTED
    # A word that names no status is still refused, with the codes to write.
    rows[0].update(status="Forse", text="Vedremo")
    refused = _upload(office, f"{base}/upload", _write(header, rows, separator=";"))
    assert refused.status_code == 422 and "partly_accepted" in refused.get_data(as_text=True)
    assert len(_answers()) == 1
