"""UK postcode parsing (no I/O)."""

import re
from dataclasses import dataclass

_FULL = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_OUTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


@dataclass(frozen=True)
class ParsedPostcode:
    outcode: str
    incode: str | None

    @property
    def code(self) -> str:
        """Normalised key: upper case, no space."""
        return self.outcode + (self.incode or "")

    @property
    def display(self) -> str:
        return f"{self.outcode} {self.incode}" if self.incode else self.outcode

    @property
    def is_full(self) -> bool:
        return self.incode is not None


def parse_postcode(text: str) -> ParsedPostcode | None:
    """'b69 3de' → B69 3DE; 'DY4' → outcode DY4; anything else → None."""
    compact = re.sub(r"\s+", "", text).upper()
    if len(compact) > 8:
        return None
    full = _FULL.match(compact)
    if full:
        return ParsedPostcode(full.group(1), full.group(2))
    if _OUTCODE.match(compact):
        return ParsedPostcode(compact, None)
    return None
