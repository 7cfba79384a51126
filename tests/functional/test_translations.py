"""The Chinese interface: pages switch to Chinese, and the shipped catalog is complete, compiled and current."""
from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import qa_app
from tests.conftest import PASSWORD, ROOT

TRANSLATIONS = Path(qa_app.__file__).resolve().parent / "translations"
PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.mo"
POT = TRANSLATIONS / "messages.pot"
# Same keywords as the documented `pybabel extract -k _l -k lazy_gettext -k N_` command (N_ is a default).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# A printf conversion: %(name)s, %(score).1f, %d, and the literal %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def read_catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def messages(catalog) -> list:
    """The catalog's real entries (not the header)."""
    return [m for m in catalog if m.id]


def forms_of(message) -> list[tuple[str, str]]:
    """(source, translation) pairs; a plural entry pairs every translation with its plural source."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(strings)]


# ---------------------------------------------------------------- pages in Chinese

@pytest.mark.parametrize("accept, shown, hidden", [
    ("zh", ("登录", "密码"), ("Log in", "Password")),
    ("zh-CN,zh;q=0.9,en;q=0.5", ("登录", "密码"), ("Log in", "Password")),
    ("en", ("Log in", "Password"), ("登录", "密码")),
    ("fr", ("Log in", "Password"), ("登录", "密码")),  # an unsupported language falls back to English
    (None, ("Log in", "Password"), ("登录", "密码")),
])
def test_the_login_page_follows_the_browser_language(client, accept, shown, hidden):
    headers = {"Accept-Language": accept} if accept else {}
    page = text_of(client.get("/login", headers=headers))
    assert all(text in page for text in shown)
    assert not any(text in page for text in hidden)


def test_a_chinese_browser_gets_a_chinese_login_page_with_its_language_tag(client):
    page = text_of(client.get("/login", headers={"Accept-Language": "zh"}))
    assert '<html lang="zh">' in page
    for label in ("账号", "密码", "登录"):
        assert label in page


def test_a_failed_login_is_reported_in_chinese(client):
    response = client.post("/login", data={"login": "admin", "password": "wrong"},
                           headers={"Accept-Language": "zh"})
    assert response.status_code == 200
    assert "账号或密码错误。" in text_of(response)


def test_a_user_whose_browser_asks_for_chinese_gets_a_chinese_home_page(client, auth, make_user):
    make_user("agent1", "agent", team="team-a")
    auth.login("agent1", PASSWORD)
    page = text_of(client.get("/", headers={"Accept-Language": "zh"}))
    for text in ("欢迎，agent1", "我的最新评分", "我的待完成培训", "退出登录", "首页"):
        assert text in page
    assert "My latest evaluations" not in page


def test_a_user_who_switches_to_chinese_keeps_it_whatever_the_browser_says(client, auth):
    auth.login("admin", PASSWORD)
    assert "Welcome, Administrator" in text_of(client.get("/"))
    response = client.post("/language", data={"locale": "zh", "next": "/"})
    assert response.status_code == 302
    page = text_of(client.get("/", headers={"Accept-Language": "en"}))
    for text in ("欢迎，Administrator", "本实例概况", "复核队列", "评分卡", "审计日志"):
        assert text in page
    assert "Welcome" not in page


def test_switching_back_to_english_brings_the_english_pages_back(client, auth):
    auth.login("admin", PASSWORD)
    client.post("/language", data={"locale": "zh"})
    assert "欢迎，Administrator" in text_of(client.get("/"))
    client.post("/language", data={"locale": "en"})
    page = text_of(client.get("/", headers={"Accept-Language": "zh"}))
    assert "Welcome, Administrator" in page and "欢迎" not in page


def test_a_rejected_language_switch_is_explained_in_the_current_language(client, auth):
    auth.login("admin", PASSWORD)
    client.post("/language", data={"locale": "zh"})
    response = client.post("/language", data={"locale": ""})
    assert response.status_code == 400
    assert "请从列表中选择一种语言。" in text_of(response)


# ---------------------------------------------------------------- the catalog itself

def test_the_chinese_catalog_is_for_chinese_with_one_plural_form():
    catalog = read_catalog(PO)
    assert str(catalog.locale) == "zh"
    assert catalog.num_plurals == 1
    assert not catalog.fuzzy


def test_every_message_has_a_chinese_translation():
    catalog = read_catalog(PO)
    assert messages(catalog)
    untranslated = [m.id for m in messages(catalog)
                    if any(not string.strip() for _, string in forms_of(m))]
    fuzzy = [m.id for m in messages(catalog) if m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_every_translation_keeps_the_placeholders_of_its_source():
    mismatched = [(source, string) for m in messages(read_catalog(PO)) for source, string in forms_of(m)
                  if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(string))]
    assert mismatched == []


@pytest.mark.parametrize("source, string, matches", [
    ("Welcome, %(name)s", "欢迎，%(name)s", True),
    ("Review saved. Final score: %(score).1f", "复核已保存。最终得分：%(score).1f", True),
    ("Welcome, %(name)s", "欢迎，%(nom)s", False),
    ("Score: %(score)s%%", "得分：%(score)s", False),
    ("turn %(n)d", "第 %(n)s 轮", False),
])
def test_the_placeholder_check_catches_renamed_dropped_and_retyped_placeholders(source, string, matches):
    same = Counter(PLACEHOLDER.findall(source)) == Counter(PLACEHOLDER.findall(string))
    assert same is matches


def test_the_catalog_matches_the_template_it_was_made_from():
    template_ids = {m.id for m in messages(read_catalog(POT))}
    catalog_ids = {m.id for m in messages(read_catalog(PO))}
    assert template_ids == catalog_ids


def test_the_template_holds_every_string_the_code_and_pages_mark_for_translation():
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    found = {message for _, _, message, _, _ in
             extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)}
    assert "Welcome, %(name)s" in found  # the extraction really read the templates
    missing = sorted(map(str, found - {m.id for m in messages(read_catalog(POT))}))
    assert missing == [], "run the catalog update commands in docs (pybabel extract/update/compile)"


def test_the_compiled_catalog_is_up_to_date_with_the_translations():
    def plain(value):  # a plural message's id and strings are sequences (lists from the .mo file)
        return tuple(value) if isinstance(value, (list, tuple)) else value

    with MO.open("rb") as f:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(f) if m.id}
    written = {plain(m.id): plain(m.string) for m in messages(read_catalog(PO))}
    assert compiled == written, "run `pybabel compile -d qa_app/translations`"
