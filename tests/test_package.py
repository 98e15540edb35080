"""`cramp-helper package` writes the ASK CLI layout; `cramp-helper check` accepts it and
rejects a broken one, naming the file and the reason."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.cli import main
from skill.model.generate import LOCALES

ENDPOINT = "https://cramp.example.com/alexa"


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    out = tmp_path / "build" / "skill-package"
    assert main(["package", "--out", str(out), "--endpoint", ENDPOINT]) == 0
    return out


def model_files(package_dir: Path) -> dict[str, Path]:
    return {p.stem: p for p in (package_dir / "interactionModels" / "custom").glob("*.json")}


def test_package_writes_the_ask_cli_layout(package_dir):
    assert (package_dir / "skill.json").is_file()
    assert set(model_files(package_dir)) == set(LOCALES)
    resources = json.loads((package_dir.parent / "ask-resources.json").read_text())
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"


def test_every_locale_model_is_identical_apart_from_the_locale(package_dir):
    texts = {locale: path.read_bytes() for locale, path in model_files(package_dir).items()}
    assert len(set(texts.values())) == 1, "locale models differ"
    manifest = json.loads((package_dir / "skill.json").read_text())["manifest"]
    localized = manifest["publishingInformation"]["locales"]
    assert set(localized) == set(LOCALES)
    assert all(info == localized["en-US"] for info in localized.values())


def test_package_output_passes_check(package_dir, capsys):
    assert main(["check", "--package", str(package_dir)]) == 0
    assert "OK" in capsys.readouterr().out


def test_endpoint_and_skill_disabled_event_share_the_https_endpoint(package_dir):
    manifest = json.loads((package_dir / "skill.json").read_text())["manifest"]
    endpoint = {"uri": ENDPOINT, "sslCertificateType": "Trusted"}
    assert manifest["apis"]["custom"]["endpoint"] == endpoint
    assert manifest["events"] == {"subscriptions": [{"eventName": "SKILL_DISABLED"}],
                                  "endpoint": endpoint}


def test_wildcard_certificate_for_a_tunnel(tmp_path):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out), "--endpoint", "https://abc.trycloudflare.com/alexa",
                 "--certificate", "Wildcard"]) == 0
    manifest = json.loads((out / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["sslCertificateType"] == "Wildcard"
    assert main(["check", "--package", str(out)]) == 0


def test_without_an_endpoint_the_package_says_so_and_still_checks(tmp_path, capsys):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out)]) == 0
    assert "no endpoint" in capsys.readouterr().out
    assert main(["check", "--package", str(out)]) == 0


def test_an_existing_ask_resources_file_is_kept(tmp_path):
    out = tmp_path / "skill-package"
    (tmp_path / "ask-resources.json").write_text('{"mine": true}')
    assert main(["package", "--out", str(out)]) == 0
    assert json.loads((tmp_path / "ask-resources.json").read_text()) == {"mine": True}


def test_check_names_the_file_and_the_reason_for_a_broken_model(package_dir, capsys):
    broken = model_files(package_dir)["en-AU"]
    model = json.loads(broken.read_text())
    intents = model["interactionModel"]["languageModel"]["intents"]
    model["interactionModel"]["languageModel"]["intents"] = [
        i for i in intents if i["name"] != "AMAZON.HelpIntent"]
    broken.write_text(json.dumps(model))
    assert main(["check", "--package", str(package_dir)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}: required built-in AMAZON.HelpIntent is missing" in err


def test_check_names_unreadable_json(package_dir, capsys):
    manifest = package_dir / "skill.json"
    manifest.write_text("{not json")
    assert main(["check", "--package", str(package_dir)]) == 1
    assert f"{manifest}: not readable JSON" in capsys.readouterr().err


def test_check_of_the_sources_passes(capsys):
    assert main(["check"]) == 0
    assert "OK (sources)" in capsys.readouterr().out
