"""Database models; import from here (qa_app.models.User etc.)."""
from qa_app.models.appraisals import Appraisal, AppraisalTemplateVersion
from qa_app.models.audit import AuditEntry
from qa_app.models.calibration import (CalibrationAnswer, CalibrationItem, CalibrationSession, Dispute,
                                       ReviewPick, calibration_rater)
from qa_app.models.coaching import CoachingAction, CoachingLink, CoachingSession
from qa_app.models.conversations import Conversation, Turn
from qa_app.models.evaluations import CriterionScore, Evaluation, ScorecardVersion
from qa_app.models.jobs import Job, SchedulerLease
from qa_app.models.notifications import Notification
from qa_app.models.rollups import DailyFailure, DailyRollup
from qa_app.models.surveys import Survey
from qa_app.models.tokens import ApiToken
from qa_app.models.training import (Assignment, Certificate, Course, CourseModule, Exemplar, ModuleRead, Onboarding,
                                    QuizAttempt, TrainingRuleSet)
from qa_app.models.users import ROLES, LoginThrottle, Team, User, team_coverage

__all__ = [
    "Appraisal", "AppraisalTemplateVersion",
    "CalibrationAnswer", "CalibrationItem", "CalibrationSession", "Dispute", "ReviewPick", "calibration_rater",
    "ApiToken", "CoachingAction", "CoachingLink", "CoachingSession",
    "AuditEntry", "DailyFailure", "DailyRollup", "Conversation", "Turn", "CriterionScore", "Evaluation", "ScorecardVersion",
    "Job", "SchedulerLease", "Notification", "Survey", "Assignment", "Certificate", "Course", "CourseModule", "ModuleRead", "QuizAttempt", "TrainingRuleSet", "Onboarding", "Exemplar",
    "ROLES", "LoginThrottle", "Team", "User", "team_coverage",
]
