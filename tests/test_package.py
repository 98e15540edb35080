"""`cramp-helper package` writes the ASK CLI layout; `cramp-helper check` accepts it and
rejects a broken one, naming the file and the reason."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.cli import main
from skill.model.generate import LOCALES

ENDPOINT = "https://cramp.example.com/alexa"
PUBLISHER = "Night Owl Health Ltd"
CONTACT = "help@nightowl.example.org"


@pytest.fixture(autouse=True)
def publisher(monkeypatch) -> None:
    """A submission package needs the publisher and contact (settings): set for every test
    here, taken away by the tests about them."""
    monkeypatch.setenv("CRAMP_HELPER_PUBLISHER", PUBLISHER)
    monkeypatch.setenv("CRAMP_HELPER_CONTACT", CONTACT)


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

    def words(info: dict) -> dict:  # each locale names its own icon files
        return {k: v for k, v in info.items() if not k.endswith("IconUri")}

    assert all(words(info) == words(localized["en-US"]) for info in localized.values())


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


POLICIES = ["--privacy-url", "https://pages.example.org/cramp/privacy",
            "--terms-url", "https://pages.example.org/cramp/terms"]


def test_without_an_endpoint_the_package_says_so_and_still_checks(tmp_path, capsys):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out), *POLICIES]) == 0
    err = capsys.readouterr().err
    assert "a submission still needs:\nwarning:   an endpoint: ENDPOINT=" in err
    assert "policy URL" not in err and "local package" not in err
    assert main(["check", "--package", str(out)]) == 0


def test_an_existing_ask_resources_file_is_kept(tmp_path):
    out = tmp_path / "skill-package"
    (tmp_path / "ask-resources.json").write_text('{"mine": true}')
    assert main(["package", "--out", str(out), *POLICIES]) == 0
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


# --- submission: icons, policy URLs, Lambda endpoint -----------------------------------------

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:leg-cramp-helper-skill"


def manifest_of(package_dir: Path) -> dict:
    return json.loads((package_dir / "skill.json").read_text())["manifest"]


def test_every_locale_has_both_icons_at_their_sizes(package_dir):
    from skill.model.icon import read_png_size

    localized = manifest_of(package_dir)["publishingInformation"]["locales"]
    for locale, info in localized.items():
        for key, size in (("smallIconUri", 108), ("largeIconUri", 512)):
            uri = info[key]
            assert uri.startswith("file://assets/") and locale in uri
            path = package_dir / uri[len("file://"):]
            assert read_png_size(path.read_bytes()) == (size, size)


def test_policy_urls_default_to_the_web_host_pages_beside_the_endpoint(package_dir):
    policies = manifest_of(package_dir)["privacyAndCompliance"]["locales"]
    assert set(policies) == set(LOCALES)
    assert all(urls == {"privacyPolicyUrl": "https://cramp.example.com/privacy",
                        "termsOfUseUrl": "https://cramp.example.com/terms"}
               for urls in policies.values())


def test_given_policy_urls_win_over_the_defaults(tmp_path):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out), "--endpoint", ENDPOINT, *POLICIES]) == 0
    urls = manifest_of(out)["privacyAndCompliance"]["locales"]["en-GB"]
    assert urls == {"privacyPolicyUrl": POLICIES[1], "termsOfUseUrl": POLICIES[3]}


def test_a_lambda_endpoint_needs_both_policy_urls(tmp_path, capsys):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out), "--endpoint", LAMBDA_ARN, POLICIES[0], POLICIES[1]]) == 2
    assert "--terms-url" in capsys.readouterr().err
    assert not (out / "skill.json").exists()


def test_a_lambda_endpoint_has_no_certificate_type_and_passes_check(tmp_path):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out), "--endpoint", LAMBDA_ARN, *POLICIES]) == 0
    manifest = manifest_of(out)
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": LAMBDA_ARN}
    assert manifest["events"]["endpoint"] == {"uri": LAMBDA_ARN}
    assert main(["check", "--package", str(out)]) == 0


@pytest.mark.parametrize("endpoint", ["http://cramp.example.com/alexa", "cramp.example.com",
                                      "arn:aws:lambda:us-east-1:123:function:x",
                                      "arn:aws:s3:::bucket"])
def test_package_refuses_an_endpoint_that_is_neither_https_nor_a_lambda_arn(tmp_path, capsys, endpoint):
    assert main(["package", "--out", str(tmp_path / "p"), "--endpoint", endpoint, *POLICIES]) == 2
    assert "must be an https:// URL or a Lambda function ARN" in capsys.readouterr().err


def test_package_refuses_a_plain_http_policy_url(tmp_path, capsys):
    assert main(["package", "--out", str(tmp_path / "p"), "--endpoint", ENDPOINT,
                 "--privacy-url", "http://cramp.example.com/privacy"]) == 2
    assert "must be an https:// address" in capsys.readouterr().err


def test_check_fails_without_policy_urls(tmp_path, capsys):
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out)]) == 0  # a local package: written, with warnings
    capsys.readouterr()
    assert main(["check", "--package", str(out)]) == 1
    err = capsys.readouterr().err
    for locale in LOCALES:
        assert f"privacyAndCompliance.locales.{locale}.privacyPolicyUrl is missing" in err
        assert f"privacyAndCompliance.locales.{locale}.termsOfUseUrl is missing" in err


def test_check_fails_without_icons(package_dir, capsys):
    (package_dir / "assets" / "images" / "en-GB_largeIcon.png").unlink()
    manifest = json.loads((package_dir / "skill.json").read_text())
    del manifest["manifest"]["publishingInformation"]["locales"]["en-AU"]["smallIconUri"]
    (package_dir / "skill.json").write_text(json.dumps(manifest))
    assert main(["check", "--package", str(package_dir)]) == 1
    err = capsys.readouterr().err
    assert "en-GB: largeIconUri: file://assets/images/en-GB_largeIcon.png is not a file" in err
    assert "en-AU: smallIconUri: missing (a 108x108 PNG)" in err


def test_check_fails_on_an_icon_of_the_wrong_size_or_not_a_png(package_dir, capsys):
    from skill.model.icon import icon_png

    images = package_dir / "assets" / "images"
    (images / "en-US_largeIcon.png").write_bytes(icon_png(108))
    (images / "en-IN_smallIcon.png").write_bytes(b"GIF89a not a png")
    assert main(["check", "--package", str(package_dir)]) == 1
    err = capsys.readouterr().err
    assert "en-US_largeIcon.png is 108x108, must be 512x512 PNG" in err
    assert "en-IN_smallIcon.png: not a PNG file" in err


def test_check_refuses_an_icon_outside_the_package(package_dir, capsys):
    manifest = json.loads((package_dir / "skill.json").read_text())
    manifest["manifest"]["publishingInformation"]["locales"]["en-CA"]["smallIconUri"] = \
        "file://assets/../../../etc/passwd"
    (package_dir / "skill.json").write_text(json.dumps(manifest))
    assert main(["check", "--package", str(package_dir)]) == 1
    assert "en-CA: smallIconUri: file://assets/../../../etc/passwd is not a file" in capsys.readouterr().err


# --- interfaces: only the types of Amazon's skill manifest schema ----------------------------

def _interfaces_of(manifest: dict) -> list[dict]:
    return manifest["manifest"]["apis"]["custom"]["interfaces"]


@pytest.mark.parametrize("endpoint", [ENDPOINT, LAMBDA_ARN, None])
def test_every_generated_manifest_names_schema_interfaces_and_smapi_reads_it(tmp_path, endpoint):
    """Each interface type is on the schema's named list, and Amazon's own model classes read
    the whole skill.json (the unmodelled types aside), interfaces included."""
    from ask_sdk_model_runtime.serializer import DefaultSerializer

    from skill.model.checks import MANIFEST_CLASS, MANIFEST_INTERFACE_TYPES, UNMODELLED_INTERFACES

    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out), *(["--endpoint", endpoint] if endpoint else []),
                 *POLICIES]) == 0
    manifest = json.loads((out / "skill.json").read_text())
    declared = [i["type"] for i in _interfaces_of(manifest)]
    assert declared and set(declared) <= MANIFEST_INTERFACE_TYPES
    assert "ALEXA_PRESENTATION_APL" in declared
    readable = [i for i in _interfaces_of(manifest) if i["type"] not in UNMODELLED_INTERFACES]
    manifest["manifest"]["apis"]["custom"]["interfaces"] = readable
    envelope = DefaultSerializer().deserialize(json.dumps(manifest), MANIFEST_CLASS)
    read = envelope.manifest.apis.custom.interfaces
    assert [type(i).__name__ for i in read] == ["AlexaPresentationAplInterface"] * len(readable)
    assert len(read[0].supported_viewports) == len(readable[0]["supportedViewports"])


def test_check_refuses_an_interface_type_the_schema_lacks(package_dir, capsys):
    manifest = json.loads((package_dir / "skill.json").read_text())
    _interfaces_of(manifest).append({"type": "ALEXA_PRESENTATION_APLT", "supportedViewports": [
        {"id": "main", "supportedProfiles": ["FOUR_CHARACTER_CLOCK"]}]})
    (package_dir / "skill.json").write_text(json.dumps(manifest))
    assert main(["check", "--package", str(package_dir)]) == 1
    err = capsys.readouterr().err
    assert "type 'ALEXA_PRESENTATION_APLT' is not an interface type of Amazon's skill manifest" in err
    assert "Couldn't resolve object by discriminator type" in err  # ask-smapi-model says so too


def test_a_schema_type_the_smapi_classes_lack_still_passes_the_check(package_dir, capsys):
    """CAN_FULFILL_INTENT_REQUEST is in the schema but not in ask-smapi-model's classes: the
    check takes it on its own and lets the classes read the rest."""
    manifest = json.loads((package_dir / "skill.json").read_text())
    _interfaces_of(manifest).append({"type": "CAN_FULFILL_INTENT_REQUEST"})
    (package_dir / "skill.json").write_text(json.dumps(manifest))
    assert main(["check", "--package", str(package_dir)]) == 0
    _interfaces_of(manifest)[-1]["extra"] = True
    (package_dir / "skill.json").write_text(json.dumps(manifest))
    assert main(["check", "--package", str(package_dir)]) == 1
    assert "CAN_FULFILL_INTENT_REQUEST takes no field but type" in capsys.readouterr().err


# --- a local package, a submission package, and the publisher --------------------------------

def test_without_endpoint_or_urls_a_local_package_is_written_with_warnings(tmp_path, capsys,
                                                                           monkeypatch):
    monkeypatch.delenv("CRAMP_HELPER_PUBLISHER")
    monkeypatch.delenv("CRAMP_HELPER_CONTACT")
    out = tmp_path / "skill-package"
    assert main(["package", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {out} is a local package; a submission still needs:" in err
    for need in ("an endpoint: ENDPOINT=", "a privacy policy URL in every locale: PRIVACY_URL=",
                 "a terms of use URL in every locale: TERMS_URL=",
                 "CRAMP_HELPER_PUBLISHER is not set", "CRAMP_HELPER_CONTACT is not set"):
        assert f"warning:   {need}" in err
    assert all(line.startswith("warning:") for line in err.splitlines())
    assert (out / "skill.json").is_file()
    assert main(["check", "--package", str(out)]) == 1  # not ready to submit


def test_a_submission_package_is_not_built_without_the_publisher_and_contact(tmp_path, capsys,
                                                                             monkeypatch):
    out = tmp_path / "skill-package"
    for unset in ("CRAMP_HELPER_PUBLISHER", "CRAMP_HELPER_CONTACT"):
        with monkeypatch.context() as env:
            env.delenv(unset)
            for given in (["--endpoint", ENDPOINT], ["--endpoint", LAMBDA_ARN, *POLICIES],
                          POLICIES):
                assert main(["package", "--out", str(out), *given]) == 2
                err = capsys.readouterr().err
                assert f"{unset} is not set" in err and "meant for submission" in err
                assert not (out / "skill.json").exists()
    monkeypatch.setenv("CRAMP_HELPER_CONTACT", "call me")
    assert main(["package", "--out", str(out), "--endpoint", ENDPOINT]) == 2
    assert "must be an email address or an https:// URL" in capsys.readouterr().err


def test_the_package_check_refuses_a_package_without_the_publisher(package_dir, capsys,
                                                                  monkeypatch):
    assert main(["check", "--package", str(package_dir)]) == 0
    monkeypatch.delenv("CRAMP_HELPER_PUBLISHER")
    monkeypatch.setenv("CRAMP_HELPER_CONTACT", "https://nightowl.example.org/contact")
    assert main(["check", "--package", str(package_dir)]) == 1
    assert "settings: CRAMP_HELPER_PUBLISHER is not set" in capsys.readouterr().err


def test_make_package_takes_the_endpoint_and_policy_urls_from_variables(tmp_path, monkeypatch):
    """README's `make package ...` as written, from the project's Makefile (-o: the installed
    environment counts as up to date, so nothing is installed)."""
    import shutil
    import subprocess

    from skill.settings import PROJECT_ROOT

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    stamp = PROJECT_ROOT / ".venv" / ".installed"
    if not stamp.exists():
        pytest.skip("make package runs from the project's .venv (make install)")
    monkeypatch.delenv("CRAMP_HELPER_PUBLISHER")
    monkeypatch.delenv("CRAMP_HELPER_CONTACT")

    def make(*variables: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "-s", "-o", str(stamp), "package", *variables],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)

    local = tmp_path / "local"
    done = make(f"PACKAGE_DIR={local}")
    assert done.returncode == 0, done.stderr
    assert "a submission still needs" in done.stderr and (local / "skill.json").is_file()

    ready = tmp_path / "ready"
    done = make(f"PACKAGE_DIR={ready}", f"ENDPOINT={LAMBDA_ARN}", f"PRIVACY_URL={POLICIES[1]}",
                f"TERMS_URL={POLICIES[3]}", "PUBLISHER=Ann O'Neill & Co", f"CONTACT={CONTACT}")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    manifest = manifest_of(ready)
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": LAMBDA_ARN}
    assert manifest["privacyAndCompliance"]["locales"]["en-US"] == {
        "privacyPolicyUrl": POLICIES[1], "termsOfUseUrl": POLICIES[3]}
