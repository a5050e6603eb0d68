"""An office answers from its letter's link on a phone, in a spreadsheet: it downloads the file, fills it in with
one mistake, uploads it, reads the row's error, corrects it and uploads it again, in a real browser."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from toolkit.answers import links
from toolkit.answers.models import Answer
from toolkit.extensions import db

from ..answers.test_spreadsheet import spreadsheet_world
from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def _filled(downloaded: Path, statuses: list[str]) -> str:
    text = downloaded.read_text(encoding="utf-8-sig")
    separator = ";" if text.split("\n", 1)[0].count(";") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=separator)
    rows = list(reader)
    for row, status in zip(rows, statuses, strict=False):
        row.update(status=status, text=f"Risposta: {status}")
    out = io.StringIO()
    writer = csv.DictWriter(out, reader.fieldnames, delimiter=separator)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_an_office_uploads_its_answers_and_reads_the_error_of_a_row(
    app, make, live_server, new_page, tmp_path
):
    world = spreadsheet_world(make)
    page = new_page(locale="en", width=360)  # a phone
    page.goto(f"{live_server}/answer/{world['token']}/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer in a spreadsheet")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the recommendations addressed to you (CSV)").click()
    downloaded = Path(download.value.path())
    wrong = tmp_path / "answers.csv"
    wrong.write_text(_filled(downloaded, ["accepted", "acepted"]), encoding="utf-8")
    page.get_by_label("The filled-in file (CSV)").set_input_files(wrong)
    page.get_by_role("button", name="Upload and store the answers").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing of the file was stored.")
    expect(alert).to_contain_text("Row 3, status: “acepted” is not a status")
    expect(alert).not_to_contain_text("Row 2")
    assert_accessible(page)
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing runs off a phone's screen

    right = tmp_path / "answers-corrected.csv"
    right.write_text(_filled(downloaded, ["accepted", "rejected"]), encoding="utf-8")
    page.get_by_label("The filled-in file (CSV)").set_input_files(right)
    page.get_by_role("button", name="Upload and store the answers").click()
    expect(page.get_by_role("status")).to_have_text("2 answers stored.")
    answers = db.session.scalars(db.select(Answer).order_by(Answer.id)).all()
    assert [a.text for a in answers] == ["Risposta: accepted", "Risposta: rejected"]
    assert all(a.link_id == links.link_for(world["token"]).id for a in answers)


def test_the_upload_page_reads_right_to_left(app, make, live_server, new_page):
    world = spreadsheet_world(make)
    page = new_page(locale="ar", width=360)
    page.goto(f"{live_server}/answer/{world['token']}/upload")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)
