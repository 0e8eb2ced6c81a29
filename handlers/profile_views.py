"""How a profile is shown: one's own, item by item with its consent and buttons to change it, and
another person's, with only what they share. Also the answer to a profile command sent in a group,
where nothing personal is ever shown."""

from __future__ import annotations

from directory.people import EMAIL, ITEMS, JOB_TITLE, NAME, ORGANIZATION, PHONE, PersonDetail
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Card, Field, Incoming, Reply
from handlers.texts import Texts

PROFILE_PREFIX = "prf:"  # button data: "prf:+:<item>" shares the item, "prf:-:<item>" keeps it private
SHARE, KEEP_PRIVATE = "+", "-"
START_PAYLOAD = "profil"  # what the private link passes to /start


def item_label(item: str, t: Texts) -> str:
    """The French name of an item ("Téléphone")."""
    labels = {NAME: t("Nom"), ORGANIZATION: t("Organisme"), JOB_TITLE: t("Fonction"), EMAIL: t("Courriel"),
              PHONE: t("Téléphone")}
    return labels[item]


def to_consent(shared: bool, t: Texts) -> str:
    """"partagé avec le réseau" or "privé"."""
    return t("partagé avec le réseau") if shared else t("privé")


def own_profile(details: dict[str, PersonDetail], t: Texts) -> Reply:
    """The person's own profile: every item, recorded or not, with its consent; a button per recorded item."""
    lines = [t("**Votre profil** (vous seul le voyez en entier)")]
    for item in ITEMS:
        row = details.get(item)
        if row is None:
            lines.append(t("- {label} : non inscrit", label=item_label(item, t)))
        else:
            lines.append(t("- {label} : {value} — {consent}", label=item_label(item, t), value=escape(row.value),
                           consent=to_consent(row.shared, t)))
    lines.append("")
    lines.append(t(
        "Pour inscrire ou changer un élément : **/profil courriel marie@exemple.org** (ou nom, organisme, "
        "fonction, telephone). Ce que vous inscrivez reste privé tant que vous ne le partagez pas : "
        "**/profil partager courriel**, **/profil retirer courriel** pour le garder privé, "
        "**/profil effacer courriel** pour l'effacer. Tout ce que je garde sur vous : /mes_donnees ; "
        "tout effacer : /oublier_moi."
    ))
    return Reply("\n".join(lines), buttons=consent_buttons(details, t))


def consent_buttons(details: dict[str, PersonDetail], t: Texts) -> tuple[Button, ...]:
    """"Partager : Courriel" for a private item, "Garder privé : Courriel" for a shared one."""
    buttons = []
    for item in ITEMS:
        row = details.get(item)
        if row is None:
            continue
        if row.shared:
            buttons.append(Button(t("Garder privé : {label}", label=item_label(item, t)),
                                  f"{PROFILE_PREFIX}{KEEP_PRIVATE}:{item}"))
        else:
            buttons.append(Button(t("Partager : {label}", label=item_label(item, t)),
                                  f"{PROFILE_PREFIX}{SHARE}:{item}"))
    return tuple(buttons)


def shared_profile(shared: dict[str, str], t: Texts) -> Reply:
    """Another person's profile: only what they consented to share."""
    if not shared:
        return Reply(t("Cette personne ne partage rien avec le réseau."))
    title = shared.get(NAME) or t("Profil partagé")
    fields = tuple(Field(item_label(item, t), value) for item, value in shared.items() if item != NAME)
    return Reply(t("Ce que cette personne partage avec le réseau :"), cards=(Card(title=title, fields=fields),))


def private_only(incoming: Incoming, context: Context, t: Texts) -> Reply:
    """The answer to a personal command sent in a group: it is answered privately only."""
    text = t("Votre profil et vos données sont privés : je n'en parle qu'en conversation privée. "
             "Écrivez-moi directement (**/profil**, **/mes_donnees**, **/oublier_moi**).")
    link = context.start_links.get(incoming.chat.platform)
    if link:
        text += " " + t("[M'écrire en privé]({url})", url=link.format(payload=START_PAYLOAD))
    return Reply(text)
