"""Area keys: a search naming a place and a day or time band, as the keys its matches carry.

Each entry carries (grid cell, kind, start slot) keys for cells of 4, 16 and 64 km (migration
0019, a generated column); the search lists the keys of the cells covering its circle for its
kinds and start slots (`area_keys_near`, in the same migration, so both sides are one
definition), and one GIN index over (keys, text, access features) finds the entries passing
all of those together. The keys stand in for the kind and slot tests, which they imply; the
exact distance and schedule tests follow. A search needing an access feature asks for the
keys that also carry it (migration 0029: their own index, over the keys and the text)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from app.assets.models import Asset, AssetKind
from app.assets.search_params import SearchParams, Sort
from app.assets.slots import start_codes

# Keys a search lists per cell (kinds × start slots) up to which they are asked: the index
# merges its lists item by item, and 504 keys (no kind, any evening of the week, 9 cells)
# took 206 ms where walking the nearest entries took 9.
MAX_KEYS_PER_CELL = 8
# Up to this many they are asked when nearly every entry the walk would read is rejected:
# soonest first (it reads every match) or text and an access feature together. At a million
# entries with every kind on two evenings (16 keys), near B69 5 mi soonest first 178 -> 35 ms,
# London 10 mi "recovery" and step-free 164 -> 18, B69 10 mi the same 157 -> 15; but with text
# alone or a feature alone (common among the nearest) the walk stays faster: 10-31 ms against
# 28-52 with the keys, and sorted by name 24 against 31.
MAX_KEYS_PER_CELL_SELECTIVE = 16


def keyed(p: SearchParams, sort: Sort) -> bool:
    """Whether the search's place, kinds and times are asked of the area keys: a place to
    search around, a day or a time band, few kind × slot keys, and either text or access
    features (the index's other columns) or an order that reads every match (soonest or
    name first). Measured at a million entries: a near + day search sorted by distance
    without text or access is faster walking the nearest entries (14 ms; 29 with the keys);
    with them, or sorted soonest or by name, the keys are (11-36 ms against 24-238). With
    more keys a cell, only the most selective searches ask them (MAX_KEYS_PER_CELL_SELECTIVE)."""
    if not (p.near and (p.day or p.time)):
        return False
    keys = len(_kinds(p)) * len(_codes(p))
    if keys > MAX_KEYS_PER_CELL_SELECTIVE:
        return False
    if keys > MAX_KEYS_PER_CELL:
        return sort == Sort.next or bool(p.q and p.access)
    return bool(p.q or p.access) or sort != Sort.distance


def _kinds(p: SearchParams) -> Sequence[str]:
    return [k.value for k in p.kind] or [k.value for k in AssetKind]


def _codes(p: SearchParams) -> list[int]:
    return start_codes(p.weekdays(), p.time)


def in_area(p: SearchParams, origin: Any, radius_m: float) -> Any:
    """The entry has a key of a cell covering the circle, for one of the search's kinds (any
    kind if none) and one of its start slots; with access features asked for, such a key
    with the first of them (migration 0029), whose lists hold only entries that have it (the
    other features are tested by the filters)."""
    keys = func.area_keys_near(
        origin,
        radius_m,
        bindparam(None, list(_kinds(p)), type_=ARRAY(String())),
        bindparam(None, _codes(p), type_=ARRAY(Integer())),
    )
    if not p.access:
        return col(Asset.area_keys).op("&&")(keys)
    feature = bindparam(None, [p.access[0].value], type_=ARRAY(String()))
    entry_keys = func.area_access_keys(col(Asset.area_keys), col(Asset.access))
    return entry_keys.op("&&")(func.area_access_keys(keys, feature))
