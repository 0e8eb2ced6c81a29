"""``/profil``: what a person records about themselves (name, organization, job title, professional
email and phone) and, item by item, their explicit consent to share it with the network.

- ``/profil``: one's own profile, with "Partager" / "Garder privé" buttons per item;
- ``/profil courriel marie@exemple.org`` (nom, organisme, fonction, telephone): record an item,
  checked; a new or changed item is private until shared;
- ``/profil partager courriel`` / ``/profil retirer courriel``: give or withdraw consent, at once;
  ``/profil effacer courriel``: delete the item;
- ``/profil @personne`` (a mention, a reply to their message, or "telegram:123"): only what that
  person shares.

One's own profile is shown and changed in a private chat only; in a group the bot says so (with the
link to a private chat where the platform has one) and never echoes a personal detail.
"""

from __future__ import annotations

from directory.field_values import FieldError, email_text, name_text, parse_email, parse_name
from directory.people import (
    EMAIL,
    ITEMS,
    JOB_TITLE,
    NAME,
    ORGANIZATION,
    PHONE,
    details_of,
    erase_detail,
    record_detail,
    set_shared,
    shared_details,
)
from directory.phones import parse_phones, phones_text
from directory.records import organization_names
from directory.text import fold
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Incoming, Reply
from handlers.profile_views import (
    KEEP_PRIVATE,
    PROFILE_PREFIX,
    SHARE,
    consent_buttons,
    item_label,
    own_profile,
    private_only,
    shared_profile,
    to_consent,
)
from handlers.roles import to_person
from handlers.texts import Texts, texts_for

# the words people may type for each item, folded
ITEM_WORDS = {
    "nom": NAME, "name": NAME,
    "organisme": ORGANIZATION, "organisation": ORGANIZATION, "org": ORGANIZATION,
    "fonction": JOB_TITLE, "poste": JOB_TITLE, "titre": JOB_TITLE,
    "courriel": EMAIL, "email": EMAIL, "mail": EMAIL, "adresse": EMAIL,
    "telephone": PHONE, "tel": PHONE, "phone": PHONE, "cellulaire": PHONE, "cell": PHONE,
}
SHARE_WORDS = frozenset({"partager", "partage", "share"})
WITHDRAW_WORDS = frozenset({"retirer", "retire", "prive", "garder", "unshare"})
ERASE_WORDS = frozenset({"effacer", "efface", "supprimer", "delete"})


async def command(incoming: Incoming, context: Context) -> list[Reply]:
    """``/profil`` and its sub-commands (see the module's docstring)."""
    t = texts_for(incoming.locale)
    head, _, rest = incoming.args.strip().partition(" ")
    word, rest = fold(head), rest.strip()
    if word in SHARE_WORDS | WITHDRAW_WORDS | ERASE_WORDS or word in ITEM_WORDS:
        if not incoming.private:
            return [private_only(incoming, context, t)]
        if word in ITEM_WORDS:
            return [await _record(incoming, context, ITEM_WORDS[word], rest, t)]
        return [await _consent(incoming, context, word, rest, t)]
    if len(incoming.people) > 1:
        return [Reply(t("Désignez une seule personne à la fois, par exemple en répondant à l'un de ses messages "
                        "par **/profil**."))]
    if incoming.people:
        return [await shown_profile(context, incoming.chat.platform, incoming.people[0], t)]
    if (person := to_person(incoming.args)) is not None:
        if incoming.chat.platform != "console":  # a reference reaches anyone: only the people of a chat are shown
            return [Reply(t("Pour voir ce qu'une personne partage avec le réseau, répondez à l'un de ses messages "
                            "par **/profil** dans un groupe du réseau, ou mentionnez-la."))]
        return [await shown_profile(context, *person, t)]
    if incoming.args.strip():
        return [Reply(t(
            "Je ne reconnais ni un élément du profil ni une personne dans « {text} ». Pour inscrire un élément : "
            "**/profil courriel marie@exemple.org** (nom, organisme, fonction, courriel, telephone). Pour voir ce "
            "qu'une personne partage : répondez à l'un de ses messages par **/profil**, ou mentionnez-la.",
            text=escape(incoming.args.strip()),
        ))]
    if not incoming.private:
        return [private_only(incoming, context, t)]
    async with context.sessions() as session:
        details = await details_of(session, incoming.chat.platform, incoming.user_id)
    return [own_profile(details, t)]


async def press(incoming: Incoming, context: Context) -> list[Reply]:
    """"Partager" / "Garder privé" under one's profile: consent given or withdrawn at once."""
    t = texts_for(incoming.locale)
    action, _, item = (incoming.button_data or "").removeprefix(PROFILE_PREFIX).partition(":")
    if action not in (SHARE, KEEP_PRIVATE) or item not in ITEMS:
        return [Reply(t("Ce bouton n'est plus actif."), notice=True)]
    if not incoming.private:
        return [private_only(incoming, context, t)]
    async with context.sessions.begin() as session:
        changed = await set_shared(session, incoming.chat.platform, incoming.user_id, item, action == SHARE,
                                   context.clock())
        details = await details_of(session, incoming.chat.platform, incoming.user_id)
    if not changed:
        return [Reply(t("Cet élément n'est plus dans votre profil : tapez /profil pour le revoir."))]
    return [Reply(_consent_said(item, action == SHARE, t)), own_profile(details, t)]


def _consent_said(item: str, shared: bool, t: Texts) -> str:
    if shared:
        return t("C'est noté : **{label}** est maintenant partagé avec le réseau. Vous pouvez le retirer en tout "
                 "temps : **/profil retirer {item}**.", label=item_label(item, t), item=item)
    return t("C'est noté : **{label}** est maintenant privé. Plus personne ne le voit, dès maintenant.",
             label=item_label(item, t))


async def _consent(incoming: Incoming, context: Context, word: str, rest: str, t: Texts) -> Reply:
    """``/profil partager|retirer|effacer <élément>``."""
    item = ITEM_WORDS.get(fold(rest))
    if item is None:
        verb = "partager" if word in SHARE_WORDS else "retirer" if word in WITHDRAW_WORDS else "effacer"
        return Reply(t("Précisez l'élément : nom, organisme, fonction, courriel ou telephone. Par exemple : "
                       "**/profil {verb} courriel**", verb=verb))
    platform, user_id, now = incoming.chat.platform, incoming.user_id, context.clock()
    async with context.sessions.begin() as session:
        if word in ERASE_WORDS:
            done = await erase_detail(session, platform, user_id, item)
        else:
            done = await set_shared(session, platform, user_id, item, word in SHARE_WORDS, now)
    if not done:
        return Reply(t("Vous n'avez pas inscrit de {label}. Pour l'inscrire : **/profil {item} …**",
                       label=item_label(item, t).lower(), item=item))
    if word in ERASE_WORDS:
        return Reply(t("C'est effacé : **{label}** n'est plus dans votre profil.", label=item_label(item, t)))
    return Reply(_consent_said(item, word in SHARE_WORDS, t))


async def _record(incoming: Incoming, context: Context, item: str, text: str, t: Texts) -> Reply:
    """``/profil <élément> <valeur>``: the value checked, then recorded (private when new or changed)."""
    if not text:
        return Reply(t("Donnez la valeur après l'élément, par exemple : **/profil {item} {example}**",
                       item=item, example=_example(item, t)))
    try:
        value = await _checked(context, item, text, t)
    except FieldError as error:
        return Reply(str(error))
    async with context.sessions.begin() as session:
        shared = await record_detail(session, incoming.chat.platform, incoming.user_id, item, value, context.clock())
        details = await details_of(session, incoming.chat.platform, incoming.user_id)
    said = t("C'est noté : **{label}** : {value} ({consent}).", label=item_label(item, t), value=escape(value),
             consent=to_consent(shared, t))
    if not shared:
        said += " " + t("Pour le partager avec le réseau : **/profil partager {item}**, ou le bouton ci-dessous.",
                        item=item)
    return Reply(said, buttons=tuple(b for b in consent_buttons(details, t) if b.data.endswith(f":{item}")))


async def _checked(context: Context, item: str, text: str, t: Texts) -> str:
    """The value to record for ``item``, normalized; ``FieldError`` with the French reason (marked up,
    what was typed escaped) when it is not valid."""
    try:
        if item == EMAIL:
            return email_text(parse_email(text, t))
        if item == PHONE:
            phones = parse_phones(text, t)
        else:
            value = name_text(parse_name(text, t))
    except FieldError as error:
        raise FieldError(escape(error.message)) from None
    if item == PHONE:
        if not phones:
            raise FieldError(t("Donnez un numéro de téléphone, par exemple : **/profil telephone 418 555-0101**"))
        return phones_text(phones)
    if item != ORGANIZATION:
        return value
    async with context.sessions() as session:
        rows = await organization_names(session)
    match = context.names.of(rows).find(value)
    if not match.sure:
        return value  # not in the directory (or not surely): kept as typed
    return next(name for org_id, name, _ in rows if org_id == match.choices[0].org_id)


def _example(item: str, t: Texts) -> str:
    examples = {NAME: "Marie Tremblay", ORGANIZATION: t("Maison de la famille"), JOB_TITLE: t("intervenante"),
                EMAIL: "marie@exemple.org", PHONE: "418 555-0101"}
    return examples[item]


async def shown_profile(context: Context, platform: str, user_id: str, t: Texts) -> Reply:
    """What anyone may see of a person: only the items they share."""
    async with context.sessions() as session:
        return shared_profile(await shared_details(session, platform, user_id), t)

