"""Every model of the toolkit, imported in one place so the schema (and Alembic) sees them all."""

from .accounts.models import RoleAssignment, User
from .answers.models import Answer, AnswerLink, Commitment, Forwarding, Publication, Reminder
from .audit import AuditEntry
from .barriers.models import Barrier, BarrierSupport, Testimony
from .codesign.models import FeasibilityAssessment, GridPlacement, Proposal, ProposalVote
from .processes.models import Process, StepTemplate
from .recommendations.models import (
    Comment,
    DocumentIssue,
    Endorsement,
    IssuedDocument,
    IssueJob,
    Quote,
    Recommendation,
)
from .services.models import BarrierCategory, Service
from .territories.models import Network, Organisation, Territory
from .translating.models import MachineRequest, TextTranslation
from .workshops.models import DotVote, Participant, ServiceCandidate, ServiceProposal, Workshop, WorkshopStep

__all__ = [
    "Answer",
    "AnswerLink",
    "AuditEntry",
    "Barrier",
    "BarrierCategory",
    "BarrierSupport",
    "Comment",
    "Commitment",
    "DocumentIssue",
    "DotVote",
    "Endorsement",
    "FeasibilityAssessment",
    "Forwarding",
    "GridPlacement",
    "IssueJob",
    "IssuedDocument",
    "MachineRequest",
    "Network",
    "Organisation",
    "Participant",
    "Process",
    "Proposal",
    "ProposalVote",
    "Publication",
    "Quote",
    "Recommendation",
    "Reminder",
    "RoleAssignment",
    "Service",
    "ServiceCandidate",
    "ServiceProposal",
    "StepTemplate",
    "Territory",
    "Testimony",
    "TextTranslation",
    "User",
    "Workshop",
    "WorkshopStep",
]
