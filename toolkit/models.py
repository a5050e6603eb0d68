"""Every model of the toolkit, imported in one place so the schema (and Alembic) sees them all."""

from .accounts.models import RoleAssignment, User
from .audit import AuditEntry
from .barriers.models import Barrier, Testimony
from .processes.models import Participant, Process, Workshop
from .services.models import BarrierCategory, Service
from .territories.models import Network, Organisation, Territory

__all__ = [
    "AuditEntry",
    "Barrier",
    "BarrierCategory",
    "Network",
    "Organisation",
    "Participant",
    "Process",
    "RoleAssignment",
    "Service",
    "Territory",
    "Testimony",
    "User",
    "Workshop",
]
