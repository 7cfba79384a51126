"""Inter-rater agreement: percent agreement, kappas, Krippendorff's alpha, ICC, reviewer alignment."""
from scoring.agreement.alpha import krippendorff_alpha
from scoring.agreement.coefficients import cohen_kappa, fleiss_kappa, icc_2_1, percent_agreement
from scoring.agreement.model import LEVELS, Estimate, Ratings
from scoring.agreement.reviewers import alignment, consensus, leniency
from scoring.agreement.summary import (AgreementSummary, ReviewerAlignment, SessionAgreement, session_agreement,
                                       summarise)
from scoring.agreement.table import RatingsTableError, parse_ratings_table

__all__ = ["AgreementSummary", "Estimate", "LEVELS", "Ratings", "RatingsTableError", "ReviewerAlignment",
           "SessionAgreement", "alignment", "cohen_kappa", "consensus", "fleiss_kappa", "icc_2_1",
           "krippendorff_alpha", "leniency", "parse_ratings_table", "percent_agreement", "session_agreement",
           "summarise"]
