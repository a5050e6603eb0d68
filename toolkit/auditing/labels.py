"""What each recorded action, kind of record and detail of the audit log is called on the page.

Every action passed to ``audit.record(...)`` has a label here (a test reads the code and fails on one without).
An action recorded by an older version and since renamed is still shown, as its code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..barriers.models import BarrierStatus
from ..codesign.models import ProposalStatus

ACTIONS = {
    # Territories, networks, organisations
    "territory.created": _l("Territory created"),
    "territory.consent_text_changed": _l("Consent text changed"),
    "territory.retention_changed": _l("Retention period changed"),
    "territory.two_factor_required": _l("Second factor rule changed"),
    "network.created": _l("Network created"),
    "network.members_changed": _l("Territories of a network changed"),
    "organisation.created": _l("Organisation created"),
    "organisation.updated": _l("Organisation changed"),
    "organisation.archived": _l("Organisation archived"),
    "organisation.restored": _l("Organisation restored"),
    "organisation.exported": _l("Organisation's data exported"),
    "organisation.erased": _l("Organisation's data erased"),
    # Accounts, roles, invitations
    "user.created": _l("Account created"),
    "user.activated": _l("Account turned on"),
    "user.deactivated": _l("Account turned off"),
    "user.password_changed": _l("Password changed"),
    "user.sessions_ended": _l("Logins ended"),
    "user.two_factor_on": _l("Second factor turned on"),
    "user.two_factor_off": _l("Second factor turned off"),
    "user.recovery_codes_made": _l("New recovery codes made"),
    "user.recovery_code_used": _l("Recovery code used"),
    "role.granted": _l("Role given"),
    "role.revoked": _l("Role taken away"),
    "membership.changed": _l("Organisation of a person changed"),
    "invitation.made": _l("Invitation made"),
    "invitation.renewed": _l("Invitation made again"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitation.declined": _l("Invitation declined"),
    "invitation.withdrawn": _l("Invitation withdrawn"),
    # Catalogue
    "service.created": _l("Service created"),
    "service.updated": _l("Service changed"),
    "service.archived": _l("Service archived"),
    "service.restored": _l("Service restored"),
    "category.created": _l("Barrier category created"),
    "category.updated": _l("Barrier category changed"),
    "category.archived": _l("Barrier category archived"),
    "category.restored": _l("Barrier category restored"),
    "step_template.created": _l("Workshop step created"),
    "step_template.updated": _l("Workshop step changed"),
    "step_template.archived": _l("Workshop step withdrawn"),
    "step_template.restored": _l("Workshop step back in use"),
    # Processes and workshops
    "process.created": _l("Process created"),
    "process.updated": _l("Process changed"),
    "process.services_confirmed": _l("Services of a process confirmed"),
    "process.purged": _l("Participants' data purged"),
    "workshop.created": _l("Workshop created"),
    "workshop.updated": _l("Workshop changed"),
    "workshop.opened": _l("Workshop opened"),
    "workshop.closed": _l("Workshop closed"),
    "participant.erased": _l("A participant erased their contributions"),
    "step.frozen": _l("Results of a step frozen"),
    "step.reopened": _l("Step opened again"),
    "service_candidate.merged": _l("Proposed service merged"),
    # Barriers (moderation) and proposals
    "barrier.new": _l("Barrier set back to new"),
    "barrier.kept": _l("Barrier kept"),
    "barrier.hidden": _l("Barrier hidden"),
    "barrier.merged": _l("Barrier merged into another"),
    "barrier.withdrawn": _l("Barrier withdrawn"),
    "barrier.recategorised": _l("Barrier categories changed"),
    "proposal.saved": _l("Proposal saved"),
    "proposal.new": _l("Proposal shown again"),
    "proposal.hidden": _l("Proposal hidden"),
    "proposal.withdrawn": _l("Proposal withdrawn"),
    "proposal.feasibility": _l("Feasibility assessed"),
    # Recommendations
    "recommendation.saved": _l("Recommendation saved"),
    "recommendation.deleted": _l("Recommendation deleted"),
    "recommendation.quoted": _l("Quote added"),
    "recommendation.quote_edited": _l("Quote edited"),
    "recommendation.quote_removed": _l("Quote removed"),
    "recommendations.review": _l("Review round set"),
    "recommendations.issued": _l("Version issued"),
    # Answers
    "answers.answered": _l("Answer recorded"),
    "answers.link_revoked": _l("Answer link revoked"),
    "answers.forwarded": _l("Recommendation forwarded to another body"),
    "answers.not_forwarded": _l("Recommendation not forwarded"),
    "answers.published": _l("Results published"),
    "answers.unpublished": _l("Results no longer public"),
    # Translations
    "translation.drafted": _l("Translation saved as a draft"),
    "translation.reviewed": _l("Translation reviewed"),
}

#: Actions recorded as ``f"<prefix>{status.value}"``: every value of the enum has its label above.
FAMILIES = {"barrier.": BarrierStatus, "proposal.": ProposalStatus}

RECORD_KINDS = {
    "Territory": _l("Territory"),
    "Network": _l("Network"),
    "Organisation": _l("Organisation"),
    "User": _l("Account"),
    "TerritoryInvitation": _l("Invitation"),
    "Service": _l("Service"),
    "BarrierCategory": _l("Barrier category"),
    "StepTemplate": _l("Workshop step"),
    "Process": _l("Process"),
    "Workshop": _l("Workshop"),
    "WorkshopStep": _l("Step of a workshop"),
    "ServiceCandidate": _l("Proposed service"),
    "Barrier": _l("Barrier"),
    "Proposal": _l("Proposal"),
    "Recommendation": _l("Recommendation"),
    "TextTranslation": _l("Translation"),
    "Answer": _l("Answer to a recommendation"),
    "AnswerLink": _l("Answer link"),
    "Forwarding": _l("Forwarding"),
    "Publication": _l("Publication"),
}

#: Names of the facts kept with an entry.
DETAILS = {
    "role": _l("Role"),
    "roles": _l("Roles"),
    "title": _l("Title"),
    "version": _l("Version"),
    "documents": _l("Documents"),
    "by": _l("Asked by"),
    "into": _l("Merged into"),
    "testimony": _l("Testimony"),
    "quote": _l("Quote"),
    "until": _l("Until"),
    "service": _l("Service"),
    "services": _l("Services"),
    "categories": _l("Categories"),
    "verdict": _l("Verdict"),
    "territories": _l("Territories"),
    "from_candidate": _l("From the proposed service"),
    "source": _l("Translated text"),
    "source_id": _l("Number of the text"),
    "language": _l("Language"),
    "organisation_id": _l("Organisation"),
    "reason": _l("Why"),
    "required": _l("Required"),
    "before": _l("Before"),
    "months": _l("Months"),
    "count": _l("How many"),
    "left": _l("Left"),
    "quotes_removed": _l("Quotes removed"),
    "pseudonyms": _l("Pseudonyms"),
    "return_codes": _l("Return codes"),
    "barriers": _l("Barriers"),
    "testimonies": _l("Testimonies"),
    "quotes": _l("Quotes"),
    "proposals": _l("Proposals"),
    "service_reasons": _l("Reasons for services"),
    "comments": _l("Comments"),
    "letters": _l("Letters"),
    "members": _l("People"),
    "recommendation": _l("Recommendation"),
    "organisation": _l("Organisation"),
    "status": _l("Status"),
    "through": _l("Through"),
    "process": _l("Process"),
    "endorsements": _l("Endorsements"),
    "feasibility_assessments": _l("Feasibility"),
    "recommendations": _l("Recommendations"),
}

#: Words that some details hold, as readers say them.
REASONS = {
    "logout": _l("logged out"),
    "password": _l("password changed"),
    "deactivated": _l("account turned off"),
    "two_factor_on": _l("second factor turned on"),
    "purged": _l("retention period over"),
    "erased": _l("erased on request"),
    "withdrawn": _l("withdrawn"),
}


def action_label(action: str) -> str:
    """The readable name of ``action``; its code when it has none."""
    return str(ACTIONS[action]) if action in ACTIONS else action


def record_kind_label(kind: str) -> str:
    return str(RECORD_KINDS[kind]) if kind in RECORD_KINDS else kind
