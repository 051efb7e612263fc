"""What the API answers, as pydantic models: the other half of the model ladder (forms come in,
answers go out). Routes build their answers from these, and the OpenAPI description is generated
from them, so the description cannot drift from what is sent. Field descriptions are French: they
are read by the portal's developers.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Moment = Field(description="Date et heure UTC, ISO 8601 avec Z (2026-12-13T10:00:00Z).")


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Detail(Answer):
    detail: str = Field(description="Phrase à afficher à la personne.")


# Registration -----------------------------------------------------------------------------------


class Cgu(Answer):
    version: str = Field(description="Version en vigueur, à renvoyer avec l'acceptation.")
    texte: str


class RegistrationStep(Answer):
    id: str = Field(description="Identifiant de l'inscription en cours.")
    etape: Literal["identite", "mot_de_passe", "activation"]
    expire_le: str = Moment


class RegistrationDraft(RegistrationStep):
    """ "Retour": l'inscription en cours, le NIR masqué."""

    cgu_version: str
    nir_masque: str | None = Field(None, description="Le premier chiffre et la clé seulement.")
    civilite: Literal["M", "MME"] | None = None
    prenom: str | None = None
    nom_naissance: str | None = None
    telephone_fixe: str | None = None
    telephone_portable: str | None = None
    courriel: str | None = None


class Registered(Answer):
    etape: Literal["activation"]
    detail: str
    activation_expire_le: str = Moment
    courriel_envoye: bool = Field(description="Faux si le courriel d'activation n'a pas pu partir : en redemander un.")


class Captcha(Answer):
    id: str
    image: str = Field(description="L'image des caractères, en data URI PNG.")
    audio: str = Field(description="Chemin de la version sonore (Accept: audio/wav).")
    expire_le: str = Moment


class Activated(Answer):
    statut: Literal["actif"]
    detail: str


# Session ------------------------------------------------------------------------------------------


class NewSession(Answer):
    jeton: str = Field(description="À présenter dans l'en-tête Authorization: Bearer <jeton>.")
    expire_le: str = Moment
    expire_sans_activite_le: str = Moment


# Holder space -------------------------------------------------------------------------------------


INVALID_EMAIL = (
    "Vrai quand les courriels envoyés à l'adresse du compte lui reviennent (rejet définitif ou plainte) : "
    "la changer (POST /titulaire/courriel) efface cette marque."
)


class Synthesis(Answer):
    civilite: Literal["M", "MME"]
    prenom: str | None
    nom_naissance: str
    heures_cpf_disponibles: int
    heures_dif: int | None = Field(description="null tant que les heures DIF ne sont pas renseignées.")
    dif_modifiable: bool
    dossiers_en_cours: int
    dossiers_clos: int
    courriel_invalide: bool = Field(description=INVALID_EMAIL)


class Informations(Answer):
    civilite: Literal["M", "MME"]
    prenom: str | None
    nom_naissance: str
    nir_masque: str
    courriel: str
    telephone_fixe: str | None
    telephone_portable: str | None
    courriel_invalide: bool = Field(description=INVALID_EMAIL)


class InformationsChanged(Detail):
    modifications: dict[str, str | None] = Field(description="Les champs modifiés et leur nouvelle valeur.")


class PasswordChanged(Detail):
    sessions_fermees: int


class Movement(Answer):
    date: str = Moment
    heures: int = Field(description="Signé : positif pour un crédit, négatif pour un débit.")
    libelle: str


class HoursStatement(Answer):
    solde_dif: int | None
    heures_cpf: int
    heures_dif_reservees: int
    heures_cpf_reservees: int
    heures_libres: int
    dif_modifiable: bool
    mouvements: list[Movement]


class DifEntered(Detail):
    solde_dif: int


class Dossier(Answer):
    id: str
    intitule: str
    organisme: str
    heures: int
    statut: Literal["en_cours_elaboration", "valide", "clos"]
    cree_le: str = Moment
    code_cpf: str | None = None
    date_debut: str | None = None
    confidentiel: bool = False
    valide_le: str | None = None
    clos_le: str | None = None


class Dossiers(Answer):
    dossiers: list[Dossier]


class Event(Answer):
    date: str = Moment
    type: str
    detail: str


class HistoryPage(Answer):
    evenements: list[Event]
    curseur_suivant: str | None = Field(description="À passer en ?curseur= pour la page suivante ; null à la fin.")


# The confirmed email change -----------------------------------------------------------------------


class EmailChangeRequested(Detail):
    courriel_envoye: bool = Field(description="Faux si le courriel n'a pas pu partir : refaire la demande.")


class EmailChanged(Detail):
    courriel: str = Field(description="La nouvelle adresse du compte.")


# "Mes délégations" ----------------------------------------------------------------------------------


class Person(Answer):
    prenom: str | None
    nom_naissance: str


class Delegation(Answer):
    id: str
    courriel: str = Field(description="L'adresse invitée.")
    portee: Literal["consultation", "gestion"]
    statut: Literal["en_attente", "active", "revoquee", "expiree", "courriel_invalide"]
    cree_le: str = Moment
    fin: str = Field(description="Dernier jour de la délégation (AAAA-MM-JJ, heure de Paris).")
    delegataire: Person | None = Field(description="La personne qui a accepté ; null avant.")
    acceptee_le: str | None = None
    revoquee_le: str | None = None


class DelegationGranted(Delegation):
    courriel_envoye: bool
    detail: str


class Delegations(Answer):
    delegations: list[Delegation]


class DelegationAccepted(Answer):
    id: str
    titulaire: Person
    portee: Literal["consultation", "gestion"]
    fin: str


class DelegatedAccount(Answer):
    delegation_id: str
    prenom: str | None
    nom_naissance: str
    portee: Literal["consultation", "gestion"]
    fin: str


class DelegatedAccounts(Answer):
    comptes: list[DelegatedAccount]


# What the portal's pages need from the server --------------------------------------------------


class PasswordRule(Answer):
    code: str = Field(description="Le code que l'API donne quand la règle n'est pas respectée.")
    message: str
    mesure: Literal["lettres", "majuscules", "chiffres", "categories", "longueur"]
    min: int | None
    max: int | None


class PasswordRules(Answer):
    """Les règles du mot de passe en vigueur, pour les cocher pendant la saisie."""

    politique: Literal["cpf-2015", "cnil-2022"]
    regles: list[PasswordRule]
