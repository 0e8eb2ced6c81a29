"""Invitations to represent an organization at a table: the coordinator gets a one-time code (8
characters, valid 14 days; on Telegram also a link), hands it to the person, who claims the seat with
``/table representer <code>`` or by opening the link (``/start rep_<code>``), and the coordinator is
told. ``/table remplacer`` issues a new code when the representative changes; the open follow-ups
then go to the new person. Asked for in a group, the code is sent to the asker privately."""

from __future__ import annotations

import datetime as dt
import secrets

from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from directory.concertation import ConcertationTable, TableMember
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import to_person_ref
from handlers.reachability import is_reachable
from handlers.table_access import change_member
from handlers.table_notices import hand_invitation, tell_new_representative
from handlers.table_turnover import move_followups
from handlers.texts import Texts, texts_for

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and retyped
CODE_LENGTH = 8
INVITE_VALIDITY = dt.timedelta(days=14)
START_PREFIX = "rep_"  # /start rep_<code>


def issue_invitation(member: TableMember, now: dt.datetime) -> str:
    """Give ``member`` a fresh code (any former one stops working); the code."""
    member.invite_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    member.invite_expires_at = now + INVITE_VALIDITY
    return member.invite_code


def to_invitation(member: TableMember, table: ConcertationTable, context: Context, t: Texts) -> str:
    """What the coordinator hands on: the code, until when it is valid, and the Telegram link if known."""
    assert member.invite_code is not None and member.invite_expires_at is not None
    until = format_date(member.invite_expires_at.astimezone(context.timezone).date(), "d MMMM", locale=t.locale)
    lines = [t("Invitation pour la personne qui représentera **{organization}** à « {table} » : qu'elle m'écrive "
               "**/table representer {code}** (valide jusqu'au {date}).",
               organization=escape(member.organization_name), table=escape(table.name), code=member.invite_code,
               date=until)]
    link = context.start_links.get("telegram")
    if link:
        url = link.format(payload=START_PREFIX + member.invite_code)
        lines.append(t("Sur Telegram, elle peut aussi ouvrir ce lien : [accepter l'invitation]({url})", url=url))
    return "\n".join(lines)


async def replace(incoming: Incoming, context: Context, args: str) -> list[Reply]:
    """``/table remplacer <table> ; <organisme>``: a new invitation for the member's next representative."""
    t = texts_for(incoming.locale)
    usage = t("Pour changer de représentant : **/table remplacer <table> ; <organisme>**")

    async def reissue(session: AsyncSession, table: ConcertationTable, member: TableMember,
                      now: dt.datetime) -> list[str]:
        issue_invitation(member, now)
        return await hand_invitation(session, context, incoming, to_invitation(member, table, context, t), now)

    changed = await change_member(incoming, context, args, usage, reissue)
    if isinstance(changed, Reply):
        return [changed]
    _table, member, lines = changed
    if member.representative_user_id:
        lines.append(t("{name} reste le représentant jusqu'à ce que la nouvelle personne utilise le code ; "
                       "les suivis en attente lui seront alors transmis.",
                       name=escape(member.representative_name or member.representative_user_id)))
    return [Reply("\n".join(lines))]


async def claim(incoming: Incoming, context: Context, code: str) -> list[Reply]:
    """``/table representer <code>``: the sender becomes the representative the code was issued for."""
    t = texts_for(incoming.locale)
    code = code.strip().upper()
    if not code:
        return [Reply(t("Donnez le code reçu du coordonnateur : **/table representer <code>**"))]
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return [Reply(t("« {code} » n'est pas un code d'invitation : il compte {length} lettres et chiffres, "
                        "par exemple **/table representer K7M2QX9P**.", code=escape(code), length=CODE_LENGTH))]
    now = context.clock()
    async with context.sessions.begin() as session:
        member = await session.scalar(select(TableMember).where(TableMember.invite_code == code))
        refused = await _refusal(session, member, incoming, now, t)
        if refused is not None:
            return [refused]
        assert member is not None
        former = _former(member, incoming)
        taken = await session.execute(
            update(TableMember)
            .where(TableMember.id == member.id, TableMember.invite_code == code, TableMember.invite_expires_at > now,
                   TableMember.left_at.is_(None))
            .values(representative_platform=incoming.chat.platform, representative_user_id=incoming.user_id,
                    representative_name=incoming.user_name or incoming.user_id, invite_expires_at=None)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # claimed at the same moment by someone else
            return [Reply(t("Ce code a déjà été utilisé. Demandez un nouveau code au coordonnateur de la table."))]
        moved = await move_followups(session, member, former, now, to_person_ref(incoming)) if former else 0
        table = await session.get(ConcertationTable, member.table_id)
        assert table is not None
        await tell_new_representative(session, context, incoming, table, member, code, now)
    lines = [t("C'est noté : vous représentez maintenant **{organization}** à « {table} ». Je vous rappellerai les "
               "décisions à rapporter à votre équipe.", organization=escape(member.organization_name),
               table=escape(table.name))]
    if moved:
        lines.append(t("Le suivi en attente de votre prédécesseur vous est transmis.") if moved == 1 else
                     t("Les {count} suivis en attente de votre prédécesseur vous sont transmis.", count=moved))
    if not await is_reachable(context, incoming.chat.platform, incoming.user_id):
        lines.append(t("Écrivez-moi une fois en privé (/start) pour que je puisse vous envoyer les rappels."))
    return [Reply("\n".join(lines))]


async def start(incoming: Incoming, context: Context) -> list[Reply]:
    """``/start rep_<code>``: the invitation link opened on Telegram."""
    return await claim(incoming, context, incoming.args.strip().removeprefix(START_PREFIX))


async def _refusal(session: AsyncSession, member: TableMember | None, incoming: Incoming, now: dt.datetime,
                   t: Texts) -> Reply | None:
    if member is None:
        return Reply(t("Code inconnu. Vérifiez-le (8 lettres et chiffres) ou demandez-en un nouveau au "
                       "coordonnateur de la table."))
    if member.left_at is not None:
        return Reply(t("{organization} ne fait plus partie de cette table : ce code ne vaut plus.",
                       organization=escape(member.organization_name)))
    if member.invite_expires_at is None:
        if (member.representative_platform, member.representative_user_id) == (incoming.chat.platform, incoming.user_id):
            return Reply(t("Vous représentez déjà **{organization}** à cette table.",
                           organization=escape(member.organization_name)))
        return Reply(t("Ce code a déjà été utilisé. Demandez un nouveau code au coordonnateur de la table."))
    if member.invite_expires_at <= now:
        table = await session.get(ConcertationTable, member.table_id)
        return Reply(t("Ce code a expiré. Demandez-en un nouveau au coordonnateur, qui tape "
                       "**/table remplacer {table} ; {organization}**.",
                       table=escape(table.name if table else ""), organization=escape(member.organization_name)))
    return None


def _former(member: TableMember, incoming: Incoming) -> str:
    """The former representative as the history names them, empty when there was none or it is the same person."""
    if member.representative_user_id is None:
        return ""
    if (member.representative_platform, member.representative_user_id) == (incoming.chat.platform, incoming.user_id):
        return ""
    name = member.representative_name or member.representative_user_id
    return f"{name} ({member.representative_platform}:{member.representative_user_id})"
