"""Synthetic French HSDS directories and intake questions for the search benchmark.

Everything is drawn from a seeded ``random.Random``: the same size and seed give the
same services, in the same order, with the same ids. The vocabulary imitates a Québec
directory of organismes communautaires and public services (CLSC, CPE, CJE, banques
alimentaires, maisons d'hébergement…); service areas are place ids of the gazetteer
(municipalities, arrondissements, MRCs, regions, the province), so place filtering is
exercised the way a real directory would exercise it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from directory.documents import ServiceDoc
from directory.text import fold


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """A gazetteer place as the generator needs it."""

    id: str
    name: str
    kind: str
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class Need:
    """One area of need: the words services, organizations and questions use for it."""

    key: str
    categories: tuple[str, ...]
    services: tuple[tuple[str, str | None], ...]  # (name, alternate name)
    sentences: tuple[str, ...]
    eligibility: tuple[str, ...]
    ages: tuple[tuple[float | None, float | None], ...]
    asks: tuple[str, ...]  # how an intervener names the need in a question


NEEDS: tuple[Need, ...] = (
    Need(
        "alimentation",
        ("Alimentation", "Dépannage alimentaire", "Cuisines collectives"),
        (
            ("Dépannage alimentaire", "Banque alimentaire"),
            ("Paniers de Noël", None),
            ("Cuisines collectives", None),
            ("Épicerie solidaire", None),
            ("Repas communautaires", "Soupe populaire"),
            ("Frigo partagé", None),
            ("Jardins collectifs", None),
            ("Bons d'achat d'épicerie", None),
        ),
        (
            "Distribution de denrées et de paniers d'épicerie aux personnes et aux familles à faible revenu.",
            "Des groupes de quatre à six personnes planifient, cuisinent et partagent des repas économiques.",
            "Un repas chaud est servi le midi, dans une ambiance conviviale, pour une contribution volontaire.",
            "Les fruits et légumes invendus des épiceries du quartier sont redistribués chaque semaine.",
            "L'épicerie offre des aliments de base à prix coûtant et des ateliers pour bien manger à petit prix.",
            "Dépannage d'urgence pour les ménages qui manquent de nourriture avant la fin du mois.",
        ),
        (
            "Personnes et familles à faible revenu du territoire.",
            "Sur présentation d'une preuve de résidence et de revenu.",
            "Ouvert à toute la population, sans condition.",
            "Une fois par mois par ménage, sur rendez-vous.",
        ),
        ((None, None),),
        (
            "banque alimentaire",
            "aide alimentaire",
            "depannage alimentaire",
            "bouffe",
            "nourriture",
            "panier de noel",
            "cuisine collective",
            "soupe populaire",
            "epicerie pas chere",
            "manque de nourriture",
            "frigo",
        ),
    ),
    Need(
        "hebergement",
        ("Hébergement", "Hébergement d'urgence", "Logement"),
        (
            ("Hébergement d'urgence", "Refuge"),
            ("Hébergement de transition", None),
            ("Logement social", "HLM"),
            ("Aide à la recherche de logement", None),
            ("Supplément au loyer", None),
            ("Halte-chaleur", None),
        ),
        (
            "Hébergement temporaire et sécuritaire pour les personnes en situation d'itinérance.",
            "Des chambres sont offertes pour quelques nuits, avec repas et accompagnement vers un logement stable.",
            "Aide pour trouver un logement, remplir une demande d'HLM et comprendre ses droits de locataire.",
            "Accueil de soir et de nuit pendant la saison froide, sans réservation.",
            "Des intervenants accompagnent la personne dans ses démarches avec le Tribunal administratif du logement.",
        ),
        (
            "Adultes de 18 ans et plus sans domicile fixe.",
            "Ménages à faible revenu inscrits à l'office d'habitation.",
            "Personnes en difficulté de logement, sans référence.",
            "Hommes seuls de 18 ans et plus.",
        ),
        ((18, None), (None, None)),
        (
            "hebergement d'urgence",
            "refuge",
            "itinerance",
            "sans abri",
            "logement",
            "hlm",
            "coucher ce soir",
            "trouver un appartement",
            "expulse de son logement",
            "chambre pour la nuit",
        ),
    ),
    Need(
        "sante-mentale",
        ("Santé mentale et soutien psychosocial", "Entraide"),
        (
            ("Groupe d'entraide en santé mentale", None),
            ("Intervention de crise", "Centre de crise"),
            ("Ligne d'écoute", None),
            ("Suivi psychosocial", None),
            ("Soutien aux proches", None),
            ("Centre de jour", None),
        ),
        (
            "Écoute, soutien et accompagnement pour les personnes qui vivent avec un problème de santé mentale.",
            "Intervention de crise vingt-quatre heures sur vingt-quatre, au téléphone ou en personne.",
            "Des rencontres de groupe permettent de briser l'isolement et de reprendre du pouvoir sur sa vie.",
            "Soutien aux familles et aux proches d'une personne atteinte de maladie mentale.",
            "Une intervenante fait le suivi à domicile après une hospitalisation en psychiatrie.",
            "Ateliers sur l'anxiété, la dépression et la gestion du stress.",
        ),
        (
            "Adultes vivant avec un problème de santé mentale.",
            "Toute personne en détresse, sans rendez-vous.",
            "Proches et membres de la famille d'une personne atteinte.",
        ),
        ((18, None), (None, None)),
        (
            "sante mentale",
            "anxiete",
            "depression",
            "detresse psychologique",
            "psychologue gratuit",
            "crise",
            "quelqu'un a qui parler",
            "ligne d'ecoute",
            "burn out",
            "groupe d'entraide",
        ),
    ),
    Need(
        "emploi",
        ("Emploi", "Formation et orientation"),
        (
            ("Aide à la recherche d'emploi", None),
            ("Orientation scolaire et professionnelle", None),
            ("Rédaction de CV", None),
            ("Préparation à l'entrevue", None),
            ("Entreprise d'insertion", None),
            ("Programme Jeunes en action", None),
            ("Retour aux études", None),
        ),
        (
            "Accompagnement personnalisé dans la recherche d'emploi : CV, lettre de présentation et entrevue.",
            "Des conseillers en orientation aident les jeunes à choisir un métier ou un retour aux études.",
            "Un plateau de travail rémunéré permet d'acquérir de l'expérience et des compétences.",
            "Accès à des ordinateurs, au téléphone et au babillard des offres d'emploi de la région.",
            "Soutien aux personnes immigrantes pour faire reconnaître leurs diplômes et intégrer le marché du travail.",
        ),
        (
            "Jeunes de 16 à 35 ans.",
            "Personnes sans emploi ou prestataires de l'aide sociale.",
            "Adultes éloignés du marché du travail.",
        ),
        ((16, 35), (None, None), (18, None)),
        (
            "emploi",
            "job",
            "travail",
            "cv",
            "recherche d'emploi",
            "chomage",
            "orientation",
            "retour aux etudes",
            "cje",
            "insertion professionnelle",
        ),
    ),
    Need(
        "petite-enfance",
        ("Petite enfance", "Services de garde éducatifs", "Développement et stimulation de l'enfant"),
        (
            ("Centre de la petite enfance", "CPE"),
            ("Halte-garderie", None),
            ("Stimulation précoce", None),
            ("Ateliers parents-enfants", None),
            ("Éveil à la lecture", None),
            ("Orthophonie", None),
            ("Garde en milieu familial", None),
            ("Rencontres prénatales", None),
        ),
        (
            "Service de garde éducatif pour les enfants de la naissance à l'entrée à l'école.",
            "Ateliers de stimulation du langage et de la motricité pour les tout-petits.",
            "Quelques heures de garde ponctuelle pour donner du répit aux parents.",
            "Évaluation et suivi en orthophonie pour les enfants qui tardent à parler.",
            "Matinées de jeux et de bricolage où le parent et l'enfant participent ensemble.",
            "Rencontres prénatales et soutien à l'allaitement pour les futurs parents.",
        ),
        (
            "Enfants de 0 à 5 ans et leurs parents.",
            "Enfants de 18 mois à 5 ans.",
            "Familles avec un enfant de moins de 2 ans.",
            "Femmes enceintes et nouveaux parents.",
        ),
        ((0, 5), (1.5, 5), (0, 2)),
        (
            "garderie",
            "cpe",
            "halte garderie",
            "stimulation langage",
            "orthophoniste",
            "enfant qui parle pas",
            "repit parents",
            "allaitement",
            "bebe",
            "tout petit",
            "eveil a la lecture",
        ),
    ),
    Need(
        "familles",
        ("Soutien aux familles et aux parents", "Médiation familiale"),
        (
            ("Soutien parental", None),
            ("Milieu de vie pour les familles", None),
            ("Médiation familiale", None),
            ("Droits d'accès supervisés", None),
            ("Groupe de pères", None),
            ("Soutien aux familles monoparentales", None),
        ),
        (
            "Écoute et accompagnement des parents qui se sentent dépassés, sans jugement.",
            "Visites supervisées et échanges de garde en lieu neutre après une séparation.",
            "Le milieu de vie accueille les familles pour des cafés-rencontres, des sorties et des ateliers.",
            "Ateliers sur la discipline, les routines, le sommeil et la gestion des émotions.",
            "Médiation pour s'entendre sur la garde des enfants, la pension et le partage des biens.",
        ),
        (
            "Parents d'enfants de 0 à 17 ans.",
            "Familles monoparentales et recomposées.",
            "Pères et futurs pères.",
        ),
        ((None, None), (0, 17)),
        (
            "soutien parental",
            "parent epuise",
            "maison de la famille",
            "mediation familiale",
            "separation",
            "garde partagee",
            "droits d'acces",
            "monoparentale",
            "groupe pour papas",
        ),
    ),
    Need(
        "aines",
        ("Aînés", "Maintien à domicile", "Proches aidants"),
        (
            ("Popote roulante", None),
            ("Visites d'amitié", None),
            ("Appels d'amitié", None),
            ("Accompagnement-transport médical", None),
            ("Centre de jour pour aînés", None),
            ("Répit pour proches aidants", None),
            ("Aide à domicile", "Entretien ménager"),
        ),
        (
            "Des repas chauds sont livrés à domicile par des bénévoles trois fois par semaine.",
            "Des bénévoles visitent ou appellent les personnes âgées seules pour briser l'isolement.",
            "Entretien ménager léger et préparation de repas pour aider les aînés à rester chez eux.",
            "Du répit et de l'écoute pour les proches aidants d'une personne en perte d'autonomie.",
            "Activités physiques, conférences et sorties pour les personnes de 50 ans et plus.",
        ),
        (
            "Personnes de 65 ans et plus.",
            "Aînés en perte d'autonomie vivant à domicile.",
            "Proches aidants d'un aîné.",
            "Personnes de 50 ans et plus.",
        ),
        ((65, None), (50, None), (60, None)),
        (
            "popote roulante",
            "personne agee seule",
            "aines",
            "aide a domicile",
            "proche aidant",
            "repit",
            "menage pour personne agee",
            "isolement aine",
            "maintien a domicile",
        ),
    ),
    Need(
        "immigration",
        ("Immigration et francisation",),
        (
            ("Accueil des nouveaux arrivants", None),
            ("Francisation", "Cours de français"),
            ("Aide aux démarches d'immigration", None),
            ("Jumelage interculturel", None),
            ("Soutien aux demandeurs d'asile", None),
        ),
        (
            "Accueil et accompagnement des personnes immigrantes dans leurs premières démarches d'installation.",
            "Cours de français pour adultes, de jour et de soir, à tous les niveaux.",
            "Aide pour remplir les formulaires d'immigration, de résidence permanente et de citoyenneté.",
            "Jumelage avec une famille québécoise pour découvrir la région et se faire un réseau.",
        ),
        (
            "Personnes immigrantes, réfugiées ou en demande d'asile.",
            "Nouveaux arrivants depuis moins de cinq ans.",
        ),
        ((None, None), (16, None)),
        (
            "immigrant",
            "nouvel arrivant",
            "refugie",
            "demandeur d'asile",
            "cours de francais",
            "francisation",
            "papiers d'immigration",
            "residence permanente",
        ),
    ),
    Need(
        "violence",
        ("Violence conjugale et familiale", "Aide aux victimes"),
        (
            ("Maison d'hébergement pour femmes victimes de violence", None),
            ("Ligne d'urgence violence conjugale", None),
            ("Aide aux victimes d'actes criminels", "CAVAC"),
            ("Accompagnement à la cour", None),
            ("Aide aux hommes ayant des comportements violents", None),
        ),
        (
            "Hébergement sécuritaire et confidentiel pour les femmes victimes de violence conjugale et leurs enfants.",
            "Intervention téléphonique vingt-quatre heures sur vingt-quatre pour les personnes victimes de violence.",
            "Accompagnement des victimes d'actes criminels dans le processus judiciaire.",
            "Groupes de thérapie pour les hommes qui veulent cesser d'avoir des comportements violents.",
            "Soutien aux personnes victimes d'agression sexuelle, récente ou passée.",
        ),
        (
            "Femmes victimes de violence conjugale et leurs enfants.",
            "Toute personne victime d'un acte criminel.",
            "Hommes de 18 ans et plus.",
        ),
        ((None, None), (18, None)),
        (
            "violence conjugale",
            "femme battue",
            "agression sexuelle",
            "victime",
            "maison d'hebergement pour femmes",
            "conjoint violent",
            "cavac",
        ),
    ),
    Need(
        "devoirs",
        ("Persévérance scolaire", "Alphabétisation"),
        (
            ("Aide aux devoirs", None),
            ("Tutorat", None),
            ("Alphabétisation", None),
            ("Soutien à la persévérance scolaire", None),
            ("Raccrochage scolaire", None),
        ),
        (
            "Aide aux devoirs après l'école, trois soirs par semaine, avec des bénévoles.",
            "Tutorat individuel en français et en mathématiques pour les élèves du primaire et du secondaire.",
            "Ateliers d'alphabétisation pour les adultes qui veulent apprendre à lire et à écrire.",
            "Accompagnement des jeunes qui ont décroché pour un retour à l'école.",
        ),
        ("Élèves du primaire et du secondaire.", "Adultes peu alphabétisés.", "Jeunes de 16 à 24 ans."),
        ((6, 17), (16, 24), (18, None)),
        (
            "aide aux devoirs",
            "tutorat",
            "decrochage scolaire",
            "apprendre a lire",
            "alphabetisation",
            "difficultes a l'ecole",
        ),
    ),
    Need(
        "transport",
        ("Transport",),
        (
            ("Transport bénévole", None),
            ("Transport adapté", None),
            ("Accompagnement aux rendez-vous médicaux", None),
            ("Transport collectif régional", None),
        ),
        (
            "Des chauffeurs bénévoles conduisent les personnes à leurs rendez-vous médicaux.",
            "Transport porte-à-porte pour les personnes handicapées, sur réservation.",
            "Le transport collectif relie les villages de la MRC au centre-ville, du lundi au vendredi.",
        ),
        ("Personnes sans moyen de transport.", "Personnes admises au transport adapté."),
        ((None, None),),
        (
            "transport",
            "transport medical",
            "lift pour rendez-vous",
            "transport adapte",
            "autobus",
            "chauffeur benevole",
        ),
    ),
    Need(
        "dependances",
        ("Dépendances",),
        (
            ("Désintoxication", None),
            ("Réadaptation en dépendance", None),
            ("Réduction des méfaits", None),
            ("Aide pour le jeu compulsif", None),
        ),
        (
            "Accompagnement des personnes aux prises avec une dépendance à l'alcool, aux drogues ou au jeu.",
            "Matériel d'injection stérile, naloxone et dépistage, sans jugement.",
            "Thérapie de groupe et suivi externe pour arrêter de consommer.",
        ),
        ("Adultes aux prises avec une dépendance.", "Jeunes de 12 à 17 ans qui consomment."),
        ((18, None), (12, 17)),
        ("drogue", "alcool", "toxicomanie", "dependance", "desintox", "jeu compulsif", "naloxone"),
    ),
    Need(
        "jeunesse",
        ("Jeunesse", "Loisirs"),
        (
            ("Maison des jeunes", None),
            ("Travail de rue", None),
            ("Hébergement jeunesse", None),
            ("Activités parascolaires", None),
            ("Camp de jour", None),
        ),
        (
            "Un lieu de rencontre animé pour les adolescents, avec des activités sportives et culturelles.",
            "Des travailleurs de rue vont à la rencontre des jeunes dans les parcs et les lieux publics.",
            "Hébergement de dépannage pour les jeunes en fugue ou en conflit avec leurs parents.",
            "Camp de jour estival pour les enfants, avec tarif réduit pour les familles à faible revenu.",
        ),
        ("Jeunes de 12 à 17 ans.", "Jeunes de 12 à 25 ans.", "Enfants de 5 à 12 ans."),
        ((12, 17), (12, 25), (5, 12)),
        (
            "maison des jeunes",
            "ado en fugue",
            "activites pour ados",
            "travailleur de rue",
            "camp de jour",
            "jeune qui traine dans la rue",
        ),
    ),
    Need(
        "sante",
        ("Santé", "Vaccination", "Santé sexuelle"),
        (
            ("Consultation sans rendez-vous", None),
            ("Vaccination", None),
            ("Clinique jeunesse", None),
            ("Soins infirmiers à domicile", None),
            ("Dépistage des ITSS", None),
            ("Info-Santé 811", None),
        ),
        (
            "Consultations infirmières et médicales sans rendez-vous pour les problèmes de santé courants.",
            "Vaccination des bébés, des enfants et vaccination saisonnière contre la grippe.",
            "Contraception, test de grossesse et dépistage des infections transmissibles sexuellement.",
            "Soins infirmiers et suivi à domicile pour les personnes en perte d'autonomie.",
        ),
        (
            "Toute la population du territoire.",
            "Jeunes de 14 à 24 ans.",
            "Personnes inscrites au soutien à domicile.",
        ),
        ((None, None), (14, 24)),
        (
            "clsc",
            "vaccin",
            "infirmiere",
            "sans rendez-vous",
            "test de grossesse",
            "contraception",
            "its",
            "medecin de famille",
        ),
    ),
    Need(
        "droits",
        ("Défense des droits", "Aide juridique"),
        (
            ("Aide juridique", None),
            ("Défense des droits des locataires", None),
            ("Clinique d'impôts", None),
            ("Défense des droits des personnes assistées sociales", None),
            ("Information juridique", None),
        ),
        (
            "Information juridique gratuite et accompagnement dans les démarches auprès des tribunaux.",
            "Des bénévoles remplissent les déclarations de revenus des personnes à faible revenu.",
            "Soutien aux locataires aux prises avec une hausse de loyer, une reprise de logement ou de l'insalubrité.",
            "Défense collective et individuelle des droits des personnes assistées sociales.",
        ),
        ("Personnes à faible revenu.", "Locataires du territoire.", "Toute personne, sans condition."),
        ((None, None), (18, None)),
        (
            "avocat gratuit",
            "aide juridique",
            "impots",
            "rapport d'impot",
            "locataire",
            "hausse de loyer",
            "aide sociale",
            "bs",
        ),
    ),
    Need(
        "materiel",
        ("Vêtements, meubles et articles de maison",),
        (
            ("Comptoir vestimentaire", None),
            ("Meubles usagés", None),
            ("Articles pour bébés", None),
            ("Friperie", None),
        ),
        (
            "Vêtements, meubles et électroménagers à petit prix ou gratuits pour les familles dans le besoin.",
            "Le comptoir reçoit les dons de la population et les redistribue à bas prix.",
            "Poussettes, sièges d'auto et vêtements pour bébés à prêter ou à donner.",
        ),
        ("Ouvert à toute la population.", "Familles référées par un intervenant."),
        ((None, None),),
        (
            "vetements",
            "meubles",
            "friperie",
            "linge pour enfants",
            "poussette",
            "siege d'auto",
            "electromenagers",
        ),
    ),
    Need(
        "deuil-suicide",
        ("Prévention du suicide", "Deuil"),
        (
            ("Intervention en prévention du suicide", None),
            ("Suivi des personnes endeuillées", None),
            ("Formation de sentinelles", None),
        ),
        (
            "Intervention téléphonique et suivi pour les personnes suicidaires et leurs proches, en tout temps.",
            "Groupes de soutien pour les personnes endeuillées par suicide.",
            "Formation de sentinelles dans les milieux de travail et les écoles.",
        ),
        (
            "Toute personne en détresse et ses proches.",
            "Personnes endeuillées.",
            "Adultes qui veulent devenir sentinelles.",
        ),
        ((None, None),),
        ("idees suicidaires", "suicide", "veut mourir", "deuil", "endeuille", "pense au suicide"),
    ),
    Need(
        "handicap",
        ("Handicap et déficience",),
        (
            ("Soutien aux personnes ayant une déficience intellectuelle", None),
            ("Répit pour familles d'enfants handicapés", None),
            ("Loisirs adaptés", None),
            ("Soutien aux familles d'enfants autistes", "TSA"),
        ),
        (
            "Activités de loisir adaptées et camps de jour pour les personnes ayant un handicap.",
            "Répit de fin de semaine pour les familles d'un enfant handicapé.",
            "Information et soutien aux parents d'un enfant ayant un trouble du spectre de l'autisme ou un TDAH.",
        ),
        ("Personnes ayant une déficience intellectuelle ou physique.", "Familles d'un enfant handicapé."),
        ((None, None), (0, 21)),
        (
            "handicap",
            "autisme",
            "tsa",
            "tdah",
            "deficience intellectuelle",
            "enfant handicape",
            "loisirs adaptes",
        ),
    ),
)
NEEDS_BY_KEY = {n.key: n for n in NEEDS}

# Organization types: name template, the needs they answer, a sentence about them.
# {place} is a municipality (or arrondissement), {mrc} an MRC, {region} a region, {nom} a proper name.
ORG_TYPES: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    (
        "Maison de la famille de {place}",
        ("familles", "petite-enfance", "materiel"),
        "Organisme communautaire Famille qui offre un milieu de vie aux parents et aux enfants.",
        10,
    ),
    (
        "Centre de femmes {nom}",
        ("violence", "sante-mentale", "droits"),
        "Lieu d'appartenance, d'entraide et d'éducation populaire pour les femmes du territoire.",
        6,
    ),
    (
        "Carrefour jeunesse-emploi {place}",
        ("emploi", "devoirs", "jeunesse"),
        "Le carrefour accompagne les jeunes adultes dans leur cheminement vers l'emploi, les études et l'autonomie.",
        6,
    ),
    (
        "Banque alimentaire {place}",
        ("alimentation",),
        "Organisme de sécurité alimentaire qui recueille et redistribue des denrées.",
        8,
    ),
    (
        "Moisson {region}",
        ("alimentation",),
        "Banque alimentaire régionale qui approvisionne les comptoirs du territoire.",
        1,
    ),
    (
        "CLSC de {place}",
        ("sante", "sante-mentale", "petite-enfance", "aines", "dependances"),
        "Centre local de services communautaires du CIUSSS : santé et services sociaux de première ligne.",
        6,
    ),
    ("CPE {nom}", ("petite-enfance",), "Centre de la petite enfance subventionné.", 10),
    ("Garderie {nom}", ("petite-enfance",), "Garderie éducative privée.", 4),
    (
        "Maison des jeunes {nom}",
        ("jeunesse", "devoirs"),
        "Milieu de vie pour les adolescents de 12 à 17 ans.",
        6,
    ),
    (
        "Centre d'action bénévole {place}",
        ("aines", "transport", "alimentation", "droits"),
        "Le centre d'action bénévole soutient les aînés et les personnes vulnérables grâce à ses bénévoles.",
        6,
    ),
    (
        "Société de Saint-Vincent de Paul de {place}",
        ("alimentation", "materiel"),
        "Conférence d'entraide qui vient en aide aux familles démunies.",
        4,
    ),
    (
        "Maison d'hébergement {nom}",
        ("violence", "hebergement"),
        "Maison d'aide et d'hébergement pour femmes victimes de violence conjugale et leurs enfants.",
        3,
    ),
    ("CAVAC {region}", ("violence", "droits"), "Centre d'aide aux victimes d'actes criminels.", 1),
    (
        "Centre de prévention du suicide {region}",
        ("deuil-suicide", "sante-mentale"),
        "Organisme régional de prévention du suicide.",
        1,
    ),
    (
        "Service d'accueil des nouveaux arrivants {place}",
        ("immigration", "emploi"),
        "Organisme qui accueille et intègre les personnes immigrantes.",
        2,
    ),
    (
        "Office municipal d'habitation de {place}",
        ("hebergement",),
        "Gestionnaire des HLM et des programmes de supplément au loyer.",
        3,
    ),
    (
        "Association des proches aidants {mrc}",
        ("aines",),
        "Association qui informe et soutient les proches aidants.",
        2,
    ),
    ("Popote roulante {place}", ("aines", "alimentation"), "Service de repas à domicile pour les aînés.", 3),
    ("Centre Alpha {place}", ("devoirs", "immigration"), "Organisme d'alphabétisation populaire.", 2),
    (
        "Coopérative de solidarité {nom}",
        ("alimentation", "transport", "emploi"),
        "Coopérative au service de sa communauté.",
        2,
    ),
    ("Groupe d'entraide {nom}", ("sante-mentale",), "Ressource alternative en santé mentale.", 4),
    (
        "Centre de pédiatrie sociale {place}",
        ("petite-enfance", "familles", "droits"),
        "Centre de pédiatrie sociale en communauté pour les enfants en situation de vulnérabilité.",
        1,
    ),
    (
        "Centre d'intervention familiale {nom}",
        ("familles", "violence"),
        "Intervention auprès des familles en difficulté.",
        2,
    ),
    (
        "Club de l'âge d'or de {place}",
        ("aines",),
        "Club FADOQ qui organise des activités pour les 50 ans et plus.",
        4,
    ),
    (
        "Maison d'hébergement jeunesse {nom}",
        ("jeunesse", "hebergement"),
        "Hébergement et accompagnement des jeunes de 12 à 17 ans.",
        1,
    ),
    (
        "Centre de réadaptation en dépendance {region}",
        ("dependances",),
        "Services spécialisés en dépendance du CIUSSS.",
        1,
    ),
    (
        "Association {nom} des personnes handicapées",
        ("handicap", "transport"),
        "Association de défense et de loisirs des personnes handicapées.",
        2,
    ),
    ("Comptoir vestimentaire {nom}", ("materiel",), "Comptoir de vêtements et de meubles usagés.", 3),
    (
        "Association des locataires de {place}",
        ("droits", "hebergement"),
        "Comité logement qui défend les droits des locataires.",
        2,
    ),
    ("Transport adapté {mrc}", ("transport",), "Service de transport adapté et collectif de la MRC.", 2),
    (
        "Ressource {nom}",
        ("sante-mentale", "dependances", "hebergement"),
        "Ressource communautaire d'hébergement et de soutien.",
        3,
    ),
)

NAME_WORDS = (
    "L'Envol",
    "Le Transit",
    "La Rosée",
    "L'Éclaircie",
    "Le Phare",
    "La Passerelle",
    "Le Tremplin",
    "L'Escale",
    "La Boussole",
    "Le Repère",
    "L'Arc-en-ciel",
    "La Ruche",
    "Les Petits Cailloux",
    "La Souris Verte",
    "Le Jardin en santé",
    "Les Trois Petits Pas",
    "Le Royaume des enfants",
    "La Chrysalide",
    "L'Oasis",
    "Le Havre",
    "La Source",
    "Le Séjour",
    "La Chambrée",
    "Mieux-Être",
    "Mieux-Vivre",
    "L'Arrimage",
    "Le Cercle",
    "La Marée",
    "L'Ancrage",
    "Le Pont",
    "Le Nid",
    "Les Matins Doux",
    "Le Petit Monde",
    "La Courte Échelle",
    "Le Carrousel",
    "Le Fil d'Ariane",
    "Espace Famille",
    "La Bouée",
    "Le Relais",
    "Le Rucher",
    "La Clé",
    "L'Entre-Deux",
    "Le Pignon bleu",
    "La Mosaïque",
    "Le Sentier",
)
SURNAMES = (
    "Tremblay",
    "Gagnon",
    "Bouchard",
    "Côté",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Poulin",
    "Thibault",
    "St-Pierre",
    "Nadeau",
    "Martin",
    "Landry",
    "Martel",
    "Bédard",
    "Grenier",
    "Lessard",
    "Bernier",
    "Richard",
    "Michaud",
    "Hébert",
    "Desjardins",
    "Couture",
    "Turcotte",
    "Lachance",
    "Parent",
    "Blais",
    "Gosselin",
    "Savard",
    "Proulx",
    "Beaudoin",
    "Harvey",
    "Girard",
    "Duchesne",
    "Larouche",
    "Villeneuve",
    "Maltais",
    "Gaudreault",
    "Boivin",
    "Dufour",
    "Néron",
)
FIRST_NAMES = (
    "Marie",
    "Jean",
    "Louise",
    "Pierre",
    "Claudette",
    "Josette",
    "Marcel",
    "Yvette",
    "Gilles",
    "Thérèse",
    "Rolland",
    "Huguette",
    "Réjean",
    "Ginette",
    "Gaétan",
    "Lise",
    "Normand",
    "Francine",
    "Denis",
    "Monique",
    "Alphonse",
    "Rita",
)
STREETS = ("rue", "boulevard", "avenue", "chemin", "rang", "route")
SYLLABLES = (
    "ka",
    "pi",
    "ta",
    "no",
    "mi",
    "ssa",
    "to",
    "ke",
    "wa",
    "shi",
    "ne",
    "ro",
    "lu",
    "ma",
    "gan",
    "ak",
    "tuk",
    "ou",
)
GENERIC_SENTENCES = (
    "Les services sont gratuits et confidentiels.",
    "Sur rendez-vous, du lundi au vendredi.",
    "Service offert en français; interprètes sur demande.",
    "Les intervenants peuvent se déplacer à domicile.",
    "Aucune référence n'est nécessaire.",
    "Les places sont limitées : il vaut mieux appeler avant de se présenter.",
    "Les locaux sont accessibles en fauteuil roulant.",
    "Une contribution volontaire est demandée.",
    "Service offert en personne, par téléphone ou par visioconférence.",
)
PROCESSES = (
    "Appeler pour prendre rendez-vous.",
    "Se présenter sans rendez-vous pendant les heures d'ouverture.",
    "Référence d'un intervenant du CLSC requise.",
    "Remplir le formulaire d'inscription en ligne.",
    "Inscription par téléphone au début de chaque session.",
)
FEES = ("Gratuit.", "Contribution volontaire.", "5 $ par rencontre.", "Tarif selon le revenu.", "")
# (status, weight): most services are active, a few are not any more.
STATUSES = (("active", 88), ("inactive", 5), ("temporarily closed", 3), ("defunct", 4))


def place_rows(gazetteer: Iterable[object]) -> list[PlaceRow]:
    """The places of ``gazetteer`` (a ``directory.places.Gazetteer``, iterable over its places)."""
    return [PlaceRow(p.id, p.name, p.kind, p.parent_id) for p in gazetteer]  # type: ignore[attr-defined]


class Territory:
    """Places by kind and by parent, for drawing coherent service areas."""

    def __init__(self, rows: Iterable[PlaceRow]) -> None:
        self.rows = {r.id: r for r in rows}
        self.by_kind: dict[str, list[PlaceRow]] = {}
        self.children: dict[str, list[PlaceRow]] = {}
        for row in self.rows.values():
            self.by_kind.setdefault(row.kind, []).append(row)
            if row.parent_id:
                self.children.setdefault(row.parent_id, []).append(row)
        self.localities = self.by_kind.get("municipalite", []) + self.by_kind.get("arrondissement", [])

    def up(self, place: PlaceRow, kinds: Sequence[str]) -> PlaceRow | None:
        """The nearest ancestor of ``place`` of one of ``kinds``."""
        current: PlaceRow | None = place
        while current is not None:
            if current.kind in kinds:
                return current
            current = self.rows.get(current.parent_id) if current.parent_id else None
        return None

    def siblings(self, place: PlaceRow) -> list[PlaceRow]:
        """Places with the same parent (neighbouring municipalities of an MRC)."""
        return [p for p in self.children.get(place.parent_id or "", []) if p.id != place.id]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _proper_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(NAME_WORDS)
    if roll < 0.75:
        return f"{rng.choice(FIRST_NAMES)}-{rng.choice(SURNAMES)}"
    # invented names, so the vocabulary keeps growing with the directory as real ones do
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return f"{rng.choice(('Le', 'La', 'Les', 'Centre', 'Espace'))} {word.capitalize()}"


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _area(rng: random.Random, territory: Territory, home: PlaceRow) -> tuple[str, ...]:
    roll = rng.random()
    if roll < 0.50:
        return (home.id,)
    if roll < 0.60:
        near = territory.siblings(home)
        return (home.id, *(p.id for p in rng.sample(near, min(len(near), rng.randint(1, 3)))))
    if roll < 0.78:
        mrc = territory.up(home, ("mrc", "territoire"))
        return (mrc.id,) if mrc else (home.id,)
    if roll < 0.90:
        region = territory.up(home, ("region",))
        return (region.id,) if region else (home.id,)
    if roll < 0.95:
        return ("QC",) if "QC" in territory.rows else (home.id,)
    return ()


def directory(size: int, places: Iterable[PlaceRow], seed: int = 20240611) -> list[ServiceDoc]:
    """``size`` services of a made-up Québec directory, the same ones for the same seed."""
    rng = random.Random(f"{seed}-{size}")
    territory = Territory(places)
    if not territory.localities:
        raise ValueError("le répertoire de lieux ne contient aucune municipalité")
    kinds = [(t, w) for t, _, _, w in ORG_TYPES]
    types = {t: (needs, sentence) for t, needs, sentence, _ in ORG_TYPES}
    docs: list[ServiceDoc] = []
    while len(docs) < size:
        template = _weighted(rng, kinds)
        needs, org_sentence = types[template]
        home = rng.choice(territory.localities)
        mrc = territory.up(home, ("mrc", "territoire")) or home
        region = territory.up(home, ("region",)) or home
        org_name = template.format(place=home.name, mrc=mrc.name, region=region.name, nom=_proper_name(rng))
        org_id = _uuid(rng)
        number = rng.randint(10, 9999)
        street = (
            f"{rng.choice(STREETS)} {rng.choice(('Saint-', 'Sainte-', ''))}{rng.choice(SURNAMES)}".replace(
                "- ", "-"
            )
        )
        org_description = (
            f"{org_sentence} Nos locaux sont situés au {number}, {street}, à {home.name}. "
            f"L'organisme dessert {region.name if rng.random() < 0.3 else home.name} depuis {rng.randint(1970, 2020)}."
        )
        org_area = _area(rng, territory, home)
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), size - len(docs))):
            need = NEEDS_BY_KEY[rng.choice(needs)]
            name, alternate = rng.choice(need.services)
            sentences = rng.sample(need.sentences, min(len(need.sentences), rng.randint(1, 2)))
            sentences += rng.sample(GENERIC_SENTENCES, rng.randint(1, 2))
            low, high = rng.choice(need.ages)
            categories = tuple(rng.sample(need.categories, rng.randint(1, min(2, len(need.categories)))))
            process = rng.choice(PROCESSES)
            fee = rng.choice(FEES)
            texts = {
                "category": " ; ".join(categories),
                "service_name": name,
                "service_alternate_name": alternate or "",
                "organization_name": org_name,
                "eligibility": rng.choice(need.eligibility),
                "service_description": " ".join(sentences),
                "organization_description": org_description,
                "details": " ; ".join(filter(None, (process, fee))),
            }
            area = org_area if rng.random() < 0.8 else _area(rng, territory, home)
            docs.append(
                ServiceDoc(
                    service_id=_uuid(rng),
                    organization_id=org_id,
                    service_name=name,
                    organization_name=org_name,
                    texts={k: v for k, v in texts.items() if v},
                    status=_weighted(rng, STATUSES),
                    minimum_age=low,
                    maximum_age=high,
                    area_place_ids=area,
                    categories=categories,
                )
            )
    return docs


# --- Questions -------------------------------------------------------------------------------

NO_ANSWER = (
    "reparer ma voiture",
    "billets pour le match du Canadien",
    "permis de chasse",
    "cours de pilotage d'avion",
    "acheter un chalet",
    "location de motoneige",
    "meilleure pizzeria",
    "traduction du japonais ancien",
    "club de golf prive",
    "entretien de piscine creusee",
)
CRISIS = (
    "idees suicidaires",
    "mon client veut se suicider ce soir",
    "femme victime de violence conjugale urgence",
    "jeune en crise qui menace de se tuer",
    "je veux mourir",
    "ado suicidaire",
    "agression sexuelle cette nuit",
)
FRAMES = (
    "{ask}",
    "{ask} {place}",
    "{ask} a {place}",
    "{ask} pour {who}",
    "{ask} {place} pour {who}",
    "j'ai une famille qui a besoin de {ask} a {place}",
    "ou referer pour {ask}",
    "{ask} {age}",
    "{who} {age} {ask} {place}",
    "qui appeler pour {ask} dans le secteur de {place}",
    "{ask} svp",
    "ma cliente cherche {ask}",
    "{ask} region {region}",
)
WHOS = (
    "une maman monoparentale",
    "un jeune",
    "une famille",
    "un aine",
    "un monsieur",
    "une nouvelle arrivante",
    "mon client",
    "un ado",
    "une femme enceinte",
    "un pere seul",
)
AGES = (
    "3 ans",
    "enfant de 4 ans",
    "bebe de 6 mois",
    "15 ans",
    "ado de 14 ans",
    "70 ans",
    "0-5 ans",
    "personne agee",
    "22 ans",
    "8 ans",
)


def _typo(rng: random.Random, text: str) -> str:
    parts = text.split(" ")
    long_ones = [i for i, w in enumerate(parts) if len(w) >= 5]
    if not long_ones:
        return text
    i = rng.choice(long_ones)
    word = parts[i]
    j = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:j] + word[j + 1 :]  # dropped letter
    elif kind == 1:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swapped letters
    elif kind == 2:
        word = word[:j] + rng.choice("aeiourstnl") + word[j + 1 :]  # wrong letter
    else:
        word = word[:j] + word[j] + word[j:]  # doubled letter
    parts[i] = word
    return " ".join(parts)


def queries(count: int, places: Iterable[PlaceRow], seed: int = 7) -> list[tuple[str, str]]:
    """``count`` intake questions (text, kind), drawn the same way for the same seed."""
    rng = random.Random(seed)
    territory = Territory(places)
    named = territory.localities + territory.by_kind.get("secteur", []) + territory.by_kind.get("mrc", [])
    regions = territory.by_kind.get("region", [])
    found: list[tuple[str, str]] = []
    while len(found) < count:
        roll = rng.random()
        if roll < 0.06:
            text, kind = rng.choice(NO_ANSWER), "sans réponse"
            if rng.random() < 0.5:
                text += f" a {rng.choice(named).name}"
        elif roll < 0.12:
            text, kind = rng.choice(CRISIS), "crise"
        else:
            need = rng.choice(NEEDS)
            frame = rng.choice(FRAMES)
            text = frame.format(
                ask=rng.choice(need.asks),
                place=rng.choice(named).name,
                who=rng.choice(WHOS),
                age=rng.choice(AGES),
                region=rng.choice(regions).name if regions else "",
            )
            kind = (
                "lieu"
                if "{place}" in frame or "{region}" in frame
                else "âge"
                if "{age}" in frame
                else "besoin"
            )
        if rng.random() < 0.25:
            text, kind = _typo(rng, text), kind + "+faute"
        if rng.random() < 0.5:
            text = fold(text)
        elif rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.2 else text.capitalize()
        found.append((text, kind))
    return found
