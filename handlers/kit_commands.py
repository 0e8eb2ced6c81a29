"""``/kit``: the network's welcome kit, shown to anyone. Admins write its two parts from the chat:

- ``/kit presentation <texte>``: what the network is (several lines kept);
- ``/kit ressources <lignes>``: the key resources, one per line ("nom — téléphone ou lien");
- ``/kit defaut``: back to the built-in presentation and resources.

Either part alone (``/kit presentation``) shows it as written, to copy and change.
"""

from __future__ import annotations

from directory.network_texts import WELCOME_KIT, WELCOME_RESOURCES
from directory.text import fold
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.permissions import admin_refusal, is_admin, to_author
from handlers.texts import Texts, texts_for
from handlers.welcome import kit_reply
from handlers.welcome_kit import (
    current_kit,
    presentation_problem,
    resource_lines,
    resources_problem,
    restore_defaults,
    save_part,
)

PRESENTATION_WORDS = frozenset({"presentation"})
RESOURCES_WORDS = frozenset({"ressources", "ressource", "resources"})
DEFAULT_WORDS = frozenset({"defaut", "default"})


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/kit`` and its sub-commands (see the module's docstring)."""
    t = texts_for(incoming.locale)
    head, *rest = incoming.args.split(maxsplit=1) or [""]  # the text may start on the next line
    text = rest[0].strip() if rest else ""
    word = fold(head)
    if not word:
        return [await _show(incoming, context, t)]
    if word not in PRESENTATION_WORDS | RESOURCES_WORDS | DEFAULT_WORDS:
        return [Reply(t("Je ne connais pas « /kit {word} ». {usage}", word=escape(head), usage=_usage(t)))]
    if not text and word not in DEFAULT_WORDS:
        return [await _part(incoming, context, t, word in PRESENTATION_WORDS)]
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    if word in DEFAULT_WORDS:
        async with context.sessions.begin() as session:
            restored = await restore_defaults(session, incoming.network)
        return [Reply(t("Le kit d'accueil reprend sa présentation et ses ressources par défaut. Voyez-le : /kit")
                      if restored else t("Le kit d'accueil était déjà celui par défaut."))]
    if word in PRESENTATION_WORDS:
        return [await _save(incoming, context, WELCOME_KIT, text, presentation_problem(t, text),
                            t("Présentation du kit d'accueil enregistrée. Voyez le résultat : /kit"))]
    return [await _save(incoming, context, WELCOME_RESOURCES, "\n".join(resource_lines(text)),
                        resources_problem(t, text),
                        t("Ressources clés du kit d'accueil enregistrées. Voyez le résultat : /kit"))]


async def _show(incoming: Incoming, context: Context, t: Texts) -> Reply:
    async with context.sessions() as session:
        kit = await kit_reply(session, context, t, incoming.network, incoming.chat.platform, incoming.user_id)
    if not await is_admin(context, incoming):
        return kit
    return Reply("\n".join([kit.text, "", _usage(t)]))


async def _part(incoming: Incoming, context: Context, t: Texts, presentation: bool) -> Reply:
    async with context.sessions() as session:
        content = await current_kit(session, t, incoming.network)
    if presentation:
        by, written, title = content.presentation_by, content.presentation, t("**Présentation du kit d'accueil**")
        change = t("Pour la changer (administrateurs) : /kit presentation suivi du texte, sur plusieurs lignes "
                   "au besoin.")
    else:
        by, written, title = content.resources_by, "\n".join(content.resources), t("**Ressources clés du kit d'accueil**")
        change = t("Pour les changer (administrateurs) : /kit ressources puis une ressource par ligne, "
                   "« nom — téléphone ou lien ».")
    origin = t("Texte écrit par les administrateurs du réseau.") if by else t("Texte par défaut.")
    return Reply("\n".join([title, origin, "", escape(written), "", change]))


async def _save(incoming: Incoming, context: Context, key: str, text: str, problem: str | None, done: str) -> Reply:
    if problem is not None:
        return Reply(problem)
    async with context.sessions.begin() as session:
        await save_part(session, incoming.network, key, text, to_author(incoming), context.clock())
    return Reply(done)


def _usage(t: Texts) -> str:
    return t("Administrateurs : **/kit presentation** <texte> pour présenter le réseau, **/kit ressources** puis "
             "une ressource par ligne (« nom — téléphone ou lien »), **/kit defaut** pour revenir au kit par défaut.")
