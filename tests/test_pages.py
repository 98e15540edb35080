"""The web host serves the privacy policy and terms of use from content/, read at start-up."""
from __future__ import annotations

import shutil

import pytest

from skill.app import create_app
from skill.domain.content import ContentError
from skill.pages import page_html
from skill.settings import PROJECT_ROOT, Settings


@pytest.mark.parametrize("path, must_say", [
    ("/privacy", ["quiet (whispered) voice", "hold time", "first-time tips", "forget my settings",
                  "disable the skill", "Your answers are not kept", "SQLite", "DynamoDB"]),
    ("/terms", ["not a substitute for professional medical advice", "call your local emergency number"]),
])
def test_policy_pages_are_served(client, path, must_say) -> None:
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.mimetype == "text/html"
    text = reply.get_data(as_text=True)
    assert all(words.lower() in text.lower() for words in must_say)


def test_page_text_comes_from_content_and_is_escaped() -> None:
    html = page_html("# Title <b>\n\nA & B\ncontinued\n\n## Part\n\n- one\n  more\n- two <i>\n")
    assert "<title>Title &lt;b&gt;</title>" in html and "<h1>Title &lt;b&gt;</h1>" in html
    assert "<p>A &amp; B continued</p>" in html
    assert "<h2>Part</h2><ul><li>one more</li><li>two &lt;i&gt;</li></ul>" in html


def test_pages_read_nothing_per_request(tmp_path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    app = create_app(Settings(persistence="memory", content_dir=folder).as_local())
    (folder / "privacy.md").unlink()
    assert app.test_client().get("/privacy").status_code == 200


def test_a_missing_policy_file_stops_start_up(tmp_path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    (folder / "terms.md").unlink()
    with pytest.raises(ContentError, match="content/terms.md: content file is missing"):
        create_app(Settings(persistence="memory", content_dir=folder).as_local())


def test_only_get_is_answered(client) -> None:
    assert client.post("/privacy").status_code == 405


def test_both_pages_name_the_publisher_and_the_contact_from_the_settings() -> None:
    settings = Settings(persistence="memory", publisher="Night Owl <Health>",
                        contact="help@nightowl.example.org").as_local()
    client = create_app(settings).test_client()
    for path in ("/privacy", "/terms"):
        text = client.get(path).get_data(as_text=True)
        assert "published by Night Owl &lt;Health&gt;" in text
        assert "contact help@nightowl.example.org" in text
        assert "{publisher}" not in text and "{contact}" not in text


def test_unset_publisher_and_contact_say_which_setting_is_missing(client) -> None:
    text = client.get("/terms").get_data(as_text=True)
    assert "(not set: CRAMP_HELPER_PUBLISHER)" in text and "(not set: CRAMP_HELPER_CONTACT)" in text


def test_a_policy_page_without_the_publisher_placeholder_stops_start_up(tmp_path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    text = (folder / "privacy.md").read_text()
    (folder / "privacy.md").write_text(text.replace("{publisher}", "someone"))
    with pytest.raises(ContentError, match=r"privacy.md: must name the publisher.*\{publisher\}"):
        create_app(Settings(persistence="memory", content_dir=folder).as_local())


def test_the_settings_read_the_publisher_and_contact(monkeypatch) -> None:
    monkeypatch.setenv("CRAMP_HELPER_PUBLISHER", "  Ann  ")
    monkeypatch.setenv("CRAMP_HELPER_CONTACT", "")
    settings = Settings.from_env()
    assert settings.publisher == "Ann" and settings.contact is None
