"""Which service the report prints each recommendation under, and in which order it prints services and
recommendations.

Each recommendation goes under the service most of its evidence is about (without evidence, or when none of its
evidence still counts, in a section of its own at the end). Services come in the order of their first
recommendation, then those without one, the most barriers first; recommendations are numbered in the order the
report prints them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .. import operations
from ..models import Recommendation


@dataclass
class Grouping:
    """The recommendations of a report, by the service they are printed under."""

    #: The ids of the services, in the order the report prints them.
    order: list[int]
    #: The recommendations under each service, by service id; under ``None``, those printed at the end.
    groups: dict[int | None, list[Recommendation]]

    def in_print_order(self) -> list[tuple[int | None, Recommendation]]:
        """Each recommendation with the service it is printed under, in the order the report prints them."""
        return [
            (key, recommendation)
            for key in [*self.order, None]
            for recommendation in self.groups.get(key, ())
        ]


def main_service(recommendation: Recommendation) -> int | None:
    """The service most of the recommendation's evidence is about (on a tie, that of its earliest barrier); None
    without evidence."""
    evidence = operations.evidence(recommendation)
    if not evidence:
        return None
    return Counter(barrier.service_id for barrier in evidence).most_common(1)[0][0]


def group_recommendations(recommendations: list[Recommendation], barriers: Mapping[int, int]) -> Grouping:
    """``recommendations`` (in their order) grouped by the service they are printed under, given how many
    ``barriers`` count for each service the report describes (by service id)."""
    groups: dict[int | None, list[Recommendation]] = {}
    for recommendation in recommendations:
        service_id = main_service(recommendation)
        groups.setdefault(service_id if service_id in barriers else None, []).append(recommendation)
    without = sorted((key for key in barriers if key not in groups), key=lambda key: -barriers[key])
    return Grouping(order=[key for key in groups if key is not None] + without, groups=groups)
