"""Drafting recommendations: proposals grouped for the body that can act, evidence, markup, quotes with care."""

from __future__ import annotations

import re

from markupsafe import escape

from toolkit.barriers import models as barriers
from toolkit.extensions import db
from toolkit.recommendations.models import Priority, Quote, Recommendation

from ..codesign.helpers import codesign_room, words
from ..factories import proposal_for

VERSION = re.compile(r'name="version"[^>]*value="([^"]*)"')


def _fields(**changes) -> dict:
    data = {
        "title": "Un mediatore culturale all'anagrafe",
        "problem": "Allo sportello nessuno parla **arabo**:\n\n- le famiglie tornano tre volte\n- perdono giorni di lavoro",
        "proposed_change": "Un mediatore due mattine a settimana, vedi [la delibera](https://example.org/delibera).",
        "priority": "high",
        "principles": ["6", "9"],
        "respond_by": "2027-03-31",
    }
    data.update(changes)
    return data


def _testimony(barrier, text: str, may_quote: bool = True) -> barriers.Testimony:
    """A testimony in Italian behind ``barrier``, added to the session."""
    testimony = barriers.Testimony(
        territory_id=barrier.territory_id,
        process_id=barrier.process_id,
        text=text,
        language="it",
        may_quote=may_quote,
        barriers=[barrier],
    )
    db.session.add(testimony)
    return testimony


def _room(make):
    room = codesign_room(make)
    first_service = room["services"][0]
    room["proposal"] = proposal_for(
        room["workshop"], room["barriers"][:2], change="Un mediatore culturale all'anagrafe"
    )
    room["proposal"].organisation_id = room["association"].id
    db.session.commit()
    room["owner"] = first_service.owner
    return room


def test_a_facilitator_drafts_a_recommendation_for_the_body_that_can_act(app, make, login):
    room = _room(make)
    slug = room["territory"].slug
    facilitator = login(room["facilitator"])
    process_id = room["workshop"].process_id
    assert facilitator.get(f"/t/{slug}/processes/{process_id}/recommendations/new").status_code == 200
    response = facilitator.post(
        f"/t/{slug}/processes/{process_id}/recommendations/new",
        data=_fields(proposals=[str(room["proposal"].id)]),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    recommendation = db.session.scalars(db.select(Recommendation)).one()
    # The addressee is the owner of the services concerned; the evidence, the barriers its proposals answer;
    # the association that wrote the proposal co-designed it.
    assert recommendation.addressee_id == room["owner"].id
    assert {b.id for b in recommendation.barriers} == {b.id for b in room["barriers"][:2]}
    assert room["association"] in recommendation.organisations
    assert (recommendation.priority, recommendation.principles) == (Priority.HIGH, [6, 9])
    assert str(recommendation.respond_by) == "2027-03-31"

    page = facilitator.get(f"/t/{slug}/recommendations/{recommendation.id}").get_data(as_text=True)
    assert "<strong>arabo</strong>" in page and "<li>le famiglie tornano tre volte</li>" in page
    assert '<a href="https://example.org/delibera" rel="noopener noreferrer nofollow">la delibera</a>' in page
    assert str(escape(room["owner"].name)) in page
    listing = facilitator.get(f"/t/{slug}/processes/{process_id}/recommendations").get_data(as_text=True)
    assert str(escape("Un mediatore culturale all'anagrafe")) in listing


def test_markup_gives_no_way_to_html_files_or_scripts(app, make, login):
    room = _room(make)
    slug = room["territory"].slug
    facilitator = login(room["facilitator"])
    tricks = (
        '<img src="file:///etc/passwd"> <link rel=attachment href="file:///etc/passwd"> <script>alert(1)</script>\n\n'
        "[click](javascript:alert(1)) ![logo](http://127.0.0.1:9/logo.png) <style>body{display:none}</style>"
    )
    facilitator.post(
        f"/t/{slug}/processes/{room['workshop'].process_id}/recommendations/new",
        data=_fields(problem=tricks, proposals=[str(room["proposal"].id)]),
    )
    recommendation = db.session.scalars(db.select(Recommendation)).one()
    assert recommendation.problem == tricks  # kept as written
    page = facilitator.get(f"/t/{slug}/recommendations/{recommendation.id}").get_data(as_text=True)
    start = page.index('<div class="markup"')
    body = page[start : page.index("</div>", start)]
    assert "<img" not in body and "<link" not in body and "<script" not in body and "<style" not in body
    # No element carries an address other than http(s): the rest is text, shown as typed.
    assert not re.search(r'<[a-z]+[^>]*\s(href|src)="(?!https?://)', body)
    assert '&lt;img src="file:///etc/passwd"&gt;' in body  # shown as the words typed


def test_quotes_only_where_allowed_and_redacted_without_touching_the_testimony(app, make, login):
    room = _room(make)
    slug = room["territory"].slug
    barrier = room["barriers"][0]
    allowed = _testimony(
        barrier, "Sono Amina, ho il permesso scaduto e all'anagrafe di via Roma mi hanno mandata via."
    )
    refused = _testimony(barrier, "Non voglio che questa storia sia citata.", may_quote=False)
    db.session.commit()
    from ..factories import recommendation as make_recommendation

    recommendation = make_recommendation(room["workshop"].process, [room["proposal"]])
    facilitator = login(room["facilitator"])
    url = f"/t/{slug}/recommendations/{recommendation.id}"
    page = facilitator.get(url).get_data(as_text=True)
    assert str(escape(allowed.text)) in page and str(escape(refused.text)) not in page

    # An empty quote comes back with a clear message.
    response = facilitator.post(f"{url}/quotes", data={"testimony": str(allowed.id), "text": ""})
    assert response.status_code == 422
    assert words(app, "Write the words to quote.") in response.get_data(as_text=True)
    redacted = "Ho il permesso scaduto e all'anagrafe mi hanno mandata via."
    assert (
        facilitator.post(f"{url}/quotes", data={"testimony": str(allowed.id), "text": redacted}).status_code
        == 302
    )
    quote = db.session.scalars(db.select(Quote)).one()
    assert (quote.text, quote.language) == (redacted, "it")
    assert db.session.get(barriers.Testimony, allowed.id).text.startswith(
        "Sono Amina"
    )  # the original stays as it was
    page = facilitator.get(url).get_data(as_text=True)
    quotes = page[page.index('id="quotes"') :]
    assert str(escape(redacted)) in quotes
    # The testimony whose author refused quoting cannot be quoted by forging the form.
    assert (
        facilitator.post(f"{url}/quotes", data={"testimony": str(refused.id), "text": "x"}).status_code == 404
    )
    # Sent again, the same quote is not added twice.
    assert (
        facilitator.post(f"{url}/quotes", data={"testimony": str(allowed.id), "text": redacted}).status_code
        == 302
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(Quote)) == 1
    # When its author takes the permission back, or its barrier stops counting, the quote is shown no more.
    db.session.get(barriers.Testimony, allowed.id).may_quote = False
    db.session.commit()
    assert str(escape(redacted)) not in facilitator.get(url).get_data(as_text=True)
    db.session.get(barriers.Testimony, allowed.id).may_quote = True
    db.session.commit()
    assert str(escape(redacted)) in facilitator.get(url).get_data(as_text=True)
    db.session.get(barriers.Barrier, barrier.id).status = barriers.BarrierStatus.WITHDRAWN
    db.session.commit()
    page = facilitator.get(url).get_data(as_text=True)
    assert str(escape(redacted)) not in page and str(escape(barrier.text)) not in page
    db.session.get(barriers.Barrier, barrier.id).status = barriers.BarrierStatus.NEW
    db.session.commit()
    assert facilitator.post(f"{url}/quotes/{quote.id}/remove").status_code == 302
    assert db.session.scalars(db.select(Quote)).all() == []


def test_two_editors_at_once_nobody_is_overwritten(app, make, login):
    room = _room(make)
    from ..factories import recommendation as make_recommendation

    recommendation = make_recommendation(room["workshop"].process, [room["proposal"]])
    url = f"/t/{room['territory'].slug}/recommendations/{recommendation.id}/edit"
    first, second = login(room["facilitator"]), login(make.coordinator(room["territory"]))
    first_version = VERSION.search(first.get(url).get_data(as_text=True)).group(1)
    second_version = VERSION.search(second.get(url).get_data(as_text=True)).group(1)
    assert first.post(url, data=_fields(title="Prima versione", version=first_version)).status_code == 302
    response = second.post(url, data=_fields(title="Seconda versione", version=second_version))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Seconda versione" in page
    assert db.session.get(Recommendation, recommendation.id).title == "Prima versione"
    again = second.post(url, data=_fields(title="Seconda versione", version=VERSION.search(page).group(1)))
    assert again.status_code == 302
    assert db.session.get(Recommendation, recommendation.id).title == "Seconda versione"


def test_who_may_draft(app, make, login):
    room = _room(make)
    slug = room["territory"].slug
    process_id = room["workshop"].process_id
    member = login(room["member"])
    assert member.get(f"/t/{slug}/processes/{process_id}/recommendations").status_code == 200
    assert member.get(f"/t/{slug}/processes/{process_id}/recommendations/new").status_code == 403
    assert (
        member.post(f"/t/{slug}/processes/{process_id}/recommendations/new", data=_fields()).status_code
        == 403
    )
    assert db.session.scalars(db.select(Recommendation)).all() == []


def test_the_order_of_the_documents_and_deleting_a_draft(app, make, login):
    room = _room(make)
    from ..factories import recommendation as make_recommendation

    process = room["workshop"].process
    first = make_recommendation(process, [room["proposal"]], title="Prima")
    second = make_recommendation(process, [room["proposal"]], title="Seconda")
    third = make_recommendation(process, [room["proposal"]], title="Terza")
    slug = room["territory"].slug
    facilitator = login(room["facilitator"])
    assert facilitator.post(f"/t/{slug}/recommendations/{third.id}/up").status_code == 302
    facilitator.post(f"/t/{slug}/recommendations/{first.id}/up")  # already first: nothing moves

    def titles():
        db.session.expire_all()
        return [
            r.title for r in db.session.scalars(db.select(Recommendation).order_by(Recommendation.position))
        ]

    assert titles() == ["Prima", "Terza", "Seconda"]
    listing = facilitator.get(f"/t/{slug}/processes/{process.id}/recommendations").get_data(as_text=True)
    assert listing.index("Prima") < listing.index("Terza") < listing.index("Seconda")
    assert facilitator.post(f"/t/{slug}/recommendations/{second.id}/delete").status_code == 302
    assert titles() == ["Prima", "Terza"]
    assert login(room["member"]).post(f"/t/{slug}/recommendations/{first.id}/delete").status_code == 403
    assert titles() == ["Prima", "Terza"]


def test_a_quote_is_redacted_further_after_it_was_added(app, make, login):
    from toolkit.translating import operations as translating
    from toolkit.translating.models import SourceKind, TextTranslation
    from toolkit.translating.sources import SOURCES

    from ..factories import recommendation as make_recommendation

    room = _room(make)
    barrier = room["barriers"][0]
    testimony = _testimony(barrier, "Al consultorio di via Verdi mi hanno detto di tornare con mio marito.")
    db.session.commit()
    recommendation = make_recommendation(room["workshop"].process, [room["proposal"]])
    facilitator = login(room["facilitator"])
    url = f"/t/{room['territory'].slug}/recommendations/{recommendation.id}"
    facilitator.post(f"{url}/quotes", data={"testimony": str(testimony.id), "text": testimony.text})
    quote = db.session.scalars(db.select(Quote)).one()
    translating.save_translation(
        SOURCES[SourceKind.QUOTE],
        quote,
        "ar",
        {"text": "في المستوصف قالوا لي أن أعود مع زوجي."},
        reviewed=True,
        user=room["facilitator"],
    )
    db.session.commit()

    # Emptied by mistake, the words come back as typed, with the message, in the open form.
    response = facilitator.post(
        f"{url}/quotes/{quote.id}", data={"testimony": str(testimony.id), "text": " "}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert words(app, "Write the words to quote.") in page
    assert '<details class="edit-quote" open>' in page

    # The place is taken out: the quote changes, the testimony does not, and its translation is outdated.
    redacted = "Al consultorio mi hanno detto di tornare con mio marito."
    response = facilitator.post(
        f"{url}/quotes/{quote.id}", data={"testimony": str(testimony.id), "text": redacted}
    )
    assert response.status_code == 302
    assert db.session.get(Quote, quote.id).text == redacted
    assert db.session.get(barriers.Testimony, testimony.id).text.startswith("Al consultorio di via Verdi")
    assert db.session.scalars(db.select(TextTranslation.outdated)).all() == [True]
    page = facilitator.get(url).get_data(as_text=True)
    assert (
        str(escape(redacted)) in page and "via Verdi" not in page[page.index('id="quotes"') :].split("<h3")[0]
    )

    # A quote of another recommendation cannot be reached through this one.
    other = make_recommendation(room["workshop"].process, [room["proposal"]], title="Un'altra")
    response = facilitator.post(
        f"/t/{room['territory'].slug}/recommendations/{other.id}/quotes/{quote.id}",
        data={"testimony": str(testimony.id), "text": "x"},
    )
    assert response.status_code == 404
