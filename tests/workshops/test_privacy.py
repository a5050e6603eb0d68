"""Nothing identifies a participant: after a workshop, no table and no log line holds their address or browser."""

from __future__ import annotations

import logging

from sqlalchemy import inspect, text

from toolkit.extensions import db
from toolkit.privacy import RedactRequestLines
from toolkit.processes.models import StepKind
from toolkit.workshops import operations, service_choice

from .helpers import barrier_fields, join

ADDRESS = "198.51.100.23"
BROWSER = "Mozilla/5.0 (Linux; Android 8.1; Telefono-Economico-9931) Mobile"


def test_no_table_and_no_log_line_keeps_the_address_or_the_browser(app, make, caplog):
    caplog.set_level(logging.DEBUG)
    workshop = make.live_workshop(make.territory(), StepKind.SERVICE_PROPOSALS)
    phone = app.test_client()
    phone.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": BROWSER})
    join(phone, workshop, pseudonym="Stella")
    code = workshop.join_code
    service = workshop.process.services[0]
    page = phone.get(f"/w/{code}/now").get_data(as_text=True)
    key = page.split('name="submission_key"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    phone.post(
        f"/w/{code}/services",
        data={"service": str(service.id), "reason": "Attese", "language": "it", "submission_key": key},
    )
    operations.go_to_step(workshop, 1)
    db.session.commit()
    candidate = service_choice.candidates(workshop.process)[0]
    assert phone.post(f"/w/{code}/votes", data={f"dots-{candidate.id}": "2"}).status_code == 302
    operations.go_to_step(workshop, 1)
    db.session.commit()
    response = phone.post(
        f"/w/{code}/barriers", data=barrier_fields(phone, workshop, service, testimony="Storia")
    )
    assert response.status_code == 302
    assert phone.post(f"/w/{code}/return-code").status_code == 200
    for _ in range(3):
        phone.post("/join", data={"code": "WRONG1"})

    with db.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 (names from the schema)
                for value in row:
                    assert ADDRESS not in str(value), table
                    assert "Telefono-Economico" not in str(value), table
    assert ADDRESS not in caplog.text
    assert "Telefono-Economico" not in caplog.text


def test_request_log_lines_lose_the_address_and_the_query_string(caplog):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [23/Nov/2026 10:00:00] "%s" %s %s',
        (ADDRESS, "GET /return?code=ABCD-EFGH-JKLM HTTP/1.1", "200", "-"),
        None,
    )
    RedactRequestLines().filter(record)
    line = record.getMessage()
    assert ADDRESS not in line and "ABCD" not in line
    assert '"GET /return HTTP/1.1" 200' in line
