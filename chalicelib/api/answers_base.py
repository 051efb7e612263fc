"""What every answer of the API is: a frozen pydantic model that forbids extra fields."""

from pydantic import BaseModel, ConfigDict, Field

Moment = Field(description="Date et heure UTC, ISO 8601 avec Z (2026-12-13T10:00:00Z).")


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Detail(Answer):
    detail: str = Field(description="Phrase à afficher à la personne.")
