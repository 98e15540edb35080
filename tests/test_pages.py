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
