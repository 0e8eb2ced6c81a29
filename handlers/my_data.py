"""``/mes_donnees``: everything the network holds about the sender (``handlers.personal_data``), as a
JSON file sent in a private chat only."""

from __future__ import annotations

import json

from handlers.context import Context
from handlers.messages import Attachment, Incoming, Reply
from handlers.personal_data import collect
from handlers.profile_views import private_only
from handlers.texts import texts_for

FILENAME = "mes_donnees.json"
MIME_TYPE = "application/json"


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """The sender's data as ``mes_donnees.json``; in a group, the invitation to ask privately."""
    t = texts_for(incoming.locale)
    if not incoming.private:
        return [private_only(incoming, context, t)]
    async with context.sessions() as session:
        data = await collect(session, incoming.chat.platform, incoming.user_id, context.clock())
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    text = t("Voici tout ce que je garde sur vous : votre profil et vos consentements, vos rôles, vos réponses aux "
             "événements, vos sièges aux tables, ce que vous avez créé ou modifié et les messages qui vous sont "
             "adressés. Pour corriger votre profil : /profil ; pour tout effacer : /oublier_moi.")
    return [Reply(text, attachments=(Attachment(FILENAME, content, MIME_TYPE),))]
