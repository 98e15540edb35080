"""The privacy policy and terms of use, served by the web host at /privacy and /terms.

Skill certification asks for both URLs (`cramp-helper package --privacy-url/--terms-url`,
which default to these pages beside the HTTPS endpoint). The words live in
content/privacy.md and content/terms.md; they are read once at start-up and served as a
small HTML page, with the publisher and contact from the settings where the text says
{publisher} and {contact}. Only the plain subset those files use is rendered: `# ` and `## ` headings,
`- ` list items (continued by indented lines) and paragraphs separated by blank lines.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, Response
from markupsafe import escape

from skill.domain.content import ContentError

#: URL path (without the slash) -> file in the content directory.
PAGES: dict[str, str] = {"privacy": "privacy.md", "terms": "terms.md"}

_HEAD = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1">'
         "<title>{title}</title><style>body{{font-family:sans-serif;line-height:1.5;"
         "max-width:40em;margin:2em auto;padding:0 1em}}</style></head><body>")


#: The publisher's name and contact, written into both pages where the text says
#: {publisher} and {contact} (settings: CRAMP_HELPER_PUBLISHER, CRAMP_HELPER_CONTACT).
PLACEHOLDERS = ("{publisher}", "{contact}")
#: What the pages say while a setting is missing (a submission package refuses to build).
UNSET = {"{publisher}": "(not set: CRAMP_HELPER_PUBLISHER)",
         "{contact}": "(not set: CRAMP_HELPER_CONTACT)"}


def load_pages(content_dir: Path, publisher: str | None = None,
               contact: str | None = None) -> dict[str, str]:
    """URL path -> the page's HTML, naming `publisher` and `contact`. Raises ContentError
    naming a missing or unreadable file, or one that leaves out a placeholder."""
    values = {"{publisher}": publisher or UNSET["{publisher}"],
              "{contact}": contact or UNSET["{contact}"]}
    pages = {}
    for name, file_name in PAGES.items():
        path = content_dir / file_name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ContentError(f"{content_dir.name}/{file_name}: content file is missing "
                               f"(looked in {content_dir})") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ContentError(f"{content_dir.name}/{file_name}: cannot read: {error}") from None
        missing = [p for p in PLACEHOLDERS if p not in text]
        if missing:
            raise ContentError(f"{content_dir.name}/{file_name}: must name the publisher and "
                               f"the contact ({', '.join(missing)} missing)")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        pages[name] = page_html(text)
    return pages


def page_html(text: str) -> str:
    """A whole HTML page from the plain text subset described above; all text is escaped."""
    body: list[str] = []
    title = "Leg Cramp Helper"
    for block in _blocks(text):
        first = block[0]
        if first.startswith("# "):
            title = first[2:].strip()
            body.append(f"<h1>{escape(title)}</h1>")
        elif first.startswith("## "):
            body.append(f"<h2>{escape(first[3:].strip())}</h2>")
        elif first.startswith("- "):
            body.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in _items(block))
                        + "</ul>")
        else:
            body.append(f"<p>{escape(' '.join(line.strip() for line in block))}</p>")
    return _HEAD.format(title=escape(title)) + "".join(body) + "</body></html>"


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _items(block: list[str]) -> list[str]:
    items: list[str] = []
    for line in block:
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items:
            items[-1] += " " + line.strip()
    return items


def register_pages(app: Flask, content_dir: Path, publisher: str | None = None,
                   contact: str | None = None) -> None:
    """Add GET /privacy and GET /terms to the app, with the pages read now."""
    pages = load_pages(content_dir, publisher, contact)

    def serve(name: str) -> Response:
        response = Response(pages[name], mimetype="text/html")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    for name in pages:
        app.add_url_rule(f"/{name}", endpoint=f"page_{name}", view_func=serve,
                         methods=["GET"], defaults={"name": name})
