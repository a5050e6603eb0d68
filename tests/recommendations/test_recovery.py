"""Start-up recovery: a job left rendering by a process that died is marked interrupted when the application
starts again (or as soon as its process is known dead), so issuing starts again at once; a job of a process that
is still alive, here or on another machine, is left alone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from flask_babel import force_locale

from toolkit import create_app
from toolkit.access import Role
from toolkit.background import ProcessIdentity, _start_time, known_dead, this_process, wait_for_jobs
from toolkit.extensions import db
from toolkit.recommendations import issuing
from toolkit.recommendations.models import IssueJob, IssueState
from toolkit.recommendations.versions import FAILURES

from ..conftest import CsrfClient, _config
from ..factories import recommendation


def _boot(start: str) -> str:
    """This machine's boot identity (as :func:`this_process` writes it) with another process start time."""
    machine, kernel, namespace, _start = this_process().boot.split("/")
    return "/".join((machine, kernel, namespace, start))


@pytest.fixture
def ended_process() -> ProcessIdentity:
    """A process of this machine that ran and ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return ProcessIdentity(this_process().host, child.pid, _boot("123"))


@pytest.fixture
def live_process():
    """A process of this machine that is still running, as it would record itself."""
    child = subprocess.Popen(["sleep", "120"])
    try:
        yield child, ProcessIdentity(this_process().host, child.pid, _boot(_start_time(child.pid)))
    finally:
        child.kill()
        child.wait()


@pytest.fixture
def world(app, make):
    territory = make.territory()
    process = make.process(territory)
    recommendation(process)
    facilitator = make.user(Role.FACILITATOR, territory, email="facilitatrice.recovery@example.org")
    return process, facilitator


@pytest.fixture
def restart(database_url):
    """``restart()`` starts the application again on the same database, as a new process would."""
    started = []

    def start():
        restarted = create_app(_config(database_url))
        restarted.test_client_class = CsrfClient
        started.append(restarted)
        return restarted

    yield start
    for restarted in started:
        assert wait_for_jobs(restarted, timeout=240)
        with restarted.app_context():
            db.engine.dispose()


def _left_rendering(process, owner: ProcessIdentity) -> IssueJob:
    """A job that ``owner`` took and was rendering when the server stopped."""
    job = issuing.request_issue(process, ["it"], "", None)
    job.worker_host, job.worker_pid, job.worker_boot = owner.host, owner.pid, owner.boot
    job.heartbeat_at = issuing.now()  # it said it was alive a moment ago: the silence timeout plays no part
    db.session.commit()
    return job


def _versions(process) -> str:
    return f"/t/{process.territory.slug}/processes/{process.id}/versions"


def _state(job_id: int) -> tuple[IssueState, str | None]:
    db.session.expire_all()
    job = db.session.get(IssueJob, job_id)
    return job.state, job.failure


def test_a_job_whose_process_died_is_interrupted_at_start_up_and_issuing_starts_at_once(
    app, world, ended_process, restart
):
    process, facilitator = world
    job = _left_rendering(process, ended_process)

    restarted = restart()
    client = restarted.test_client()
    client.login(facilitator)  # the first request of the new process
    assert _state(job.id) == (IssueState.FAILED, issuing.FAILURE_INTERRUPTED)

    page = client.get(f"{_versions(process)}/jobs/{job.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    language = html.split('lang="', 1)[1].split('"', 1)[0]
    with restarted.test_request_context(), force_locale(language):
        assert str(FAILURES[issuing.FAILURE_INTERRUPTED]) in html.replace("&#39;", "'")

    response = client.post(_versions(process), data={"languages": ["it"], "note": ""})
    assert response.status_code == 302 and "/versions/jobs/" in response.location
    new_job_id = int(response.location.rsplit("/", 1)[1])
    assert new_job_id != job.id
    assert wait_for_jobs(restarted, timeout=240)
    assert _state(new_job_id) == (IssueState.DONE, None)


def test_start_up_marks_only_the_jobs_of_ended_processes(app, make, ended_process, live_process, restart):
    territory = make.territory()
    processes = [make.process(territory, title=f"Percorso {n}") for n in range(4)]
    _child, alive = live_process
    me = this_process()
    owners = {
        "ended": ended_process,
        "alive": alive,
        "elsewhere": ProcessIdentity("another-server", ended_process.pid, ended_process.boot),
        # This very process number, but an earlier run of it (a container started again).
        "earlier_run": ProcessIdentity(me.host, me.pid, _boot("1")),
    }
    jobs = {
        name: _left_rendering(p, owner).id for p, (name, owner) in zip(processes, owners.items(), strict=True)
    }

    restarted = restart()
    assert restarted.test_client().get("/").status_code == 200

    states = {name: _state(job_id)[0] for name, job_id in jobs.items()}
    assert states == {
        "ended": IssueState.FAILED,
        "alive": IssueState.RENDERING,
        "elsewhere": IssueState.RENDERING,  # another machine: only its silence tells
        "earlier_run": IssueState.FAILED,
    }


def test_a_job_of_a_live_process_blocks_issuing_until_that_process_ends(app, world, live_process, restart):
    process, facilitator = world
    child, alive = live_process
    job = _left_rendering(process, alive)

    client = restart().test_client()
    client.login(facilitator)
    assert _state(job.id)[0] is IssueState.RENDERING
    busy = client.post(_versions(process), data={"languages": ["it"], "note": ""})
    assert busy.status_code == 302 and busy.location.endswith(f"/versions/jobs/{job.id}")
    assert db.session.scalar(db.select(db.func.count()).select_from(IssueJob)) == 1

    child.kill()
    child.wait()
    # Its process is known dead now: the next page marks it at once, without waiting for the silence timeout.
    assert client.get(f"{_versions(process)}/jobs/{job.id}").status_code == 200
    assert _state(job.id) == (IssueState.FAILED, issuing.FAILURE_INTERRUPTED)


def test_a_job_records_the_process_that_renders_it(app, world):
    process, _facilitator = world
    job = issuing.request_issue(process, ["it"], "", None)
    db.session.commit()
    me = this_process()
    assert (job.worker_host, job.worker_pid, job.worker_boot) == (me.host, os.getpid(), me.boot)
    assert not issuing.worker_died(job)
    issuing.run(job.id)
    assert _state(job.id) == (IssueState.DONE, None)


def test_what_tells_a_process_is_gone(live_process, ended_process):
    _child, alive = live_process
    me = this_process()
    assert not known_dead(me.host, me.pid, me.boot)
    assert not known_dead(*_fields(alive))
    assert known_dead(*_fields(ended_process))
    # The number was taken by a newer process after the recorded one ended.
    assert known_dead(alive.host, alive.pid, _boot(str(int(_start_time(alive.pid)) - 1)))
    # The machine started again since.
    machine, _kernel, namespace, start = alive.boot.split("/")
    assert known_dead(alive.host, alive.pid, "/".join((machine, "another-boot", namespace, start)))
    # Nothing can be told of another machine, or of another container's process numbers: left to the timeout.
    assert not known_dead("another-server", ended_process.pid, ended_process.boot)
    machine, kernel, _namespace, start = ended_process.boot.split("/")
    assert not known_dead(
        ended_process.host, ended_process.pid, "/".join((machine, kernel, "pid:[1]", start))
    )
    assert not known_dead(None, None, None)


def _fields(identity: ProcessIdentity) -> tuple[str, int, str]:
    return identity.host, identity.pid, identity.boot


def test_after_a_restart_the_first_request_may_be_a_phones(make, restart):
    """The start-up recovery commits at the first request; it runs before the request reads its workshop, so a
    phone opening its page first after a restart sees it (its workshop is not read again out of scope)."""
    from toolkit.workshops.phones import SESSION_KEY

    workshop = make.live_workshop(make.territory("alpha"))
    participant_id = make.contributions(workshop)["participant_id"]
    phone = restart().test_client()
    with phone.session_transaction() as session:
        session[SESSION_KEY] = [participant_id]
    page = phone.get(f"/w/{workshop.join_code}/mine", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "My contributions" in page.get_data(as_text=True)
