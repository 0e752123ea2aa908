"""The demo's libraries: the Sud-Ouest sales team's tender kit, the Croissance 2015 project's
minutes and plans — real small PDF, Word and Excel files, each with a history.

Thomas answers tenders faster because his region keeps reusable documents
(DESIGN.md); Alexandra comments on the project's latest minutes.  Files are
made here (fpdf2, python-docx, openpyxl) and added through the library
services, so they are checked, stored and read like any upload: their
previews and text are made by the worker once Cercle runs.  Only the dates
are rewritten afterwards, as for the conversations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from cercle.accounts.models import User
from cercle.demo.social.builder import SocialBuilder
from cercle.demo.social.plans import day_time
from cercle.documents import services
from cercle.documents.models import Document, DocumentVersion, Folder, ReferenceKind
from cercle.posts.models import Post


def pdf_file(title: str, *pages: str) -> bytes:
    """A PDF of ``pages`` (paragraphs separated by blank lines), with a title on the first."""
    from fpdf import FPDF

    document = FPDF()
    document.set_title(title)
    for number, page in enumerate(pages, start=1):
        document.add_page()
        if number == 1:
            document.set_font("helvetica", "B", 16)
            document.multi_cell(0, 10, title)
            document.ln(4)
        document.set_font("helvetica", size=11)
        document.multi_cell(0, 6, page)
    return bytes(document.output())


def docx_file(title: str, *paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        if paragraph.startswith("## "):
            document.add_heading(paragraph[3:], level=2)
        else:
            document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        grid.style = "Table Grid"
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 42
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Revision:
    when: int  # minutes, as ``day_time``
    author: User
    data: bytes
    note: str = ""


@dataclass
class DocumentPlan:
    place: str  # a key of ``b.communities``
    folder: str
    name: str
    revisions: list[Revision]
    title: str = ""
    description: str = ""
    reference: str = ReferenceKind.NONE
    made: Document | None = field(default=None, repr=False)


def _offer(year: int, hourly: int, extra: str = "") -> bytes:
    return docx_file(
        "Offre type - maintenance préventive et corrective",
        "## Objet",
        "Proposition de contrat de maintenance préventive et corrective des installations "
        "industrielles du client : visites planifiées, astreinte 24 h/24, pièces d'usure.",
        "## Organisation",
        "Un chargé d'affaires dédié, une équipe d'intervention régionale (Bordeaux, "
        "Toulouse), un rapport de visite remis sous 48 heures.",
        f"## Conditions tarifaires {year}",
        f"Taux horaire technicien : {hourly} € HT. Forfait déplacement selon la grille "
        f"tarifaire {year}. {extra}",
        table=[
            ["Prestation", "Fréquence", "Prix HT"],
            ["Visite préventive", "Trimestrielle", f"{hourly * 6} €"],
            ["Astreinte", "Mensuelle", f"{hourly * 10} €"],
        ],
    )


def _price_grid(year: int, rate: int) -> bytes:
    return xlsx_file(
        {
            f"Tarifs {year}": [
                ["Prestation", "Unité", "Prix HT (€)"],
                ["Heure de technicien", "heure", rate],
                ["Heure de technicien, nuit et week-end", "heure", round(rate * 1.5)],
                ["Déplacement zone 1 (moins de 50 km)", "forfait", 65],
                ["Déplacement zone 2 (50 à 150 km)", "forfait", 120],
                ["Thermographie infrarouge", "jour", 980],
            ],
            "Remises": [
                ["Volume annuel", "Remise"],
                ["Plus de 50 k€", "5 %"],
                ["Plus de 150 k€", "8 %"],
            ],
        }
    )


def _minutes(date: str, decisions: list[str], actions: list[list[str]]) -> bytes:
    return docx_file(
        f"Compte rendu du comité Croissance 2015 du {date}",
        "Présents : Alexandra Girard, Franck Morel, les responsables de Bordeaux, Lyon et Lille.",
        "## Décisions",
        *decisions,
        "## Actions",
        table=[["Action", "Responsable", "Échéance"], *actions],
    )


def plan_libraries(b: SocialBuilder) -> list[DocumentPlan]:
    p = b.people
    team = b.members["sud_ouest"]
    lead, other = team[0], (team[1] if len(team) > 1 else team[0])
    project = b.members["croissance"]
    lyon = project[3] if len(project) > 3 else p.franck
    kit = "Kit appel d'offres"
    return [
        DocumentPlan(
            "sud_ouest",
            kit,
            "Offre type maintenance.docx",
            [
                Revision(day_time(60, 10), lead, _offer(2025, 62)),
                Revision(day_time(34, 15), other, _offer(2026, 64), "Tarifs 2026"),
                Revision(
                    day_time(9, 11, 20),
                    lead,
                    _offer(2026, 64, "Clause de révision annuelle indexée."),
                    "Clause de révision ajoutée",
                ),
                Revision(day_time(2, 16, 5), other, _offer(2027, 66), "Tarifs 2027"),
            ],
            description="La trame de nos réponses aux appels d'offres de maintenance : à "
            "copier, puis adapter le périmètre et les tarifs.",
            reference=ReferenceKind.TEMPLATE,
        ),
        DocumentPlan(
            "sud_ouest",
            kit,
            "Grille tarifaire 2027.xlsx",
            [
                Revision(day_time(34, 15, 10), other, _price_grid(2026, 64)),
                Revision(day_time(2, 16, 10), other, _price_grid(2027, 66), "Tarifs 2027"),
            ],
            reference=ReferenceKind.REFERENCE,
        ),
        DocumentPlan(
            "sud_ouest",
            kit,
            "Certification ISO 9001.pdf",
            [
                Revision(
                    day_time(120, 9),
                    lead,
                    pdf_file(
                        "Certificat ISO 9001:2015",
                        "Hexagone Services Industriels est certifiée ISO 9001:2015 pour la "
                        "maintenance industrielle, l'installation et le dépannage d'équipements "
                        "électriques et mécaniques.\n\nSites couverts : Bordeaux, Toulouse, Lyon, "
                        "Lille, Nantes. Valable jusqu'au 30 juin 2028.",
                    ),
                )
            ],
            reference=ReferenceKind.REFERENCE,
        ),
        DocumentPlan(
            "sud_ouest",
            "Références clients",
            "Références ferroviaires Occitanie.pdf",
            [
                Revision(
                    day_time(45, 14),
                    p.thomas,
                    pdf_file(
                        "Références - maintenance ferroviaire",
                        "Maintenance des installations de signalisation, lot Gironde (2023-2025)."
                        "\n\nEntretien des sous-stations électriques, Toulouse (2024).",
                        "Interventions d'astreinte sur les ateliers de maintenance du matériel "
                        "roulant, Bordeaux (depuis 2022).",
                    ),
                )
            ],
            reference=ReferenceKind.REFERENCE,
        ),
        DocumentPlan(
            "croissance",
            "Comptes rendus",
            "Compte rendu comité 12 novembre.docx",
            [
                Revision(
                    day_time(25, 18),
                    p.alexandra,
                    _minutes(
                        "12 novembre",
                        [
                            "Ouverture d'une agence à Lille au premier trimestre.",
                            "Le recrutement de cinq développeurs est prioritaire.",
                        ],
                        [
                            ["Chiffrer l'agence de Lille", "Franck Morel", "30 novembre"],
                            ["Publier les offres d'emploi", "Alexandra Girard", "20 novembre"],
                        ],
                    ),
                )
            ],
        ),
        DocumentPlan(
            "croissance",
            "Comptes rendus",
            "Compte rendu comité 3 décembre.docx",
            [
                Revision(
                    day_time(4, 18, 30),
                    p.alexandra,
                    _minutes(
                        "3 décembre",
                        [
                            "Le bail de Lille est signé : ouverture le 2 février.",
                            "Lyon pilote la nouvelle offre cloud dès janvier.",
                        ],
                        [
                            ["Préparer l'accueil des recrues de Lille", lyon.name, "15 janvier"],
                            [
                                "Présenter l'offre cloud aux clients de Lyon",
                                "Franck Morel",
                                "31 janvier",
                            ],
                        ],
                    ),
                ),
                Revision(
                    day_time(3, 9, 15),
                    p.franck,
                    _minutes(
                        "3 décembre",
                        [
                            "Le bail de Lille est signé : ouverture le 2 février.",
                            "Lyon pilote la nouvelle offre cloud dès janvier.",
                            "Le budget de formation est porté à 40 k€.",
                        ],
                        [
                            ["Préparer l'accueil des recrues de Lille", lyon.name, "15 janvier"],
                            [
                                "Présenter l'offre cloud aux clients de Lyon",
                                "Franck Morel",
                                "31 janvier",
                            ],
                        ],
                    ),
                    "Décision sur le budget de formation ajoutée",
                ),
            ],
        ),
        DocumentPlan(
            "croissance",
            "Pilotage",
            "Planning Croissance 2015.xlsx",
            [
                Revision(
                    day_time(40, 10),
                    p.franck,
                    xlsx_file(
                        {
                            "Jalons": [
                                ["Jalon", "Site", "Date", "État"],
                                ["Agence de Lille ouverte", "Lille", "2 février", "à venir"],
                                ["Offre cloud lancée", "Lyon", "31 janvier", "en cours"],
                                ["Cinq développeurs recrutés", "Bordeaux", "31 mars", "en cours"],
                            ]
                        }
                    ),
                )
            ],
        ),
    ]


def build_libraries(b: SocialBuilder) -> list[Document]:
    """Add the planned documents, version by version, and date them as planned."""
    folders: dict[tuple[str, str], Folder] = {}
    made = []
    for plan in plan_libraries(b):
        community = b.communities[plan.place]
        first, *later = plan.revisions
        key = (plan.place, plan.folder)
        if key not in folders:
            folders[key] = services.folder_create(
                actor=first.author, community=community, name=plan.folder
            )
        document = services.document_add(
            actor=first.author,
            community=community,
            folder=folders[key],
            upload=services.Upload(plan.name, first.data),
            title=plan.title,
            description=plan.description,
            reference=plan.reference,
        )
        for revision in later:
            services.version_add(
                actor=revision.author,
                document=document,
                upload=services.Upload(plan.name, revision.data),
                note=revision.note,
            )
        _backdate(b, document, plan.revisions)
        made.append(document)
    return made


def _backdate(b: SocialBuilder, document: Document, revisions: list[Revision]) -> None:
    moments: list[datetime] = [b.office_hours(b.at(r.when)) for r in revisions]
    for number, moment in enumerate(moments, start=1):
        DocumentVersion.objects.filter(document=document, number=number).update(created_at=moment)
    Document.objects.filter(pk=document.pk).update(created_at=moments[0], updated_at=moments[-1])
    # Its feed item came up with its latest version.
    if document.post_id is not None:
        Post.objects.filter(pk=document.post_id).update(
            created_at=moments[-1], last_activity_at=moments[-1]
        )
    if document.folder_id is not None:
        Folder.objects.filter(pk=document.folder_id, created_at__gt=moments[0]).update(
            created_at=moments[0]
        )
