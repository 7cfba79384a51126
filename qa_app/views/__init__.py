"""Blueprints, one per area; register() attaches them all to the app."""
from flask import Flask

BLUEPRINTS = (
    "qa_app.views.auth",
)


def register(app: Flask) -> None:
    from importlib import import_module
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
