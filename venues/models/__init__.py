"""The domain, one module per concept."""

from .areas import Area, AreaLevel
from .assessment import Scorecard, ScoreWeights, VillageCensus
from .audit import AuditEntry, AuditOutcome, ImmutableAudit
from .checklists import ChecklistGroup, ChecklistItem, ChecklistVersion, IntegrityLevel, Severity
from .claims import ClaimCode
from .codes import CodePurpose, VerificationCode
from .imports import ImportBatch, ImportStatus
from .integrity import (
    OPEN_CASE,
    OPEN_RECHECK,
    CaseEvidence,
    CaseStatus,
    IntegrityFactor,
    IntegrityReply,
    IntegrityRule,
    IntegritySettings,
    Refusal,
    ReplyStatus,
    SeriousCase,
)
from .kinds import KindRule, VenueKind
from .messages import Message, SmsStatus
from .notices import Acknowledgement, NoticeVersion
from .patrols import Patrol, PatrolAnswer
from .people import PasswordHistory, User
from .privacy import ANSWER_WITHIN_DAYS, CorrectionRequest, CorrectionStatus
from .public_reports import PublicReport, PublicReportPhoto, PublicReportStatus
from .reports import CHANGES_VENUE, OwnerReport, ReportAction, ReportEvent, ReportKind, ReportStatus, WorkType
from .selfchecks import (
    Answer,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Reminder,
    ReminderKind,
    RiskFactor,
    RiskLevel,
    RiskRule,
    SafetyRules,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
)
from .staff import Office, StaffProfile
from .tasks import (
    AssignmentStatus,
    ProgressStatus,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskEventAction,
    TaskProgress,
)
from .venues import LicenceSituation, PhotoKind, Venue, VenuePhoto, VenueStatus, VenueStatusChange

__all__ = [
    "OPEN_CASE", "OPEN_RECHECK", "CaseEvidence", "CaseStatus", "IntegrityFactor", "IntegrityLevel",
    "IntegrityReply", "IntegrityRule", "IntegritySettings", "Refusal", "ReplyStatus", "SeriousCase",
    "Scorecard", "ScoreWeights", "VillageCensus",
    "Patrol", "PatrolAnswer", "PublicReport", "PublicReportPhoto", "PublicReportStatus",
    "AssignmentStatus", "ProgressStatus", "Task", "TaskAssignment", "TaskEvent", "TaskEventAction",
    "TaskProgress",
    "Acknowledgement", "NoticeVersion", "CHANGES_VENUE", "OwnerReport", "ReportAction", "ReportEvent",
    "ReportKind", "ReportStatus", "WorkType",
    "Answer", "EvidencePhoto", "EvidenceStage", "Hazard", "HazardAction", "HazardEvent",
    "HazardSource", "HazardStatus", "Reminder", "ReminderKind", "RiskFactor", "RiskLevel",
    "RiskRule", "SafetyRules", "SelfCheck", "SelfCheckAnswer", "SelfCheckStatus",
    "ANSWER_WITHIN_DAYS", "Area", "AreaLevel", "AuditEntry", "AuditOutcome", "ChecklistGroup",
    "ChecklistItem", "ChecklistVersion", "ClaimCode", "CodePurpose", "CorrectionRequest",
    "CorrectionStatus", "ImmutableAudit", "ImportBatch", "ImportStatus", "KindRule",
    "LicenceSituation", "Message", "Office", "PasswordHistory", "PhotoKind", "Severity",
    "SmsStatus", "StaffProfile", "User", "Venue", "VenueKind", "VenuePhoto", "VenueStatus",
    "VenueStatusChange", "VerificationCode",
]
