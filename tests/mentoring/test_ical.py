"""iCalendar output (RFC 5545): CRLF, folding at 75 octets on character boundaries, escaping;
checked by parsing the output back with an independent unfolding reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maillage.mentoring.ical import CalendarEvent, calendar, escape_text, fold


def parse(text: str) -> list[dict[str, str]]:
    """A small RFC 5545 reader: unfold, split properties, unescape TEXT; one dict per VEVENT."""
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in raw)
    assert all(len(line.encode("utf-8")) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    events, current = [], None
    for line in lines:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            out, i = "", 0
            while i < len(value):
                if value[i] == "\\":
                    nxt = value[i + 1]
                    out += "\n" if nxt in "nN" else nxt
                    i += 2
                else:
                    out += value[i]
                    i += 1
            current[name] = out
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    return events


def test_escaping():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_fold_respects_octets_and_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line


def test_calendar_roundtrip():
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    summary = "Découvrir les Scop ; coopératives, gouvernance — Collège Jules-Vallès " * 2
    description = "Public : collégiens, 28\nContact : Mme Martin; \\ test"
    text = calendar(
        [
            CalendarEvent(
                uid="mentoring-event-1@maillage",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                summary=summary,
                description=description,
                location="Saint-Étienne",
                url="https://example.org/parrainage/interventions/1/",
            )
        ],
        name="Mes interventions",
        stamp=start,
    )
    [event] = parse(text)
    assert event["SUMMARY"] == summary
    assert event["DESCRIPTION"] == description
    assert event["DTSTART"] == "20260310T090000Z"
    assert event["DTEND"] == "20260310T110000Z"
    assert event["UID"] == "mentoring-event-1@maillage"
    assert event["DTSTAMP"] and event["LOCATION"] == "Saint-Étienne"


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        calendar(
            [CalendarEvent("u", datetime(2026, 1, 1), datetime(2026, 1, 1, 1), "x")],
            name="x",
            stamp=datetime(2026, 1, 1, tzinfo=UTC),
        )
