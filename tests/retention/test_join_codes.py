"""Wrong codes are limited per network address; right codes never are: a room behind one Wi-Fi still joins after
a few dozen typos."""

from __future__ import annotations

from sqlalchemy import func, select

from toolkit.extensions import db
from toolkit.workshops.models import Participant

from ..workshops.helpers import join


def test_after_many_wrong_codes_the_right_code_and_the_right_link_still_join(app, client, make):
    workshop = make.live_workshop(make.territory())
    statuses = [client.post("/join", data={"code": "ZZZ-ZZZ"}).status_code for _ in range(25)]
    assert statuses[:20] == [404] * 20
    assert set(statuses[20:]) == {429}  # the 21st wrong code and after: refused
    assert client.get("/w/ZZZZZZ").status_code == 429

    typed = client.post("/join", data={"code": workshop.join_code})
    assert typed.status_code == 302
    assert typed.headers["Location"].endswith(f"/w/{workshop.join_code}")
    assert client.get(f"/w/{workshop.join_code}").status_code == 200
    assert client.get(f"/join?code={workshop.join_code}").status_code == 302
    for _ in range(30):  # the rest of the room, behind the same address
        join(app.test_client(), workshop)
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 30


def test_after_many_wrong_return_codes_a_right_one_still_opens(app, client, make):
    workshop = make.live_workshop(make.territory())
    join(client, workshop)
    page = client.post(f"/w/{workshop.join_code}/return-code").get_data(as_text=True)
    code = page.split('class="return-code" dir="ltr"><strong>', 1)[1].split("<", 1)[0]
    later = app.test_client()
    statuses = [later.post("/return", data={"code": "AAAA-BBBB-CCCC"}).status_code for _ in range(22)]
    assert statuses[-1] == 429
    assert later.post("/return", data={"code": code}).status_code == 302
