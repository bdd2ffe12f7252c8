"""Events, re-exported from their modules (visits, training, submissions) for existing imports."""

from dlso_desktop.services.submissions import SubmissionInput, SubmissionService
from dlso_desktop.services.training import SessionInput, TrainingService
from dlso_desktop.services.visits import (
    CONSENT_TEXT_VERSION,
    ActionInput,
    ConsentInput,
    FindingInput,
    VisitInput,
    VisitService,
)

__all__ = [
    "CONSENT_TEXT_VERSION",
    "ActionInput",
    "ConsentInput",
    "FindingInput",
    "SessionInput",
    "SubmissionInput",
    "SubmissionService",
    "TrainingService",
    "VisitInput",
    "VisitService",
]
