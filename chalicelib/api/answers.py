"""What the API answers, as pydantic models: the other half of the model ladder (forms come in,
answers go out). Routes build their answers from these, and the OpenAPI description is generated
from them, so the description cannot drift from what is sent. Field descriptions are French: they
are read by the portal's developers.
"""

from typing import Literal, Self

from pydantic import Field

from ..clock import to_iso
from ..domain import hours as domain_hours
from ..domain.franceconnect.pivot import CIVILITE
from ..domain.holder import Synthesis as DomainSynthesis
from ..domain.identity import mask_nir
from ..domain.records import accounts, history, hours
from ..domain.registration import Draft

# Re-exported: every answer is reached from here (the base, and the délégations' own module).
from .answers_base import Answer as Answer
from .answers_base import Detail as Detail
from .answers_base import Moment as Moment
from .delegation_answers import DelegatedAccount as DelegatedAccount
from .delegation_answers import DelegatedAccounts as DelegatedAccounts
from .delegation_answers import Delegation as Delegation
from .delegation_answers import DelegationAccepted as DelegationAccepted
from .delegation_answers import DelegationGranted as DelegationGranted
from .delegation_answers import Delegations as Delegations
from .delegation_answers import Person as Person

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
    franceconnect: bool = Field(
        False,
        description="Vrai (absent sinon) après « S'inscrire avec FranceConnect » : civilite, prenom, nom_naissance "
        "sont alors ceux de FranceConnect, que le compte aura (ceux du formulaire d'identité sont ignorés).",
    )

    @classmethod
    def of(cls, draft: Draft) -> Self:
        shown: dict[str, object] = {
            "id": draft.id,
            "etape": draft.step,
            "expire_le": to_iso(draft.expires_at),
            "cgu_version": draft.cgu_version,
        }
        person = draft.identity
        if person is not None:
            shown.update(
                nir_masque=mask_nir(person.nir),
                civilite=person.civilite,
                prenom=person.prenom,
                nom_naissance=person.nom_naissance,
                telephone_fixe=person.telephone_fixe,
                telephone_portable=person.telephone_portable,
                courriel=person.courriel,
            )
        pivot = draft.franceconnect
        if pivot is not None:  # the names the account will have: the person's own, back to the draft's holder
            civilite = CIVILITE.get(pivot.gender)
            shown.update(
                franceconnect=True, civilite=civilite, prenom=pivot.given_name, nom_naissance=pivot.family_name
            )
        return cls.model_validate(shown)


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


class FranceConnectStart(Answer):
    url: str = Field(description="L'adresse où envoyer le navigateur : la page d'identification de FranceConnect.")


class FranceConnectReturn(Answer):
    """The return's answer: its path, and the fields of that path (the others are absent)."""

    parcours: Literal["verification", "connexion", "inscription"]
    identite_verifiee: bool | None = Field(None, description="verification : toujours true.")
    verifiee_le: str | None = Field(None, description="verification : la date de la vérification.")
    jeton: str | None = Field(None, description="connexion : à présenter dans l'en-tête Authorization.")
    expire_le: str | None = Field(None, description="connexion : la fin de la session.")
    expire_sans_activite_le: str | None = Field(None, description="connexion : la fin sans activité.")
    id: str | None = Field(None, description="inscription : l'identifiant de l'inscription en cours.")
    etape: Literal["identite", "mot_de_passe"] | None = Field(None, description="inscription : l'étape à suivre.")


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
    identite_verifiee: bool = Field(description="Identité vérifiée avec FranceConnect.")

    @classmethod
    def of(cls, synthesis: DomainSynthesis) -> Self:
        return cls.model_validate(
            {
                "civilite": synthesis.names.civilite,
                "prenom": synthesis.names.prenom,
                "nom_naissance": synthesis.names.nom_naissance,
                "heures_cpf_disponibles": synthesis.cpf_free,
                "heures_dif": synthesis.dif_free,
                "dif_modifiable": synthesis.dif_editable,
                "dossiers_en_cours": synthesis.dossiers_open,
                "dossiers_clos": synthesis.dossiers_closed,
                "courriel_invalide": synthesis.email_invalid,
                "identite_verifiee": synthesis.identity_verified,
            }
        )


class Informations(Answer):
    civilite: Literal["M", "MME"]
    prenom: str | None
    nom_naissance: str
    nir_masque: str
    courriel: str
    telephone_fixe: str | None
    telephone_portable: str | None
    courriel_invalide: bool = Field(description=INVALID_EMAIL)

    @classmethod
    def of(cls, account: accounts.Account) -> Self:
        """The NIR masked, never in full."""
        person = account.identity
        return cls.model_validate(
            {
                "civilite": person.civilite,
                "prenom": person.prenom,
                "nom_naissance": person.nom_naissance,
                "nir_masque": mask_nir(person.nir),
                "courriel": person.courriel,
                "telephone_fixe": person.telephone_fixe,
                "telephone_portable": person.telephone_portable,
                "courriel_invalide": account.email_invalid,
            }
        )


class InformationsChanged(Detail):
    modifications: dict[str, str | None] = Field(description="Les champs modifiés et leur nouvelle valeur.")


class PasswordChanged(Detail):
    sessions_fermees: int


class Movement(Answer):
    date: str = Moment
    heures: int = Field(description="Signé : positif pour un crédit, négatif pour un débit.")
    libelle: str

    @classmethod
    def of(cls, movement: hours.Movement) -> Self:
        return cls(date=movement.date, heures=movement.hours, libelle=movement.label)


class HoursStatement(Answer):
    solde_dif: int | None
    heures_cpf: int
    heures_dif_reservees: int
    heures_cpf_reservees: int
    heures_libres: int
    dif_modifiable: bool
    mouvements: list[Movement]

    @classmethod
    def of(cls, statement: domain_hours.Statement) -> Self:
        figures = statement.figures
        return cls(
            solde_dif=figures.dif_balance if figures.dif_entered else None,
            heures_cpf=figures.cpf_balance,
            heures_dif_reservees=figures.dif_reserved,
            heures_cpf_reservees=figures.cpf_reserved,
            heures_libres=figures.dif_free + figures.cpf_free,
            dif_modifiable=statement.dif_editable,
            mouvements=[Movement.of(movement) for movement in statement.movements],
        )


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

    @classmethod
    def of(cls, dossier: hours.Dossier) -> Self:
        return cls(
            id=dossier.id,
            intitule=dossier.title,
            organisme=dossier.provider,
            heures=dossier.hours,
            statut=dossier.status,  # type: ignore[arg-type]  # a DossierStatus, which the Literal lists
            cree_le=dossier.created_at,
            code_cpf=dossier.cpf_code,
            date_debut=dossier.start_date,
            confidentiel=dossier.confidential,
            valide_le=dossier.validated_at,
            clos_le=dossier.closed_at,
        )


class Dossiers(Answer):
    dossiers: list[Dossier]

    @classmethod
    def of(cls, dossiers: list[hours.Dossier]) -> Self:
        return cls(dossiers=[Dossier.of(dossier) for dossier in dossiers])


class Event(Answer):
    date: str = Moment
    type: str
    detail: str


class HistoryPage(Answer):
    evenements: list[Event]
    curseur_suivant: str | None = Field(description="À passer en ?curseur= pour la page suivante ; null à la fin.")

    @classmethod
    def of(cls, page: history.HistoryPage) -> Self:
        return cls(
            evenements=[Event(date=e.date, type=e.type, detail=e.detail) for e in page.events],
            curseur_suivant=page.next_cursor,
        )


# The confirmed email change -----------------------------------------------------------------------


class EmailChangeRequested(Detail):
    courriel_envoye: bool = Field(description="Faux si le courriel n'a pas pu partir : refaire la demande.")


class EmailChanged(Detail):
    courriel: str = Field(description="La nouvelle adresse du compte.")


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
