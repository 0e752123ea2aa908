"""The demo's words: the names the tests look for, and the phrases of background posts.

Plain data. Placeholders in the phrases: {city} {client} {tech} {day} {n} {mention} and,
in comments, {op} (the post's author).
"""

from __future__ import annotations

from cercle.posts.models import Emoji

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
