"""The French demo company: Hexagone Services Industriels (fictitious).

A B2B industrial-services company whose IT-services unit (about two thirds
of the staff) is run by Alexandra; Thomas sells in the Sud-Ouest; Franck
writes about new development technologies; Sophie animates the network.
Everything is derived from ``seed``: two runs with the same arguments build
the same company.  Inserts are bulk inserts (one query per table and batch).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from faker import Faker

from cercle.accounts.models import Department, Endorsement, Region, User, UserSkill
from cercle.accounts.services import department_for, region_for, skill_for
from cercle.core.text import fold

DOMAIN = "hexagone-services.fr"
DEMO_PASSWORD = "cercle-demo"  # noqa: S105 - documented demo password
REFERENCE_DATE = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
MIN_USERS = 20

REGIONS: dict[str, list[str]] = {
    "Île-de-France": ["Paris", "Nanterre", "Saint-Denis"],
    "Sud-Ouest": ["Toulouse", "Bordeaux", "Pau"],
    "Auvergne-Rhône-Alpes": ["Lyon", "Grenoble", "Clermont-Ferrand"],
    "Grand Est": ["Strasbourg", "Metz", "Reims"],
    "Hauts-de-France": ["Lille", "Amiens"],
    "Provence-Alpes-Côte d'Azur": ["Marseille", "Nice"],
    "Bretagne": ["Rennes", "Brest"],
    "Pays de la Loire": ["Nantes", "Angers"],
}

SKILLS: dict[str, list[str]] = {
    "Ventes": [
        "Appels d'offres",
        "Négociation",
        "Ferroviaire",
        "Maintenance industrielle",
        "Relation client",
        "Marchés publics",
        "Chiffrage",
        "CRM",
        "Énergie",
    ],
    "Ingénierie": [
        "Soudure",
        "Automatisme",
        "CAO",
        "Hydraulique",
        "ISO 9001",
        "Maintenance prédictive",
        "Électrotechnique",
        "Ferroviaire",
        "Robotique",
    ],
    "Services informatiques": [
        "Python",
        "Java",
        "Kubernetes",
        "DevOps",
        "Cybersécurité",
        "SAP",
        "Cloud Azure",
        "Gestion de projet",
        "ITIL",
        "React",
        "PostgreSQL",
        "Réseaux",
        "Data",
        "Agilité",
    ],
    "Ressources humaines": ["Recrutement", "Paie", "Formation", "Droit social", "Onboarding"],
    "Finance": ["Contrôle de gestion", "Comptabilité", "Trésorerie", "Excel avancé", "Audit"],
    "Marketing et communication": [
        "Communication interne",
        "Réseaux sociaux",
        "Événementiel",
        "Rédaction",
        "Marque",
    ],
    "Direction": ["Stratégie", "Management", "Conduite du changement"],
}

JOBS: dict[str, tuple[str, str, list[str]]] = {
    # department: (director title, team lead title, member titles)
    "Ventes": (
        "Directeur commercial",
        "Responsable commercial régional",
        [
            "Ingénieur commercial",
            "Chargé d'affaires",
            "Assistant commercial",
            "Technico-commercial",
        ],
    ),
    "Ingénierie": (
        "Directrice de l'ingénierie",
        "Responsable bureau d'études",
        [
            "Ingénieur méthodes",
            "Technicien de maintenance",
            "Dessinateur projeteur",
            "Ingénieur automaticien",
        ],
    ),
    "Services informatiques": (
        "Directrice des services informatiques",
        "Responsable de pôle",
        [
            "Développeur",
            "Développeuse",
            "Chef de projet",
            "Administrateur systèmes",
            "Ingénieur DevOps",
            "Analyste support",
            "Architecte logiciel",
            "Consultant SAP",
        ],
    ),
    "Ressources humaines": (
        "Directeur des ressources humaines",
        "Responsable RH",
        ["Chargée de recrutement", "Gestionnaire de paie", "Responsable formation"],
    ),
    "Finance": (
        "Directrice administrative et financière",
        "Responsable comptable",
        ["Contrôleur de gestion", "Comptable", "Trésorier"],
    ),
    "Marketing et communication": (
        "Directeur marketing",
        "Responsable communication",
        ["Chargée de communication", "Chef de produit", "Community manager"],
    ),
}

# Share of the staff per department (the rest is the executive committee).
SHARES = {
    "Services informatiques": 0.66,
    "Ventes": 0.13,
    "Ingénierie": 0.10,
    "Ressources humaines": 0.035,
    "Finance": 0.035,
    "Marketing et communication": 0.03,
}


@dataclass(frozen=True, slots=True)
class Persona:
    key: str
    first_name: str
    last_name: str
    job_title: str
    department: str
    region: str
    site: str
    skills: tuple[str, ...]
    bio: str
    ask_me_about: str = ""
    is_staff: bool = False

    @property
    def email(self) -> str:
        return f"{fold(self.first_name)}.{fold(self.last_name)}@{DOMAIN}".replace(" ", "-")


CEO = Persona(
    "ceo",
    "Catherine",
    "Moreau",
    "Présidente-directrice générale",
    "Direction",
    "Île-de-France",
    "Paris",
    ("Stratégie", "Management"),
    "À la tête d'Hexagone Services Industriels depuis 2018.",
)
THOMAS = Persona(
    "thomas",
    "Thomas",
    "Lefebvre",
    "Ingénieur commercial",
    "Ventes",
    "Sud-Ouest",
    "Toulouse",
    ("Appels d'offres", "Ferroviaire", "Maintenance industrielle", "Négociation"),
    "Ingénieur commercial sur le Sud-Ouest : je réponds aux appels d'offres techniques, "
    "souvent depuis la route.",
    "Appels d'offres ferroviaires, chiffrage de contrats de maintenance",
)
ALEXANDRA = Persona(
    "alexandra",
    "Alexandra",
    "Girard",
    "Directrice des services informatiques",
    "Services informatiques",
    "Île-de-France",
    "Nanterre",
    ("Management", "Gestion de projet", "Cloud Azure", "Conduite du changement"),
    "Je dirige l'unité Services informatiques (200 personnes). Projet Croissance 2015.",
    "Organisation de l'unité, projets de transformation",
)
FRANCK = Persona(
    "franck",
    "Franck",
    "Bernard",
    "Développeur senior",
    "Services informatiques",
    "Auvergne-Rhône-Alpes",
    "Lyon",
    ("Python", "Kubernetes", "React", "Architecture logicielle"),
    "Développeur passionné : j'écris régulièrement sur les nouvelles technologies "
    "de développement.",
    "Python, Kubernetes, tests automatisés",
)
SOPHIE = Persona(
    "sophie",
    "Sophie",
    "Marchand",
    "Responsable communication interne",
    "Marketing et communication",
    "Île-de-France",
    "Paris",
    ("Communication interne", "Animation de communauté", "Rédaction"),
    "J'anime Cercle : n'hésitez pas à me demander de l'aide pour créer une communauté.",
    "Créer et animer une communauté",
    is_staff=True,
)
PERSONAS = (CEO, THOMAS, ALEXANDRA, FRANCK, SOPHIE)


def is_database_empty() -> bool:
    return not User.objects.exists()


def _department_sizes(total: int) -> dict[str, int]:
    remaining = total - 1  # the CEO
    sizes = {name: max(2, round(total * share)) for name, share in SHARES.items()}
    # Adjust the largest unit so that the sum is exact.
    sizes["Services informatiques"] += remaining - sum(sizes.values())
    return sizes


class CompanyBuilder:
    def __init__(self, *, users: int, seed: int) -> None:
        self.total = users
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.emails: set[str] = set()
        self.people: list[User] = []
        self.skills_of: dict[int, list[str]] = {}  # index in people -> labels
        self.manager_of: dict[int, int] = {}  # index -> manager index
        self.password = make_password(DEMO_PASSWORD)
        self.departments = {name: Department(name=name) for name in [*SHARES, "Direction"]}
        self.regions = {name: Region(name=name) for name in REGIONS}

    def _email(self, first: str, last: str) -> str:
        base = f"{fold(first)}.{fold(last)}".replace(" ", "-").replace("'", "")
        email, n = f"{base}@{DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{DOMAIN}"
        self.emails.add(email)
        return email

    def _add(
        self,
        *,
        first: str,
        last: str,
        title: str,
        department: str,
        region: str,
        site: str,
        skills: list[str],
        manager: int | None,
        bio: str = "",
        ask_me_about: str = "",
        is_staff: bool = False,
    ) -> int:
        joined = REFERENCE_DATE - timedelta(days=self.rng.randint(30, 4000))
        user = User(
            email=self._email(first, last),
            first_name=first,
            last_name=last,
            job_title=title,
            site=site,
            phone_work=f"+33 {self.rng.randint(1, 5)} {self.rng.randint(10, 99)} "
            f"{self.rng.randint(10, 99)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
            phone_mobile=f"+33 6 {self.rng.randint(10, 99)} {self.rng.randint(10, 99)} "
            f"{self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
            bio=bio,
            ask_me_about=ask_me_about,
            languages=self.rng.choice(
                [
                    "Français",
                    "Français, anglais",
                    "Français, anglais, espagnol",
                    "Français, allemand",
                    "Français, anglais, italien",
                ]
            ),
            password=self.password,
            is_staff=is_staff,
            is_superuser=is_staff,
            date_joined=joined,
        )
        user.department = self.departments[department]
        user.region = self.regions[region]
        user.refresh_search_key()
        user.handle = user.email.split("@")[0]
        self.people.append(user)
        index = len(self.people) - 1
        self.skills_of[index] = skills
        if manager is not None:
            self.manager_of[index] = manager
        return index

    def _persona(self, persona: Persona, manager: int | None) -> int:
        self.emails.add(persona.email)
        index = self._add(
            first=persona.first_name,
            last=persona.last_name,
            title=persona.job_title,
            department=persona.department,
            region=persona.region,
            site=persona.site,
            skills=list(persona.skills),
            manager=manager,
            bio=persona.bio,
            ask_me_about=persona.ask_me_about,
            is_staff=persona.is_staff,
        )
        # ``_add`` derived the e-mail (and so the handle) from the name, and found the
        # persona's own address taken: give both back to the persona.
        self.people[index].email = persona.email
        self.people[index].handle = persona.email.split("@")[0]
        return index

    def _random_person(
        self, *, title: str, department: str, manager: int, region: str | None = None
    ) -> int:
        female = self.rng.random() < 0.45
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        last = self.fake.last_name()
        region = region or self.rng.choices(list(REGIONS), weights=[30, 14, 14, 10, 9, 9, 7, 7])[0]
        pool = SKILLS[department]
        skills = self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 4)))
        return self._add(
            first=first,
            last=last,
            title=title,
            department=department,
            region=region,
            site=self.rng.choice(REGIONS[region]),
            skills=skills,
            manager=manager,
        )

    def build(self, progress: Callable[[int], object]) -> None:
        sizes = _department_sizes(self.total)
        ceo = self._persona(CEO, None)
        progress(1)
        for department, size in sizes.items():
            director_title, lead_title, titles = JOBS[department]
            if department == "Services informatiques":
                director = self._persona(ALEXANDRA, ceo)
            else:
                director = self._random_person(
                    title=director_title,
                    department=department,
                    manager=ceo,
                    region="Île-de-France",
                )
            progress(1)
            members = size - 1
            team_count = max(1, round(members / 25))
            leads: list[int] = []
            lead_regions = list(REGIONS)
            for t in range(min(team_count, members)):
                if department == "Marketing et communication" and members == 1:
                    # A tiny company has no room below the lead: Sophie animates the
                    # network in every demo, so she takes the lead's seat.
                    leads.append(self._persona(SOPHIE, director))
                    progress(1)
                    continue
                region = lead_regions[t % len(lead_regions)]
                if department == "Ventes" and t == 0:
                    region = "Sud-Ouest"
                leads.append(
                    self._random_person(
                        title=lead_title,
                        department=department,
                        manager=director,
                        region=region,
                    )
                )
                progress(1)
            remaining = members - len(leads)
            for i in range(remaining):
                lead = leads[i % len(leads)]
                if department == "Ventes" and i == 0:
                    self._persona(THOMAS, leads[0])  # his lead covers the Sud-Ouest
                elif department == "Services informatiques" and i == 0:
                    self._persona(FRANCK, lead)
                elif department == "Marketing et communication" and i == 0:
                    self._persona(SOPHIE, director)
                else:
                    # Salespeople and engineers work in their lead's region.
                    member_region = (
                        self.people[lead].region.name  # type: ignore[union-attr]
                        if department in ("Ventes", "Ingénierie")
                        else None
                    )
                    self._random_person(
                        title=self.rng.choice(titles),
                        department=department,
                        manager=lead,
                        region=member_region,
                    )
                progress(1)

    def save(self) -> None:
        # Labels may already exist (e.g. after an import): reuse them.
        department_ids = {n: department_for(n).pk for n in self.departments}  # type: ignore[union-attr]
        region_ids = {n: region_for(n).pk for n in self.regions}  # type: ignore[union-attr]
        for user in self.people:
            user.department_id = department_ids[user.department.name]  # type: ignore[union-attr]
            user.region_id = region_ids[user.region.name]  # type: ignore[union-attr]
        User.objects.bulk_create(self.people, batch_size=500)
        if not self.people[0].pk:  # backends without RETURNING: read the ids back
            by_email = dict(User.objects.values_list("email", "pk"))
            for user in self.people:
                user.pk = by_email[user.email]
        for index, manager in self.manager_of.items():
            self.people[index].manager_id = self.people[manager].pk
        User.objects.bulk_update(self.people, ["manager"], batch_size=500)
        labels = {label for labels in self.skills_of.values() for label in labels}
        skills = {fold(label): skill_for(label) for label in sorted(labels)}
        declared = UserSkill.objects.bulk_create(
            [
                UserSkill(user=self.people[index], skill=skills[fold(label)])
                for index, labels in self.skills_of.items()
                for label in labels
            ],
            batch_size=1000,
        )
        self._endorse(declared)

    def _endorse(self, declared: list[UserSkill]) -> None:
        """Half the declared skills are endorsed by one to four colleagues of the department."""
        if not declared[:1] or declared[0].pk is None:  # backends without RETURNING
            declared = list(UserSkill.objects.filter(user__in=self.people).order_by("pk"))
        by_department: dict[int | None, list[User]] = {}
        for person in self.people:
            by_department.setdefault(person.department_id, []).append(person)
        endorsements = []
        for user_skill in declared:
            if self.rng.random() < 0.5:
                continue
            owner = user_skill.user
            peers = [p for p in by_department.get(owner.department_id, []) if p.pk != owner.pk]
            for endorser in self.rng.sample(peers, k=min(len(peers), self.rng.randint(1, 4))):
                endorsements.append(Endorsement(user_skill=user_skill, endorser=endorser))
        Endorsement.objects.bulk_create(endorsements, batch_size=1000)
