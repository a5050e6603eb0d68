"""The report's data is read in a fixed number of queries: as many for 5 barriers as for 50."""

from __future__ import annotations

import pytest

from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.recommendations.documents import document_set

from .report_data import process_with_barriers


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_report_reads_as_many_queries_for_5_barriers_as_for_50(app, count_queries, language):
    small, large = process_with_barriers(5).id, process_with_barriers(50).id
    queries, sizes = [], []
    for process_id in (small, large):
        db.session.expunge_all()  # nothing already loaded: each report reads all it shows
        process = db.session.get(Process, process_id)
        with count_queries() as counted:
            documents = document_set(process, language, version=1)
        queries.append(counted())
        report = documents.report
        sizes.append(
            (
                report["participation"]["barriers"],
                len(report["services"]),
                sum(len(service["described"]) for service in report["services"]),
                len(report["recommendations"]),
                sum(len(item["quotes"]) for item in report["recommendations"]),
                len(documents.letters),
            )
        )
    # Barriers, recommendations and quotes grow tenfold over the same three services (every tenth barrier's words
    # were purged: counted, not described); the second addressee gets a letter once there are two recommendations.
    assert sizes == [(5, 3, 5, 1, 5, 1), (50, 3, 45, 10, 50, 2)]
    assert queries[0] == queries[1], queries
