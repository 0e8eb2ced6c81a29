"""``/decision`` — the decisions of a table's meeting, each to be brought back to every team concerned.

One decision is saved at once; several pasted together are shown back as a numbered list with
"Confirmer" / "Annuler" and saved together on confirmation. Saving writes, in one transaction,
each decision and one follow-up per organization concerned, due now: the next sweep reminds them
(``handlers.followup_due``). Only the table's coordinator and admins may record decisions
(``handlers.table_access.may_manage``). ``/decision propager <n°>`` carries a decision down to the
tables under its own (``handlers.propagation``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember, active_members, find_table, fold_name
from directory.text import fold
from handlers import conversation, propagation
from handlers.context import Context
from handlers.conversation import State
from handlers.decision_input import TEXT_LIMIT, Options, Typed, read_deadline, read_meeting, read_typed
from handlers.followup_texts import to_day
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.names import OrganizationNames
from handlers.permissions import to_person_ref
from handlers.table_access import may_manage
from handlers.texts import Texts, texts_for
from scheduler.followups import create_decision
from scheduler.short_ids import to_short_id

FLOW = "decisions"
CONFIRM, DISCARD = "decisions:ok", "decisions:non"
PROPAGATE = "propager"
YES_WORDS = frozenset({"oui", "confirmer", "confirme", "ok", "yes"})
NO_WORDS = frozenset({"non", "no"})
CLOSE_NAMES = 3
CLOSE_SCORE = 60


@dataclass(frozen=True, slots=True)
class Draft:
    """A decision ready to save: ``member_ids`` None for every active member at saving time."""

    text: str
    member_ids: tuple[uuid.UUID, ...] | None
    meeting: dt.date
    deadline: dt.date

    def to_data(self) -> dict[str, Any]:
        """The draft as JSON-ready data, kept in the conversation until confirmed."""
        members = None if self.member_ids is None else [m.hex for m in self.member_ids]
        return {"text": self.text, "members": members, "meeting": self.meeting.isoformat(),
                "deadline": self.deadline.isoformat()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """The draft ``to_data`` gave."""
        members = data["members"]
        return cls(data["text"], None if members is None else tuple(uuid.UUID(hex=m) for m in members),
                   dt.date.fromisoformat(data["meeting"]), dt.date.fromisoformat(data["deadline"]))


def usage(t: Texts) -> str:
    """How to write ``/decision``."""
    return t("Pour une décision : **/decision table ; texte** [; réunion hier] [; pour organisme, organisme] "
             "[; d'ici 3 semaines]. Tous les membres sont concernés et l'échéance est de 2 semaines, sauf avis "
             "contraire. Pour plusieurs : **/decision table** puis une décision par ligne.")


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/decision``: read the decisions typed, check them, then save one or ask to confirm several."""
    t = texts_for(incoming.locale)
    head, _, rest = incoming.args.strip().partition(" ")
    if fold(head) == PROPAGATE:
        return await propagation.propagate(incoming, context, rest)
    typed = read_typed(incoming.args.strip())
    if not typed.table:
        return [Reply(usage(t))]
    async with context.sessions() as session:
        table = await table_named(session, typed.table, t)
        if isinstance(table, Reply):
            return [table]
        members = await active_members(session, table.id)
    if not await may_manage(context, incoming, table):
        return [refusal(t, table)]
    if not members:
        return [Reply(t("La table « {table} » n'a encore aucun membre : ajoutez les organismes avec "
                        "/table ajouter {table} ; organisme.", table=escape(table.name)))]
    if not typed.decisions:
        return [Reply(t("Il manque le texte de la décision.") + " " + usage(t))]
    drafts = to_drafts(typed, members, context, t)
    if isinstance(drafts, Reply):
        return [drafts]
    if len(drafts) == 1:
        return [await save(context, incoming, table.id, drafts, confirmed=False)]
    data = {"table": table.id.hex, "decisions": [draft.to_data() for draft in drafts]}
    await conversation.start(context, incoming, FLOW, "confirm", data)
    return [Reply(to_list(t, table, members, drafts, context.clock().astimezone(context.timezone).date()),
                  buttons=(Button(t("Confirmer"), CONFIRM), Button(t("Annuler"), DISCARD)))]


def refusal(t: Texts, table: ConcertationTable) -> Reply:
    """Who may record the decisions of ``table``."""
    return Reply(t("Seuls le coordonnateur de la table « {table} » ({coordinator}) et les administrateurs "
                   "peuvent y enregistrer des décisions.", table=escape(table.name),
                   coordinator=escape(table.coordinator_name or table.coordinator_user_id)))


async def table_named(session: AsyncSession, name: str, t: Texts) -> ConcertationTable | Reply:
    """The table ``name`` designates, or the reply saying none (with the closest names) or several do."""
    found = await find_table(session, name)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f"« {escape(table.name)} »" for table in found)
        return Reply(t("Plusieurs tables correspondent à « {name} » : {names}. Précisez le nom.",
                       name=escape(name), names=names))
    every = list(await session.scalars(select(ConcertationTable.name)))
    close = process.extract(fold_name(name), {n: fold_name(n) for n in every}, scorer=fuzz.token_set_ratio,
                            limit=CLOSE_NAMES, score_cutoff=CLOSE_SCORE)
    if not close:
        return Reply(t("Aucune table ne s'appelle « {name} ». Tapez **/table liste** pour voir les tables.",
                       name=escape(name)))
    names = ", ".join(f"« {escape(key)} »" for _, _, key in close)
    return Reply(t("Aucune table ne s'appelle « {name} ». Vouliez-vous dire : {names} ?", name=escape(name), names=names))


def to_drafts(typed: Typed, members: list[TableMember], context: Context, t: Texts) -> list[Draft] | Reply:
    """The decisions typed, checked against the table's members and the calendar; a reply naming every
    problem (each with its line when several decisions were pasted) when there is one."""
    now = context.clock()
    today = now.astimezone(context.timezone).date()
    names = OrganizationNames([(m.id, m.organization_name, None) for m in members])
    drafts: list[Draft] = []
    problems: list[str] = []
    for decision in typed.decisions:
        said: list[str] = []
        options = Options(
            meeting=decision.options.meeting if decision.options.meeting is not None else typed.defaults.meeting,
            organizations=decision.options.organizations or typed.defaults.organizations,
            deadline=decision.options.deadline if decision.options.deadline is not None else typed.defaults.deadline,
        )
        text = decision.text.strip()
        if not text:
            said.append(t("le texte de la décision est vide."))
        elif len(text) > TEXT_LIMIT:
            said.append(t("le texte est trop long ({length} caractères ; {limit} au plus).", length=len(text),
                          limit=TEXT_LIMIT))
        meeting = read_meeting(options.meeting, today, t) if options.meeting is not None else today
        deadline: dt.date | str = ""
        if isinstance(meeting, str):
            said.append(meeting)
        else:
            deadline = read_deadline(options.deadline or "", meeting, now, context.timezone, t)
            if isinstance(deadline, str):
                said.append(deadline)
        chosen = _members(options.organizations, names, members, t, said)
        if said:
            prefix = t("Ligne {line} : ", line=decision.line) if len(typed.decisions) > 1 else ""
            problems.extend(prefix + problem for problem in said)
        elif isinstance(meeting, dt.date) and isinstance(deadline, dt.date):
            drafts.append(Draft(text, chosen, meeting, deadline))
    if problems:
        lines = [t("Rien n'a été enregistré :"), *(f"- {problem}" for problem in problems), usage(t)]
        return Reply("\n".join(lines))
    return drafts


def _members(
    typed: list[str] | None, names: OrganizationNames, members: list[TableMember], t: Texts, said: list[str]
) -> tuple[uuid.UUID, ...] | None:
    """The members named in ``typed`` (None for all); each name not found is added to ``said``."""
    if not typed:
        return None
    chosen: list[uuid.UUID] = []
    for name in typed:
        match = names.find(name)
        if match.sure:
            chosen.append(match.choices[0].org_id)
        elif match.choices:
            close = ", ".join(f"« {escape(choice.label)} »" for choice in match.choices)
            said.append(t("« {name} » : plusieurs membres y ressemblent ({names}). Précisez.",
                          name=escape(name), names=close))
        else:
            every = ", ".join(escape(m.organization_name) for m in members)
            said.append(t("« {name} » n'est pas membre de la table (membres : {names}).", name=escape(name), names=every))
    return tuple(dict.fromkeys(chosen))


def _concerned(t: Texts, draft: Draft, members: dict[uuid.UUID, TableMember]) -> str:
    if draft.member_ids is None:
        return t("tous les membres ({count})", count=len(members))
    return ", ".join(escape(members[m].organization_name) for m in draft.member_ids if m in members)


def to_list(t: Texts, table: ConcertationTable, members: list[TableMember], drafts: list[Draft], today: dt.date) -> str:
    """The pasted decisions shown back, numbered, before they are saved."""
    by_id = {m.id: m for m in members}
    lines = [t("**{count} décisions pour la table « {table} »** :", count=len(drafts), table=escape(table.name))]
    for number, draft in enumerate(drafts, start=1):
        lines.append(t("{number}. {text} — réunion du {meeting} · pour : {concerned} · d'ici le {deadline}",
                       number=number, text=escape(draft.text), meeting=to_day(t, draft.meeting, today),
                       concerned=_concerned(t, draft, by_id), deadline=to_day(t, draft.deadline, today)))
    lines.append(t("Touchez « Confirmer » pour les enregistrer : les rappels partiront aux représentant·es."))
    return "\n".join(lines)


async def save(
    context: Context, incoming: Incoming, table_id: uuid.UUID, drafts: list[Draft], *, confirmed: bool
) -> Reply:
    """Save ``drafts`` and their follow-ups in one transaction; when ``confirmed``, only if the sender's
    confirmation was still waiting (it ends in the same transaction, so a second press saves nothing)."""
    t = texts_for(incoming.locale)
    now = context.clock()
    today = now.astimezone(context.timezone).date()
    async with context.sessions() as session:
        table = await session.get(ConcertationTable, table_id)
    if table is None:
        await conversation.finish(context, incoming)
        return Reply(t("Cette table n'existe plus : rien n'a été enregistré."))
    if not await may_manage(context, incoming, table):
        await conversation.finish(context, incoming)
        return refusal(t, table)
    async with context.sessions.begin() as session:
        if not await conversation.finish(context, incoming, session) and confirmed:
            return Reply(t("C'est déjà enregistré, ou la question a expiré : rien de plus n'a été enregistré."))
        active = {m.id: m for m in await active_members(session, table.id)}
        saved, followups = [], 0
        for draft in drafts:
            concerned = [m for m in (draft.member_ids or tuple(active)) if m in active]
            decision = await create_decision(session, table.id, draft.text, draft.meeting, draft.deadline,
                                             concerned, to_person_ref(incoming), now)
            saved.append(decision)
            followups += len(concerned)
    if len(saved) == 1:
        return Reply(t("C'est enregistré (n° {id}) : « {text} », pour {concerned}, à rapporter d'ici le {deadline}. "
                       "Les rappels partent maintenant ; suivez-les avec /suivi {table}.",
                       id=to_short_id(saved[0].id), text=escape(saved[0].text),
                       concerned=_concerned(t, drafts[0], active), deadline=to_day(t, saved[0].deadline, today),
                       table=escape(table.name)))
    return Reply(t("C'est enregistré : {count} décisions de la table « {table} » (n° {ids}), {followups} rappels "
                   "aux organismes. Suivez-les avec /suivi {table}.", count=len(saved), table=escape(table.name),
                   ids=", ".join(to_short_id(d.id) for d in saved), followups=followups))


async def confirm(incoming: Incoming, context: Context) -> list[Reply]:
    """"Confirmer" (or "oui" typed): save the decisions shown."""
    t = texts_for(incoming.locale)
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW:
        return [Reply(t("Il n'y a rien à confirmer (la question a peut-être expiré) : recommencez avec /decision."))]
    drafts = [Draft.from_data(data) for data in state.data["decisions"]]
    return [await save(context, incoming, uuid.UUID(hex=state.data["table"]), drafts, confirmed=True)]


async def discard(incoming: Incoming, context: Context) -> list[Reply]:
    """"Annuler" (or "non" typed): nothing is saved."""
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW:
        return await conversation.stop(incoming, context)
    await conversation.finish(context, incoming)
    return [Reply(texts_for(incoming.locale)("D'accord : aucune décision n'a été enregistrée."))]


async def answer(incoming: Incoming, context: Context, state: State) -> list[Reply]:
    """A word typed while the decisions wait for confirmation."""
    word = fold(incoming.text.strip()).rstrip(" !.")
    if word in YES_WORDS:
        return await confirm(incoming, context)
    if word in NO_WORDS:
        return await discard(incoming, context)
    t = texts_for(incoming.locale)
    return [Reply(t("Répondez « oui » pour enregistrer ces décisions, ou « non » pour tout annuler."),
                  buttons=(Button(t("Confirmer"), CONFIRM), Button(t("Annuler"), DISCARD)))]
