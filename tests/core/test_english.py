"""The English interface: /en/ pages speak English, / stays French, the catalogue is complete."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "maillage" / "locale" / "en" / "LC_MESSAGES" / "django.po"

NAV_EN = ["Directory and map", "Inter-cooperation", "Democracy", "Indicators", "Services"]
NAV_FR = ["Annuaire et carte", "Intercoopération", "Démocratie", "Indicateurs"]


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_home_in_english(client):
    html = _html(client, "/en/")
    assert 'lang="en"' in html
    for text in [
        *NAV_EN,
        "Skip to content",
        "Log in",
        "Platform areas",
        "Data sources and licences",
    ]:
        assert text in html, text
    for text in [*NAV_FR, "Aller au contenu", "Se connecter", "Sources des données et licences"]:
        assert text not in html, text


@pytest.mark.django_db
def test_language_switch_is_labelled_in_english(client):
    html = _html(client, "/en/")
    assert '<label for="lang-select" class="visually-hidden">Language</label>' in html
    assert ">Change</button>" in html
    assert ">Langue<" not in html and ">Changer<" not in html


@pytest.mark.django_db
def test_language_switch_goes_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/democratie/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/democratie/"
    html = _html(client, response["Location"])
    assert 'lang="en"' in html and "<h1>Democracy</h1>" in html


@pytest.mark.django_db
def test_language_switch_goes_back_to_french(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/democratie/"})
    html = _html(client, "/en/democratie/")
    action = re.search(r'<form class="lang-switch" action="([^"]+)"', html)
    assert action is not None
    response = client.post(action.group(1), {"language": "fr", "next": "/en/democratie/"})
    assert response["Location"] == "/democratie/"
    html = _html(client, response["Location"])
    assert 'lang="fr"' in html and "<h1>Démocratie</h1>" in html


@pytest.mark.django_db
def test_home_stays_french_without_prefix(client):
    html = _html(client, "/")
    assert 'lang="fr"' in html
    for text in [*NAV_FR, "Aller au contenu", "Se connecter"]:
        assert text in html, text
    assert '<label for="lang-select" class="visually-hidden">Langue</label>' in html
    assert ">Changer</button>" in html
    for text in ["Directory and map", "Skip to content", "Log in"]:
        assert text not in html, text


@pytest.mark.django_db
def test_french_browser_header_does_not_override_the_english_prefix(client):
    html = client.get("/en/", headers={"accept-language": "fr"}).content.decode()
    assert "Directory and map" in html and "Annuaire et carte" not in html


@pytest.mark.django_db
def test_territories_in_english(client):
    html = _html(client, "/en/territoires/")
    assert 'lang="en"' in html
    assert "Territories" in html
    assert "Regional unions" in html
    assert "Unions régionales" not in html and "Territoires" not in html


@pytest.mark.django_db
def test_sectors_in_english(client):
    html = _html(client, "/en/secteurs/")
    assert "Business sectors" in html
    assert "Search for an activity or a NAF code" in html
    assert "Secteurs d’activité" not in html and "Chercher une activité" not in html


@pytest.mark.django_db
def test_login_in_english(client):
    html = _html(client, "/en/compte/connexion/")
    for text in [
        "Log in",
        "Email address",
        "Password",
        "Forgotten your password?",
        "Create an account",
    ]:
        assert text in html, text
    assert '<button type="submit"' in html
    for text in ["Se connecter", "Adresse e-mail", "Mot de passe", "Créer un compte"]:
        assert text not in html, text


@pytest.mark.django_db
def test_login_error_in_english(client):
    response = client.post(
        "/en/compte/connexion/", {"username": "nobody@example.org", "password": "wrong"}
    )
    html = response.content.decode()
    assert "Incorrect email address or password." in html
    assert "incorrect. Les majuscules" not in html


# --- The catalogue ----------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


LINE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")$")


def _entries() -> list[Entry]:
    """The live entries of the .po file (the header and obsolete #~ entries left out)."""
    entries = []
    for block in re.split(r"\n\s*\n", CATALOGUE.read_text(encoding="utf-8")):
        entry, key, index = Entry(), "", 0
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#") or not line.strip():
                continue
            if match := LINE.match(line):
                key, index, text = match.group(1), int(match.group(2) or 0), match.group(3)
                previous = ""
            else:
                text = line
                previous = entry.msgstr[index] if key == "msgstr" else getattr(entry, key)
            value = previous + ast.literal_eval(text)
            if key == "msgstr":
                entry.msgstr[index] = value
            else:
                setattr(entry, key, value)
        if entry.msgid:
            entries.append(entry)
    return entries


def test_catalogue_is_complete_and_checked():
    entries = _entries()
    assert len(entries) > 600
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_placeholders_survive_translation():
    pattern = re.compile(r"%%|%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")
    for entry in _entries():
        sources = {0: entry.msgid, 1: entry.msgid_plural or entry.msgid}
        for index, text in entry.msgstr.items():
            expected = sorted(pattern.findall(sources[min(index, 1)]))
            assert sorted(pattern.findall(text)) == expected, entry.msgid


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is what Django reads: every translation of the .po must come out of gettext."""
    with translation.override("en"):
        for entry in _entries():
            if entry.msgctxt is not None:
                continue
            if entry.msgid_plural is not None:
                got = {n: translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)}
                assert got == {1: entry.msgstr[0], 2: entry.msgstr[1]}, entry.msgid
            else:
                assert translation.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
