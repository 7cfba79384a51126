"""Scoring: scorecards, checks, sentiment, the score formula and agreement statistics."""
