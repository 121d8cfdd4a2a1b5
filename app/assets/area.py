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
# Up to this many they are asked when few entries match: soonest first (it reads every match)
# and text with an access feature always (near B69 5 mi, every kind on two evenings (16 keys),
# soonest first 178 -> 35 ms at a million entries; London 10 mi "recovery" and step-free
# 164 -> 18); text alone, a feature alone or by name when the planner expects few enough to
# be counted (see keyed).
MAX_KEYS_PER_CELL_SELECTIVE = 16


def keyed(p: SearchParams, sort: Sort) -> bool | None:
    """Whether the search's place, kinds and times are asked of the area keys: a place to
    search around, a day or a time band, few kind × slot keys, and either text or access
    features (the index's other columns) or an order that reads every match (soonest or
    name first). Measured at a million entries: a near + day search sorted by distance
    without text or access is faster walking the nearest entries (14 ms; 29 with the keys);
    with them, or sorted soonest or by name, the keys are (11-36 ms against 24-238).

    None: it turns on how many match (search._build asks the planner, then keys the search
    when the matches will be counted, paging.TRUST_ESTIMATE_ABOVE): with more keys a cell
    (MAX_KEYS_PER_CELL_SELECTIVE) and text alone, a feature alone or sorted by name, the
    nearest walk counts its 501 matches by reading every entry that fails (near B69 5 mi,
    two evenings, "recovery", 1,001 expected: 49 ms walked, 17 keyed; parking 49 and 15),
    where the keys read every match (B69 25 mi, "recovery", 3,360 expected: 8 and 28; London
    10 mi 6,286: 7 and 36)."""
    if not (p.near and (p.day or p.time)):
        return False
    keys = len(_kinds(p)) * len(_codes(p))
    if keys > MAX_KEYS_PER_CELL_SELECTIVE:
        return False
    if keys > MAX_KEYS_PER_CELL:
        if sort == Sort.next or (p.q and p.access):
            return True
        return None if p.q or p.access or sort == Sort.name else False
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
