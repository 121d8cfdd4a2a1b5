"""Public suggestions ("suggest a change", "this has closed", "add something")."""

from pydantic import BaseModel, EmailStr, Field, field_validator
from sqlmodel import Session

from app.assets.models import Asset, AssetStatus
from app.core.errors import InvalidInputError
from app.mapping.models import Suggestion, SuggestionKind


class SuggestionCreate(BaseModel):
    kind: SuggestionKind
    message: str = Field(min_length=10, max_length=4000)
    asset_id: int | None = None
    reporter_email: EmailStr | None = None

    @field_validator("message")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("contains characters that are not allowed")
        return value.strip()


def create_suggestion(session: Session, *, data: SuggestionCreate) -> Suggestion:
    if data.asset_id is not None:
        asset = session.get(Asset, data.asset_id)
        if asset is None or asset.status != AssetStatus.published:
            raise InvalidInputError("that entry does not exist", field="asset_id")
    suggestion = Suggestion(
        kind=data.kind,
        message=data.message,
        asset_id=data.asset_id,
        reporter_email=str(data.reporter_email) if data.reporter_email else None,
    )
    session.add(suggestion)
    session.flush()
    return suggestion
