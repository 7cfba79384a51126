"""Blueprints, one per area; register() attaches them all to the app."""
from flask import Flask

BLUEPRINTS = (
    "qa_app.views.api",
    "qa_app.views.auth",
    "qa_app.views.home",
    "qa_app.views.conversations",
    "qa_app.views.review",
    "qa_app.views.calibration",
    "qa_app.views.disputes",
    "qa_app.views.surveys",
    "qa_app.views.training",
    "qa_app.views.courses",
    "qa_app.views.coaching",
    "qa_app.views.notifications",
    "qa_app.views.verify",
    "qa_app.views.reports",
    "qa_app.views.appraisals",
    "qa_app.views.dashboards",
    "qa_app.views.trust",
    "qa_app.views.admin",
    "qa_app.views.erasure",
    "qa_app.views.errors",
)


def register(app: Flask) -> None:
    from importlib import import_module
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
