"""The store: one object made of the records of each aggregate, which stand side by side on
TableAccess (none inherits another: what they share is in actions.py)."""

from .accounts import AccountRecords
from .declaration_files import DeclarationFileRecords
from .delegations import DelegationRecords
from .dossiers import DossierRecords
from .email_feedback import EmailFeedbackRecords
from .expiry import ExpiryRecords
from .franceconnect import FranceConnectRecords
from .history import HistoryRecords
from .registrations import RegistrationRecords
from .rights import RightsRecords
from .sessions import SessionRecords
from .tokens import TokenRecords


class Store(
    RegistrationRecords,
    AccountRecords,
    TokenRecords,
    DossierRecords,
    SessionRecords,
    DelegationRecords,
    FranceConnectRecords,
    EmailFeedbackRecords,
    RightsRecords,
    DeclarationFileRecords,
    ExpiryRecords,
    HistoryRecords,
):
    """Every method is one request to DynamoDB unless its docstring says otherwise."""
