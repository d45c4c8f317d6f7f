"""Read the restitution of a congress's workshops from a plain-text document.

Pure Python, no Django: fed a document's text, returns its workshops and their proposals, so
that the parser can be tested on the real documents without a database. The importer
(``services.congress_import``) writes what it returns.

Two layouts are recognised, those the movement's unions actually publish, and may be mixed:

Numbered workshops (a written restitution)
    A preamble, then workshop headings ``1. Démocratie dans les coopératives`` … Under each
    heading, optional introduction lines, optional sub-themes ``1) Généraliser la transition
    écologique``, and proposals as bullets ``- …``. A bullet that ends with ``:`` opens a list:
    the following bullets that start with a lower-case letter (``- mutualisation des fonctions
    support,``) are its sub-points, not proposals.

Slide-like sections (the slides shown in plenary)
    Upper-case titles, possibly over several lines and paragraphs (``COMMENT RENFORCER`` /
    ``LE SERVICE AUX`` / ``ADHÉRENTS ?``), followed by a ``RESTITUTION`` line and bullets. The
    first paragraph of the title is the workshop's title, the next ones its subtitle. Indented
    bullets are sub-points. ``**bold**`` markup is dropped; the movement's motto (« Accompagner
    – Rassembler – Promouvoir ») and ellipsis lines, which are slide decoration, are skipped.

Upper-case titles are turned into sentence case ("Comment renforcer le service aux adhérents
?"), keeping the movement's acronyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "ParsedDocument",
    "ParsedProposal",
    "ParsedWorkshop",
    "parse_congress_document",
    "proposal_title",
    "sentence_case",
]

TITLE_LENGTH: Final = 160

_SPACES: Final = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_BOLD: Final = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_NUMBERED: Final = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_SUBTHEME: Final = re.compile(r"^(\d{1,2})\)\s+(\S.*)$")
_BULLET: Final = re.compile(r"^([ \t\u00a0]*)[-•*]\s+(\S.*)$")
_MOTTO: Final = frozenset({"ACCOMPAGNER", "RASSEMBLER", "PROMOUVOIR"})
# Upper-case words kept as they are, or written the movement's way, in sentence-cased titles.
_ACRONYMS: Final = {"ESS": "ESS", "CAE": "CAE", "UR": "UR", "SCOP": "Scop", "SCIC": "Scic"}


@dataclass
class ParsedProposal:
    """A proposal as written: its main text, its sub-points and the sub-theme it falls under."""

    text: str
    points: list[str] = field(default_factory=list)
    theme: str = ""

    @property
    def full_text(self) -> str:
        """The wording with its sub-points as "- " lines, as stored."""
        return "\n".join([self.text, *(f"- {point}" for point in self.points)])

    @property
    def title(self) -> str:
        """A short title derived from the text (see :func:`proposal_title`)."""
        return proposal_title(self.text)


@dataclass
class ParsedWorkshop:
    """A workshop: its number in the document (None for slide sections), title, proposals."""

    number: int | None
    title: str
    subtitle: str = ""
    introduction: list[str] = field(default_factory=list)
    proposals: list[ParsedProposal] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """What a document holds: its preamble, its workshops, and the lines it could not place."""

    preamble: list[str] = field(default_factory=list)
    workshops: list[ParsedWorkshop] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    """Drop bold markup and collapse spaces (including non-breaking ones)."""
    text = _BOLD.sub(r"\1", text).replace("**", "")
    return _SPACES.sub(" ", text).strip()


def sentence_case(text: str) -> str:
    """Upper-case title to sentence case, keeping acronyms: "LE SERVICE" → "Le service"."""
    result = re.sub(r"\w+", lambda m: _ACRONYMS.get(m.group(0), m.group(0).lower()), clean(text))
    return result[:1].upper() + result[1:]


def proposal_title(text: str, *, limit: int = TITLE_LENGTH) -> str:
    """A title for a proposal: its text without the final punctuation, cut at a word if long."""
    title = clean(text).rstrip(" .:;,")
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:(") + "…"


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_motto(paragraph: list[str]) -> bool:
    words = {w for w in re.split(r"[^A-ZÀ-Ý]+", " ".join(paragraph)) if w}
    return bool(words) and words <= _MOTTO


def _starts_lower(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return first.islower()


def parse_congress_document(text: str) -> ParsedDocument:
    """Parse a congress restitution (see the module docstring for the layouts recognised)."""
    document = ParsedDocument()
    workshop: ParsedWorkshop | None = None
    proposal: ParsedProposal | None = None
    in_list = False  # the current proposal ends with ":" and collects lower-case bullets
    theme = ""
    caps: list[list[str]] = []  # upper-case paragraphs waiting for a RESTITUTION line
    blank_before = True

    for raw in text.splitlines():
        line = clean(raw)
        if not line:
            if caps and caps[-1]:
                caps.append([])
            blank_before = True
            continue
        previous_blank, blank_before = blank_before, False

        if line.casefold() == "restitution":
            paragraphs = [p for p in caps if p and not _is_motto(p)]
            caps = []
            if paragraphs:
                workshop = ParsedWorkshop(
                    number=None,
                    title=sentence_case(" ".join(paragraphs[0])),
                    subtitle=sentence_case(" ".join(" ".join(p) for p in paragraphs[1:])),
                )
                document.workshops.append(workshop)
                proposal, in_list, theme = None, False, ""
            continue

        bullet = _BULLET.match(raw)
        if bullet:
            caps = []
            indented = bool(bullet.group(1))
            content = clean(bullet.group(2))
            if proposal is not None and (indented or (in_list and _starts_lower(content))):
                proposal.points.append(content)
                continue
            if workshop is None:
                document.skipped.append(line)
                continue
            proposal = ParsedProposal(text=content, theme=theme)
            workshop.proposals.append(proposal)
            in_list = content.endswith(":")
            continue

        numbered = _NUMBERED.match(line)
        if numbered and not _is_caps(line):
            caps = []
            workshop = ParsedWorkshop(number=int(numbered.group(1)), title=numbered.group(2))
            document.workshops.append(workshop)
            proposal, in_list, theme = None, False, ""
            continue

        subtheme = _SUBTHEME.match(line)
        if subtheme and workshop is not None:
            theme = subtheme.group(2)
            proposal, in_list = None, False
            continue

        if _is_caps(line):
            if not caps:
                caps.append([])
            caps[-1].append(line)
            continue

        # Ordinary text: decoration ("..."), a preamble, an introduction, or a wrapped line.
        caps = []
        if not any(c.isalnum() for c in line):
            continue
        if workshop is None:
            document.preamble.append(line)
        elif not workshop.proposals and proposal is None:
            workshop.introduction.append(line)
        elif proposal is not None and not previous_blank:
            proposal.text = f"{proposal.text} {line}"
        else:
            document.skipped.append(line)
    return document
