"""The barriers of a process by service, as the report describes each service: how many barriers were met there,
those still described (what most people said happens to them too first), and their categories."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...barriers.labels import FREQUENCIES, SEVERITIES
from ...barriers.models import Barrier
from .sources import ReportSources
from .written import in_language, written


@dataclass
class ServiceBarriers:
    """What the barriers say about one service."""

    #: The service's name in the document's language: ``name``, ``lang`` and ``dir``.
    name: dict
    #: How many barriers count, described or not.
    barriers: int = 0
    #: The barriers still described, as printed, in the order they were written.
    described: list[dict] = field(default_factory=list)
    #: How many barriers fall in each category, by (name, lang, dir) of the category.
    categories: Counter = field(default_factory=Counter)


def barriers_by_service(sources: ReportSources) -> dict[int, ServiceBarriers]:
    """The barriers of :attr:`~.ReportSources.barriers` brought together by service, by service id, in the order
    of their service's id."""
    by_service: dict[int, ServiceBarriers] = {}
    for barrier in sources.barriers:
        entry = by_service.get(barrier.service_id)
        if entry is None:
            name = in_language(barrier.service.name, sources.language, sources.fallback)
            entry = by_service[barrier.service_id] = ServiceBarriers(name)
        entry.barriers += 1
        # A barrier whose words were purged after the retention period is counted, not described.
        if barrier.text:
            entry.described.append(described_barrier(barrier, sources))
        for category in barrier.categories:
            entry.categories[
                tuple(in_language(category.name, sources.language, sources.fallback).values())
            ] += 1
    return by_service


def described_barrier(barrier: Barrier, sources: ReportSources) -> dict:
    """A barrier as the report prints it: its words (a reviewed translation when there is one), how often and how
    badly it happens, and how many said it happens to them too."""
    text = written(barrier, ("text",), sources.barrier_translations.get(barrier.id))
    return {
        "text": text["texts"]["text"],
        "lang": text["lang"],
        "dir": text["dir"],
        "frequency": str(FREQUENCIES[barrier.frequency]),
        "severity": str(SEVERITIES[barrier.severity]),
        "supports": sources.supports.get(barrier.id, 0),
    }


def service_section(entry: ServiceBarriers, position: int, recommendations: list[dict]) -> dict:
    """The report's section on one service, the ``position``-th it prints, with the ``recommendations`` (as
    printed) it groups under it."""
    return {
        **entry.name,
        "barriers": entry.barriers,
        # What most people said happens to them too comes first.
        "described": sorted(entry.described, key=lambda b: -b["supports"]),
        "categories": [
            {"name": name, "lang": lang, "dir": direction, "count": count}
            for (name, lang, direction), count in entry.categories.most_common()
        ],
        "recommendations": recommendations,
        "anchor": f"service-{position}",
    }
