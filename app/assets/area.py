"""Area keys: a search naming a place and a day or time band, as the keys its matches carry.

Each entry carries (grid cell, kind, start slot) keys for cells of 4, 16 and 64 km (migration
0019, a generated column); the search lists the keys of the cells covering its circle for its
kinds and start slots (`area_keys_near`, in the same migration, so both sides are one
definition), and one GIN index over (keys, text, access features) finds the entries passing
all of those together. The keys stand in for the kind and slot tests, which they imply; the
exact distance and schedule tests follow."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from app.assets.models import Asset, AssetKind
from app.assets.search_params import SearchParams
from app.assets.slots import BANDS, EVERY_DAY, slot_codes
from app.core.time import DAY_CODES


def keyed(p: SearchParams) -> bool:
    """Whether the search's place, kinds and times are asked of the area keys: a place to
    search around and a day or a time band (the start slots that make keys selective)."""
    return bool(p.near) and bool(p.day or p.time)


def in_area(p: SearchParams, origin: Any, radius_m: float) -> Any:
    """The entry has a key of a cell covering the circle, for one of the search's kinds (any
    kind if none) and one of its start slots."""
    kinds: Sequence[str] = [k.value for k in p.kind] or [k.value for k in AssetKind]
    days = [DAY_CODES.index(d.value) for d in p.day] if p.day else EVERY_DAY
    codes = slot_codes(days, [p.time] if p.time else BANDS)
    keys = func.area_keys_near(
        origin,
        radius_m,
        bindparam(None, list(kinds), type_=ARRAY(String())),
        bindparam(None, codes, type_=ARRAY(Integer())),
    )
    return col(Asset.area_keys).op("&&")(keys)
