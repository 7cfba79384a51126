"""A lead stores files with the courses (CSRF on) and agents see them inside a module: images in
place, documents as downloads; names that could leave the folder, script-carrying kinds, empty and
oversized files are refused and nothing is stored; other people cannot upload or delete."""
from __future__ import annotations

import io

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry
from qa_app.services import course_authoring, training
from tests.conftest import PASSWORD
from tests.pages import text_of, token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def login(client, who: str) -> None:
    client.post("/login", data={"login": who, "password": PASSWORD, "csrf_token": token(text_of(client.get("/login")))})


@pytest.fixture
def lead(app, client, make_user):
    make_user("lena", "lead")
    make_user("ann", "agent")
    app.config["WTF_CSRF_ENABLED"] = True
    login(client, "lena")
    return client


def upload(client, name: str, data: bytes, **extra):
    page = text_of(client.get("/courses/files"))
    return client.post("/courses/files", data={"upload": (io.BytesIO(data), name), "csrf_token": token(page), **extra},
                       content_type="multipart/form-data", follow_redirects=True)


def stored(instance_dir) -> list[str]:
    folder = instance_dir / "course_files"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_lead_stores_an_image_and_a_form_and_an_agent_sees_them_in_the_module(lead, client, instance_dir):
    assert "Stored refund-flow.png." in text_of(upload(lead, "refund-flow.png", PNG))
    assert "Stored returns-form.pdf." in text_of(upload(lead, "returns-form.pdf", b"%PDF-1.4 test"))
    assert stored(instance_dir) == ["refund-flow.png", "returns-form.pdf"]
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.entity == "course_file")) == 2
    row = course_authoring.find("empathy-en")
    row.modules[0].body += "\n\n![How a refund flows](refund-flow.png)\n\nPrint [the returns form](returns-form.pdf).\n"
    db.session.commit()
    a = training.assign_course(None, "ann", "empathy-en").id
    client.post("/logout", data={"csrf_token": token(text_of(client.get("/")))})
    login(client, "ann")
    page = client.get(f"/training/{a}?module=1").get_data(as_text=True)
    assert '<img src="/training/files/refund-flow.png" alt="How a refund flows">' in page
    assert 'href="/training/files/returns-form.pdf"' in page
    image = client.get("/training/files/refund-flow.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == PNG
    form = client.get("/training/files/returns-form.pdf")
    assert form.headers["Content-Disposition"].startswith("attachment") and form.data == b"%PDF-1.4 test"
    assert "sandbox" in form.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("../escape.png", PNG, "a file name of letters, digits"),
        ("drawing.svg", b"<svg onload=alert(1)>", "only csv, docx, gif"),
        ("page.html", b"<script>", "only csv, docx, gif"),
        ("empty.png", b"", "the file is empty"),
        ("big.pdf", b"x" * (10 * 1024 * 1024 + 1), "10.0 MB is more than the 10 MB allowed"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_is_stored(lead, instance_dir, name, data, message):
    assert message in text_of(upload(lead, name, data))
    assert stored(instance_dir) == []


def test_a_different_file_of_the_same_name_needs_replace(lead, instance_dir):
    upload(lead, "chart.png", PNG)
    assert "a different file of that name is stored" in text_of(upload(lead, "chart.png", PNG + b"x"))
    assert "Stored chart.png." in text_of(upload(lead, "chart.png", PNG + b"x", replace="yes"))
    assert (instance_dir / "course_files" / "chart.png").read_bytes() == PNG + b"x"


def test_a_lead_deletes_a_file_and_it_is_gone_for_everyone(lead, instance_dir):
    upload(lead, "old.png", PNG)
    page = text_of(lead.get("/courses/files"))
    assert "Deleted old.png." in text_of(lead.post("/courses/files/old.png/delete", data={"csrf_token": token(page)},
                                                   follow_redirects=True))
    assert stored(instance_dir) == [] and lead.get("/training/files/old.png").status_code == 404


def test_agents_cannot_upload_and_nobody_logged_out_can_read(lead, client, instance_dir):
    upload(lead, "inside.png", PNG)
    client.post("/logout", data={"csrf_token": token(text_of(client.get("/")))})
    assert client.get("/training/files/inside.png").status_code == 302  # to the login page
    login(client, "ann")
    page = text_of(client.get("/training/"))
    assert client.post("/courses/files", data={"csrf_token": token(page)}).status_code == 403
    assert client.get("/training/files/..%2Fqadesk.db").status_code == 404
