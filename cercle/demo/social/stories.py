"""The personas' stories (DESIGN.md): Sophie's welcome, Alexandra's results and praise,
Thomas's tender, Franck's article, the secret executive committee.
"""

from __future__ import annotations

from cercle.demo.social.builder import SocialBuilder
from cercle.demo.social.plans import (
    CommentPlan,
    PostPlan,
    day_time,
    demo_pdf,
    unique,
)
from cercle.demo.social.texts import (
    HISTORY_DAYS,
    RESULTS_PDF,
    RESULTS_TEXT,
    TENDER_PDF,
    TENDER_TEXT,
    THANKS_REPLY,
)
from cercle.posts import services as posts
from cercle.posts.models import Emoji


def plan_stories(b: SocialBuilder) -> list[PostPlan]:
    """Each persona's story as posts to publish, with their comments and reactions."""
    p = b.people
    plans = [welcome(b)]

    # (b) Alexandra's quarterly results, with the report attached.
    croissance = b.members["croissance"]
    results = PostPlan(
        when=day_time(12, 9, 5),
        author=p.alexandra,
        community=b.communities["croissance"],
        body="Voici les **résultats du troisième trimestre** de l'unité Services "
        "informatiques :\n\n"
        "- chiffre d'affaires : 48,2 M€ (+6 % sur un an)\n"
        "- marge opérationnelle : 9,1 %\n"
        "- 14 recrutements\n\n"
        "Le détail est dans le document joint. Merci à toutes et à tous pour ce "
        "trimestre ! #résultats",
        uploads=[
            posts.Upload(RESULTS_PDF, demo_pdf("Résultats du troisième trimestre", RESULTS_TEXT))
        ],
    )
    results.comments = [
        CommentPlan(
            p.ceo,
            "Très beaux résultats, bravo à toute l'unité. Point à creuser : la marge sur les "
            "contrats au forfait.",
        ),
        CommentPlan(p.franck, "Merci pour la transparence ! Aura-t-on le détail par pôle ?"),
        CommentPlan(
            p.alexandra,
            f"@{p.franck.handle} oui, je le présenterai au prochain point d'unité.",
            reply_to=1,
        ),
    ]
    for person in b.sample(croissance, 2, without=[p.alexandra, p.ceo, p.franck]):
        results.comments.append(CommentPlan(person, "Bravo à tous 🎉"))
    results.reactions = [(p.ceo, Emoji.CELEBRATE), (p.franck, Emoji.LIKE)]
    results.reactions += [
        (u, b.rng.choice([Emoji.CELEBRATE, Emoji.LIKE, Emoji.LOVE]))
        for u in b.sample(croissance, 6, without=[p.alexandra, p.ceo, p.franck])
    ]
    plans.append(results)

    # (c) Franck's article, then Alexandra's public thanks on her profile.
    veille = b.readers["veille"]
    article = PostPlan(
        when=day_time(7, 10, 12),
        author=p.franck,
        community=b.communities["veille"],
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
        CommentPlan(u, body)
        for u, body in zip(
            b.sample(veille, 3, without=[p.franck, p.alexandra]),
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
            CommentPlan(
                p.franck,
                f"@{article.comments[-1].author.handle} avec plaisir, je propose une date.",
                reply_to=len(article.comments) - 1,
            )
        )
    article.reactions = [(p.alexandra, Emoji.IDEA)] + [
        (u, b.emoji()) for u in b.sample(veille, 12, without=[p.franck, p.alexandra])
    ]
    plans.append(article)
    praise = PostPlan(
        when=day_time(6, 9, 30),
        author=p.alexandra,
        praised=[p.franck],
        body=f"Merci @{p.franck.handle} pour ton excellent article sur les nouvelles "
        "technologies de développement !",
    )
    praise.comments = [CommentPlan(p.franck, "Merci Alexandra, ça fait très plaisir !")]
    praise.reactions = [
        (u, b.rng.choice([Emoji.CELEBRATE, Emoji.LOVE, Emoji.LIKE]))
        for u in b.sample(p.colleagues(p.franck), 8, without=[p.franck, p.alexandra])
    ]
    plans.append(praise)
    plans.append(
        PostPlan(
            when=day_time(6, 15, 45),
            author=p.sophie,
            share_of=article,
            body="À lire absolument, même si vous n'êtes pas développeur !",
        )
    )

    # (d) The executive committee's confidential news (#codir lives only here).
    directors = b.members["codir"]
    codir = PostPlan(
        when=day_time(4, 18, 10),
        author=p.ceo,
        community=b.communities["codir"],
        body="**Confidentiel** : nous sommes en discussion pour reprendre une PME "
        "d'automatisme à Grenoble (45 personnes). Merci de ne rien diffuser avant "
        "l'annonce officielle ; premier point au prochain comité. #codir",
    )
    codir.comments = [
        CommentPlan(
            p.alexandra,
            "Très bonne opportunité : leurs compétences en automatisme compléteraient "
            "notre offre. Je prépare l'analyse des synergies pour le comité.",
        )
    ]
    codir.reactions = [(u, Emoji.IDEA) for u in b.sample(directors, 3, without=[p.ceo])]
    plans.append(codir)

    # (a) Thomas asks his region for a reusable technical brief, from the road.
    lead = b.members["sud_ouest"][0]
    team = b.members["sud_ouest"]
    helpers = b.sample(team, 2, without=[p.thomas, lead]) or [lead]
    if len(helpers) < 2:
        helpers = unique([*helpers, lead])
    tender = PostPlan(
        when=day_time(2, 8, 40),
        author=p.thomas,
        community=b.communities["sud_ouest"],
        body="Bonjour à tous ! Je réponds à un appel d'offres de **maintenance "
        "ferroviaire** (lot Occitanie, remise vendredi). Quelqu'un a-t-il un mémoire "
        f"technique réutilisable sur ce type de prestation ? @{lead.handle}, tu avais "
        "peut-être celui de l'an dernier ? #appeldoffres #ferroviaire",
        comment_gap=(15, 90),
    )
    tender.comments = [
        CommentPlan(
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
            CommentPlan(
                helpers[1],
                "Regarde aussi les exigences sécurité du cahier des charges, ils y tiennent "
                "beaucoup. Je peux relire ta partie organisation jeudi si tu veux.",
            )
        )
    tender.comments.append(CommentPlan(p.thomas, THANKS_REPLY, reply_to=0))
    tender.reactions = [(u, Emoji.LIKE) for u in unique([lead, *helpers])]
    plans.append(tender)

    # (e) Thirty seconds of field feedback, on his profile.
    field_note = PostPlan(
        when=day_time(1, 17, 25),
        author=p.thomas,
        body="Sortie de réunion chez un client à Pau : ils veulent une astreinte 24 h/24 "
        "sur leurs compresseurs. À intégrer dans nos offres de maintenance ! #retourterrain",
    )
    if lead.pk != p.thomas.pk:
        field_note.comments = [CommentPlan(lead, "Bien vu Thomas, on en parle lundi.")]
    field_note.reactions = [(u, b.emoji()) for u in b.sample(team, 5, without=[p.thomas])]
    plans.append(field_note)
    return plans


def welcome(b: SocialBuilder) -> PostPlan:
    """Sophie's pinned welcome: what the newcomer persona reads first."""
    sophie = b.people.sophie
    welcome = PostPlan(
        when=day_time(HISTORY_DAYS, 9, 0),
        author=sophie,
        community=b.communities["welcome"],
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
    newcomers = b.sample(b.people.all, 8, without=[sophie, b.people.ceo])
    for person in newcomers:
        site = f" à {person.site}" if person.site else ""
        welcome.comments.append(
            CommentPlan(
                person,
                f"Bonjour à tous ! {person.first_name}, {person.job_title.lower()}{site}. "
                "Hâte d'échanger avec vous ici.",
            )
        )
    if newcomers:
        welcome.comments.append(
            CommentPlan(
                sophie,
                f"Bienvenue @{newcomers[0].handle} ! N'hésite pas si besoin.",
                reply_to=0,
            )
        )
    welcome.reactions = [
        (u, b.rng.choice([Emoji.LIKE, Emoji.LOVE, Emoji.CELEBRATE]))
        for u in b.sample(b.people.all, 20, without=[sophie])
    ]
    return welcome
