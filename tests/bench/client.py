"""The load client of `make bench` (asyncio + aiohttp): simulated phones that do what a browser does.

Each phone has its own HTTP session and cookie jar, reads the CSRF token and the submission key from the form
it was shown, and sends the form back the way the browser does (one key per page view).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

#: A hidden input of a form page: its name and its value, in whatever order the attributes come.
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(name|value)="([^"]*)"')

#: What people write: several languages and scripts, emoji included.
TEXTS = (
    "Allo sportello anagrafe nessuno parla inglese e i moduli sono solo in italiano.",
    "لا أفهم الرسائل التي تصلني من المكتب، وليس هناك مترجم 😞",
    "预约系统只能在网上用，我没有SPID，也没有人帮我。",
    "The office is open only in the morning, when I work 🕗",
    "Mi hanno chiesto un documento che non posso avere dal mio paese d'origine.",
    "Ne znam gdje trebam ići, svaki ured me šalje drugom 🙃",
)
LANGUAGES = ("it", "ar", "zh", "en", "it", "sq")
FREQUENCIES = ("rarely", "sometimes", "often", "always")
SEVERITIES = ("minor", "serious", "very_serious", "blocks_access")
#: Interface languages the simulated phones choose (None: the browser's, here the territory's default).
PHONE_LANGUAGES = (None, "ar", "en", "zh", "fr", None, "uk", "bn")

POLL_INTERVAL = 2.0


def form_inputs(page: str, *names: str) -> dict[str, str]:
    """The first value of each named input of a page (the CSRF token, the submission key...); with ``names``,
    stop reading once these are found (the client shares the CPU with the servers)."""
    values: dict[str, str] = {}
    for match in _INPUT.finditer(page):
        attributes = dict(_ATTRIBUTE.findall(match.group()))
        if "name" in attributes:
            values.setdefault(attributes["name"], html.unescape(attributes.get("value", "")))
        if names and all(name in values for name in names):
            break
    return values


@dataclass
class Result:
    """Latencies of the counted requests of one scenario, and what went wrong."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    started: float = 0.0
    ended: float = 0.0
    #: Latencies of the requests that go with the counted ones but are not counted (the form's GET).
    companion_latencies: list[float] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors[what] += 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        duration = self.ended - self.started
        return len(self.latencies) / duration if duration > 0 else 0.0

    def percentile(self, p: int, companion: bool = False) -> float:
        """The ``p``-th percentile of the latencies, in milliseconds."""
        latencies = self.companion_latencies if companion else self.latencies
        if len(latencies) < 2:
            return latencies[0] * 1000 if latencies else float("nan")
        return statistics.quantiles(latencies, n=100, method="inclusive")[p - 1] * 1000


def new_session(base_url: str) -> aiohttp.ClientSession:
    # unsafe=True: keep cookies for a host that is an IP address (127.0.0.1), as a browser does.
    return aiohttp.ClientSession(
        base_url=base_url,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        connector=aiohttp.TCPConnector(limit=2),
        timeout=aiohttp.ClientTimeout(total=60),
    )


class Failed(Exception):
    """A request answered something else than what a browser would get."""


async def _expect(response: aiohttp.ClientResponse, *statuses: int) -> str:
    body = await response.text()
    if response.status not in statuses:
        raise Failed(f"{response.method} {response.url.path}: {response.status}")
    return body


# --- the toolkit's participants -------------------------------------------------------------------------------


async def join(session: aiohttp.ClientSession, code: str, language: str | None) -> None:
    """Open the join link, maybe choose a language, read the consent and agree: what a phone does first."""
    async with session.get(f"/w/{code}", allow_redirects=False) as response:
        page = await _expect(response, 200)
    if language:
        token = form_inputs(page, "csrf_token")["csrf_token"]
        data = {"csrf_token": token, "language": language, "next": f"/w/{code}/consent"}
        async with session.post("/language", data=data, allow_redirects=False) as response:
            await _expect(response, 302)
    async with session.get(f"/w/{code}/consent", allow_redirects=False) as response:
        page = await _expect(response, 200)
    data = {
        "csrf_token": form_inputs(page, "csrf_token")["csrf_token"],
        "pseudonym": random.choice(("", "Amina", "小王", "Ion")),
        "role": "resident",
        "consent": "y",
    }
    async with session.post(f"/w/{code}/consent", data=data, allow_redirects=False) as response:
        await _expect(response, 302)
        if not response.headers.get("Location", "").endswith(f"/w/{code}/now"):
            raise Failed(f"consent sent to {response.headers.get('Location')}")


async def join_all(base_url: str, code: str, count: int, result: Result) -> list[aiohttp.ClientSession]:
    """``count`` phones joined to the workshop (a room arriving: twenty at a time)."""
    sessions = [new_session(base_url) for _ in range(count)]
    gate = asyncio.Semaphore(20)

    async def one(index: int, session: aiohttp.ClientSession) -> None:
        async with gate:
            try:
                await join(session, code, PHONE_LANGUAGES[index % len(PHONE_LANGUAGES)])
            except (TimeoutError, Failed, aiohttp.ClientError, KeyError) as error:
                result.error(f"join: {error!r}")

    await asyncio.gather(*(one(i, s) for i, s in enumerate(sessions)))
    return sessions


async def poll_live(base_url: str, code: str, phones: int, seconds: float) -> Result:
    """(a) ``phones`` phones, each asking for the live state every two seconds with the last ETag."""
    result = Result("(a) live polling")
    sessions = await join_all(base_url, code, phones, result)
    try:
        result.started = time.perf_counter()
        deadline = result.started + seconds

        async def phone(session: aiohttp.ClientSession) -> None:
            etag = None
            moment = result.started + random.uniform(0, POLL_INTERVAL)  # phones do not start in step
            while moment < deadline:
                await asyncio.sleep(max(0.0, moment - time.perf_counter()))
                headers = {"If-None-Match": etag} if etag else {}
                start = time.perf_counter()
                try:
                    async with session.get(
                        f"/w/{code}/live", headers=headers, allow_redirects=False
                    ) as response:
                        await _expect(response, 200, 304)
                        etag = response.headers.get("ETag", etag)
                    result.latencies.append(time.perf_counter() - start)
                except (TimeoutError, Failed, aiohttp.ClientError) as error:
                    result.error(str(error) or type(error).__name__)
                moment += POLL_INTERVAL

        await asyncio.gather(*(phone(s) for s in sessions))
        result.ended = time.perf_counter()
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return result


def barrier_fields(counter: int, service_ids: list[int], category_ids: list[int]) -> list[tuple[str, str]]:
    """A filled-in barrier form, different each time."""
    fields = [
        ("service", str(random.choice(service_ids))),
        ("text", f"{TEXTS[counter % len(TEXTS)]} (#{counter})"),
        ("language", LANGUAGES[counter % len(LANGUAGES)]),
        ("frequency", random.choice(FREQUENCIES)),
        ("severity", random.choice(SEVERITIES)),
        ("groups_affected", random.choice(("", "Mamme con bambini piccoli", "كبار السن"))),
        ("testimony", random.choice(("", "Mia sorella ha aspettato tre mesi 😔", "上周我去了三次。"))),
        ("may_quote", "y"),
    ]
    for category in random.sample(category_ids, k=random.randint(1, min(2, len(category_ids)))):
        fields.append(("categories", str(category)))
    return fields


async def submit_forms(
    name: str,
    sessions: list[aiohttp.ClientSession],
    form_path: str,
    post_path: str,
    seconds: float,
    service_ids: list[int],
    category_ids: list[int],
    total: int | None = None,
) -> Result:
    """Each session, as fast as it can: open the form, send it, follow the redirect back to a fresh form; for
    ``seconds``, or until ``total`` forms were sent.

    Only the POST is counted (rate and latency); the GET of the form is done as a browser does and timed apart.
    """
    result = Result(name)
    counter = itertools.count(1)
    result.started = time.perf_counter()
    deadline = result.started + seconds
    sent = itertools.count(1)

    async def writer(session: aiohttp.ClientSession) -> None:
        page = None
        while time.perf_counter() < deadline:
            try:
                if page is None:
                    start = time.perf_counter()
                    async with session.get(form_path, allow_redirects=False) as response:
                        page = await _expect(response, 200)
                    result.companion_latencies.append(time.perf_counter() - start)
                hidden = form_inputs(page, "csrf_token", "submission_key")
                data = [
                    ("csrf_token", hidden["csrf_token"]),
                    ("submission_key", hidden["submission_key"]),
                    *barrier_fields(next(counter), service_ids, category_ids),
                ]
                page = None
                if total is not None and next(sent) > total:
                    return
                start = time.perf_counter()
                async with session.post(post_path, data=data, allow_redirects=False) as response:
                    await _expect(response, 302)
                    location = response.headers.get("Location", "")
                result.latencies.append(time.perf_counter() - start)
                if not location.endswith(form_path):
                    raise Failed(f"redirected to {location}")
            except (TimeoutError, Failed, aiohttp.ClientError, KeyError) as error:
                result.error(str(error) or type(error).__name__)
                page = None

    await asyncio.gather(*(writer(s) for s in sessions))
    result.ended = time.perf_counter()
    return result


async def submit_barriers(
    base_url: str,
    code: str,
    writers: int,
    total: int,
    service_ids: list[int],
    category_ids: list[int],
    seconds: float = 120,
) -> Result:
    """(b) participants sending ``total`` barriers through the phone's form, as fast as they can."""
    joining = Result("joining")
    sessions = await join_all(base_url, code, writers, joining)
    try:
        result = await submit_forms(
            "(b) toolkit barrier POST",
            sessions,
            f"/w/{code}/now",
            f"/w/{code}/barriers",
            seconds,
            service_ids,
            category_ids,
            total,
        )
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    result.errors.update(joining.errors)
    return result


async def submit_baseline(base_url: str, writers: int, seconds: float) -> Result:
    """(c) the same form flow against the minimal Flask app."""
    sessions = [new_session(base_url) for _ in range(writers)]
    try:
        return await submit_forms("(c) minimal Flask POST", sessions, "/", "/", seconds, [1, 2, 3], [1, 2, 3])
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
