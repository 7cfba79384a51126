"""The default scorecards shipped with QA Desk, as YAML files (read through scoring.catalog)."""
