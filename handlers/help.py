"""``/aide`` — what Passerelle does and how to ask it."""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import Incoming, Reply
from handlers.texts import texts_for


async def show(incoming: Incoming, context: Context) -> list[Reply]:
    """The list of commands with an example each."""
    t = texts_for(incoming.locale)
    return [Reply("\n".join([
        t("**Passerelle** trouve qui appeler dans le réseau, avec le téléphone et comment référer."),
        t("- **/qui** <besoin> : des services pour un besoin, par exemple « /qui dépannage alimentaire Jonquière »"),
        t("- **/org** <nom> : la fiche d'un organisme et ses services, par exemple « /org Le Transit »"),
        t("- **/lieu** <lieu> : le lieu des recherches de cette conversation quand la question n'en nomme pas, "
          "par exemple « /lieu Jonquière » (« /lieu aucun » pour le retirer)"),
        t("- **/langue** fr|en : la langue des réponses dans cette conversation"),
        t("- **/annonce** <quand> | <texte> : un message publié une fois ou à un rythme (coordination), "
          "par exemple /annonce chaque lundi à 9 h | Bonne semaine"),
        t("- **/aide** : ce message ; **/start** en privé : le kit d'accueil du réseau"),
        t("- **/evenement** titre ; quand ; lieu : créer un événement (coordination), par exemple "
          "/evenement 5 à 7 ; chaque premier jeudi du mois à 17 h ; Café du Port (sans rien, je pose les questions)"),
        t("- **/evenements** : les événements à venir ; **/calendrier** : tous dans un fichier .ics ; "
          "**/annuler** : arrêter une question en cours"),
        t("- **/table** [nom] : les tables de concertation, ou une table avec ses membres ; coordination : "
          "/table creer nom ; niveau ; territoire [; parent table], /table ajouter table ; organisme [; rôle], "
          "/table retirer table ; organisme, /table remplacer table ; organisme ; "
          "/table representer code pour représenter son organisme"),
        t("- **/equipe** lier <organisme> : dans le canal d'une équipe, y recevoir les rappels de ses tables "
          "(/equipe seul : l'organisme lié)"),
        t("- **/decision** table ; texte [; réunion hier] [; pour organisme, organisme] [; d'ici 3 semaines] : "
          "une décision à rapporter aux équipes, chaque organisme relancé jusqu'à ce que ce soit fait (coordination) ; "
          "/decision table puis une décision par ligne pour plusieurs"),
        t("- **/suivi** [table] [csv] : pour chaque décision d'une table, les organismes qui l'ont relayée, "
          "ceux en attente et ceux en retard ; csv à la fin pour un fichier"),
        t("- **/ordre_du_jour** <table> [; date] : l'ordre du jour de la prochaine rencontre "
          "(/ordre_du_jour modele pour voir ou changer le modèle)"),
        t("- **/kit** : le kit d'accueil du réseau (administration : /kit presentation, /kit ressources, /kit defaut)"),
        t("- **/reseau** [secteur ou catégorie] : qui est dans le réseau, ce que chacun fait, à quelles tables"),
        t("- **/profil** : vos coordonnées et ce que vous acceptez d'en partager ; **/mes_donnees** : ce que "
          "Passerelle garde sur vous ; **/oublier_moi** : l'effacer"),
        t("- **/role** : vos rôles ; administration : /role donner admin|coordonnateur <personne>, /role retirer, "
          "/role liste"),
        t("- Administration de l'annuaire : **/org** ajouter|modifier, **/service** ajouter|modifier|fermer|rouvrir, "
          "**/verifier** <service>, **/historique** <organisme|service>, **/annuler_modif** <organisme|service>, "
          "**/synonyme** ajouter mot = autre mot"),
        t("En privé, écrivez simplement le besoin : « répit pour une maman, bébé de 6 mois, Chicoutimi »."),
        t("Précisez l'âge et le lieu si vous les connaissez : la réponse en tient compte."),
    ]))]
