"""The domain packages (transcripts, scoring, training) import no web, database or scheduler library."""
import json
import subprocess
import sys
from pathlib import Path

DOMAIN = ("transcripts", "scoring", "training")
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "wtforms", "flask_wtf", "apscheduler")
ROOT = Path(__file__).resolve().parents[2]

PROBE = f"""
import importlib, json, pkgutil, sys
imported = []
for name in {DOMAIN!r}:
    package = importlib.import_module(name)
    imported.append(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({FORBIDDEN!r}))
print(json.dumps({{"imported": imported, "forbidden": loaded}}))
"""


def test_every_domain_module_imports_without_flask_sqlalchemy_wtforms_or_apscheduler():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"transcripts.model", "scoring.engine", "scoring.checks.registry"} <= set(report["imported"])
    assert report["forbidden"] == []
