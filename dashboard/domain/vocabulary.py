"""Canonical vocabularies: humanitarian sectors (clusters and sub-clusters) and organisation types.

Each entry has a stable code stored in the database, French and English labels, and the spellings met
in real 3W files (compared through :func:`dashboard.domain.text.header_key`, so case, accents and punctuation
do not matter).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.domain.text import header_key


@dataclass(frozen=True)
class Term:
    code: str
    name_fr: str
    name_en: str
    aliases: tuple[str, ...] = field(default=())
    parent_code: str | None = None
    #: For organisation types: "national", "international" or None when it depends on the organisation.
    scope: str | None = None

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr


#: Aliases include the IASC global cluster codes that HXL ``#sector+code`` columns carry (PRO, WSH, SHL...) and
#: the spellings met in OCHA Mali 3W files of 2017-2023.
SECTORS: tuple[Term, ...] = (
    Term("protection", "Protection", "Protection", ("prot", "PRO")),
    Term("child_protection", "Protection de l'enfance", "Child protection",
         ("PE", "CP", "protection de l enfant", "AoR PE", "PRO-CPN", "PRO-CPM", "protection enfance", "protection des enfants"),
         parent_code="protection"),
    Term("gbv", "Violences basées sur le genre (VBG)", "Gender-based violence (GBV)",
         ("VBG", "violences basees sur le genre", "violence basee sur le genre", "gender based violence",
          "AoR VBG", "PRO-GBV", "VSBG", "violences sexuelles et basees sur le genre", "GBV"), parent_code="protection"),
    Term("mine_action", "Lutte antimines", "Mine action",
         ("LAM", "lutte anti mines", "action antimines", "PRO-MIN", "lutte antimine", "action contre les mines",
          "deminage"), parent_code="protection"),
    Term("hlp", "Logement, terre et biens (LTB)", "Housing, land and property (HLP)",
         ("LTB", "logement terre et biens", "housing land and property", "PRO-HLP", "HLP"), parent_code="protection"),
    Term("health", "Santé", "Health", ("sante", "HEA")),
    Term("education", "Éducation", "Education", ("edu", "education en situation d urgence", "EDU", "ESU",
                                                 "education d urgence", "education in emergencies")),
    Term("food_security", "Sécurité alimentaire", "Food security",
         ("SECAL", "SA", "FSL", "food security and livelihoods", "securite alimentaire et moyens d existence",
          "FSC", "securite alimentaire et moyens de subsistance", "moyens d existence", "moyens de subsistance",
          "livelihoods")),
    Term("nutrition", "Nutrition", "Nutrition", ("nut", "NUT")),
    Term("wash", "Eau, hygiène et assainissement (EHA)", "Water, sanitation and hygiene (WASH)",
         ("EHA", "eau hygiene et assainissement", "water sanitation and hygiene", "wash", "WSH",
          "eau hygiene assainissement", "eau assainissement et hygiene", "eau et assainissement")),
    Term("shelter_nfi", "Abris et articles ménagers essentiels", "Shelter and NFI",
         ("abris", "abris AME", "abris et AME", "AME", "shelter", "NFI", "shelter NFI", "ES NFI", "SHL", "abris NFI",
          "ABNA", "abris et biens non alimentaires", "biens non alimentaires", "BNA",
          "abris et articles menagers essentiels", "articles menagers essentiels", "emergency shelter and NFI")),
    Term("cccm", "Coordination et gestion des sites", "Camp coordination and camp management",
         ("CCCM", "gestion des sites", "coordination et gestion des camps", "CCM")),
    Term("logistics", "Logistique", "Logistics", ("log", "LOG")),
    Term("emergency_telecom", "Télécommunications d'urgence", "Emergency telecommunications",
         ("ETC", "telecommunications d urgence", "TEL", "telecommunication d urgence")),
    Term("early_recovery", "Relèvement précoce", "Early recovery", ("relevement precoce", "ERY", "relevement",
                                                                    "relevement rapide")),
    Term("multisector", "Multisectoriel", "Multi-sector",
         ("multi secteur", "multisector", "refugies", "refugees", "reponse aux refugies", "MS", "MPC",
          "multi purpose cash", "assistance monetaire a usages multiples", "transferts monetaires multi usages")),
    Term("coordination", "Coordination", "Coordination",
         ("coordination et gestion de l information", "coordination and common services", "CSS",
          "coordination et services communs")),
    # rows of a file without a sector column, or with an empty sector cell (OCHA Mali's March 2022 5W): counted
    # in the views across all sectors, left out of those by sector
    Term("unspecified", "Secteur non précisé", "Sector not stated"),
)
#: the sector code of rows that state none
NO_SECTOR = "unspecified"

ORG_TYPES: tuple[Term, ...] = (
    Term("ngo_national", "ONG nationale", "National NGO",
         ("ONG Nat", "ONGN", "ONG locale", "ONG national", "NNGO", "LNGO", "local NGO", "national NGO",
          "ONG nationale", "OSC", "organisation de la societe civile"), scope="national"),
    Term("ngo_international", "ONG internationale", "International NGO",
         ("ONG Int", "ONGI", "INGO", "ONG international", "international NGO"), scope="international"),
    Term("un_agency", "Agence des Nations unies", "UN agency",
         ("Agence UN", "Agence ONU", "Agences UN", "UN", "ONU", "UN agency", "Nations unies", "SNU"),
         scope="international"),
    Term("red_cross", "Mouvement Croix-Rouge / Croissant-Rouge", "Red Cross / Red Crescent Movement",
         ("Mouv CR", "Mouvement CR", "Croix Rouge", "Mouvement Croix Rouge", "Red Cross", "RCRC",
          "Red Cross Red Crescent")),
    Term("government", "Gouvernement / service technique", "Government / technical service",
         ("Gouvernement", "Etat", "Service technique", "STD", "Service technique deconcentre",
          "Government", "Gov", "Ministere"), scope="national"),
    Term("local_authority", "Autorité locale", "Local authority",
         ("Autorite locale", "Collectivite", "Collectivite territoriale", "Mairie", "Local authority",
          "Autorite interimaire"), scope="national"),
    Term("donor", "Bailleur", "Donor", ("Bailleur de fonds", "Donor", "Bailleur")),
    Term("private_sector", "Secteur privé", "Private sector", ("Prive", "Private", "Entreprise")),
    Term("other", "Autre", "Other", ("Autres", "Others", "Autre")),
)


class Vocabulary:
    """Look-up of a term by its code, label or any alias."""

    def __init__(self, terms: tuple[Term, ...]):
        self.terms = terms
        self.by_code = {term.code: term for term in terms}
        self._by_key: dict[str, Term] = {}
        for term in terms:
            for spelling in (term.code, term.name_fr, term.name_en, *term.aliases):
                self._by_key.setdefault(header_key(spelling.replace("_", " ")), term)

    def with_spellings(self, spellings: dict[str, str]) -> Vocabulary:
        """A copy that also knows ``spellings`` (spelling → code), e.g. those an IMO taught."""
        copy = Vocabulary(self.terms)
        for spelling, code in spellings.items():
            copy._by_key.setdefault(header_key(spelling), copy.by_code[code])
        return copy

    def keys(self) -> dict[str, Term]:
        """Every known spelling, as compared (see :func:`dashboard.domain.text.header_key`), and its term."""
        return dict(self._by_key)

    def match(self, value: object) -> Term | None:
        """The term a cell names, or ``None`` when the spelling is unknown."""
        key = header_key(value)
        return self._by_key.get(key) if key else None

    def label(self, code: str, lang: str) -> str:
        term = self.by_code.get(code)
        return term.label(lang) if term else code

    def codes(self) -> list[str]:
        return [term.code for term in self.terms]


#: Humanitarian access to a unit, from the least to the most constrained (an access table's values, French or
#: English, as OCHA Mali's access maps and partners write them).
ACCESS_LEVELS: tuple[Term, ...] = (
    Term("accessible", "Accessible", "Accessible",
         ("accessible", "acces libre", "libre", "ouvert", "open", "full access", "acces", "vert", "green",
          "accessible sans contrainte", "pas de contrainte", "no constraint")),
    Term("constrained", "Accès contraint", "Constrained",
         ("contraint", "acces contraint", "difficile", "acces difficile", "difficile d acces", "restreint",
          "acces restreint", "limite", "acces limite", "partiellement accessible", "constrained", "restricted",
          "limited", "hard to reach", "difficult", "orange", "jaune", "yellow")),
    Term("no_go", "Inaccessible (no-go)", "No-go",
         ("inaccessible", "non accessible", "no go", "no-go", "nogo", "interdit", "zone rouge", "rouge", "red",
          "not accessible", "inaccessible no go")),
)

SECTOR_VOCABULARY = Vocabulary(SECTORS)
ACCESS_VOCABULARY = Vocabulary(ACCESS_LEVELS)
ORG_TYPE_VOCABULARY = Vocabulary(ORG_TYPES)

#: an activity's status, from the 3W's free text ("En cours", "Planifié", "Terminé"...)
ACTIVITY_STATUSES: tuple[Term, ...] = (
    Term("ongoing", "En cours", "Ongoing",
         ("en cours", "en cours d'execution", "en execution", "actif", "active", "ongoing", "in progress",
          "on going", "en cours de mise en oeuvre", "mise en oeuvre", "implementation", "en cours de realisation")),
    Term("planned", "Planifiée", "Planned",
         ("planifie", "planifiee", "prevu", "prevue", "a venir", "planned", "pipeline", "en preparation",
          "en attente de financement", "not started", "non demarre", "pas encore demarre")),
    Term("completed", "Terminée", "Completed",
         ("termine", "terminee", "acheve", "achevee", "cloture", "cloturee", "fini", "finie", "completed",
          "complete", "closed", "finished", "realise", "realisee")),
    Term("suspended", "Suspendue", "Suspended", ("suspendu", "suspendue", "suspended", "arrete", "on hold")),
)
ACTIVITY_STATUS_VOCABULARY = Vocabulary(ACTIVITY_STATUSES)
#: the status of a row that gives none, and of one whose text is none of the above
NO_STATUS, OTHER_STATUS = "unstated", "other"
#: the vocabulary of each coded column of the activity frame (what a filter of codes offers and describes)
VOCABULARIES = {"sector_code": SECTOR_VOCABULARY, "org_type": ORG_TYPE_VOCABULARY}
