"""ASVS controls kept by tests: the session is renewed at sign-in and destroyed at sign-out
(V7 Session management), and XML from outside is parsed only by defusedxml (V1, XXE)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from sightline.testing.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
SIGN_IN = "/accounts/sign-in/"


def a_session_before_sign_in(client: Client) -> str:
    session = client.session
    session["seen"] = "the public report form"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return str(session.session_key)


def test_signing_in_gives_a_new_session_and_the_old_one_is_gone(police_officer):
    client = Client()
    before = a_session_before_sign_in(client)
    response = client.post(SIGN_IN, {"username": police_officer.username, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()


def test_signing_out_destroys_the_session_on_the_server(police_officer):
    client = Client()
    client.post(SIGN_IN, {"username": police_officer.username, "password": PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200

    client.post("/accounts/sign-out/")
    assert not Session.objects.filter(session_key=key).exists()

    replayed = Client()  # someone holding a copy of the old cookie
    replayed.cookies[settings.SESSION_COOKIE_NAME] = key
    answer = replayed.get("/")
    assert answer.status_code == 302 and "/accounts/sign-in/" in answer["Location"]


UNSAFE_XML = re.compile(
    r"\b(?:ET|ElementTree|etree|minidom|pulldom|expatbuilder|sax)\s*\.\s*"
    r"(?:parse|fromstring|iterparse|XMLParser|parseString|make_parser)\b"
    r"|from\s+xml\.(?:dom|sax|etree)\S*\s+import\s+[^\n]*\b(?:parse|fromstring|iterparse)\b"
    r"|\blxml\b"
)


def test_xml_is_parsed_only_with_defusedxml():
    offenders = []
    for path in sorted((ROOT / "sightline").rglob("*.py")):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if UNSAFE_XML.search(line) and "defusedxml" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "XML parsed without defusedxml:\n" + "\n".join(offenders)


def test_the_check_finds_a_parse_with_the_standard_library():
    assert UNSAFE_XML.search("root = ET.parse(path).getroot()")
    assert UNSAFE_XML.search("from xml.etree.ElementTree import fromstring")
    assert not UNSAFE_XML.search("from defusedxml.ElementTree import parse")
    assert not UNSAFE_XML.search("ET.SubElement(parent, tag).text = text")
