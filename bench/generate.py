"""Fast, deterministic data generator for the feed benchmark.

    python bench/generate.py --users 10000 --posts 1000000 --follows-per-user 100 \\
        --communities 800 --memberships-per-user 8 --seed 1 [--reset]

Why it exists: the feed is a fan-out-on-read query, and its cost depends on
the *shape* of the data far more than on its volume: how many people a viewer
follows, how skewed authorship is, how many posts sit in communities the
viewer cannot read. A uniform toy dataset would flatter it, so this generator
reproduces the skews of a real enterprise network:

* activity follows a shifted Zipf law (a few very active authors, a long tail
  of quiet ones); who is active is a random permutation, so ids say nothing;
* every person has a department and a region (their "team"); follows go to
  the same team, the same department, or to active authors;
* community sizes are Zipf-distributed; memberships lean towards big
  communities and towards those of one's department or region; 10 % of the
  communities are private and 5 % secret, so visibility filtering has work;
* 35 % of the posts are in communities (always one the author belongs to),
  20 % carry 1-3 #hashtags from a 300-tag Zipf vocabulary, 30 % get 1-5
  comments (some are replies) and 40 % get 1-10 reactions, from people who
  can see the post;
* post times cover the last 365 days (office hours, quiet weekends and
  August, activity growing over the year) and increase with the post id;
  ``last_activity_at`` and ``comment_count`` agree with the comments.

Why it is fast: rows are planned in plain Python structures (indexes, not
model instances) and written with the cheapest path of each database: COPY
on PostgreSQL, ``executemany`` in large transactions with ``synchronous=OFF``
on SQLite. Nothing is dropped or disabled: foreign keys, unique constraints
and indexes are all live while the rows go in. Only the three small tables
(people, communities, hashtags) use ``bulk_create``, so that the model's own
defaults and ids apply to them.

Why it is deterministic: every phase draws from its own ``random.Random``
seeded with ``"{seed}:{phase}"``, so the same arguments give the same rows
(ids included, on an empty database) whatever the database. The only moving
part is the clock anchor ``--now`` (default: the current hour, rounded down).

The result is described in ``bench/results/dataset.json`` (counts, timings
and the sample viewers, communities, hashtags and profiles that the latency
benchmark should use), with a copy per database vendor next to it.
"""

# Django has to be set up before the models are imported, hence the late imports.
# ruff: noqa: E402

from __future__ import annotations

import argparse
import bisect
import heapq
import itertools
import json
import os
import random
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "cercle.settings"

import django

django.setup()

from django.contrib.auth.hashers import get_hasher, make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.urls import reverse
from django.utils.text import slugify
from tqdm import tqdm

from cercle.accounts.models import Department, Endorsement, Region, Skill, User, UserSkill
from cercle.communities.models import Community, CommunityKind, Membership, Role
from cercle.core.rendering import HASHTAG_RE, hashtag_key
from cercle.core.text import fold
from cercle.documents.models import Document, DocumentPage, DocumentVersion
from cercle.follows.models import Follow, HashtagFollow
from cercle.posts.models import Comment, Emoji, Hashtag, Post, PostHashtag, Reaction
from cercle.search.index import index_community
from cercle.search.models import EntryKind, SearchEntry
from cercle.search.text import PAGE_BREAK, document_terms, index_terms

# --- Shape of the network ---------------------------------------------------------

DAYS = 365
HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US

ACTIVITY_EXPONENT = 1.1  # Zipf exponent of authorship; the shift below keeps the top sane
ACTIVITY_SHIFT = 10  # rank r weighs 1 / (r + shift) ** exponent
FIRST_VIEWER_PERCENTILE = 0.10  # user #1 is active (top 10 %) without being a star
COMMUNITY_EXPONENT = 1.0
COMMUNITY_SHIFT = 3
PRIVATE_SHARE, SECRET_SHARE = 0.10, 0.05
# Where a membership comes from: the department's communities, the region's, or any.
MEMBERSHIP_DEPARTMENT, MEMBERSHIP_REGION = 0.25, 0.25
# Where a follow goes: same team (department and region), same department, active authors.
FOLLOW_TEAM, FOLLOW_DEPARTMENT = 0.30, 0.15

COMMUNITY_POST_SHARE = 0.35
TAGGED_SHARE = 0.20
TAGS_PER_POST_WEIGHTS = (6, 3, 1)  # 1, 2 or 3 tags
TAG_VOCABULARY = 300
TAG_EXPONENT = 1.0
HASHTAG_FOLLOWER_SHARE = 0.30  # people who follow 1-5 hashtags
SECOND_PARAGRAPH_SHARE = 0.20
ENGLISH_SHARE = 0.05  # posts written in English (international projects, suppliers)
RARE_DETAIL_SHARE = 0.002  # a specialist's detail: the rare terms of the search bench
TEAM_SIZE = 8  # direct reports per manager in the organisation chart
SKILLS_PER_USER_WEIGHTS = (15, 25, 25, 20, 15)  # 0..4 declared skills
ENDORSED_SHARE = 0.40  # declared skills that colleagues endorse (1-6 of them)
SEARCH_BATCH = 20_000
LIBRARY_PAGE_DOCUMENTS = 1000  # at the top of one library: the library page's budget
LONG_HISTORY = 50  # versions of one document: the document page's budget
OOXML_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OOXML_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COMMENTED_SHARE = 0.30
COMMENTS_PER_POST_WEIGHTS = (40, 25, 15, 12, 8)  # 1..5 comments
REPLY_SHARE = 0.25  # later comments answering an earlier top-level one
AUTHOR_ANSWERS_SHARE = 0.15
FIRST_COMMENT_DELAY_US = 2 * HOUR_US  # mean of an exponential delay
NEXT_COMMENT_DELAY_US = 4 * HOUR_US
REACTED_SHARE = 0.40
REACTIONS_PER_POST_WEIGHTS = (22, 18, 14, 11, 9, 8, 6, 5, 4, 3)  # 1..10 reactions
REACTION_DELAY_US = 6 * HOUR_US
EMOJI_WEIGHTS = {Emoji.LIKE: 55, Emoji.CELEBRATE: 15, Emoji.LOVE: 12, Emoji.IDEA: 12, Emoji.DONE: 6}
# Engagement on a profile post comes from the author's followers, else from anyone active.
FOLLOWER_ENGAGEMENT = 0.70
# Engagement on a post in an open community comes mostly from its members.
MEMBER_ENGAGEMENT = 0.80

HASH_SALT = "cerclebenchcerclebenchsalt"  # fixed: reproducible; 26 characters: 155 bits
SAMPLE_VIEWERS = 20
# Ranks n**0, n**0.25, ... n**1: log-spaced, because sizes and tag uses are Zipf-shaped.
SAMPLE_RANK_EXPONENTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # big to small, common to rare
SAMPLE_PROFILE_RANKS = (0, 1, 4, 9, 19)  # the 1st, 2nd, 5th, 10th and 20th most prolific

# Local hours (Paris is UTC+1/+2; UTC+1 is close enough) weigh office time.
LOCAL_HOUR_WEIGHTS = (
    (0.02,) * 7 + (0.3, 0.8, 1.0, 1.0, 1.0, 0.6, 0.7, 1.0, 1.0, 1.0, 0.8, 0.5, 0.25, 0.25)
) + (0.15, 0.15, 0.05)
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.12, 0.08)  # Monday first

# --- Vocabulary ---------------------------------------------------------------------

# (name, weight, job titles)
DEPARTMENTS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "Commercial",
        20,
        ("Ingénieur commercial", "Responsable grands comptes", "Directrice régionale"),
    ),
    ("Avant-vente", 8, ("Ingénieure avant-vente", "Architecte solutions")),
    ("Ingénierie", 18, ("Ingénieur d'études", "Cheffe de projet", "Technicien de maintenance")),
    ("Informatique", 12, ("Développeur", "Administratrice systèmes", "Chef de projet SI")),
    ("Production", 16, ("Technicienne", "Chef d'atelier", "Conducteur de travaux")),
    ("Qualité & Sécurité", 6, ("Responsable qualité", "Animateur sécurité")),
    ("Ressources humaines", 6, ("Chargée de recrutement", "Responsable formation")),
    ("Finance", 6, ("Contrôleur de gestion", "Comptable")),
    ("Marketing & Communication", 5, ("Chargé de communication", "Responsable marketing")),
    ("Direction", 3, ("Directeur de site", "Directrice des opérations")),
)
# (name, weight, site)
REGIONS: tuple[tuple[str, int, str], ...] = (
    ("Île-de-France", 28, "Paris – La Défense"),
    ("Auvergne-Rhône-Alpes", 16, "Lyon"),
    ("Nouvelle-Aquitaine", 12, "Bordeaux"),
    ("Hauts-de-France", 11, "Lille"),
    ("Grand Est", 10, "Strasbourg"),
    ("Occitanie", 10, "Toulouse"),
    ("Pays de la Loire", 8, "Nantes"),
    ("Provence-Alpes-Côte d'Azur", 5, "Marseille"),
)
FIRST_NAMES = (  # noqa: SIM905 - a list of words reads best as words
    "Thomas Alexandra Franck Sophie Nicolas Julie Pierre Camille Julien Marie Antoine Laura "
    "Mathieu Claire Sébastien Élodie Guillaume Céline Romain Aurélie Maxime Émilie Vincent "
    "Sandrine Olivier Nathalie Arnaud Isabelle Laurent Chloé Jérôme Manon Hugo Léa Benoît "
    "Inès Damien Pauline Cédric Sarah Fabien Hélène Yann Amandine Karim Nadia Mehdi Fatou "
    "François Anaïs"
).split()
LAST_NAMES = (  # noqa: SIM905 - a list of words reads best as words
    "Martin Bernard Dubois Durand Lefebvre Leroy Moreau Simon Laurent Michel Garcia David "
    "Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet "
    "François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel "
    "Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
    "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy "
    "Noël Meyer"
).split()
COMMUNITY_TOPICS = (
    "Veille technologique",
    "Appels d'offres",
    "Qualité",
    "Sécurité au travail",
    "Python",
    "Maintenance ferroviaire",
    "Retours clients",
    "Nouveaux arrivants",
    "Innovation",
    "Data & IA",
    "Achats responsables",
    "Formation",
    "Projet Croissance",
    "Télétravail",
    "Énergie",
    "Bâtiment intelligent",
    "Cybersécurité",
    "Outils collaboratifs",
    "Club running",
    "Photo",
    "Covoiturage",
    "RSE & climat",
    "Support N2",
    "Lean management",
    "Mobilité interne",
    "Ventes grands comptes",
    "Modèles & gabarits",
    "Événements",
    "Cloud",
    "Automatisme",
    "Hydraulique",
    "Électricité industrielle",
    "Maintenance prédictive",
    "Logistique",
    "Relation fournisseurs",
    "Management",
    "Handicap & inclusion",
    "Comité social",
    "Design produit",
    "Open source",
)
TAG_WORDS = (  # noqa: SIM905 - a list of words reads best as words
    "Qualité Sécurité Innovation IA Python Cloud Cybersécurité AppelsDOffres RetourTerrain "
    "Maintenance Ferroviaire Énergie RSE Climat Formation Onboarding Recrutement Télétravail "
    "Lean Data Automatisme Hydraulique Électricité BIM Achats Logistique Client Satisfaction "
    "Résultats Budget Planning Projet Croissance BonnesPratiques Astuce Outils Veille Salon "
    "Événement Webinar Sport Solidarité Inclusion Mobilité Covoiturage Environnement Recyclage "
    "Prévention Audit ISO9001 Certification Partenaires Fournisseurs Export Contrat RGPD "
    "Support Incident Management Merci Bienvenue"
).split()
TAG_PLACES = ("Lyon", "Bordeaux", "Lille", "Nantes", "Toulouse")
OPENERS = (
    "Retour terrain :",
    "Pour info,",
    "Question rapide :",
    "Bonne nouvelle :",
    "Rappel :",
    "Partage d'expérience :",
    "Besoin d'un coup de main :",
    "À lire :",
    "Point d'étape :",
    "Merci à tous,",
    "Petite victoire :",
    "Alerte :",
    "Idée du jour :",
    "Compte rendu :",
    "Pour ceux qui suivent le sujet,",
)
SUBJECTS = (
    "le client",
    "l'équipe projet",
    "notre agence de Lyon",
    "le service qualité",
    "la direction commerciale",
    "le chantier de Bordeaux",
    "l'équipe support",
    "le comité de pilotage",
    "notre partenaire industriel",
    "le bureau d'études",
    "l'équipe RH",
    "le centre de services de Lille",
    "la cellule appels d'offres",
    "l'atelier de Nantes",
    "le pôle data",
    "la DSI",
)
VERBS = (
    "a validé",
    "demande",
    "prépare",
    "a livré",
    "relance",
    "cherche",
    "a présenté",
    "teste",
    "met à jour",
    "a signé",
    "revoit",
    "attend",
    "publie",
    "simplifie",
    "a lancé",
)
OBJECTS = (
    "le mémoire technique",
    "la nouvelle offre de maintenance",
    "le planning du trimestre",
    "les résultats trimestriels",
    "le retour d'expérience sur la migration",
    "la procédure de sécurité",
    "le modèle de réponse aux appels d'offres",
    "la grille tarifaire",
    "le tableau de bord qualité",
    "la formation des nouveaux arrivants",
    "le cahier des charges",
    "la démo du nouvel outil",
    "le plan de prévention",
    "la charte d'utilisation",
    "le contrat cadre",
    "les indicateurs de satisfaction",
    "le guide d'accueil",
    "l'audit fournisseurs",
)
TAILS = (
    "avant vendredi.",
    "pour la réunion de lundi.",
    "— qui a un modèle à partager ?",
    "et c'est une première !",
    "dans les délais.",
    "; vos retours sont bienvenus.",
    'avec le client & son "bureau d\'études".',
    "(voir le fil précédent).",
    "pour le prochain trimestre.",
    "sans incident.",
    "— bravo à l'équipe !",
    "; je vous tiens au courant.",
    "d'ici la fin du mois.",
    "et cherche des volontaires.",
    "— des questions ?",
    "pour nos sites < 50 personnes.",
)
COMMENT_LINES = (
    "Merci pour le partage !",
    "Je regarde ça demain.",
    "Très utile, merci.",
    "On a eu le même cas à Lille.",
    "Je peux t'envoyer notre modèle.",
    "Bravo à toute l'équipe !",
    "Qui est le contact côté client ?",
    "+1, à généraliser.",
    "Je transmets à mon équipe.",
    "Tu as la version à jour ?",
    "Super nouvelle 🎉",
    "Attention au délai de validation.",
    "On en parle au prochain point ?",
    "Excellent retour d'expérience.",
    "Je suis dispo pour aider.",
    "Le lien ne fonctionne pas chez moi.",
    "C'est noté, merci.",
    "Même question de notre côté.",
    "Félicitations !",
    "Je relis et je reviens vers toi.",
    "Voir aussi la procédure qualité.",
    "Ça confirme nos chiffres.",
    "Merci, très clair.",
    "Intéressant & concret.",
)

ENGLISH_LINES = (
    "Quick update: the supplier signed the maintenance contract.",
    "Our networks team is looking for testers for the new dashboard.",
    "Lessons learned from the cloud migration, slides attached.",
    "The quarterly results are out, great work everyone!",
    "Who has a template for a railway maintenance tender?",
    "Reminder: the security training is mandatory for new developers.",
    "Customer feedback on the predictive maintenance pilot is very positive.",
    "We are hiring two developers for the data platform.",
)
# Rare on purpose: a specialist's words, in about one post in 500.
RARE_DETAILS = (
    "Détail technique : soudure orbitale sur tuyauterie inox.",
    "Point pantographe et caténaire à revoir avec la SNCF.",
    "Le cluster Kubernetes de recette est migré.",
    "Essai de thermographie infrarouge concluant.",
)
# Declared skills: a pool per department (same order as DEPARTMENTS) and a shared one.
DEPARTMENT_SKILLS: tuple[tuple[str, ...], ...] = (
    ("Appels d'offres", "Négociation", "Grands comptes", "Prospection"),
    ("Appels d'offres", "Mémoire technique", "Chiffrage", "Architecture"),
    ("Maintenance ferroviaire", "Soudure", "Hydraulique", "Automatisme", "Calcul de structures"),
    ("Python", "Kubernetes", "Cybersécurité", "Data", "Cloud"),
    ("Soudure", "Électricité industrielle", "Lean", "Maintenance prédictive"),
    ("ISO 9001", "Audit", "Prévention des risques"),
    ("Recrutement", "Formation", "Droit social"),
    ("Contrôle de gestion", "Budget", "Achats"),
    ("Communication interne", "Événementiel", "Rédaction"),
    ("Management", "Stratégie", "Négociation"),
)
SHARED_SKILLS = ("Gestion de projet", "Anglais", "Excel", "Prise de parole", "Allemand")


# --- Small tools -------------------------------------------------------------------


class Weighted:
    """Draws an index with probability proportional to its weight, in O(log n).

    ``random.choices`` returns a list and, without ``cum_weights``, rebuilds its
    table on every call; this keeps the cumulative table and returns one int,
    which matters when it is called millions of times.
    """

    __slots__ = ("_cumulative", "_last", "_total")

    def __init__(self, weights: Sequence[float]) -> None:
        if not weights:
            raise ValueError("Weighted needs at least one weight.")
        self._cumulative = list(itertools.accumulate(weights))
        self._total = self._cumulative[-1]
        self._last = len(self._cumulative) - 1

    def pick(self, rng: random.Random) -> int:
        # min(): rounding may very rarely give exactly the total.
        return min(bisect.bisect_right(self._cumulative, rng.random() * self._total), self._last)


def zipf(count: int, exponent: float, shift: float) -> list[float]:
    """Weights of ranks 0..count-1 under a shifted Zipf law (rank 0 is the heaviest)."""
    return [1.0 / (rank + 1 + shift) ** exponent for rank in range(count)]


def around(rng: random.Random, mean: int, cap: int) -> int:
    """A count that averages ``mean`` with a realistic spread (Gamma, shape 2), at most ``cap``.

    About 74 % of draws are at least ``mean / 2``, a few are near zero (lurkers)
    and a few reach three times the mean (networkers).
    """
    return min(cap, round(mean * rng.gammavariate(2.0, 0.5)))


def escape(text: str) -> str:
    """HTML-escape text as the renderer's output has it: ``& < >`` only.

    The sanitiser (nh3) re-serialises text nodes, so quotes and apostrophes come
    out bare; escaping them too would make our HTML differ from the real thing.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def log_spaced[T](items: Sequence[T], exponents: Sequence[float]) -> list[T]:
    """Items at ranks ``len ** e`` of a sequence sorted biggest first (deduplicated).

    On a Zipf-shaped ranking, evenly spaced quantiles would all land in the
    long tail; log-spaced ranks give one big, medium, small... item each.
    """
    picked: list[T] = []
    for exponent in exponents:
        item = items[min(len(items), round(len(items) ** exponent)) - 1]
        if item not in picked:
            picked.append(item)
    return picked


class Clock:
    """Timestamps as integer microseconds since the epoch (UTC), converted on the way out.

    Integers are cheap to draw, compare and sort by the million; each database
    then gets what Django itself would have written: a naive UTC string on
    SQLite (so that Django's own comparisons match the stored text exactly), an
    aware datetime on PostgreSQL.
    """

    _EPOCH_NAIVE = datetime(1970, 1, 1)  # noqa: DTZ001 - naive UTC is SQLite's storage format
    _EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)

    def __init__(self, now: datetime, vendor: str) -> None:
        self.now_us = self.to_us(now)
        self.start_us = self.now_us - DAYS * DAY_US
        self.stamp: Callable[[int], Any] = self._naive_text if vendor == "sqlite" else self.aware
        probe = self.now_us - 1_234_567
        expected = connection.ops.adapt_datetimefield_value(self.aware(probe))
        if vendor == "sqlite" and self.stamp(probe) != expected:
            raise RuntimeError("Timestamps would not match Django's SQLite format.")

    @classmethod
    def to_us(cls, moment: datetime) -> int:
        return (moment - cls._EPOCH_UTC) // timedelta(microseconds=1)

    def aware(self, us: int) -> datetime:
        return self._EPOCH_UTC + timedelta(microseconds=us)

    def _naive_text(self, us: int) -> str:
        return str(self._EPOCH_NAIVE + timedelta(microseconds=us))

    def between(self, rng: random.Random, low: int, high: int) -> int:
        return low + int(rng.random() * max(0, high - low))


class BulkWriter:
    """Appends rows to one table as fast as the database allows, constraints live.

    PostgreSQL: one ``COPY ... FROM STDIN`` per batch (psycopg's ``copy``).
    SQLite: one ``executemany`` per batch. Each batch is one transaction, on a
    session with ``synchronous=OFF`` (SQLite) or ``synchronous_commit=off``
    (PostgreSQL) and, on SQLite, a 1 GiB page cache: the data is rebuilt, not
    precious, while it is being generated. Nothing else is relaxed: foreign
    keys are checked and every index is maintained as the rows go in.

    Writing batches from a second thread while the main thread plans the next
    one was tried and measured: no gain on SQLite (both threads need the GIL
    for every row, so they only take turns) and 3 % on PostgreSQL, not worth
    a second connection.

    Columns that the generator does not fill take the model's default, computed
    once: a column added to a model later does not break the generator, and a
    column without a default stops it with a clear message.
    """

    def __init__(self, *, quiet: bool) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise SystemExit(f"Unsupported database vendor: {self.vendor}")
        self.batch_size = 100_000 if self.vendor == "postgresql" else 50_000
        self.quiet = quiet

    def tune_session(self) -> None:
        """Session settings for fast loading (this connection only, nothing persists)."""
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-1048576")  # 1 GiB, this connection only
                cursor.execute("PRAGMA temp_store=MEMORY")
            else:
                cursor.execute("SET synchronous_commit = off")

    def bar(self, desc: str, total: int) -> tqdm[Any]:
        return tqdm(
            total=total,
            desc=f"{desc:<12}",
            unit=" rows",
            unit_scale=True,
            mininterval=0.5,
            disable=self.quiet,
            dynamic_ncols=True,
        )

    def insert(
        self,
        model: type[Model],
        fields: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        bar: tqdm[Any],
    ) -> int:
        """Write ``rows`` (values of ``fields``, by attname) into ``model``'s table."""
        columns, constants = self._columns(model, fields)
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        column_list = ", ".join(quote(column) for column in columns)
        if self.vendor == "postgresql":
            sql = f"COPY {table} ({column_list}) FROM STDIN"
        else:
            placeholders = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"
        written = 0
        for batch in itertools.batched(rows, self.batch_size):
            full = [row + constants for row in batch] if constants else batch
            self._write(sql, full)
            written += len(full)
            bar.update(len(full))
        return written

    def _write(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """One batch, one transaction."""
        connection.ensure_connection()
        with transaction.atomic():
            cursor = connection.connection.cursor()
            try:
                if self.vendor == "postgresql":
                    with cursor.copy(sql) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(sql, rows)
            finally:
                cursor.close()

    @staticmethod
    def _columns(model: type[Model], fields: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
        """The column names of ``fields`` followed by the other columns, and their defaults."""
        opts = model._meta
        concrete = {field.attname: field for field in opts.concrete_fields}
        unknown = [name for name in fields if name not in concrete]
        if unknown:
            raise SystemExit(f"{opts.label} has no column for {unknown}: update bench/generate.py.")
        attnames = list(fields)
        constants: list[Any] = []
        for attname, field in concrete.items():
            if attname in fields or field.primary_key:
                continue
            if not (field.has_default() or field.null or field.empty_strings_allowed):
                raise SystemExit(
                    f"{opts.label}.{field.name} has no default: teach bench/generate.py to fill it."
                )
            attnames.append(attname)
            constants.append(field.get_db_prep_save(field.get_default(), connection))
        # ``column`` is None only for fields without one, which concrete fields never are.
        columns = [concrete[name].column or name for name in attnames]
        return columns, tuple(constants)


@dataclass(frozen=True, slots=True)
class Options:
    users: int
    posts: int
    follows_per_user: int
    communities: int
    memberships_per_user: int
    seed: int
    now: datetime
    documents: int
    reset: bool
    output: Path
    quiet: bool


class TextBank:
    """Post and comment texts with their HTML, built from pre-escaped fragments.

    The Markdown renderer costs about a millisecond per post: twenty minutes at
    a million posts. The bodies here are plain sentences, so the HTML is the
    renderer's output for them (same paragraphs, same escaping, same hashtag
    links) produced by string concatenation.
    """

    def __init__(self, tag_names: Sequence[str], tag_keys: Sequence[str]) -> None:
        # A sentence is a head ("Rappel : la DSI") and a rest ("a livré le contrat cadre
        # avant vendredi."): 240 x 4,320 combinations, two draws per sentence.
        self._heads = self._combine(OPENERS, SUBJECTS)
        self._rests = self._combine(VERBS, OBJECTS, TAILS)
        self._comments = [(line, escape(line)) for line in COMMENT_LINES]
        self.tag_text = [f"#{name}" for name in tag_names]
        self.tag_html = [
            f'<a href="{escape(reverse("posts:hashtag", args=[key]))}" class="hashtag" '
            f'rel="noopener nofollow">#{escape(name)}</a>'
            for name, key in zip(tag_names, tag_keys, strict=True)
        ]

    @staticmethod
    def _combine(*pools: Sequence[str]) -> list[tuple[str, str]]:
        """Every combination of one fragment per pool, as (text, HTML)."""
        texts = [" ".join(parts) for parts in itertools.product(*pools)]
        return [(text, escape(text)) for text in texts]

    def sentence(self, rng: random.Random) -> tuple[str, str]:
        head_text, head_html = rng.choice(self._heads)
        rest_text, rest_html = rng.choice(self._rests)
        return f"{head_text} {rest_text}", f"{head_html} {rest_html}"

    def post(self, rng: random.Random, tags: Sequence[int]) -> tuple[str, str]:
        """A body of one or two paragraphs of 1-2 sentences, #tags at the end."""
        paragraphs = 2 if rng.random() < SECOND_PARAGRAPH_SHARE else 1
        texts: list[str] = []
        htmls: list[str] = []
        if rng.random() < ENGLISH_SHARE:
            line = rng.choice(ENGLISH_LINES)
            texts.append(line)
            htmls.append(escape(line))
            paragraphs -= 1
        if rng.random() < RARE_DETAIL_SHARE:
            line = rng.choice(RARE_DETAILS)
            texts.append(line)
            htmls.append(escape(line))
            paragraphs -= 1
        for _ in range(max(paragraphs, 0)):
            first_text, first_html = self.sentence(rng)
            if rng.random() < 0.5:
                second_text, second_html = self.sentence(rng)
                first_text, first_html = (
                    f"{first_text} {second_text}",
                    f"{first_html} {second_html}",
                )
            texts.append(first_text)
            htmls.append(first_html)
        if not texts:
            text, html = self.sentence(rng)
            texts.append(text)
            htmls.append(html)
        if tags:
            texts[-1] += " " + " ".join(self.tag_text[t] for t in tags)
            htmls[-1] += " " + " ".join(self.tag_html[t] for t in tags)
        return "\n\n".join(texts), "\n".join(f"<p>{h}</p>" for h in htmls)

    def comment(self, rng: random.Random) -> tuple[str, str]:
        text, html = rng.choice(self._comments)
        if rng.random() < 0.3:
            more_text, more_html = rng.choice(self._comments)
            text, html = f"{text} {more_text}", f"{html} {more_html}"
        return text, f"<p>{html}</p>"


def hashtag_vocabulary(size: int) -> list[str]:
    """``size`` distinct tag names: the words first, then word + place ("QualitéLyon")."""
    names: list[str] = []
    keys: set[str] = set()
    candidates = itertools.chain(
        TAG_WORDS, (f"{word}{place}" for place in TAG_PLACES for word in TAG_WORDS)
    )
    for name in candidates:
        key = hashtag_key(name)
        if key in keys:
            continue
        if not HASHTAG_RE.fullmatch(f"#{name}"):
            raise ValueError(f"#{name} is not a hashtag for the renderer.")
        keys.add(key)
        names.append(name)
        if len(names) == size:
            return names
    raise ValueError(f"The vocabulary has fewer than {size} tags.")


# --- The generator -----------------------------------------------------------------


class Generator:
    """Plans and writes the dataset phase by phase; the state is indexes, not models.

    People are indexes 0..users-1 (``user_ids`` maps them to database ids),
    communities 0..communities-1 and tags 0..299 likewise; posts are indexes
    0..posts-1 whose database id is ``post_base + 1 + index``.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.document_entries: list[tuple[Any, ...]] = []  # built with the documents
        self.writer = BulkWriter(quiet=options.quiet)
        self.clock = Clock(options.now, self.writer.vendor)
        self.timings: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def _rng(self, phase: str) -> random.Random:
        """One generator per phase: changing one phase never shifts another's data."""
        return random.Random(f"{self.options.seed}:{phase}")

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    # --- People ----------------------------------------------------------------------

    def build_org_chart(self) -> None:
        """Managers: a head per department under the first one's, then teams of ``TEAM_SIZE``.

        A company of 10,000 has a hierarchy about four levels deep: profiles
        show a manager chain and reports, and suggestions start from them.
        """
        members: dict[int, list[int]] = {}
        for i, d in enumerate(self.department_of):
            members.setdefault(d, []).append(i)
        heads = [people[0] for _, people in sorted(members.items())]
        top = heads[0]
        pairs = [(self.user_ids[top], self.user_ids[head]) for head in heads[1:]]
        for people in members.values():
            pairs.extend(
                (self.user_ids[people[(k - 1) // TEAM_SIZE]], self.user_ids[people[k]])
                for k in range(1, len(people))
            )
        table = connection.ops.quote_name(User._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET manager_id = %s WHERE id = %s", pairs)

    def build_users(self) -> None:
        """People with a department, a region and a Zipf activity rank."""
        o = self.options
        rng = self._rng("users")
        departments = [self._named(Department, name) for name, _, _ in DEPARTMENTS]
        regions = [self._named(Region, name) for name, _, _ in REGIONS]
        pick_department = Weighted([weight for _, weight, _ in DEPARTMENTS])
        pick_region = Weighted([weight for _, weight, _ in REGIONS])
        # Hashing is slow on purpose: once for everyone, with a fixed salt so that the
        # dataset is byte-for-byte reproducible (these accounts guard nothing). The salt
        # is long enough for Django's entropy check, else every first sign-in would
        # re-hash and save the password in the middle of a latency benchmark.
        password = make_password("bench", salt=HASH_SALT)
        if get_hasher().must_update(password):
            raise SystemExit("The bench password hash would be upgraded at sign-in.")

        self.department_of: list[int] = []
        self.region_of: list[int] = []
        self.joined_us: list[int] = []
        users: list[User] = []
        for i in range(o.users):
            d, r = pick_department.pick(rng), pick_region.pick(rng)
            joined = self.clock.between(
                rng, self.clock.start_us - 3 * DAYS * DAY_US, self.clock.start_us - 30 * DAY_US
            )
            local = f"bench.user{i + 1}"
            user = User(
                email=f"{local}@bench.cercle",
                handle=local,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                job_title=rng.choice(DEPARTMENTS[d][2]),
                department_id=departments[d],
                region_id=regions[r],
                site=REGIONS[r][2],
                password=password,
                date_joined=self.clock.aware(joined),
            )
            user.refresh_search_key()
            users.append(user)
            self.department_of.append(d)
            self.region_of.append(r)
            self.joined_us.append(joined)
        User._meta.get_field("handle").run_validators(users[0].handle)

        with self.writer.bar("users", len(users)) as bar:
            for batch in itertools.batched(users, 2000):
                User.objects.bulk_create(batch)
                bar.update(len(batch))
        self.user_ids: list[int] = [user.pk for user in users]
        self.build_org_chart()

        # Activity: a shuffled Zipf rank per person; user #1 sits at the 10th percentile.
        ranks = list(range(o.users))
        rng.shuffle(ranks)
        first_rank = int(o.users * FIRST_VIEWER_PERCENTILE)
        j = ranks.index(first_rank)
        ranks[0], ranks[j] = ranks[j], ranks[0]
        rank_weights = zipf(o.users, ACTIVITY_EXPONENT, ACTIVITY_SHIFT)
        self.activity_weights = [rank_weights[rank] for rank in ranks]
        self.activity = Weighted(self.activity_weights)

        team_count = len(DEPARTMENTS) * len(REGIONS)
        self.team_of = [
            d * len(REGIONS) + r for d, r in zip(self.department_of, self.region_of, strict=True)
        ]
        self.team_members: list[list[int]] = [[] for _ in range(team_count)]
        self.department_members: list[list[int]] = [[] for _ in DEPARTMENTS]
        for u in range(o.users):
            self.team_members[self.team_of[u]].append(u)
            self.department_members[self.department_of[u]].append(u)
        self.counts["users"] = len(users)

    @staticmethod
    def _named(model: type[Department] | type[Region] | type[Skill], name: str) -> int:
        """The id of a department, region or skill, created through its model (it folds the key)."""
        existing = model.objects.filter(key=fold(name)).first()
        return (existing or model.objects.create(name=name)).pk

    # --- Communities -------------------------------------------------------------------

    def build_communities(self) -> None:
        """Communities ranked by size; the oldest are the biggest, 15 % are closed."""
        o = self.options
        rng = self._rng("communities")
        m = o.communities
        self.community_weights = zipf(m, COMMUNITY_EXPONENT, COMMUNITY_SHIFT)
        # The biggest (the company-wide one) stays open; closed ones are spread over sizes.
        closed = rng.sample(range(1, m), min(m - 1, round(m * (PRIVATE_SHARE + SECRET_SHARE))))
        secret_count = round(m * SECRET_SHARE)
        self.kinds = [CommunityKind.OPEN] * m
        for position, c in enumerate(closed):
            self.kinds[c] = (
                CommunityKind.SECRET if position < secret_count else CommunityKind.PRIVATE
            )
        # A home: a department (40 %), a region (30 %) or the whole company (30 %).
        self.community_department = [-1] * m
        self.community_region = [-1] * m
        created = sorted(
            self.clock.between(rng, self.clock.start_us - 2 * DAYS * DAY_US, self.clock.start_us)
            for _ in range(m)
        )
        self.community_created_us = created
        communities: list[Community] = []
        names: Counter[str] = Counter()
        for c in range(m):
            topic = rng.choice(COMMUNITY_TOPICS)
            home = rng.random()
            if home < 0.4:
                self.community_department[c] = rng.randrange(len(DEPARTMENTS))
                name = f"{topic} · {DEPARTMENTS[self.community_department[c]][0]}"
            elif home < 0.7:
                self.community_region[c] = rng.randrange(len(REGIONS))
                name = f"{topic} {REGIONS[self.community_region[c]][2]}"
            else:
                name = topic
            names[name] += 1
            if names[name] > 1:
                name = f"{name} {names[name]}"
            description = f"Échanges, questions et documents : {topic.lower()}."
            communities.append(
                Community(
                    name=name,
                    slug=f"{slugify(name)[:120]}-{c + 1}",
                    description=description,
                    kind=self.kinds[c],
                    created_at=self.clock.aware(created[c]),
                    search_key=fold(f"{name} {description}"),  # what Community.save() computes
                )
            )
        with self.writer.bar("communities", m) as bar:
            Community.objects.bulk_create(communities, batch_size=500)
            bar.update(m)
        self.communities = communities
        self.community_ids = [community.pk for community in communities]

    def build_memberships(self) -> None:
        """About ``memberships-per-user`` communities each, leaning to big and local ones."""
        o = self.options
        rng = self._rng("memberships")
        m = o.communities
        pick_any = Weighted(self.community_weights)
        by_department = self._local_pickers(self.community_department, len(DEPARTMENTS))
        by_region = self._local_pickers(self.community_region, len(REGIONS))

        self.user_communities: list[list[int]] = []
        self.members: list[list[int]] = [[] for _ in range(m)]
        for u in range(o.users):
            target = min(
                m,
                o.memberships_per_user
                if u == 0
                else around(rng, o.memberships_per_user, 4 * o.memberships_per_user),
            )
            chosen: list[int] = []
            seen: set[int] = set()
            attempts = 0
            while len(chosen) < target and attempts < 30 * target:
                attempts += 1
                draw = rng.random()
                local = None
                if draw < MEMBERSHIP_DEPARTMENT:
                    local = by_department[self.department_of[u]]
                elif draw < MEMBERSHIP_DEPARTMENT + MEMBERSHIP_REGION:
                    local = by_region[self.region_of[u]]
                c = local[0][local[1].pick(rng)] if local is not None else pick_any.pick(rng)
                if c not in seen:
                    seen.add(c)
                    chosen.append(c)
            while len(chosen) < target:  # only user #1 must be exact; fill uniformly
                c = rng.randrange(m)
                if c not in seen:
                    seen.add(c)
                    chosen.append(c)
            if u == 0:
                self._give_a_closed_community(chosen)
            self.user_communities.append(chosen)
            for c in chosen:
                self.members[c].append(u)
        for c in range(m):  # every community has at least its owner (not user #1: 8 exactly)
            if not self.members[c]:
                u = self.activity.pick(rng)
                while u == 0:
                    u = self.activity.pick(rng)
                self.members[c].append(u)
                self.user_communities[u].append(c)

        roles: list[dict[int, str]] = []
        for c, people in enumerate(self.members):
            owner = rng.choice(people)
            others = [u for u in people if u != owner]
            # One manager from ten members on, one more per 250 members, five at most.
            wanted = 0 if len(people) < 10 else 1 + len(people) // 250
            managers = rng.sample(others, min(len(others), 5, wanted))
            role = {owner: Role.OWNER.value} | dict.fromkeys(managers, Role.MANAGER.value)
            roles.append(role)
            community = self.communities[c]
            community.created_by_id = self.user_ids[owner]
            community.member_count = len(people)

        def rows() -> Iterator[tuple[Any, ...]]:
            stamp, ids = self.clock.stamp, self.user_ids
            for c, people in enumerate(self.members):
                community_id, since, role = (
                    self.community_ids[c],
                    self.community_created_us[c],
                    roles[c],
                )
                for u in people:
                    joined = self.clock.between(
                        rng, max(since, self.joined_us[u]), self.clock.start_us
                    )
                    yield community_id, ids[u], role.get(u, Role.MEMBER.value), stamp(joined)

        total = sum(len(people) for people in self.members)
        with self.writer.bar("memberships", total) as bar:
            self.counts["memberships"] = self.writer.insert(
                Membership, ("community_id", "user_id", "role", "created_at"), rows(), bar
            )
            Community.objects.bulk_update(
                self.communities, ["created_by", "member_count"], batch_size=500
            )
        self.counts["communities"] = m

    def _give_a_closed_community(self, chosen: list[int]) -> None:
        """Make user #1 a member of a private community, as most employees are.

        Then the first sample viewer reads some closed content and is kept out
        of the rest, which is the case the visibility filter must make fast.
        """
        if not chosen or any(self.kinds[c] != CommunityKind.OPEN for c in chosen):
            return
        private = [
            c
            for c, kind in enumerate(self.kinds)
            if kind == CommunityKind.PRIVATE and c not in chosen
        ]
        if private:
            chosen[-1] = private[0]  # the biggest one

    @staticmethod
    def _local_pickers(home: Sequence[int], groups: int) -> list[tuple[list[int], Weighted] | None]:
        """For each department (or region): its communities and a size-weighted picker."""
        pickers: list[tuple[list[int], Weighted] | None] = []
        for g in range(groups):
            mine = [c for c, h in enumerate(home) if h == g]
            pickers.append(
                (mine, Weighted([1.0 / (c + 1 + COMMUNITY_SHIFT) for c in mine])) if mine else None
            )
        return pickers

    # --- Follows -----------------------------------------------------------------------

    def build_follows(self) -> None:
        """About ``follows-per-user`` people each: team mates, department, active authors."""
        o = self.options
        rng = self._rng("follows")
        n = o.users
        self.following: list[list[int]] = []
        self.followers: list[list[int]] = [[] for _ in range(n)]
        pick_active = self.activity.pick
        for u in range(n):
            target = min(
                n - 1,
                o.follows_per_user
                if u == 0
                else around(rng, o.follows_per_user, 5 * o.follows_per_user),
            )
            team = self.team_members[self.team_of[u]]
            department = self.department_members[self.department_of[u]]
            seen = {u}
            chosen: list[int] = []
            attempts = 0
            while len(chosen) < target and attempts < 20 * target:
                attempts += 1
                draw = rng.random()
                if draw < FOLLOW_TEAM:
                    v = rng.choice(team)
                elif draw < FOLLOW_TEAM + FOLLOW_DEPARTMENT:
                    v = rng.choice(department)
                else:
                    v = pick_active(rng)
                if v not in seen:
                    seen.add(v)
                    chosen.append(v)
            while len(chosen) < target:  # small networks: complete uniformly
                v = rng.randrange(n)
                if v not in seen:
                    seen.add(v)
                    chosen.append(v)
            chosen.sort()
            self.following.append(chosen)
            for v in chosen:
                self.followers[v].append(u)

        def rows() -> Iterator[tuple[Any, ...]]:
            stamp, ids, joined, start = (
                self.clock.stamp,
                self.user_ids,
                self.joined_us,
                self.clock.start_us,
            )
            for u, followees in enumerate(self.following):
                for v in followees:
                    since = max(joined[u], joined[v])
                    yield ids[u], ids[v], stamp(since + int(rng.random() * (start - since)))

        total = sum(len(f) for f in self.following)
        with self.writer.bar("follows", total) as bar:
            self.counts["follows"] = self.writer.insert(
                Follow, ("follower_id", "followee_id", "created_at"), rows(), bar
            )

    # --- Posts -------------------------------------------------------------------------

    def post_times(self, rng: random.Random) -> list[int]:
        """Sorted, strictly increasing creation times over the last year, office-shaped."""
        clock = self.clock
        first_day = (clock.now_us // DAY_US - (DAYS - 1)) * DAY_US  # midnight UTC, 364 days ago
        slots: list[tuple[int, int]] = []  # (start, length) of each hour
        weights: list[float] = []
        for hour in range(DAYS * 24):
            start = first_day + hour * HOUR_US
            length = min(HOUR_US, clock.now_us - start)
            if length <= 0:
                break
            day = clock.aware(start)
            growth = 0.6 + 0.4 * hour / (DAYS * 24)  # adoption grows over the year
            summer = 0.5 if day.month == 8 else 1.0
            weights.append(
                growth
                * summer
                * WEEKDAY_WEIGHTS[day.weekday()]
                * LOCAL_HOUR_WEIGHTS[(day.hour + 1) % 24]
                * length
                / HOUR_US
            )
            slots.append((start, length))
        pick = Weighted(weights)
        times = []
        for _ in range(self.options.posts):
            start, length = slots[pick.pick(rng)]
            times.append(start + int(rng.random() * length))
        times.sort()
        for i in range(1, len(times)):
            if times[i] <= times[i - 1]:
                times[i] = times[i - 1] + 1
        return times

    def build_posts(self) -> None:
        """Posts in time order; decides their #tags and the times of their comments.

        Comments must be timed here, because ``comment_count`` and
        ``last_activity_at`` are columns of the post; who writes them is decided
        in the comments phase.
        """
        o = self.options
        rng = self._rng("posts")
        clock = self.clock
        now = clock.now_us
        self.tag_names = hashtag_vocabulary(TAG_VOCABULARY)
        self.tag_keys = [hashtag_key(name) for name in self.tag_names]
        text = TextBank(self.tag_names, self.tag_keys)
        pick_tag = Weighted(zipf(len(self.tag_names), TAG_EXPONENT, 0)).pick
        pick_tag_count = Weighted(TAGS_PER_POST_WEIGHTS)
        pick_comment_count = Weighted(COMMENTS_PER_POST_WEIGHTS)
        pick_author = self.activity.pick
        # Authors without a community post on their profile: lift the others' odds to hit 35 %.
        reach = sum(w for u, w in enumerate(self.activity_weights) if self.user_communities[u])
        community_odds = min(1.0, COMMUNITY_POST_SHARE * sum(self.activity_weights) / reach)

        times = self.post_times(rng)
        self.post_base = Post.objects.aggregate(top=Max("id"))["top"] or 0
        self.post_author = array("l")
        self.post_community = array("l")  # -1: on a profile
        self.post_created = array("q")
        self.post_tags: list[tuple[int, int]] = []  # (post index, tag index)
        self.tag_first_use: dict[int, int] = {}
        self.comment_plan: list[tuple[int, list[int]]] = []  # (post index, comment times)
        user_ids, community_ids, stamp = self.user_ids, self.community_ids, clock.stamp

        def rows() -> Iterator[tuple[Any, ...]]:
            for i, created in enumerate(times):
                a = pick_author(rng)
                c = -1
                mine = self.user_communities[a]
                if mine and rng.random() < community_odds:
                    c = rng.choice(mine)
                tags: list[int] = []
                if rng.random() < TAGGED_SHARE:
                    wanted = pick_tag_count.pick(rng) + 1
                    while len(tags) < wanted:
                        t = pick_tag(rng)
                        if t not in tags:
                            tags.append(t)
                            self.post_tags.append((i, t))
                            self.tag_first_use.setdefault(t, created)
                body, html = text.post(rng, tags)
                last = created
                comment_count = 0
                if rng.random() < COMMENTED_SHARE:
                    comment_count = pick_comment_count.pick(rng) + 1
                    moments = []
                    for k in range(comment_count):
                        mean = FIRST_COMMENT_DELAY_US if k == 0 else NEXT_COMMENT_DELAY_US
                        step = int(rng.expovariate(1.0 / mean)) + 1
                        if last + step > now:  # a young post: squeeze into what is left
                            step = int(rng.random() * (now - last))
                        last += step
                        moments.append(last)
                    self.comment_plan.append((i, moments))
                self.post_author.append(a)
                self.post_community.append(c)
                self.post_created.append(created)
                yield (
                    self.post_base + 1 + i,
                    user_ids[a],
                    community_ids[c] if c >= 0 else None,
                    body,
                    html,
                    stamp(created),
                    stamp(last),
                    comment_count,
                )

        fields = (
            "id",
            "author_id",
            "community_id",
            "body",
            "body_html",
            "created_at",
            "last_activity_at",
            "comment_count",
        )
        with self.writer.bar("posts", o.posts) as bar:
            self.counts["posts"] = self.writer.insert(Post, fields, rows(), bar)

    # --- Hashtags ----------------------------------------------------------------------

    def build_hashtags(self) -> None:
        """The vocabulary, the post↔tag links, and the people who follow tags."""
        rng = self._rng("hashtags")
        clock = self.clock
        tags = [
            Hashtag(
                name=name,
                key=key,
                created_at=clock.aware(self.tag_first_use.get(t, clock.start_us)),
            )
            for t, (name, key) in enumerate(zip(self.tag_names, self.tag_keys, strict=True))
        ]
        pick_tag = Weighted(zipf(len(tags), TAG_EXPONENT, 0))
        follows: list[tuple[int, int]] = []  # (user, tag)
        for u in range(self.options.users):
            if u == 0:
                wanted = 3
            elif rng.random() < HASHTAG_FOLLOWER_SHARE:
                wanted = rng.randint(1, 5)
            else:
                continue
            mine: list[int] = []
            while len(mine) < wanted:
                t = pick_tag.pick(rng)
                if t not in mine:
                    mine.append(t)
            follows.extend((u, t) for t in sorted(mine))

        total = len(tags) + len(self.post_tags) + len(follows)
        with self.writer.bar("hashtags", total) as bar:
            Hashtag.objects.bulk_create(tags)
            bar.update(len(tags))
            tag_ids = [tag.pk for tag in tags]
            base = self.post_base + 1
            self.counts["post_hashtags"] = self.writer.insert(
                PostHashtag,
                ("post_id", "hashtag_id", "created_at"),
                (
                    (base + p, tag_ids[t], clock.stamp(self.post_created[p]))
                    for p, t in self.post_tags
                ),
                bar,
            )
            stamp, ids, start = clock.stamp, self.user_ids, clock.start_us
            self.counts["hashtag_follows"] = self.writer.insert(
                HashtagFollow,
                ("user_id", "hashtag_id", "created_at"),
                (
                    (ids[u], tag_ids[t], stamp(clock.between(rng, self.joined_us[u], start)))
                    for u, t in follows
                ),
                bar,
            )
        self.counts["hashtags"] = len(tags)
        self.tag_uses = Counter(t for _, t in self.post_tags)

    # --- Engagement --------------------------------------------------------------------

    def _audience_picker(self, rng: random.Random) -> Callable[[int], int]:
        """Who engages with post ``p``: someone who can see it, and likely cares.

        Closed communities: members only. Open communities: mostly members.
        Profiles: mostly the author's followers, else anyone active.
        """
        members, followers = self.members, self.followers
        pick_active = self.activity.pick
        authors, places, kinds = self.post_author, self.post_community, self.kinds
        random_ = rng.random
        choice = rng.choice

        def pick(p: int) -> int:
            c = places[p]
            if c >= 0 and (kinds[c] != CommunityKind.OPEN or random_() < MEMBER_ENGAGEMENT):
                return choice(members[c])
            fans = followers[authors[p]]
            if fans and random_() < FOLLOWER_ENGAGEMENT:
                return choice(fans)
            return pick_active(rng)

        return pick

    def build_comments(self) -> None:
        """The planned comments, written in time order so their ids follow time too."""
        rng = self._rng("comments")
        text = TextBank(self.tag_names, self.tag_keys)
        audience = self._audience_picker(rng)
        # [time, post, position in post, author, parent entry or None, id]
        planned: list[list[Any]] = []
        for p, moments in self.comment_plan:
            thread: list[list[Any]] = []
            for k, moment in enumerate(moments):
                author = (
                    self.post_author[p]
                    if k and rng.random() < AUTHOR_ANSWERS_SHARE
                    else audience(p)
                )
                parent = None
                if k and rng.random() < REPLY_SHARE:
                    tops = [entry for entry in thread if entry[4] is None]
                    parent = rng.choice(tops)
                entry = [moment, p, k, author, parent, 0]
                thread.append(entry)
            planned.extend(thread)
        planned.sort(key=lambda entry: (entry[0], entry[1], entry[2]))
        first_id = (Comment.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        for offset, entry in enumerate(planned):
            entry[5] = first_id + offset

        def rows() -> Iterator[tuple[Any, ...]]:
            stamp, ids, base = self.clock.stamp, self.user_ids, self.post_base + 1
            for moment, p, _, author, parent, comment_id in planned:
                body, html = text.comment(rng)
                yield (
                    comment_id,
                    base + p,
                    ids[author],
                    parent[5] if parent is not None else None,
                    body,
                    html,
                    stamp(moment),
                )

        fields = ("id", "post_id", "author_id", "parent_id", "body", "body_html", "created_at")
        with self.writer.bar("comments", len(planned)) as bar:
            self.counts["comments"] = self.writer.insert(Comment, fields, rows(), bar)

    def build_reactions(self) -> None:
        """1-10 reactions from distinct people on 40 % of the posts, mostly 👍."""
        rng = self._rng("reactions")
        audience = self._audience_picker(rng)
        pick_count = Weighted(REACTIONS_PER_POST_WEIGHTS)
        emojis = [emoji.value for emoji in EMOJI_WEIGHTS]
        pick_emoji = Weighted(list(EMOJI_WEIGHTS.values()))
        now = self.clock.now_us

        def rows() -> Iterator[tuple[Any, ...]]:
            stamp, ids, base = self.clock.stamp, self.user_ids, self.post_base + 1
            for p, created in enumerate(self.post_created):
                if rng.random() >= REACTED_SHARE:
                    continue
                wanted = pick_count.pick(rng) + 1
                people: list[int] = []
                for _ in range(3 * wanted):
                    u = audience(p)
                    if u not in people:
                        people.append(u)
                        if len(people) == wanted:
                            break
                for u in people:
                    moment = created + int(rng.expovariate(1.0 / REACTION_DELAY_US)) + 1
                    if moment >= now:
                        moment = created + 1 + int(rng.random() * (now - created - 1))
                    yield base + p, ids[u], emojis[pick_emoji.pick(rng)], stamp(moment)

        expected = round(
            self.options.posts
            * REACTED_SHARE
            * sum((k + 1) * w for k, w in enumerate(REACTIONS_PER_POST_WEIGHTS))
            / sum(REACTIONS_PER_POST_WEIGHTS)
        )
        with self.writer.bar("reactions", expected) as bar:
            self.counts["reactions"] = self.writer.insert(
                Reaction, ("post_id", "user_id", "emoji", "created_at"), rows(), bar
            )
            bar.total = bar.n
            bar.refresh()

    # --- Skills and the search index ---------------------------------------------------

    def build_skills(self) -> None:
        """0-4 declared skills each, mostly from the department's pool; 40 % endorsed.

        Endorsers are teammates (same department and region) when there are
        any, else people of the same department: who vouches knows the work.
        """
        rng = self._rng("skills")
        names = sorted({n for pool in DEPARTMENT_SKILLS for n in pool} | set(SHARED_SKILLS))
        skill_id = {fold(name): self._named(Skill, name) for name in names}
        pick_count = Weighted(SKILLS_PER_USER_WEIGHTS)
        first_id = (UserSkill.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        stamp = self.clock.stamp
        declared: list[tuple[int, int, int]] = []  # (id, person index, skill id)
        for u in range(self.options.users):
            pool = DEPARTMENT_SKILLS[self.department_of[u]]
            chosen: list[str] = []
            for _ in range(pick_count.pick(rng)):
                options = pool if rng.random() < 0.8 else SHARED_SKILLS
                name = rng.choice(options)
                if name not in chosen:
                    chosen.append(name)
            for name in chosen:
                declared.append((first_id + len(declared), u, skill_id[fold(name)]))
        endorsements: list[tuple[int, int, int]] = []  # (user skill id, endorser, moment)
        now = self.clock.now_us
        for user_skill, u, _ in declared:
            if rng.random() >= ENDORSED_SHARE:
                continue
            peers = self.team_members[self.team_of[u]]
            if len(peers) < 2:
                peers = self.department_members[self.department_of[u]]
            count = min(rng.randint(1, 6), len(peers) - 1)
            endorsers = {p for p in rng.sample(peers, min(len(peers), count + 1)) if p != u}
            for e in sorted(endorsers)[:count]:
                moment = self.clock.between(rng, max(self.joined_us[u], self.joined_us[e]), now)
                endorsements.append((user_skill, e, moment))
        ids = self.user_ids
        with self.writer.bar("skills", len(declared)) as bar:
            self.writer.insert(
                UserSkill,
                ("id", "user_id", "skill_id", "created_at"),
                ((pk, ids[u], skill, stamp(self.joined_us[u])) for pk, u, skill in declared),
                bar,
            )
        with self.writer.bar("endorsements", len(endorsements)) as bar:
            self.writer.insert(
                Endorsement,
                ("user_skill_id", "endorser_id", "created_at"),
                ((us, ids[e], stamp(moment)) for us, e, moment in endorsements),
                bar,
            )
        self.counts["skills"] = len(declared)

    def build_search(self) -> None:
        """The search index of every post, comment and community.

        The bodies here are plain sentences, so the indexed text is the body
        itself (what ``cercle.search.index`` extracts from the HTML gives the
        same words); only the stems are computed, by the product's own code.
        Rows are read back in id order, one batch at a time.
        """
        quote = connection.ops.quote_name
        post, comment = quote(Post._meta.db_table), quote(Comment._meta.db_table)
        plans = (
            (
                EntryKind.POST,
                f"SELECT p.id, p.body, p.author_id, p.community_id, p.created_at, p.id, NULL "
                f"FROM {post} p WHERE p.id > %s ORDER BY p.id LIMIT %s",
                Post,
            ),
            (
                EntryKind.COMMENT,
                f"SELECT c.id, c.body, c.author_id, p.community_id, c.created_at, c.post_id, c.id "
                f"FROM {comment} c JOIN {post} p ON p.id = c.post_id "
                f"WHERE c.id > %s ORDER BY c.id LIMIT %s",
                Comment,
            ),
        )
        fields = (
            "kind", "object_id", "post_id", "comment_id", "community_id", "person_id",
            "created_at", "title", "text", "terms_fr", "terms_en", "document_id",
        )  # fmt: skip

        def rows(kind: str, sql: str) -> Iterator[tuple[Any, ...]]:
            last = 0
            while True:
                with connection.cursor() as cursor:
                    cursor.execute(sql, [last, SEARCH_BATCH])
                    batch = cursor.fetchall()
                if not batch:
                    return
                for pk, body, author, community, created, post_id, comment_id in batch:
                    text = " ".join(body.split())
                    fr, en = index_terms(text)
                    yield (
                        kind, pk, post_id, comment_id, community, author,
                        created, "", text, fr, en, None,
                    )  # fmt: skip
                last = batch[-1][0]

        # Posts and comments merged in time order (each stream already is): entry ids
        # follow created_at, as when people write live and as `cercle reindex` does.
        # Library documents too (``build_documents``), by when they were added.
        merged = heapq.merge(
            *(rows(kind, sql) for kind, sql, _ in plans),
            iter(self.document_entries),
            key=lambda r: r[6],
        )
        total = sum(model._default_manager.count() for _, _, model in plans)
        total += len(self.document_entries)
        with self.writer.bar("search", total) as bar:
            written = self.writer.insert(SearchEntry, fields, merged, bar)
        for community in self.communities:
            index_community(community)
        self.counts["search_entries"] = written + len(self.communities)  # documents included

    # --- Libraries ---------------------------------------------------------------------

    def build_documents(self) -> None:
        """``--documents`` library documents, each read (1-6 pages of text), and indexed.

        Documents go to communities in proportion to their members; the first
        community gets exactly ``LIBRARY_PAGE_DOCUMENTS`` at the top of its
        library (the library page's budget), and its first document
        ``LONG_HISTORY`` versions (the document page's).  The files themselves
        are not written: no page of the bench opens one (uploads are timed with
        real files by ``bench/run.py``).  Their text, like every search entry's,
        is stemmed by the product's own code (``document_terms``).
        """
        total = self.options.documents
        if total <= 0:
            return
        rng = self._rng("documents")
        text = TextBank(self.tag_names, self.tag_keys)
        weights = [len(people) for people in self.members]
        now, stamp = self.clock.now_us, self.clock.stamp
        first_id = (Document.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        kinds = (
            ("pdf", "application/pdf", ".pdf"),
            ("office", OOXML_WORD, ".docx"),
            ("office", OOXML_SHEET, ".xlsx"),
            ("text", "text/plain; charset=utf-8", ".md"),
        )
        library = 0  # the library page's community: index 0, whatever its size
        others = [c for c in range(len(self.members)) if c != library]
        picks = Weighted([weights[c] for c in others]) if others else None
        documents, versions, pages, entries = [], [], [], []
        version_id = (DocumentVersion.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        # Each document's post (its feed item and discussion), dated by its last version.
        post_base = Post.objects.aggregate(top=Max("id"))["top"] or 0
        for index in range(total):
            pk = first_id + index
            if index < LIBRARY_PAGE_DOCUMENTS or picks is None:
                c = library
            else:
                c = others[picks.pick(rng)]
            people = self.members[c] or [0]
            author = self.user_ids[rng.choice(people)]
            created = self.clock.between(rng, self.clock.start_us, now)
            kind, content_type, extension = kinds[index % len(kinds)]
            head, _html = text.sentence(rng)
            title = f"{' '.join(head.split()[:6])} {index}{extension}"
            history = (
                LONG_HISTORY if index == 0 else 1 + int(rng.random() < 0.3) * rng.randint(1, 4)
            )
            moments = sorted(self.clock.between(rng, created, now) for _ in range(history - 1))
            body: list[str] = []
            for number, moment in enumerate([created, *moments], start=1):
                current = number == history
                page_count = rng.randint(1, 6) if current else 0
                versions.append(
                    (
                        version_id, pk, number, f"documents/bench/{pk}-{number}{extension}",
                        title, kind, content_type, 20_000 + rng.randint(0, 2_000_000),
                        f"{pk}-{number}".ljust(64, "0"), f"Version {number}" if number > 1 else "",
                        author, stamp(moment), "ready", page_count, stamp(moment),
                    )
                )  # fmt: skip
                for page in range(1, page_count + 1):
                    words = " ".join(text.sentence(rng)[0] for _ in range(rng.randint(3, 8)))
                    pages.append((version_id, page, words))
                    body.append(words)
                version_id += 1
            updated = moments[-1] if moments else created
            marked = rng.random()
            reference = "template" if marked < 0.03 else "reference" if marked < 0.10 else ""
            documents.append(
                (
                    pk, self.community_ids[c], title, version_id - 1, history,
                    author, stamp(created), author, stamp(updated), reference,
                    post_base + 1 + index,
                )
            )  # fmt: skip
            joined = PAGE_BREAK.join(body)
            fr, en = document_terms(f"{title}\n{joined.replace(PAGE_BREAK, chr(10))}")
            entries.append(
                (
                    EntryKind.DOCUMENT, pk, None, None, self.community_ids[c], author,
                    stamp(created), title, joined, fr, en, pk, created,
                )
            )  # fmt: skip
        with self.writer.bar("document posts", len(documents)) as bar:
            self.writer.insert(
                Post,
                (
                    "id", "author_id", "community_id", "kind", "body", "body_html",
                    "created_at", "last_activity_at", "comment_count",
                ),
                ((d[10], d[5], d[1], "document", "", "", d[8], d[8], 0) for d in documents),
                bar,
            )  # fmt: skip
        with self.writer.bar("documents", len(documents)) as bar:
            self.writer.insert(
                Document,
                (
                    "id", "community_id", "title", "version_count", "created_by_id",
                    "created_at", "updated_by_id", "updated_at", "reference", "post_id",
                ),
                (
                    (d[0], d[1], d[2], d[4], d[5], d[6], d[7], d[8], d[9], d[10])
                    for d in documents
                ),
                bar,
            )  # fmt: skip
        with self.writer.bar("versions", len(versions)) as bar:
            self.writer.insert(
                DocumentVersion,
                (
                    "id", "document_id", "number", "file", "name", "kind", "content_type",
                    "size", "sha256", "note", "uploaded_by_id", "created_at", "preview",
                    "page_count", "processed_at",
                ),
                versions,
                bar,
            )  # fmt: skip
        with self.writer.bar("pages", len(pages)) as bar:
            self.writer.insert(DocumentPage, ("version_id", "number", "text"), pages, bar)
        with connection.cursor() as cursor:  # each document's current version: its last
            table = connection.ops.quote_name(Document._meta.db_table)
            version_table = connection.ops.quote_name(DocumentVersion._meta.db_table)
            cursor.execute(
                f"UPDATE {table} SET current_id = (SELECT max(v.id) FROM {version_table} v "
                f"WHERE v.document_id = {table}.id) WHERE current_id IS NULL"
            )
        entries.sort(key=lambda row: row[-1])
        # Indexed with the posts and comments, in time order (``build_search``), with a
        # time of the type their rows have when read back (naive UTC on SQLite).
        naive = self.writer.vendor == "sqlite"
        self.document_entries = [
            (
                *row[:6],
                self.clock.aware(row[-1]).replace(tzinfo=None) if naive else row[6],
                *row[7:-1],
            )
            for row in entries
        ]
        self.counts["documents"] = len(documents)
        self.counts["document_versions"] = len(versions)
        self.counts["document_posts"] = len(documents)

    # --- Finish ------------------------------------------------------------------------

    def finish(self) -> None:
        """Sequences after explicit ids (PostgreSQL), then statistics for the planner.

        On PostgreSQL this is ``VACUUM (ANALYZE)`` rather than a bare ``ANALYZE``:
        freshly COPYed tables have no visibility map yet, so index-only scans
        would visit the heap, and autovacuum would otherwise wake up in the
        middle of the latency benchmark to do exactly this.
        """
        models: list[type[Model]] = [
            User, Community, Membership, Follow, Post, Hashtag, PostHashtag, HashtagFollow,
            Comment, Reaction, Skill, UserSkill, Endorsement, SearchEntry,
            Document, DocumentVersion, DocumentPage,
        ]  # fmt: skip
        with connection.cursor() as cursor:
            if self.writer.vendor == "postgresql":
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
                cursor.execute("VACUUM (ANALYZE)")
            else:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- Report ------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """What the latency benchmark needs: counts, shape, and deterministic samples."""
        o = self.options
        rng = self._rng("samples")
        n = o.users
        posts_by_user = Counter(self.post_author)
        posts_by_community = Counter(c for c in self.post_community if c >= 0)

        floor = o.follows_per_user / 2
        candidates = [u for u in range(1, n) if len(self.following[u]) >= floor]
        viewers = [0, *sorted(rng.sample(candidates, min(SAMPLE_VIEWERS - 1, len(candidates))))]
        first = viewers[0]
        readable = [
            c
            for c in range(o.communities)
            if posts_by_community[c]
            and (self.kinds[c] == CommunityKind.OPEN or c in self.user_communities[first])
        ]
        readable.sort(key=lambda c: (-posts_by_community[c], c))
        sample_communities = log_spaced(readable, SAMPLE_RANK_EXPONENTS)
        used_tags = sorted(self.tag_uses, key=lambda t: (-self.tag_uses[t], t))
        sample_tags = log_spaced(used_tags, SAMPLE_RANK_EXPONENTS)
        prolific = sorted(posts_by_user, key=lambda u: (-posts_by_user[u], u))
        sample_profiles = [prolific[r] for r in SAMPLE_PROFILE_RANKS if r < len(prolific)]

        top_share = sum(posts_by_user[u] for u in prolific[: max(1, n // 100)]) / max(1, o.posts)
        community_posts = sum(posts_by_community.values())
        sizes = sorted((len(people) for people in self.members), reverse=True)
        return {
            "seed": o.seed,
            "arguments": {
                "users": o.users,
                "posts": o.posts,
                "follows_per_user": o.follows_per_user,
                "communities": o.communities,
                "memberships_per_user": o.memberships_per_user,
            },
            "now": o.now.isoformat(),
            "database": {
                "vendor": connection.vendor,
                "name": str(connection.settings_dict["NAME"]),
            },
            "counts": self.table_counts(),
            "timings_seconds": {
                phase: round(seconds, 2) for phase, seconds in self.timings.items()
            },
            "sample_viewers": [self.user_ids[u] for u in viewers],
            "sample_communities": [self.communities[c].slug for c in sample_communities],
            "sample_hashtags": [self.tag_keys[t] for t in sample_tags],
            "sample_profiles": [self.user_ids[u] for u in sample_profiles],
            "details": {
                "viewers": [
                    {
                        "id": self.user_ids[u],
                        "email": f"bench.user{u + 1}@bench.cercle",
                        "follows": len(self.following[u]),
                        "communities": len(self.user_communities[u]),
                        "closed_communities": sum(
                            self.kinds[c] != CommunityKind.OPEN for c in self.user_communities[u]
                        ),
                    }
                    for u in viewers
                ],
                "communities": [
                    {
                        "slug": self.communities[c].slug,
                        "kind": str(self.kinds[c]),
                        "members": len(self.members[c]),
                        "posts": posts_by_community[c],
                    }
                    for c in sample_communities
                ],
                "hashtags": [
                    {"key": self.tag_keys[t], "posts": self.tag_uses[t]} for t in sample_tags
                ],
                "profiles": [
                    {"id": self.user_ids[u], "posts": posts_by_user[u]} for u in sample_profiles
                ],
                "shape": {
                    "top_1_percent_authors_share_of_posts": round(top_share, 3),
                    "authors_with_posts": len(posts_by_user),
                    "community_post_share": round(community_posts / max(1, o.posts), 3),
                    "tagged_post_share": round(
                        len({p for p, _ in self.post_tags}) / max(1, o.posts), 3
                    ),
                    "commented_post_share": round(len(self.comment_plan) / max(1, o.posts), 3),
                    "community_sizes": {
                        "largest": sizes[0],
                        "median": sizes[len(sizes) // 2],
                        "smallest": sizes[-1],
                    },
                    "closed_communities": {
                        "private": self.kinds.count(CommunityKind.PRIVATE),
                        "secret": self.kinds.count(CommunityKind.SECRET),
                    },
                },
            },
        }

    @staticmethod
    def table_counts() -> dict[str, int]:
        models: dict[str, type[Model]] = {
            "users": User,
            "departments": Department,
            "regions": Region,
            "communities": Community,
            "memberships": Membership,
            "follows": Follow,
            "hashtag_follows": HashtagFollow,
            "posts": Post,
            "hashtags": Hashtag,
            "post_hashtags": PostHashtag,
            "comments": Comment,
            "reactions": Reaction,
            "skills": UserSkill,
            "endorsements": Endorsement,
            "search_entries": SearchEntry,
        }
        return {name: model._default_manager.count() for name, model in models.items()}

    # --- Driver ------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        phases: list[tuple[str, Callable[[], None]]] = [
            ("users", self.build_users),
            ("communities", self.build_communities),
            ("memberships", self.build_memberships),
            ("follows", self.build_follows),
            ("posts", self.build_posts),
            ("hashtags", self.build_hashtags),
            ("comments", self.build_comments),
            ("reactions", self.build_reactions),
            ("skills", self.build_skills),
            ("documents", self.build_documents),
            ("search", self.build_search),
            ("analyze", self.finish),
        ]
        self.writer.tune_session()
        for name, build in phases:
            with self._phase(name):
                build()
        return self.describe()


# --- Command line ------------------------------------------------------------------


def prepare_database(reset: bool, quiet: bool) -> None:
    """Migrate, then refuse to mix generated data with existing content unless ``reset``."""
    call_command("migrate", interactive=False, verbosity=0)
    occupied = User.objects.exists() or Post.objects.exists() or Community.objects.exists()
    if occupied and not reset:
        raise SystemExit(
            "This database already has people or content; use --reset to erase it first "
            f"({connection.vendor}: {connection.settings_dict['NAME']})."
        )
    if occupied:
        if not quiet:
            print("Erasing the database (flush)…", file=sys.stderr)
        call_command("flush", interactive=False, verbosity=0)


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Generate a deterministic, realistically skewed dataset for the feed bench.",
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--follows-per-user", type=int, default=100)
    parser.add_argument("--communities", type=int, default=800)
    parser.add_argument("--memberships-per-user", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--documents",
        type=int,
        default=None,
        help="Library documents (default: one per 20 posts, 50,000 at 1M posts).",
    )
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=None,
        help="Clock anchor, ISO 8601 (default: the current hour, UTC, rounded down).",
    )
    parser.add_argument("--reset", action="store_true", help="Erase the database (flush) first.")
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "bench" / "results" / "dataset.json",
        help="Where to describe the dataset (a copy per vendor is written next to it).",
    )
    parser.add_argument("--quiet", action="store_true", help="No progress bars.")
    args = parser.parse_args(argv)
    if args.users < 2 or args.communities < 1 or args.posts < 1:
        parser.error("need at least 2 users, 1 community and 1 post")
    if min(args.follows_per_user, args.memberships_per_user) < 0:
        parser.error("counts cannot be negative")
    now = args.now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return Options(
        users=args.users,
        posts=args.posts,
        follows_per_user=args.follows_per_user,
        communities=args.communities,
        memberships_per_user=args.memberships_per_user,
        seed=args.seed,
        now=now.astimezone(UTC),
        documents=args.documents if args.documents is not None else args.posts // 20,
        reset=args.reset,
        output=args.output,
        quiet=args.quiet,
    )


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    started = time.perf_counter()
    prepare_database(options.reset, options.quiet)
    prepared = time.perf_counter() - started
    generator = Generator(options)
    generator.timings["migrate/reset"] = prepared
    description = generator.run()
    total = time.perf_counter() - started
    description["timings_seconds"]["total"] = round(total, 2)

    options.output.parent.mkdir(parents=True, exist_ok=True)
    document = json.dumps(description, indent=2, ensure_ascii=False) + "\n"
    options.output.write_text(document)
    per_vendor = options.output.with_name(
        f"{options.output.stem}-{connection.vendor}{options.output.suffix}"
    )
    per_vendor.write_text(document)

    counts = ", ".join(f"{name} {count:,}" for name, count in description["counts"].items())
    print(f"Rows: {counts}")
    print(f"Sample viewers (ids): {description['sample_viewers']}")
    print(f"Sample communities: {description['sample_communities']}")
    print(f"Sample hashtags: {description['sample_hashtags']}")
    print(f"Sample profiles (ids): {description['sample_profiles']}")
    print(f"Described in {options.output} and {per_vendor.name}")
    phases = " | ".join(f"{name} {seconds:.1f}s" for name, seconds in generator.timings.items())
    print(f"Elapsed: {phases} | total {total:.1f}s")


if __name__ == "__main__":
    main()
