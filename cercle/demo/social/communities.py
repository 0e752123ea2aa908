"""The demo's communities (who owns, manages and joins each) and the requests to join them."""

from __future__ import annotations

from cercle.communities import services as communities
from cercle.communities.models import (
    CommunityKind,
    Invitation,
    JoinRequest,
)
from cercle.demo.social.builder import SocialBuilder
from cercle.demo.social.plans import (
    day_time,
    unique,
)
from cercle.demo.social.texts import (
    CODIR,
    CROISSANCE,
    HISTORY_DAYS,
    SUD_OUEST,
    VEILLE,
    WELCOME,
)


def build_communities(b: SocialBuilder) -> None:
    p = b.people
    everyone = p.all
    it = p.in_department("Services informatiques")
    sales = p.in_department("Ventes")
    engineers = p.in_department("Ingénierie")
    hr = p.in_department("Ressources humaines")
    marketing = p.in_department("Marketing et communication")

    b.community(
        "welcome",
        name=WELCOME,
        description="La communauté de tout le monde : présentez-vous, posez vos questions "
        "sur Cercle et découvrez les astuces pour bien démarrer.",
        kind=CommunityKind.OPEN,
        owner=p.sophie,
        members=everyone,
        managers=b.sample(marketing, 1, without=[p.sophie]),
        days_ago=HISTORY_DAYS + 5,
    )

    veille_size = min(40, max(8, round(len(everyone) * 0.13)))
    veille = [p.franck, p.alexandra]
    veille += b.sample(it, round(veille_size * 0.8) - 2, without=veille)
    veille += b.sample(everyone, veille_size - len(veille), without=veille)
    b.community(
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
    if len(unique([*south_west, lead])) < 4:  # a tiny company: bring in the director
        south_west += [u for u in p.directors if p.department(u) == "Ventes"]
    other_leads = [
        u for u in south_west if u.pk in p.leads and u.pk != lead.pk and u.pk != p.thomas.pk
    ]
    b.community(
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
        croissance += b.sample(p.in_department(department), 1, without=croissance)
    croissance += b.sample(it, size - len(croissance), without=croissance)
    b.community(
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

    b.community(
        "codir",
        name=CODIR,
        description="Le comité de direction : ordres du jour, décisions, sujets confidentiels.",
        kind=CommunityKind.SECRET,
        owner=p.ceo,
        members=[u for u in p.directors if u.pk != p.thomas.pk],
        days_ago=HISTORY_DAYS + 3,
    )

    engineering_head = next((u for u in p.directors if u in engineers), p.ceo)
    qualite = engineers[:30] + b.sample(everyone, max(3, len(everyone) // 30))
    b.community(
        "qualite",
        name="Qualité et sécurité",
        description="Bonnes pratiques, retours d'expérience et consignes de sécurité sur "
        "les sites clients.",
        kind=CommunityKind.OPEN,
        owner=engineering_head,
        members=qualite,
        managers=b.sample(engineers, 1, without=[engineering_head]),
        days_ago=HISTORY_DAYS + 2,
    )

    rail_owner = next((u for u in engineers if u.pk in p.leads), engineering_head)
    ferroviaire = [p.thomas, lead, *south_west[:8], *b.sample(engineers, 12)]
    b.community(
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
    python = [p.franck, *b.sample(developers, min(25, len(developers) // 5 + 3))]
    b.community(
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
    b.community(
        "rh",
        name="RH - Recrutement",
        description="Postes ouverts, cooptation et entretiens : l'espace des RH et des "
        "managers qui recrutent.",
        kind=CommunityKind.PRIVATE,
        owner=hr_head,
        members=[*hr, *b.sample(hiring_managers, 10)],
        days_ago=HISTORY_DAYS + 1,
    )

    grand_est = p.in_region("Grand Est")
    if len(grand_est) >= 3:
        owner = next((u for u in grand_est if u.pk in p.leads), grand_est[0])
        b.community(
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
    lyon += b.sample(p.in_region("Auvergne-Rhône-Alpes"), 5, without=lyon)
    if len(lyon) >= 3:
        owner = next((u for u in lyon if u.pk not in p.personas), p.franck)
        b.community(
            "lyon",
            name="Afterwork Lyon",
            description="Sorties, sport et afterworks entre collègues lyonnais. Tout le "
            "monde est bienvenu !",
            kind=CommunityKind.OPEN,
            owner=owner,
            members=lyon[:25],
            days_ago=HISTORY_DAYS + 1,
        )


def build_requests(b: SocialBuilder) -> None:
    """Pending requests and invitations, so moderators have something to decide."""
    p = b.people
    engineers = p.in_department("Ingénierie")
    south_west = b.communities["sud_ouest"]
    members = {u.pk for u in b.members["sud_ouest"]}
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
    if "rh" in b.communities:
        rh_members = {u.pk for u in b.members["rh"]}
        it_people = [
            u
            for u in p.in_department("Services informatiques")
            if u.pk not in rh_members and u.pk not in p.personas
        ]
        if it_people:
            communities.community_request(
                actor=b.rng.choice(it_people),
                community=b.communities["rh"],
                message="Je recrute deux développeurs pour mon équipe à Lyon.",
            )
    croissance_members = {u.pk for u in b.members["croissance"]}
    invitees = [u for u in p.in_department("Finance") if u.pk not in croissance_members]
    if invitees:
        communities.community_invite(
            actor=p.alexandra, community=b.communities["croissance"], user=invitees[0]
        )
    recent = b.at(day_time(1, 16, 20))
    JoinRequest.objects.filter(status="pending").update(created_at=recent)
    Invitation.objects.filter(status="pending").update(created_at=recent)
