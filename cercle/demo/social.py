"""Social content for the demo company: communities, conversations, reactions, follows.

A demo with people but no conversation shows an empty feed, and the personas
of DESIGN.md cannot be walked through. This module gives them their stories
(Thomas's tender, Alexandra's results and praise, Franck's article, the secret
executive committee, Sophie's welcome) plus background activity that looks
like a real network: a few very active authors, many quiet ones, comments on
about half the posts, reactions weighted towards 👍.

Everything is written through the same services as the web app
(``community_create``, ``post_create``, ``comment_create``, ``reaction_set``,
``follow``...) so every invariant holds: member counts, rendered HTML,
hashtags, mentions, permissions, attachment checks. Only the timestamps are
rewritten afterwards (one ``update`` per object), because a service always
stamps "now" and a demo needs six weeks of history.

All choices come from ``random.Random(seed)``; only the anchor of the clock is
"now", so the feed always looks fresh. Content is planned first, then
published in chronological order, so ids follow the story.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cercle.access.hashtags import HashtagAction, HashtagPolicy
from cercle.accounts.models import User
from cercle.communities import services as communities
from cercle.communities.models import (
    Community,
    CommunityKind,
    Invitation,
    JoinRequest,
    Membership,
    Role,
)
from cercle.core.rendering import hashtag_key
from cercle.demo.company import ALEXANDRA, CEO, FRANCK, SOPHIE, THOMAS
from cercle.network.models import Follow, HashtagFollow
from cercle.network.services import follow, hashtag_follow
from cercle.posts import services as posts
from cercle.posts.models import Attachment, Comment, Emoji, Hashtag, Post, Reaction

# Names and markers the tests and the browser tests rely on.
WELCOME = "Bienvenue sur Cercle"
VEILLE = "Veille technologique"
SUD_OUEST = "Commerciaux Sud-Ouest"
CROISSANCE = "Projet Croissance 2015"
CODIR = "Comité de direction"
TENDER_PDF = "Memoire technique - maintenance ferroviaire.pdf"
RESULTS_PDF = "Resultats T3.pdf"
THANKS_REPLY = "Merci !"

HISTORY_DAYS = 42  # how far back the conversations go
FULL_SCALE = 300  # the company size at which background activity is complete

# Background posts per place at full scale (scaled down, never below two).
BACKGROUND_POSTS: dict[str, int] = {
    "welcome": 4,
    "veille": 16,
    "sud_ouest": 10,
    "croissance": 7,
    "codir": 3,
    "qualite": 10,
    "ferroviaire": 7,
    "python": 8,
    "rh": 5,
    "grand_est": 5,
    "lyon": 4,
    "profile": 36,
}
SHARES = 3
PRAISES = 2
TAG_RATE = 0.45  # share of background posts in a place with topics that carry #tags

EMOJIS: tuple[str, ...] = (Emoji.LIKE, Emoji.LOVE, Emoji.CELEBRATE, Emoji.IDEA, Emoji.DONE)
EMOJI_WEIGHTS: tuple[int, ...] = (55, 10, 12, 13, 10)

CITIES = (
    "Toulouse",
    "Bordeaux",
    "Pau",
    "Lyon",
    "Grenoble",
    "Strasbourg",
    "Metz",
    "Lille",
    "Nantes",
    "Rennes",
    "Marseille",
    "Nanterre",
)
CLIENTS = (
    "Aciéries de Lorraine",
    "Chimie du Rhône",
    "Transports Garonne",
    "Papeteries de l'Adour",
    "Énergies Loire Atlantique",
    "Verrerie du Nord",
    "Aéronautique Occitane",
    "Laiterie des Monts d'Arrée",
    "Cimenteries du Sud",
    "Port autonome de Gascogne",
)
TECHS = (
    "Python 3.14",
    "Kubernetes",
    "PostgreSQL 18",
    "Django",
    "React",
    "Terraform",
    "Grafana",
    "Rust",
    "OpenTelemetry",
    "htmx",
)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")

# Topics: a background post may carry the #tags its own words call for (never
# "#codir": that one belongs to the secret committee's story alone).
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "veille": ("article", "à lire", "meetup", "comparatif", "nouvelle version", "veille"),
    "python": ("python", "pytest", "pyproject"),
    "sécurité": ("sécurité", "epi", "accident", "vulnérabilité", "habilitation", "prévention"),
    "qualité": ("iso 9001", "audit", "qualité", "non-conformité", "retour d'expérience"),
    "ferroviaire": ("ferroviaire", "voies", "caténaires", "aiguillages"),
    "appeldoffres": ("consultation", "marchés publics", "référence client", "chiffrage"),
    "recrutement": ("recrut", "poste ouvert", "alternance", "cooptation", "première semaine"),
    "résultats": ("indicateur", "taux de transformation", "pipeline", "trésorerie"),
    "innovation": ("idée", "ia générative", "tablettes", "offre cloud", "prédictive"),
    "client": ("client",),
}

# Placeholders: {city} {client} {tech} {day} {n} {mention} (an @handle of a reader).
TEMPLATES: dict[str, tuple[str, ...]] = {
    "welcome": (
        "Astuce Cercle : cliquez sur un mot précédé d'un dièse pour voir tous les messages "
        "du même sujet, puis sur « Suivre » pour n'en rater aucun.",
        "Astuce Cercle : pour remercier un collègue publiquement, choisissez « Merci » dans la "
        "zone de publication. Ça fait toujours plaisir !",
        "Nouvelle communauté : **Qualité et sécurité**, pour partager les bonnes pratiques du "
        "terrain. Rejoignez-la !",
        "Astuce Cercle : sur téléphone, installez Cercle comme une application (menu du "
        "navigateur, puis « Ajouter à l'écran d'accueil »).",
        "Vous ne savez pas à qui poser une question ? L'annuaire cherche par compétence : "
        "essayez « ferroviaire » ou « Python ».",
        "Bonjour à tous ! Je découvre Cercle : quelles communautés me conseillez-vous quand on "
        "travaille à {city} ?",
    ),
    "veille": (
        "Article intéressant sur l'observabilité avec OpenTelemetry : on pourrait l'essayer "
        "sur le projet {client}. https://example.com/veille/opentelemetry",
        "**{tech}** sort en nouvelle version. Principales nouveautés :\n\n"
        "- de meilleures performances\n- une configuration simplifiée\n"
        "- la fin de l'ancienne API\n\nQuelqu'un l'a déjà testé en production ?",
        "Retour du meetup {tech} à {city} hier soir : beaucoup de retours d'expérience sur les "
        "migrations. Mes notes : https://example.com/veille/meetup-{n}",
        "Comparatif utile entre PostgreSQL et les bases NoSQL pour les données de capteurs "
        "industriels : https://example.com/veille/bases-capteurs",
        "L'IA générative est partout, mais chez nos clients industriels les cas d'usage "
        "concrets restent la documentation technique et la maintenance prédictive.",
        "Rappel : la conférence interne sur la cybersécurité a lieu {day} à 12 h 30. "
        "{mention} présentera les résultats du dernier audit.",
        "Quelqu'un a un avis sur les outils de revue de code assistée par IA ? On hésite entre "
        "deux solutions pour l'équipe de {city}.",
        "À lire : un guide très clair sur l'architecture hexagonale, utile pour les nouveaux "
        "arrivants. https://example.com/veille/architecture-hexagonale",
        "Vulnérabilité critique dans une bibliothèque de journalisation très répandue : "
        "**vérifiez vos dépendances**. Le détail : https://example.com/veille/cve-{n}",
        "J'ai testé {tech} sur un petit projet de supervision : prise en main rapide, "
        "documentation excellente. Je peux faire une démo à ceux que ça intéresse.",
        "Les slides de ma présentation sur la dette technique sont en ligne : "
        "https://example.com/veille/dette-technique. Merci {mention} pour la relecture !",
        "Veille de la semaine :\n\n1. WebAssembly côté serveur\n"
        "2. les bases de données vectorielles\n3. le retour des monolithes modulaires\n\n"
        "Lequel voulez-vous que je creuse ?",
        "Podcast recommandé pour les trajets : un épisode sur l'informatique industrielle et la "
        "cybersécurité des automates. https://example.com/veille/podcast-ot",
        "Le jumeau numérique, buzzword ou vraie tendance ? Un retour d'expérience chez un "
        "industriel de l'agroalimentaire : https://example.com/veille/jumeau-numerique",
        "Nouveau rapport de l'ANSSI sur la sécurité des systèmes industriels. Les "
        "recommandations tiennent en une page : https://example.com/veille/anssi",
        "Quelqu'un a testé les bases de données orientées séries temporelles pour nos capteurs ? "
        "{mention} m'a parlé de TimescaleDB.",
        "Mon résumé de la conférence Devoxx : **sobriété numérique**, plateformes internes et "
        "beaucoup d'IA. Les vidéos : https://example.com/veille/devoxx",
    ),
    "sud_ouest": (
        "Rendez-vous chez {client} à {city} ce matin : ils veulent étendre le contrat de "
        "maintenance à leur deuxième site. Je prépare une proposition d'ici {day}.",
        "Qui est disponible {day} pour m'accompagner à une visite de site à {city} ? Il me faut "
        "quelqu'un qui connaît bien l'hydraulique.",
        "Bonne nouvelle : nous avons remporté le contrat de maintenance de {client} ! Trois ans, "
        "reconduction possible. Bravo à toute l'équipe 🎉",
        "Le salon de l'industrie de Toulouse approche : qui tient le stand le mardi ? "
        "Inscriptions ici : https://example.com/agenda/salon-toulouse",
        "Point pipeline du mois : **{n} opportunités** en cours sur la région, dont quatre "
        "marchés publics. On en parle lundi en réunion.",
        "Astuce chiffrage : pensez à intégrer les astreintes du week-end dans les offres de "
        "maintenance, on les a oubliées deux fois ce trimestre.",
        "{client} relance sa consultation sur la maintenance des installations électriques, "
        "réponse dans trois semaines. {mention}, tu veux la prendre ?",
        "Je cherche une référence client récente dans l'agroalimentaire pour un dossier à "
        "{city}. Des idées ?",
        "La nouvelle grille tarifaire des interventions est en ligne : "
        "https://example.com/ventes/tarifs. Elle s'applique aux offres envoyées à partir de "
        "lundi.",
        "Réunion d'équipe {day} à 9 h à Toulouse, en visio pour ceux qui sont sur la route. "
        "Ordre du jour : pipeline, salon, formation chiffrage.",
        "Retour de visite chez {client} : leur responsable maintenance part à la retraite, "
        "c'est le moment de présenter notre offre de maintenance prédictive.",
    ),
    "croissance": (
        "Compte rendu de l'atelier Croissance 2015 de {day} :\n\n"
        "- priorité aux offres de services managés\n"
        "- recrutement de {n} consultants d'ici la fin de l'année\n"
        "- une revue mensuelle des indicateurs\n\nVos commentaires sont bienvenus.",
        "Le rapport d'étape du projet est en ligne : "
        "https://example.com/croissance/rapport-etape. Merci de le relire avant le comité "
        "de pilotage de jeudi.",
        "Nouvel indicateur : le taux de transformation de nos propositions est passé de 28 % "
        "à 34 % ce trimestre. Beau travail des équipes commerciales !",
        "Question pour le groupe : comment mieux partager nos références clients entre "
        "régions ? Chaque agence a sa propre liste, on perd un temps fou.",
        "Le chantier « offre cloud pour les PME industrielles » démarre : {mention} en sera "
        "le pilote. Premier jalon : une offre packagée avant l'été.",
        "Rappel : comité de pilotage Croissance 2015 {day} à 14 h. Ordre du jour : "
        "https://example.com/croissance/copil",
        "Benchmark de nos concurrents sur les services managés : nous sommes bien placés sur "
        "le prix, moins sur la couverture géographique. Le détail au prochain atelier.",
        "Proposition : un binôme commercial + consultant sur chaque grand compte. Qui veut "
        "tester avec {client} ?",
    ),
    "codir": (
        "Ordre du jour du prochain comité : budget de l'an prochain, plan de recrutement et "
        "point sur les grands comptes.",
        "Les chiffres de trésorerie du mois sont bons : merci de ne pas les diffuser avant la "
        "communication officielle.",
        "Proposition : une convention annuelle des managers en janvier à Lyon. Vos avis "
        "avant vendredi ?",
    ),
    "qualite": (
        "**Rappel sécurité** : le port des EPI est obligatoire sur tous les sites clients, même "
        "pour une visite rapide. Un casque ne prend pas de place dans le coffre.",
        "Audit ISO 9001 réussi sur le site de {city}, sans aucune non-conformité majeure. "
        "Merci à tous pour la préparation !",
        "Retour sur le presque-accident de {day} à {city} : une échelle mal calée. Personne "
        "n'a été blessé, mais refaisons le point sur les consignes en équipe.",
        "Le nouveau formulaire de remontée d'incident est en ligne : "
        "https://example.com/qualite/incident. Il se remplit en deux minutes sur téléphone.",
        "Chiffre du mois : **{n} jours** sans accident avec arrêt. Continuons !",
        "Quelqu'un a un modèle à jour de plan de prévention pour les interventions chez les "
        "industriels de la chimie ?",
        "La formation à l'habilitation électrique aura lieu à {city} le mois prochain. "
        "Inscriptions auprès de {mention}.",
        "Rappel sur les déchets de fin de chantier : tri obligatoire et bordereau de suivi "
        "signé par le client.",
        "Quart d'heure sécurité de la semaine : **le travail en hauteur**. Le support est ici "
        "https://example.com/qualite/quart-heure-hauteur",
        "Enquête de satisfaction client du semestre : 8,2 sur 10. Les points à améliorer : "
        "les délais de remise des rapports d'intervention.",
        "Nouvelle version de la procédure de consignation électrique, merci de la lire avant "
        "votre prochaine intervention : https://example.com/qualite/consignation",
    ),
    "ferroviaire": (
        "Le plan de régénération des voies du Sud-Ouest va générer plusieurs consultations de "
        "maintenance l'an prochain. À suivre de près.",
        "Formation sécurité ferroviaire (interventions en emprise) : il reste {n} places à {city}.",
        "Chantier de maintenance des aiguillages à {city} : travail de nuit, coupure de voie de "
        "quatre heures, tout est passé. Bravo aux équipes !",
        "Article intéressant sur la maintenance prédictive des caténaires : "
        "https://example.com/ferroviaire/catenaires",
        "Qui connaît bien les référentiels de sécurité des gestionnaires d'infrastructure ? "
        "{mention} me dit que les exigences ont changé cette année.",
        "Compte rendu de la visite de l'atelier de maintenance de {city} : "
        "https://example.com/ferroviaire/visite-atelier",
        "Les véhicules rail-route de l'agence de Bordeaux sont réservés jusqu'à fin du mois. "
        "Pensez à anticiper vos demandes.",
        "Salon du ferroviaire à Lille le mois prochain : qui y va ? On pourrait partager le "
        "stand avec l'ingénierie.",
    ),
    "python": (
        "Prochain atelier du club : **tests avec pytest**, {day} midi, en visio. Apportez vos "
        "questions !",
        "Astuce : `python -X importtime` montre ce qui ralentit le démarrage d'un script. Très "
        "utile sur nos outils internes.",
        "Quelqu'un a déjà migré un projet de `setup.py` vers `pyproject.toml` avec uv ? Retours "
        "bienvenus.",
        "Le code de notre petit outil de rapports de maintenance est sur la forge interne : "
        "https://example.com/forge/rapports-maintenance. Les contributions sont bienvenues.",
        "Python 3.14 est sorti : les annotations différées et le nouveau REPL en couleurs sont "
        "très agréables.",
        "Kata du mois : lire les relevés de capteurs d'une ligne de production et détecter les "
        "anomalies. L'énoncé : https://example.com/forge/kata-capteurs",
        "Petit script pour convertir les exports de la GMAO en tableur : "
        "https://example.com/forge/export-gmao. Il a fait gagner une heure par semaine à "
        "{mention}.",
        "Typage : on active `mypy --strict` sur les nouveaux projets à partir de maintenant. "
        "Qui veut un coup de main pour démarrer ?",
        "Replay de l'atelier sur les dataclasses et Pydantic : "
        "https://example.com/forge/replay-dataclasses",
    ),
    "rh": (
        "Nous recrutons **{n} développeurs** pour l'unité Services informatiques, à Lyon et à "
        "Nanterre. Vos recommandations sont bienvenues : https://example.com/carrieres",
        "Poste ouvert : technicien de maintenance à {city}, en CDI. Prime de cooptation pour "
        "toute recommandation retenue.",
        "Les entretiens annuels démarrent le mois prochain : le nouveau support est ici "
        "https://example.com/rh/entretiens",
        "Rappel aux managers : merci de valider les demandes de formation avant la fin du mois.",
        "Forum de l'alternance à {city} {day} : qui peut venir présenter son métier aux "
        "étudiants ?",
    ),
    "grand_est": (
        "Réunion des agences du Grand Est {day} à Metz : ordre du jour et covoiturage ici "
        "https://example.com/agences/grand-est",
        "L'agence de Strasbourg cherche un technicien en renfort pour deux semaines sur un "
        "arrêt technique chez {client}.",
        "Bravo à l'équipe de Reims pour la reprise du contrat de maintenance de {client} !",
        "Travaux sur l'A4 cette semaine : prévoyez de la marge pour les interventions vers Metz.",
        "Quelqu'un a un contact chez {client} ? Ils lancent un projet de modernisation de leurs "
        "lignes.",
    ),
    "lyon": (
        "Afterwork jeudi 18 h 30 à la Croix-Rousse ! Inscrivez-vous en commentaire pour qu'on "
        "réserve 🍻",
        "Qui est partant pour courir le long des quais mardi midi ?",
        "Photos de l'afterwork de vendredi : https://example.com/photos/afterwork. Merci à "
        "tous d'être venus !",
        "Tournoi de pétanque inter-équipes en juin : on monte une équipe ?",
    ),
    "profile": (
        "De retour d'une journée chez {client} à {city} : client très satisfait de la "
        "réactivité de nos équipes. Ça fait plaisir !",
        "En congés la semaine prochaine. Pour les urgences, contactez {mention}.",
        "Première semaine chez Hexagone : merci à tous pour l'accueil, et en particulier à "
        "{mention} !",
        "Je viens de terminer la formation {tech}, je la recommande. Les supports : "
        "https://example.com/formation/{n}",
        "Idée : et si on partageait nos comptes rendus de visite client dans les communautés "
        "régionales ? On gagnerait du temps sur les offres.",
        "Belle réussite de la migration de la GMAO chez {client} ce week-end. Bravo à l'équipe !",
        "Je cherche un expert en hydraulique pour un diagnostic à {city} la semaine prochaine. "
        "Des pistes ?",
        "Conférence passionnante ce matin sur la transition énergétique dans l'industrie. "
        "Mes notes : https://example.com/notes/transition-energetique",
        "Dix ans chez Hexagone aujourd'hui ! Merci à toutes celles et ceux qui ont rendu ces "
        "années si riches.",
        "Nouveau client signé à {city} : {client}. La maintenance démarre le mois prochain.",
        "Merci à {mention} pour son aide précieuse sur le dossier {client} !",
        "Nos tablettes de terrain font gagner vingt minutes par intervention sur la saisie des "
        "rapports. Qui veut essayer ?",
        "Question du jour : quels outils utilisez-vous pour préparer vos interventions chez "
        "les clients ? Je fais une synthèse.",
        "Trois choses apprises cette semaine :\n\n- écouter avant de chiffrer\n"
        "- toujours visiter le site\n- relire le cahier des charges deux fois",
        "Je serai à {city} {day} et jeudi : si quelqu'un veut se voir pour un café, "
        "faites-moi signe.",
        "Quelqu'un connaît un bon organisme de formation en anglais technique ? Mon équipe en "
        "a besoin pour un client international.",
        "Déménagement de l'agence de {city} terminé : nouvelle adresse et plan d'accès ici "
        "https://example.com/agences/{n}",
        "Le projet pour {client} est livré, avec une semaine d'avance. Merci {mention} et toute "
        "l'équipe !",
        "Je cherche quelqu'un qui a déjà travaillé avec {client} : j'ai besoin de comprendre "
        "leur organisation achats.",
        "Petit rappel : les notes de frais du mois sont à saisir avant vendredi.",
        "Qui a des retours sur les nouveaux téléphones de service ? La batterie tient-elle "
        "toute une journée de tournée ?",
        "Journée portes ouvertes à l'agence de {city} samedi : venez avec vos familles !",
        "Retour d'expérience : un point de 10 minutes chaque matin avec l'équipe a divisé par "
        "deux nos reprises d'intervention.",
        "Je lance un groupe de travail sur la réduction de nos déplacements. Volontaires ? "
        "{mention} est déjà partant.",
        "Fier de l'équipe de {city} qui a relancé la ligne de production de {client} en une "
        "nuit. Chapeau !",
        "Nouvelle certification obtenue : **{tech}**. Prêt à aider ceux qui la préparent.",
        "Vous cherchez une salle à {city} ? La grande salle de réunion est libre tous les "
        "mercredis après-midi.",
        "Lecture du week-end : un livre sur la maintenance prédictive, très concret. Je le "
        "prête à qui veut.",
    ),
}

PRAISE_TEMPLATES = (
    "Bravo @{handle} pour la reprise du dossier {client}, en un temps record !",
    "Un grand merci à @{handle} qui a dépanné l'équipe de {city} un samedi matin.",
    "Merci @{handle} pour ta patience et tes explications pendant mon intégration !",
)
SHARE_BODIES = ("À lire !", "Utile pour tout le monde.", "", "Je partage, ça vaut le détour.")

# Comments that fit any post, then a few that only fit one place.
COMMENTS = (
    "Merci pour le partage !",
    "Très utile, merci.",
    "Intéressant ! On en reparle à la prochaine réunion ?",
    "+1, même constat de notre côté.",
    "Je transmets à mon équipe.",
    "Top, merci pour l'info.",
    "On a eu exactement le même cas à {city} le mois dernier.",
    "Je peux aider si besoin, dis-moi.",
    "Merci, je regarde ça cette semaine.",
    "Bonne idée, ça intéresserait aussi l'équipe de {city}.",
    "Je note, merci pour le rappel.",
    "Très clair, merci.",
    "Ça me rappelle le projet chez {client}, on avait fait pareil.",
    "Merci {op}, je n'avais pas vu passer l'info.",
)
COMMENT_EXTRAS: dict[str, tuple[str, ...]] = {
    "welcome": ("Merci pour l'astuce !", "Je ne savais pas, c'est pratique."),
    "veille": ("Je l'avais lu aussi, très bon article.", "Ça vaudrait un atelier interne !"),
    "sud_ouest": ("Qui est l'interlocuteur côté client ?", "Je suis dispo, dis-moi."),
    "croissance": ("D'accord sur le fond, reste à chiffrer.", "Je relis et je te fais un retour."),
    "codir": ("D'accord.", "On en parle en comité."),
    "qualite": ("Est-ce que ça s'applique aussi aux sous-traitants ?", "Bon rappel, merci."),
    "ferroviaire": ("Je suis intéressé, je m'inscris.", "Bravo aux équipes de nuit !"),
    "python": ("Je serai là !", "Super astuce, merci."),
    "rh": ("Je relaie dans mon équipe.", "J'ai peut-être quelqu'un, je t'écris."),
    "grand_est": ("Je peux dépanner la deuxième semaine.", "Merci pour l'info."),
    "lyon": ("Je m'inscris !", "Partant 🙂", "Je serai là."),
    "profile": ("Merci pour le partage 🙂", "Je te fais signe si j'ai une idée."),
}
REPLIES = (
    "Merci @{handle} !",
    "@{handle} oui, tout à fait.",
    "Avec plaisir @{handle} !",
    "Merci @{handle}, à bientôt.",
    "@{handle} 🙂",
)

TENDER_TEXT = (
    "Hexagone Services Industriels - Agence Sud-Ouest. Réponse type à un appel d'offres de "
    "maintenance ferroviaire (voies, aiguillages, installations fixes).",
    "1. Compréhension du besoin : maintenance préventive et corrective des installations, "
    "astreinte 24 h/24, interventions de nuit pendant les coupures de voie.",
    "2. Organisation proposée : un chef de projet dédié, trois équipes d'intervention basées "
    "à Toulouse, Bordeaux et Pau, un bureau d'études en appui.",
    "3. Moyens humains et matériels : techniciens habilités aux interventions en emprise "
    "ferroviaire, véhicules rail-route, outillage de mesure étalonné.",
    "4. Sécurité et qualité : plan de prévention par chantier, certification ISO 9001, "
    "analyse de risques avant chaque intervention, retour d'expérience mensuel.",
    "5. Références : maintenance des voies de service du Sud-Ouest (2023-2025), "
    "régénération d'aiguillages en Occitanie (2024).",
    "Document réutilisable : mettre à jour les références, les effectifs et le planning.",
)
RESULTS_TEXT = (
    "Unité Services informatiques - troisième trimestre.",
    "Chiffre d'affaires : 48,2 millions d'euros, en hausse de 6 % sur un an.",
    "Marge opérationnelle : 9,1 % (objectif annuel : 9 %).",
    "Prises de commandes : 52 millions d'euros, portées par les services managés.",
    "Effectif : 201 personnes, 14 recrutements et 5 départs sur le trimestre.",
    "Satisfaction client : 8,4 sur 10 (enquête trimestrielle, 120 réponses).",
    "Priorités du quatrième trimestre : offre cloud pour les PME industrielles, "
    "industrialisation des déploiements, formation des chefs de projet.",
)


@dataclass(slots=True)
class SocialResult:
    """What the social demo created (printed by ``cercle demo``)."""

    communities: int = 0
    posts: int = 0
    comments: int = 0
    reactions: int = 0
    attachments: int = 0

    def summary(self) -> str:
        return (
            f"{self.communities} communities, {self.posts} posts, {self.comments} comments, "
            f"{self.reactions} reactions, {self.attachments} attachments"
        )


def _scale(users: int) -> float:
    return min(1.0, users / FULL_SCALE)


def _background_count(place: str, users: int) -> int:
    return max(2, round(BACKGROUND_POSTS[place] * _scale(users)))


def social_steps(users: int) -> int:
    """How many ``progress`` steps ``build_social_demo`` reports for ``users`` people.

    One step per community, per person joining the welcome community, per
    person's follows, per post and per comment. The number of comments is only
    known once planned, so the build reports exactly this total: it holds back
    surplus steps and pays any shortfall at the end (the bar ends at 100 %).
    """
    posts_ = sum(_background_count(place, users) for place in BACKGROUND_POSTS) + 8
    return 11 + 2 * users + posts_ + round(posts_ * 1.6)


def demo_pdf(title: str, paragraphs: Sequence[str]) -> bytes:
    """A valid one-page PDF 1.4 of French text, written by hand (no PDF library needed).

    Helvetica with WinAnsiEncoding covers French accents; the cross-reference
    table holds the exact byte offset of each object, so readers and text
    extractors open it without repairing it.
    """

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", errors="replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, 88))
        lines.append("")
    operations = [b"BT", b"/F1 16 Tf", b"72 770 Td", literal(title) + b" Tj", b"/F1 11 Tf"]
    operations += [b"15 TL", b"0 -12 Td"]
    operations += [b"T* " + literal(line) + b" Tj" for line in lines[:44]]
    operations.append(b"ET")
    stream = b"\n".join(operations)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Title %s /Producer (Cercle demo) >>" % literal(title),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass(slots=True)
class _CommentPlan:
    author: User
    body: str
    reply_to: int | None = None  # index of a top-level comment of the same post
    uploads: list[posts.Upload] = field(default_factory=list)
    reactions: list[tuple[User, str]] = field(default_factory=list)
    comment: Comment | None = None


@dataclass(slots=True)
class _PostPlan:
    """One post to publish, with its conversation; ``when`` is in minutes from today 00:00."""

    when: int
    author: User
    body: str
    community: Community | None = None
    uploads: list[posts.Upload] = field(default_factory=list)
    praised: list[User] = field(default_factory=list)
    share_of: _PostPlan | None = None
    pin: bool = False
    comment_gap: tuple[int, int] = (5, 300)  # minutes between two comments
    comments: list[_CommentPlan] = field(default_factory=list)
    reactions: list[tuple[User, str]] = field(default_factory=list)
    post: Post | None = None


def _when(days_ago: int, hour: int, minute: int = 0) -> int:
    return -days_ago * 1440 + hour * 60 + minute


class _Progress:
    """Reports exactly ``total`` steps, whatever the real count turns out to be."""

    def __init__(self, callback: Callable[[int], object], total: int) -> None:
        self.callback, self.total, self.sent = callback, total, 0

    def step(self) -> None:
        if self.sent < self.total - 1:
            self.sent += 1
            self.callback(1)

    def finish(self) -> None:
        if self.sent < self.total:
            self.callback(self.total - self.sent)
            self.sent = self.total


class _People:
    """Everyone, indexed by what the stories look people up by."""

    def __init__(self) -> None:
        self.all = list(
            User.objects.filter(is_active=True)
            .select_related("department", "region")
            .order_by("pk")
        )
        self.by_pk = {u.pk: u for u in self.all}
        by_email = {u.email: u for u in self.all}
        missing = [p.email for p in (CEO, THOMAS, ALEXANDRA, FRANCK) if p.email not in by_email]
        if missing:
            raise ValueError(f"The social demo needs the demo personas; missing: {missing}.")
        self.ceo = by_email[CEO.email]
        self.thomas = by_email[THOMAS.email]
        self.alexandra = by_email[ALEXANDRA.email]
        self.franck = by_email[FRANCK.email]
        # Sophie animates the network; should she be missing, her department stands in.
        self.sophie = (
            by_email.get(SOPHIE.email)
            or (self.in_department("Marketing et communication") or [self.ceo])[0]
        )
        self.personas = {self.ceo.pk, self.thomas.pk, self.alexandra.pk, self.franck.pk}
        self.personas.add(self.sophie.pk)
        self.directors = [u for u in self.all if u.manager_id == self.ceo.pk]
        self.leads = sorted({u.manager_id for u in self.all if u.manager_id} - {self.ceo.pk})
        self._groups: dict[tuple[str, str], list[User]] = {}
        self._colleagues: dict[int, list[User]] = {}

    def department(self, user: User) -> str:
        return user.department.name if user.department else ""

    def region(self, user: User) -> str:
        return user.region.name if user.region else ""

    def in_department(self, name: str) -> list[User]:
        return [u for u in self.all if self.department(u) == name]

    def in_region(self, name: str) -> list[User]:
        return [u for u in self.all if self.region(u) == name]

    def manager(self, user: User) -> User | None:
        return self.by_pk.get(user.manager_id) if user.manager_id else None

    def colleagues(self, user: User) -> list[User]:
        """Same department or same region: the people one naturally follows.

        Computed once per person (the follows ask for everyone's): a scan of the
        whole company per person would make a 1,000-person demo quadratic.
        """
        if not self._groups:
            for u in self.all:
                self._groups.setdefault(("d", self.department(u)), []).append(u)
                self._groups.setdefault(("r", self.region(u)), []).append(u)
        if user.pk not in self._colleagues:
            same = {
                u.pk
                for key in (("d", self.department(user)), ("r", self.region(user)))
                for u in self._groups.get(key, [])
            }
            same.discard(user.pk)
            self._colleagues[user.pk] = [self.by_pk[pk] for pk in sorted(same)]
        return self._colleagues[user.pk]


def _unique(people: Sequence[User], *, without: Sequence[User] = ()) -> list[User]:
    """People in order, each once, leaving out ``without``."""
    seen = {u.pk for u in without}
    out = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            out.append(person)
    return out


class _SocialBuilder:
    def __init__(self, *, seed: int, progress: Callable[[int], object]) -> None:
        self.rng = random.Random(seed)
        self.people = _People()
        self.progress = _Progress(progress, social_steps(len(self.people.all)))
        self.result = SocialResult()
        self.now = timezone.now()
        self.midnight = timezone.localtime(self.now).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.communities: dict[str, Community] = {}
        self.members: dict[str, list[User]] = {}
        self.readers: dict[str, list[User]] = {}  # members, plus passers-by for open ones
        self.weights = self._author_weights()

    # -- time --------------------------------------------------------------

    def at(self, when: int) -> datetime:
        """The moment ``when`` minutes after today 00:00 (local time), never in the future."""
        return min(self.midnight + timedelta(minutes=when), self.now - timedelta(minutes=1))

    @staticmethod
    def office_hours(moment: datetime) -> datetime:
        """Move a night-time moment to the next morning: people comment at work, not at 3 am.

        Keeps the minute, so moments computed one after the other stay in order.
        """
        local = timezone.localtime(moment)
        if local.hour >= 20:
            local = (local + timedelta(days=1)).replace(hour=7)
        elif local.hour < 7:
            local = local.replace(hour=7)
        return local

    # -- people --------------------------------------------------------------

    def _author_weights(self) -> dict[int, float]:
        """A few very active authors, many quiet ones (personas tell their own stories)."""
        pool = [u for u in self.people.all if u.pk not in self.people.personas]
        self.rng.shuffle(pool)
        weights: dict[int, float] = {}
        for rank, person in enumerate(pool[:38]):
            weights[person.pk] = 10.0 if rank < 3 else 3.0 if rank < 10 else 1.0
        weights[self.people.franck.pk] = 3.0
        weights[self.people.sophie.pk] = 5.0
        return weights

    def _pick_author(self, place: str) -> User:
        candidates = [
            u
            for u in self.members.get(place, self.people.all)
            if u.pk not in self.people.personas or u.pk in self.weights
        ]
        if place == "sud_ouest":  # keep Thomas's tender the only one he writes there
            candidates = [u for u in candidates if u.pk != self.people.thomas.pk]
        candidates = candidates or [self.people.sophie]
        weights = [self.weights.get(u.pk, 0.03) for u in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def _sample(
        self, people: Sequence[User], k: int, *, without: Sequence[User] = ()
    ) -> list[User]:
        pool = _unique(people, without=without)
        return self.rng.sample(pool, max(0, min(k, len(pool))))

    # -- communities ---------------------------------------------------------

    def _community(
        self,
        key: str,
        *,
        name: str,
        description: str,
        kind: str,
        owner: User,
        members: Sequence[User],
        managers: Sequence[User] = (),
        days_ago: int,
    ) -> Community:
        community = communities.community_create(
            actor=owner, name=name, description=description, kind=kind
        )
        joined = _unique(members, without=[owner])
        for person in joined:
            if kind != CommunityKind.OPEN:
                communities.community_invite(actor=owner, community=community, user=person)
            communities.community_join(actor=person, community=community)
            if key == "welcome":
                self.progress.step()
        for person in managers:
            if person.pk != owner.pk and any(p.pk == person.pk for p in joined):
                communities.member_set_role(
                    actor=owner, community=community, user=person, role=Role.MANAGER
                )
        created = self.at(_when(days_ago, 9, self.rng.randint(0, 59)))
        Community.objects.filter(pk=community.pk).update(created_at=created)
        Membership.objects.filter(community=community).update(created_at=created)
        Invitation.objects.filter(community=community).update(created_at=created)
        self.communities[key] = community
        self.members[key] = [owner, *joined]
        readers = list(self.members[key])
        if kind == CommunityKind.OPEN:
            readers += self._sample(self.people.all, 8, without=readers)
        self.readers[key] = readers
        self.result.communities += 1
        self.progress.step()
        return community

    def build_communities(self) -> None:
        p = self.people
        everyone = p.all
        it = p.in_department("Services informatiques")
        sales = p.in_department("Ventes")
        engineers = p.in_department("Ingénierie")
        hr = p.in_department("Ressources humaines")
        marketing = p.in_department("Marketing et communication")

        self._community(
            "welcome",
            name=WELCOME,
            description="La communauté de tout le monde : présentez-vous, posez vos questions "
            "sur Cercle et découvrez les astuces pour bien démarrer.",
            kind=CommunityKind.OPEN,
            owner=p.sophie,
            members=everyone,
            managers=self._sample(marketing, 1, without=[p.sophie]),
            days_ago=HISTORY_DAYS + 5,
        )

        veille_size = min(40, max(8, round(len(everyone) * 0.13)))
        veille = [p.franck, p.alexandra]
        veille += self._sample(it, round(veille_size * 0.8) - 2, without=veille)
        veille += self._sample(everyone, veille_size - len(veille), without=veille)
        self._community(
            "veille",
            name=VEILLE,
            description="Articles, conférences et outils : ce qui change dans nos métiers "
            "techniques. Partagez ce que vous lisez !",
            kind=CommunityKind.OPEN,
            owner=p.franck,
            members=veille,
            managers=veille[2:3],
            days_ago=HISTORY_DAYS + 4,
        )

        # Thomas's regional team: every salesperson of the Sud-Ouest, led by his manager.
        lead = p.manager(p.thomas) or p.thomas
        south_west = [u for u in sales if p.region(u) == "Sud-Ouest"]
        if len(_unique([*south_west, lead])) < 4:  # a tiny company: bring in the director
            south_west += [u for u in p.directors if p.department(u) == "Ventes"]
        other_leads = [
            u for u in south_west if u.pk in p.leads and u.pk != lead.pk and u.pk != p.thomas.pk
        ]
        self._community(
            "sud_ouest",
            name=SUD_OUEST,
            description="L'équipe commerciale du Sud-Ouest : appels d'offres, visites clients, "
            "entraide entre Toulouse, Bordeaux et Pau.",
            kind=CommunityKind.PRIVATE,
            owner=lead,
            members=[p.thomas, *south_west],
            managers=other_leads[:1],
            days_ago=HISTORY_DAYS + 4,
        )

        size = min(15, max(6, len(everyone) // 10))
        croissance = [p.alexandra, p.franck, p.ceo]
        for department in ("Ventes", "Finance", "Ingénierie", "Marketing et communication"):
            croissance += self._sample(p.in_department(department), 1, without=croissance)
        croissance += self._sample(it, size - len(croissance), without=croissance)
        self._community(
            "croissance",
            name=CROISSANCE,
            description="Le programme de croissance de l'unité Services informatiques : "
            "ateliers, indicateurs, rapports d'étape.",
            kind=CommunityKind.PRIVATE,
            owner=p.alexandra,
            members=croissance,
            managers=[p.franck],
            days_ago=HISTORY_DAYS + 3,
        )

        self._community(
            "codir",
            name=CODIR,
            description="Le comité de direction : ordres du jour, décisions, sujets confidentiels.",
            kind=CommunityKind.SECRET,
            owner=p.ceo,
            members=[u for u in p.directors if u.pk != p.thomas.pk],
            days_ago=HISTORY_DAYS + 3,
        )

        engineering_head = next((u for u in p.directors if u in engineers), p.ceo)
        qualite = engineers[:30] + self._sample(everyone, max(3, len(everyone) // 30))
        self._community(
            "qualite",
            name="Qualité et sécurité",
            description="Bonnes pratiques, retours d'expérience et consignes de sécurité sur "
            "les sites clients.",
            kind=CommunityKind.OPEN,
            owner=engineering_head,
            members=qualite,
            managers=self._sample(engineers, 1, without=[engineering_head]),
            days_ago=HISTORY_DAYS + 2,
        )

        rail_owner = next((u for u in engineers if u.pk in p.leads), engineering_head)
        ferroviaire = [p.thomas, lead, *south_west[:8], *self._sample(engineers, 12)]
        self._community(
            "ferroviaire",
            name="Ferroviaire",
            description="Tout sur nos activités ferroviaires : marchés, chantiers, sécurité "
            "en emprise.",
            kind=CommunityKind.OPEN,
            owner=rail_owner,
            members=ferroviaire,
            days_ago=HISTORY_DAYS + 2,
        )

        developers = [u for u in it if u.pk not in p.personas and u not in p.directors]
        python_owner = next(
            (u for u in developers if u.job_title.startswith(("Développeu", "Architecte"))),
            developers[0] if developers else p.franck,
        )
        python = [p.franck, *self._sample(developers, min(25, len(developers) // 5 + 3))]
        self._community(
            "python",
            name="Club Python",
            description="Pour celles et ceux qui codent en Python : ateliers, astuces, katas.",
            kind=CommunityKind.OPEN,
            owner=python_owner,
            members=python,
            managers=[p.franck],
            days_ago=HISTORY_DAYS + 1,
        )

        hr_head = next((u for u in p.directors if u in hr), hr[0] if hr else p.ceo)
        hiring_managers = [p.by_pk[pk] for pk in p.leads if pk in p.by_pk]
        self._community(
            "rh",
            name="RH - Recrutement",
            description="Postes ouverts, cooptation et entretiens : l'espace des RH et des "
            "managers qui recrutent.",
            kind=CommunityKind.PRIVATE,
            owner=hr_head,
            members=[*hr, *self._sample(hiring_managers, 10)],
            days_ago=HISTORY_DAYS + 1,
        )

        grand_est = p.in_region("Grand Est")
        if len(grand_est) >= 3:
            owner = next((u for u in grand_est if u.pk in p.leads), grand_est[0])
            self._community(
                "grand_est",
                name="Grand Est - Agences",
                description="Les agences de Strasbourg, Metz et Reims : organisation, renforts, "
                "clients de la région.",
                kind=CommunityKind.PRIVATE,
                owner=owner,
                members=grand_est[:30],
                days_ago=HISTORY_DAYS + 1,
            )

        lyon = [u for u in everyone if u.site == "Lyon"]
        lyon += self._sample(p.in_region("Auvergne-Rhône-Alpes"), 5, without=lyon)
        if len(lyon) >= 3:
            owner = next((u for u in lyon if u.pk not in p.personas), p.franck)
            self._community(
                "lyon",
                name="Afterwork Lyon",
                description="Sorties, sport et afterworks entre collègues lyonnais. Tout le "
                "monde est bienvenu !",
                kind=CommunityKind.OPEN,
                owner=owner,
                members=lyon[:25],
                days_ago=HISTORY_DAYS + 1,
            )

    def build_requests(self) -> None:
        """Pending requests and invitations, so moderators have something to decide."""
        p = self.people
        engineers = p.in_department("Ingénierie")
        south_west = self.communities["sud_ouest"]
        members = {u.pk for u in self.members["sud_ouest"]}
        outsiders = [u for u in engineers if u.pk not in members]
        requester = next(
            (u for u in outsiders if p.region(u) == "Sud-Ouest"),
            outsiders[0] if outsiders else None,
        )
        if requester is not None:
            communities.community_request(
                actor=requester,
                community=south_west,
                message="Bonjour, au bureau d'études nous relisons souvent vos mémoires "
                "techniques : puis-je rejoindre la communauté pour vous aider plus tôt ?",
            )
        if "rh" in self.communities:
            rh_members = {u.pk for u in self.members["rh"]}
            it_people = [
                u
                for u in p.in_department("Services informatiques")
                if u.pk not in rh_members and u.pk not in p.personas
            ]
            if it_people:
                communities.community_request(
                    actor=self.rng.choice(it_people),
                    community=self.communities["rh"],
                    message="Je recrute deux développeurs pour mon équipe à Lyon.",
                )
        croissance_members = {u.pk for u in self.members["croissance"]}
        invitees = [u for u in p.in_department("Finance") if u.pk not in croissance_members]
        if invitees:
            communities.community_invite(
                actor=p.alexandra, community=self.communities["croissance"], user=invitees[0]
            )
        recent = self.at(_when(1, 16, 20))
        JoinRequest.objects.filter(status="pending").update(created_at=recent)
        Invitation.objects.filter(status="pending").update(created_at=recent)

    # -- network -------------------------------------------------------------

    def build_follows(self) -> None:
        p = self.people
        for person in p.all:
            manager = p.manager(person)
            if manager is not None:
                follow(follower=person, followee=manager)
            for colleague in self._sample(p.colleagues(person), self.rng.randint(3, 10)):
                follow(follower=person, followee=colleague)
            self.progress.step()
        pairs = [
            (p.alexandra, p.franck),
            (p.franck, p.alexandra),
            (p.alexandra, p.ceo),
            (p.thomas, p.alexandra),
            *((p.sophie, u) for u in (p.ceo, p.alexandra, p.franck, p.thomas)),
            *((p.ceo, u) for u in p.directors),
        ]
        for follower, followee in pairs:
            if follower.pk != followee.pk:
                follow(follower=follower, followee=followee)
        Follow.objects.filter(created_at__gte=self.now).update(
            created_at=self.at(_when(HISTORY_DAYS + 1, 10))
        )

    def _hashtag(self, name: str) -> Hashtag:
        tag, _created = Hashtag.objects.get_or_create(
            key=hashtag_key(name), defaults={"name": name}
        )
        return tag

    def build_hashtag_follows(self) -> None:
        p = self.people
        wanted = [
            (p.thomas, "appeldoffres"),
            (p.thomas, "ferroviaire"),
            (p.franck, "veille"),
            (p.franck, "python"),
            (p.alexandra, "résultats"),
            (p.alexandra, "veille"),
        ]
        for person in self._sample(p.in_department("Ingénierie"), 8):
            wanted.append((person, self.rng.choice(["sécurité", "qualité", "ferroviaire"])))
        for person in p.in_department("Ressources humaines"):
            wanted.append((person, "recrutement"))
        for person in self._sample(p.in_department("Services informatiques"), 10):
            wanted.append((person, self.rng.choice(["veille", "python", "innovation"])))
        for person, name in wanted:
            tag = self._hashtag(name)
            # One follows a topic one has seen used (a small company may lack some).
            if HashtagPolicy.can(person, HashtagAction.FOLLOW, tag):
                hashtag_follow(user=person, hashtag=tag)
        HashtagFollow.objects.filter(created_at__gte=self.now).update(
            created_at=self.at(_when(HISTORY_DAYS - 5, 11))
        )

    # -- conversations: the stories ----------------------------------------

    def plan_stories(self) -> list[_PostPlan]:
        p = self.people
        plans = [self._welcome()]

        # (b) Alexandra's quarterly results, with the report attached.
        croissance = self.members["croissance"]
        results = _PostPlan(
            when=_when(12, 9, 5),
            author=p.alexandra,
            community=self.communities["croissance"],
            body="Voici les **résultats du troisième trimestre** de l'unité Services "
            "informatiques :\n\n"
            "- chiffre d'affaires : 48,2 M€ (+6 % sur un an)\n"
            "- marge opérationnelle : 9,1 %\n"
            "- 14 recrutements\n\n"
            "Le détail est dans le document joint. Merci à toutes et à tous pour ce "
            "trimestre ! #résultats",
            uploads=[
                posts.Upload(
                    RESULTS_PDF, demo_pdf("Résultats du troisième trimestre", RESULTS_TEXT)
                )
            ],
        )
        results.comments = [
            _CommentPlan(
                p.ceo,
                "Très beaux résultats, bravo à toute l'unité. Point à creuser : la marge sur les "
                "contrats au forfait.",
            ),
            _CommentPlan(p.franck, "Merci pour la transparence ! Aura-t-on le détail par pôle ?"),
            _CommentPlan(
                p.alexandra,
                f"@{p.franck.handle} oui, je le présenterai au prochain point d'unité.",
                reply_to=1,
            ),
        ]
        for person in self._sample(croissance, 2, without=[p.alexandra, p.ceo, p.franck]):
            results.comments.append(_CommentPlan(person, "Bravo à tous 🎉"))
        results.reactions = [(p.ceo, Emoji.CELEBRATE), (p.franck, Emoji.LIKE)]
        results.reactions += [
            (u, self.rng.choice([Emoji.CELEBRATE, Emoji.LIKE, Emoji.LOVE]))
            for u in self._sample(croissance, 6, without=[p.alexandra, p.ceo, p.franck])
        ]
        plans.append(results)

        # (c) Franck's article, then Alexandra's public thanks on her profile.
        veille = self.readers["veille"]
        article = _PostPlan(
            when=_when(7, 10, 12),
            author=p.franck,
            community=self.communities["veille"],
            body="Nouvel article : les **nouvelles technologies de développement** qui vont "
            "compter pour nos projets clients.\n\n"
            "- Python 3.14 et le typage partout\n"
            "- Kubernetes pour déployer nos applications industrielles\n"
            "- l'IA générative comme assistant de revue de code\n\n"
            "[Lire l'article complet](https://example.com/blog/nouvelles-technologies-developpement)"
            " : vos retours sont les bienvenus ! #veille #python #kubernetes",
            comment_gap=(20, 240),
        )
        article.comments = [
            _CommentPlan(u, body)
            for u, body in zip(
                self._sample(veille, 3, without=[p.franck, p.alexandra]),
                (
                    "Super synthèse ! Le passage sur Kubernetes tombe à pic pour le projet "
                    "de supervision.",
                    "On a commencé le typage strict sur notre outil interne : ça attrape "
                    "vraiment des bugs.",
                    "Tu pourrais en faire une présentation au Club Python ?",
                ),
                strict=False,
            )
        ]
        if article.comments:
            article.comments.append(
                _CommentPlan(
                    p.franck,
                    f"@{article.comments[-1].author.handle} avec plaisir, je propose une date.",
                    reply_to=len(article.comments) - 1,
                )
            )
        article.reactions = [(p.alexandra, Emoji.IDEA)] + [
            (u, self._emoji()) for u in self._sample(veille, 12, without=[p.franck, p.alexandra])
        ]
        plans.append(article)
        praise = _PostPlan(
            when=_when(6, 9, 30),
            author=p.alexandra,
            praised=[p.franck],
            body=f"Merci @{p.franck.handle} pour ton excellent article sur les nouvelles "
            "technologies de développement !",
        )
        praise.comments = [_CommentPlan(p.franck, "Merci Alexandra, ça fait très plaisir !")]
        praise.reactions = [
            (u, self.rng.choice([Emoji.CELEBRATE, Emoji.LOVE, Emoji.LIKE]))
            for u in self._sample(p.colleagues(p.franck), 8, without=[p.franck, p.alexandra])
        ]
        plans.append(praise)
        plans.append(
            _PostPlan(
                when=_when(6, 15, 45),
                author=p.sophie,
                share_of=article,
                body="À lire absolument, même si vous n'êtes pas développeur !",
            )
        )

        # (d) The executive committee's confidential news (#codir lives only here).
        directors = self.members["codir"]
        codir = _PostPlan(
            when=_when(4, 18, 10),
            author=p.ceo,
            community=self.communities["codir"],
            body="**Confidentiel** : nous sommes en discussion pour reprendre une PME "
            "d'automatisme à Grenoble (45 personnes). Merci de ne rien diffuser avant "
            "l'annonce officielle ; premier point au prochain comité. #codir",
        )
        codir.comments = [
            _CommentPlan(
                p.alexandra,
                "Très bonne opportunité : leurs compétences en automatisme compléteraient "
                "notre offre. Je prépare l'analyse des synergies pour le comité.",
            )
        ]
        codir.reactions = [(u, Emoji.IDEA) for u in self._sample(directors, 3, without=[p.ceo])]
        plans.append(codir)

        # (a) Thomas asks his region for a reusable technical brief, from the road.
        lead = self.members["sud_ouest"][0]
        team = self.members["sud_ouest"]
        helpers = self._sample(team, 2, without=[p.thomas, lead]) or [lead]
        if len(helpers) < 2:
            helpers = _unique([*helpers, lead])
        tender = _PostPlan(
            when=_when(2, 8, 40),
            author=p.thomas,
            community=self.communities["sud_ouest"],
            body="Bonjour à tous ! Je réponds à un appel d'offres de **maintenance "
            "ferroviaire** (lot Occitanie, remise vendredi). Quelqu'un a-t-il un mémoire "
            f"technique réutilisable sur ce type de prestation ? @{lead.handle}, tu avais "
            "peut-être celui de l'an dernier ? #appeldoffres #ferroviaire",
            comment_gap=(15, 90),
        )
        tender.comments = [
            _CommentPlan(
                helpers[0],
                "J'ai celui qu'on a rendu l'an dernier pour la maintenance des voies en "
                "Gironde, je te le mets en pièce jointe. Pense à mettre à jour les références "
                "et les effectifs.",
                uploads=[
                    posts.Upload(
                        TENDER_PDF,
                        demo_pdf("Mémoire technique - maintenance ferroviaire", TENDER_TEXT),
                    )
                ],
                reactions=[(p.thomas, Emoji.LIKE)],
            )
        ]
        if len(helpers) > 1:
            tender.comments.append(
                _CommentPlan(
                    helpers[1],
                    "Regarde aussi les exigences sécurité du cahier des charges, ils y tiennent "
                    "beaucoup. Je peux relire ta partie organisation jeudi si tu veux.",
                )
            )
        tender.comments.append(_CommentPlan(p.thomas, THANKS_REPLY, reply_to=0))
        tender.reactions = [(u, Emoji.LIKE) for u in _unique([lead, *helpers])]
        plans.append(tender)

        # (e) Thirty seconds of field feedback, on his profile.
        field_note = _PostPlan(
            when=_when(1, 17, 25),
            author=p.thomas,
            body="Sortie de réunion chez un client à Pau : ils veulent une astreinte 24 h/24 "
            "sur leurs compresseurs. À intégrer dans nos offres de maintenance ! #retourterrain",
        )
        if lead.pk != p.thomas.pk:
            field_note.comments = [_CommentPlan(lead, "Bien vu Thomas, on en parle lundi.")]
        field_note.reactions = [
            (u, self._emoji()) for u in self._sample(team, 5, without=[p.thomas])
        ]
        plans.append(field_note)
        return plans

    def _welcome(self) -> _PostPlan:
        """Sophie's pinned welcome: what the newcomer persona reads first."""
        sophie = self.people.sophie
        welcome = _PostPlan(
            when=_when(HISTORY_DAYS, 9, 0),
            author=sophie,
            community=self.communities["welcome"],
            pin=True,
            comment_gap=(120, 2880),
            body="**Bienvenue sur Cercle !** 👋 Cercle est le réseau social interne "
            "d'Hexagone Services Industriels. Quatre idées suffisent pour bien démarrer :\n\n"
            "- **Les communautés** sont des groupes autour d'un métier, d'un projet ou d'une "
            "région. Rejoignez celles qui vous concernent : leurs messages arrivent dans votre "
            "fil d'actualité.\n"
            "- **Suivre** quelqu'un, c'est voir ses messages dans votre fil. Commencez par "
            "votre responsable et vos collègues proches.\n"
            "- **Le signe # (dièse)** collé devant un mot en fait un sujet, un « hashtag » : "
            "en écrivant #bienvenue, votre message rejoint tous ceux qui parlent de ce sujet. "
            "Cliquez sur un hashtag pour les voir tous, ou suivez-le.\n"
            f"- **Le signe @ (arobase)** collé devant le nom d'un collègue le prévient que "
            f"vous lui parlez : écrivez par exemple @{sophie.handle} pour me poser une "
            "question, je recevrai une notification.\n\n"
            "Pas d'inquiétude, vous ne pouvez rien casser. Présentez-vous en commentaire de "
            "ce message !",
        )
        newcomers = self._sample(self.people.all, 8, without=[sophie, self.people.ceo])
        for person in newcomers:
            site = f" à {person.site}" if person.site else ""
            welcome.comments.append(
                _CommentPlan(
                    person,
                    f"Bonjour à tous ! {person.first_name}, {person.job_title.lower()}{site}. "
                    "Hâte d'échanger avec vous ici.",
                )
            )
        if newcomers:
            welcome.comments.append(
                _CommentPlan(
                    sophie,
                    f"Bienvenue @{newcomers[0].handle} ! N'hésite pas si besoin.",
                    reply_to=0,
                )
            )
        welcome.reactions = [
            (u, self.rng.choice([Emoji.LIKE, Emoji.LOVE, Emoji.CELEBRATE]))
            for u in self._sample(self.people.all, 20, without=[sophie])
        ]
        return welcome

    # -- conversations: background activity ----------------------------------

    def _emoji(self) -> str:
        return self.rng.choices(EMOJIS, weights=EMOJI_WEIGHTS)[0]

    def _fill(
        self, template: str, *, author: User, readers: Sequence[User], op: User | None = None
    ) -> str:
        """``template`` with its placeholders; ``{op}`` is the post's author (in comments)."""
        others = _unique(readers, without=[author]) or _unique(self.people.all, without=[author])
        mention = "@" + self.rng.choice(others).handle
        return template.format(
            op="@" + op.handle if op is not None else mention,
            mention=mention,
            city=self.rng.choice(CITIES),
            client=self.rng.choice(CLIENTS),
            tech=self.rng.choice(TECHS),
            day=self.rng.choice(DAYS),
            n=self.rng.randint(3, 60),
        )

    def _discussion(self, plan: _PostPlan, readers: Sequence[User], place: str) -> None:
        """Comments on about half the posts (0-5, some replies), and reactions.

        Each comment gets at most one reply, and no text is said twice in a
        thread: repeated lines are what gives generated content away.
        """
        others = _unique(readers, without=[plan.author])
        if others and self.rng.random() < 0.55:
            count = self.rng.choices([1, 2, 3, 4, 5], weights=[30, 28, 20, 12, 10])[0]
            pool = [*COMMENTS, *COMMENT_EXTRAS[place]]
            self.rng.shuffle(pool)
            replies = list(REPLIES)
            self.rng.shuffle(replies)
            unanswered: list[int] = []
            for _ in range(count):
                if unanswered and self.rng.random() < 0.3:
                    parent_index = unanswered.pop(self.rng.randrange(len(unanswered)))
                    parent = plan.comments[parent_index]
                    replier = plan.author
                    if parent.author.pk == plan.author.pk:
                        replier = self.rng.choice(others)
                    body = replies.pop().format(handle=parent.author.handle)
                    plan.comments.append(_CommentPlan(replier, body, reply_to=parent_index))
                    continue
                author = self.rng.choice(others)
                body = self._fill(pool.pop(), author=author, readers=readers, op=plan.author)
                comment = _CommentPlan(author, body)
                if self.rng.random() < 0.25:
                    comment.reactions = [
                        (u, Emoji.LIKE) for u in self._sample(readers, 2, without=[author])
                    ]
                unanswered.append(len(plan.comments))
                plan.comments.append(comment)
        count = self.rng.choices([0, 1, 2, 3, 5, 8, 12], weights=[15, 20, 20, 15, 15, 10, 5])[0]
        plan.reactions = [(u, self._emoji()) for u in self._sample(others, count)]

    def plan_background(self, users: int) -> list[_PostPlan]:
        plans: list[_PostPlan] = []
        decks: dict[str, list[str]] = {}

        def draw(place: str) -> str:
            if not decks.get(place):
                decks[place] = list(TEMPLATES[place])
                self.rng.shuffle(decks[place])
            return decks[place].pop()

        def moment() -> int:
            return _when(
                self.rng.randint(1, HISTORY_DAYS - 1),
                self.rng.randint(8, 18),
                self.rng.randint(0, 59),
            )

        for place in BACKGROUND_POSTS:
            if place != "profile" and place not in self.communities:
                continue
            for _ in range(_background_count(place, users)):
                author = self._pick_author(place)
                readers = (
                    self.readers[place] if place != "profile" else self.people.colleagues(author)
                )
                body = self._fill(draw(place), author=author, readers=readers)
                topics = self._topics(place, body)
                if topics and self.rng.random() < TAG_RATE:
                    tags = self.rng.sample(topics, min(len(topics), self.rng.randint(1, 2)))
                    body += "\n\n" + " ".join(f"#{tag}" for tag in tags)
                elif self.rng.random() < 0.08:
                    others = _unique(readers, without=[author])
                    if others:
                        body += f" cc @{self.rng.choice(others).handle}"
                plan = _PostPlan(
                    when=moment(),
                    author=author,
                    body=body,
                    community=self.communities.get(place),
                )
                self._discussion(plan, readers, place)
                plans.append(plan)

        for _ in range(PRAISES):
            author = self._pick_author("profile")
            colleagues = self.people.colleagues(author)
            if not colleagues:
                continue
            thanked = self.rng.choice(colleagues)
            template = self.rng.choice(PRAISE_TEMPLATES)
            plan = _PostPlan(
                when=moment(),
                author=author,
                praised=[thanked],
                body=template.format(
                    handle=thanked.handle,
                    client=self.rng.choice(CLIENTS),
                    city=self.rng.choice(CITIES),
                ),
            )
            self._discussion(plan, colleagues, "profile")
            plans.append(plan)

        # Shares of posts anyone can read (open communities), a day or two later.
        shareable = [
            plan
            for plan in plans
            if plan.community is not None
            and plan.community.kind == CommunityKind.OPEN
            and plan.when < _when(3, 0)
        ]
        for original in self._sample_plans(shareable, SHARES):
            sharer = self._pick_author("profile")
            if sharer.pk == original.author.pk:
                continue
            share_day = original.when // 1440 + self.rng.randint(1, 2)
            share = _PostPlan(
                when=share_day * 1440 + self.rng.randint(8 * 60, 18 * 60),
                author=sharer,
                share_of=original,
                body=self.rng.choice(SHARE_BODIES),
            )
            share.reactions = [
                (u, self._emoji())
                for u in self._sample(self.people.colleagues(sharer), self.rng.randint(0, 4))
            ]
            plans.append(share)
        return plans

    @staticmethod
    def _topics(place: str, body: str) -> list[str]:
        """The #tags a post's own words call for (the watch community always has #veille)."""
        text = body.lower()
        topics = [tag for tag, words in TOPIC_WORDS.items() if any(w in text for w in words)]
        if place in ("veille", "python") and "veille" not in topics:
            topics.append("veille")
        return topics

    def _sample_plans(self, plans: Sequence[_PostPlan], k: int) -> list[_PostPlan]:
        return self.rng.sample(list(plans), min(k, len(plans)))

    # -- publishing -----------------------------------------------------------

    def publish(self, plan: _PostPlan) -> None:
        posted_at = self.at(plan.when)
        shared = plan.share_of.post if plan.share_of is not None else None
        post = posts.post_create(
            author=plan.author,
            body=plan.body,
            community=plan.community,
            uploads=plan.uploads,
            praised=plan.praised,
            shared_post=shared,
        )
        plan.post = post
        self.result.posts += 1
        self.result.attachments += len(plan.uploads)
        Post.objects.filter(pk=post.pk).update(created_at=posted_at, last_activity_at=posted_at)
        if plan.uploads:
            Attachment.objects.filter(post=post).update(created_at=posted_at)
        if plan.pin:
            posts.post_pin(actor=plan.author, post=post, pinned=True)
            Post.objects.filter(pk=post.pk).update(pinned_at=posted_at)
        self.progress.step()

        moment, last = posted_at, posted_at
        total = len(plan.comments)
        for index, item in enumerate(plan.comments):
            moment = self.office_hours(
                moment + timedelta(minutes=self.rng.randint(*plan.comment_gap))
            )
            # Strictly increasing, and never later than a few minutes ago.
            moment = min(moment, self.now - timedelta(minutes=2 * (total - index)))
            parent = plan.comments[item.reply_to].comment if item.reply_to is not None else None
            comment = posts.comment_create(
                author=item.author, post=post, body=item.body, parent=parent, uploads=item.uploads
            )
            item.comment = comment
            Comment.objects.filter(pk=comment.pk).update(created_at=moment)
            if item.uploads:
                Attachment.objects.filter(comment=comment).update(created_at=moment)
            self.result.comments += 1
            self.result.attachments += len(item.uploads)
            for user, emoji in item.reactions:
                self._react(post, user, emoji, after=moment, comment=comment)
            last = moment
            self.progress.step()
        Post.objects.filter(pk=post.pk).update(last_activity_at=last)
        for user, emoji in plan.reactions:
            self._react(post, user, emoji, after=posted_at)

    def _react(
        self, post: Post, user: User, emoji: str, *, after: datetime, comment: Comment | None = None
    ) -> None:
        posts.reaction_set(user=user, post=post, emoji=emoji, on=True, comment=comment)
        moment = self.office_hours(after + timedelta(minutes=self.rng.randint(3, 900)))
        moment = min(moment, self.now - timedelta(seconds=30))
        Reaction.objects.filter(post=post, comment=comment, user=user, emoji=emoji).update(
            created_at=moment
        )
        self.result.reactions += 1

    def build(self) -> SocialResult:
        users = len(self.people.all)
        self.build_communities()
        self.build_requests()
        self.build_follows()
        plans = self.plan_stories() + self.plan_background(users)
        # Chronological order: ids follow the story, and a share comes after its original.
        for plan in sorted(plans, key=lambda plan: plan.when):
            self.publish(plan)
        self.build_hashtag_follows()
        self.progress.finish()
        return self.result


def build_social_demo(*, seed: int, progress: Callable[[int], object]) -> SocialResult:
    """Fill the demo company (already saved) with communities, conversations and follows.

    One transaction: the services each open a savepoint, which is cheap inside
    it, and a failure leaves no half-built network.
    """
    with transaction.atomic():
        return _SocialBuilder(seed=seed, progress=progress).build()
