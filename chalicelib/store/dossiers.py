"""Training dossiers and the DIF: each change on the NIR's rights record, in one transaction.

Dossiers live in the account's partition, and the account counts them (`dossiers_en_cours`,
`dossiers_clos`, and `dossiers_confidentiels_en_cours` / `_clos`, which a delegate's synthesis leaves
out). Hours belong to the NIR: the rights record (`DROITS#<rights id>`, store/rights.py)
carries every figure (`heures_dif`, `heures_cpf`, `heures_reservees`, `heures_debitees`,
`heures_libres`, `dif_verrouille`), changed in the same transaction as the dossier and the history
event, and movements are written beside it. `heures_libres` is kept precomputed because a condition
cannot add: validation is conditional on `heures_libres >= :h`. Every change to the rights record
increases its `version`, on which crediting conditions its own writes.
"""

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.accounts import Account
from ..domain.records.hours import DelegateCheck, DifEntry, Dossier, DossierCreation, DossierTransition, Rights
from ..domain.states import DelegationScope, DelegationStatus, DossierStatus
from .account_items import account_from
from .actions import event_action, session_touch_action
from .base import Action, NamedActions, TableAccess, absent, exists
from .hours_items import dossier_attributes, dossier_from, movement_attributes, rights_from
from .keys import (
    DOSSIER_PREFIX,
    TTL_ATTRIBUTE,
    account_key,
    account_partition,
    delegation_key,
    dossier_key,
    from_attributes,
    rights_key,
    rights_movement_key,
    sort_key_of,
    time_ordered_id,
)

NEXT_VERSION = "version = if_not_exists(version, :zero) + :un"


class DossierRecords(TableAccess):
    # "Synthèse" and "Mon compte d'heures" -----------------------------------------------------------

    def get_account_and_rights(self, account_id: str, rights_id: str) -> tuple[Account | None, Rights | None]:
        """The account and its NIR's rights, in one BatchGetItem."""
        found = self._get_many({"compte": account_key(account_id), "droits": rights_key(rights_id)})
        return account_from(account_id, found["compte"]), rights_from(found["droits"])

    def set_dif(self, entry: DifEntry) -> None:
        """While no dossier is validated nothing is reserved nor debited: the free hours are CPF + DIF
        (a CPF credit landing meanwhile changes the same record, so the sum stays right).

        WriteConflict names `droits` (the DIF is locked)."""
        self._transact(
            [
                (
                    Part.RIGHTS,
                    self._update_action(
                        rights_key(entry.rights_id),
                        "SET heures_dif = :dif, heures_libres = if_not_exists(heures_cpf, :zero) + :dif, "
                        + NEXT_VERSION,
                        "attribute_not_exists(dif_verrouille) OR dif_verrouille = :faux",
                        dif=entry.hours,
                        zero=0,
                        un=1,
                        faux=False,
                    ),
                ),
                (Part.EVENT, event_action(self, entry.account_id, entry.event, entry.now)),
            ]
        )

    # "Mes dossiers de formation" --------------------------------------------------------------------

    def create_dossier(self, creation: DossierCreation) -> None:
        """WriteConflict names `droits` (the DIF is not entered yet)."""
        self._transact(self._dossier_creation(creation))

    def create_dossier_as_delegate(self, creation: DossierCreation, delegate: DelegateCheck) -> None:
        """A draft dossier prepared by a delegate, on condition that the delegation is, at this very
        moment, active, not past its end, of scope `gestion`, and names this holder and this delegate.

        WriteConflict names `delegation` (revoked or ended meanwhile) or `droits` (no DIF yet)."""
        check = self._check_action(
            delegation_key(delegate.delegation_id),
            f"statut = :active AND portee = :gestion AND titulaire_id = :titulaire "
            f"AND delegataire_id = :delegataire AND {TTL_ATTRIBUTE} > :now",
            active=DelegationStatus.ACTIVE,
            gestion=DelegationScope.GESTION,
            titulaire=creation.account_id,
            delegataire=delegate.delegate_id,
            now=to_epoch(creation.now),
        )
        self._transact([(Part.DELEGATION, check), *self._dossier_creation(creation)])

    def _dossier_creation(self, creation: DossierCreation) -> NamedActions:
        """The dossier, the check that the DIF is entered, the account's counts (confidential dossiers
        also counted apart, so that a delegate's synthesis can leave them out), the event."""
        account_id, dossier = creation.account_id, creation.dossier
        counts = "SET dossiers_en_cours = if_not_exists(dossiers_en_cours, :zero) + :un"
        if dossier.confidential:
            counts += ", dossiers_confidentiels_en_cours = if_not_exists(dossiers_confidentiels_en_cours, :zero) + :un"
        return [
            (
                Part.DOSSIER,
                self._put_action(dossier_key(account_id, dossier.id), dossier_attributes(dossier), condition=absent()),
            ),
            (Part.RIGHTS, self._check_action(rights_key(creation.rights_id), "attribute_exists(heures_dif)")),
            (Part.ACCOUNT, self._update_action(account_key(account_id), counts, exists(), zero=0, un=1)),
            (Part.EVENT, event_action(self, account_id, creation.event, creation.now)),
        ]

    def get_dossier(self, account_id: str, dossier_id: str) -> Dossier | None:
        return dossier_from(dossier_id, self._get(dossier_key(account_id, dossier_id)))

    def list_dossiers(self, account_id: str, statuses: tuple[str, ...] | None = None) -> list[Dossier]:
        """The account's dossiers (only those in `statuses` when given), in the order of their keys."""
        names = {f":s{n}": status for n, status in enumerate(statuses or ())}
        found = self._query(
            account_partition(account_id),
            DOSSIER_PREFIX,
            filter_expression=f"statut IN ({', '.join(names)})" if statuses else None,
            filter_values={name[1:]: value for name, value in names.items()},
        )
        dossiers = (
            dossier_from(sort_key_of(item).removeprefix(DOSSIER_PREFIX), from_attributes(item)) for item in found
        )
        return [dossier for dossier in dossiers if dossier is not None]

    def validate_dossier(self, validation: DossierTransition) -> None:
        """Reserve the dossier's hours and lock the DIF, if the dossier is a draft and enough hours are
        free; with a session, push its idle deadline back in the same write.

        WriteConflict names `dossier` (not a draft any more), `droits` (not enough free hours) and/or
        `session` (ended meanwhile)."""
        account_id, dossier = validation.account_id, validation.dossier
        self._transact(
            self._touching(validation)
            + [
                (
                    Part.DOSSIER,
                    self._update_action(
                        dossier_key(account_id, dossier.id),
                        "SET statut = :valide, valide_le = :moment",
                        "statut = :brouillon",
                        valide=DossierStatus.VALIDATED,
                        brouillon=DossierStatus.DRAFT,
                        moment=validation.moment,
                    ),
                ),
                (
                    Part.RIGHTS,
                    self._update_action(
                        rights_key(validation.rights_id),
                        "SET heures_libres = heures_libres - :h, "
                        "heures_reservees = if_not_exists(heures_reservees, :zero) + :h, dif_verrouille = :vrai, "
                        + NEXT_VERSION,
                        "heures_libres >= :h",
                        h=dossier.hours,
                        zero=0,
                        un=1,
                        vrai=True,
                    ),
                ),
                (Part.EVENT, event_action(self, account_id, validation.event, validation.now)),
            ]
        )

    def close_dossier(self, closure: DossierTransition) -> None:
        """Turn the dossier's reserved hours into debited ones (lowering the CPF balance, DIF first)
        and record the movement beside the NIR's credits; with a session, push its idle deadline back
        in the same write.

        WriteConflict names `dossier` (not a validated one) or `session` (ended meanwhile)."""
        account_id, dossier = closure.account_id, closure.dossier
        actions = self._touching(closure) + [
            (
                Part.DOSSIER,
                self._update_action(
                    dossier_key(account_id, dossier.id),
                    "SET statut = :clos, clos_le = :moment",
                    "statut = :valide",
                    clos=DossierStatus.CLOSED,
                    valide=DossierStatus.VALIDATED,
                    moment=closure.moment,
                ),
            ),
            (
                Part.RIGHTS,
                self._update_action(
                    rights_key(closure.rights_id),
                    "SET heures_reservees = heures_reservees - :h, "
                    "heures_debitees = if_not_exists(heures_debitees, :zero) + :h, " + NEXT_VERSION,
                    exists(),
                    h=dossier.hours,
                    zero=0,
                    un=1,
                ),
            ),
            (Part.ACCOUNT, self._closed_counts(account_id, dossier.confidential)),
        ]
        if closure.movement is not None:
            movement = movement_attributes(closure.movement)
            actions.append(
                (
                    Part.MOVEMENT,
                    self._put_action(rights_movement_key(closure.rights_id, time_ordered_id(closure.now)), movement),
                )
            )
        actions.append((Part.EVENT, event_action(self, account_id, closure.event, closure.now)))
        self._transact(actions)

    def _closed_counts(self, account_id: str, confidential: bool) -> Action:
        counts = (
            "SET dossiers_en_cours = dossiers_en_cours - :un, dossiers_clos = if_not_exists(dossiers_clos, :zero) + :un"
        )
        if confidential:
            counts += (
                # a confidential dossier drafted before these counts existed leaves them at zero, never below
                ", dossiers_confidentiels_en_cours = if_not_exists(dossiers_confidentiels_en_cours, :un) - :un, "
                "dossiers_confidentiels_clos = if_not_exists(dossiers_confidentiels_clos, :zero) + :un"
            )
        return self._update_action(account_key(account_id), counts, exists(), zero=0, un=1)

    def _touching(self, transition: DossierTransition) -> NamedActions:
        if transition.session is None:
            return []
        return [(Part.SESSION, session_touch_action(self, transition.session, transition.account_id, transition.now))]
