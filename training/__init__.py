"""Training: assignment rules, quiz grading, due dates, certification and appraisal maths."""
