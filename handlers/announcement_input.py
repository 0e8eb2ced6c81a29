"""What people type after ``/annonce``: when (a date or a rhythm), then the text.

The forms read, from the most to the least explicit:

- ``/annonce chaque lundi à 9 h | Rappel : la table se réunit jeudi`` — a bar (or a line
  break) separates when from the text;
- ``/annonce demain 8h Rappel : ...`` — without a separator, the longest run of first words
  that reads as a date or a rhythm is taken as when;
- a rhythm may say when it starts ("chaque lundi à 9 h à partir du 5 janvier") and skip
  holidays ("sauf les jours fériés"); a date needs a time.

Channel names (``#general``, ``@groupe``, optionally after "dans" or "sur") in the when part
are left out of it: the adapters hand them over as ``Incoming.mentions``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from handlers.markup import escape
from handlers.texts import Texts
from scheduler.announcements import Schedule
from scheduler.dates import DateProblem, parse_when
from scheduler.datewords import Refusal
from scheduler.recurrence import parse_recurrence
from scheduler.recurrenceparts import read as read_rhythm

MAX_TEXT = 3000  # characters; Telegram takes 4096 and Slack's section blocks 3000
MAX_WHEN_WORDS = 14
_TEXT_STARTS = frozenset({"le", "la", "les", "l'", "un", "une", "des", "du", "de", "a", "à", "au", "aux", "et"})
_SEPARATOR = re.compile(r"\s*(?:\||\n)\s*")
_MENTION = re.compile(r"(?:(?<!\S)(?:dans|sur|et|,)\s+)?(?<!\S)[#@][\w.-]+,?", re.IGNORECASE)
_RHYTHM = re.compile(
    r"\b(?:chaque|tous|toutes|aux|hebdo\w*|mensuel\w*|quotidien\w*|annuel\w*)\b", re.IGNORECASE
)
_FROM = re.compile(r"\s*,?\s*(?:(?:à|a) partir (?:du|de|d')|dès|des le|dès le|commençant|commencant)\s*",
                   re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A schedule read from text, how it reads in French, and notes to check."""

    schedule: Schedule
    said: str  # "chaque lundi à 9 h" or "mardi 24 novembre, 8 h"
    notes: tuple[str, ...] = ()


class InputProblem(Exception):
    """Input that cannot be used, with a French message saying how to write it."""


def split_when_and_text(args: str) -> tuple[str, str | None]:
    """(when, text) on the first bar or line break; (args, None) when there is none."""
    parts = _SEPARATOR.split(args.strip(), maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1].strip()
    return args.strip(), None


def without_mentions(text: str) -> str:
    """``text`` without the channel names in it ("dans #general", "@groupe")."""
    return " ".join(_MENTION.sub(" ", text).split())


def read_when(text: str, now: dt.datetime, zone: ZoneInfo, t: Texts) -> Proposal:
    """A one-shot date or a rhythm read from ``text``; raises :class:`InputProblem` saying what is wrong."""
    text = without_mentions(text)
    if not text:
        raise InputProblem(t("Il manque la date ou le rythme, par exemple : "
                             "**/annonce demain 8 h | Votre message** ou "
                             "**/annonce chaque lundi à 9 h | Votre message**"))
    if _RHYTHM.search(text):
        return _rhythm(text, now, zone, t)
    return _moment(text, now, zone, t)


def read_creation(args: str, now: dt.datetime, zone: ZoneInfo, t: Texts) -> tuple[Proposal, str]:
    """The schedule and the text of a new announcement."""
    when, text = split_when_and_text(args)
    if text is None:
        return _longest_when(when, now, zone, t)
    return read_when(when, now, zone, t), checked_text(text, t)


def checked_text(text: str, t: Texts) -> str:
    """The announcement's text, refused when empty or too long."""
    text = text.strip()
    if not text:
        raise InputProblem(t("Il manque le texte de l'annonce, après la barre : "
                             "**/annonce demain 8 h | Votre message**"))
    if len(text) > MAX_TEXT:
        raise InputProblem(t("Annonce trop longue ({length} caractères) : {limit} au plus.",
                             length=len(text), limit=MAX_TEXT))
    return text


def _longest_when(args: str, now: dt.datetime, zone: ZoneInfo, t: Texts) -> tuple[Proposal, str]:
    """Without a separator: the longest run of first words read as when, the rest as the text."""
    words = args.split()
    first_problem: InputProblem | None = None
    for count in range(min(len(words) - 1, MAX_WHEN_WORDS), 0, -1):
        try:
            proposal = read_when(" ".join(words[:count]), now, zone, t)
        except InputProblem as problem:
            first_problem = first_problem or problem
            continue
        while count > 1 and words[count - 1].lower() in _TEXT_STARTS and _same(words[: count - 1], proposal, now, zone, t):
            count -= 1  # "le 5 décembre à 17 h Le 5 à 7": "Le" begins the text
        return proposal, checked_text(" ".join(words[count:]), t)
    if len(words) <= 1:
        raise InputProblem(t("Écrivez la date ou le rythme, puis le texte, séparés par une barre : "
                             "**/annonce chaque lundi à 9 h | Rappel : la table se réunit jeudi**"))
    raise InputProblem(t("Je ne trouve pas la date ou le rythme au début du message. "
                         "Séparez-les du texte par une barre : "
                         "**/annonce demain 8 h | Votre message** ou "
                         "**/annonce chaque lundi à 9 h | Votre message**"))


def _same(words: list[str], proposal: Proposal, now: dt.datetime, zone: ZoneInfo, t: Texts) -> bool:
    try:
        return read_when(" ".join(words), now, zone, t).schedule == proposal.schedule
    except InputProblem:
        return False


def _moment(text: str, now: dt.datetime, zone: ZoneInfo, t: Texts) -> Proposal:
    when = parse_when(text, now, zone)
    if isinstance(when, DateProblem):
        raise InputProblem(_escaped(when.message))
    if when.time_missing or when.all_day:
        raise InputProblem(t("À quelle heure publier le {day} ? Par exemple : **/annonce {example} 8 h | Votre message**",
                             day=escape(when.text_fr), example=escape(text)))
    return Proposal(Schedule(when.start, zone.key), when.text_fr, when.notes)


def _rhythm(text: str, now: dt.datetime, zone: ZoneInfo, t: Texts) -> Proposal:
    parts = _FROM.split(text, maxsplit=1)
    rhythm, start_text = parts[0].strip(), parts[1].strip() if len(parts) == 2 else ""
    start = now.astimezone(zone)
    if start_text:
        when = parse_when(start_text, now, zone)
        if isinstance(when, DateProblem):
            raise InputProblem(_escaped(when.message))
        start = when.local if not when.time_missing else when.local.replace(hour=0, minute=0)
    try:
        has_time = read_rhythm(rhythm).clock is not None
    except Refusal as refusal:
        raise InputProblem(_escaped(refusal.problem.message)) from refusal
    if not has_time:
        raise InputProblem(t("À quelle heure publier ? Par exemple : **/annonce {rhythm} à 9 h | Votre message**",
                             rhythm=escape(rhythm)))
    recurrence = parse_recurrence(rhythm, start, zone)
    if isinstance(recurrence, DateProblem):
        raise InputProblem(_escaped(recurrence.message))
    schedule = Schedule(recurrence.start.astimezone(dt.UTC), zone.key, recurrence.rule, recurrence.skip_holidays)
    return Proposal(schedule, recurrence.text_fr, recurrence.notes)


def _escaped(message: str) -> str:
    """A French message of the date grammars, made inert for the reply markup."""
    return escape(message)
