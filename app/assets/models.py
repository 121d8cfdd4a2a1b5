"""Assets (listings), their schedules and the interest taxonomy."""

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlmodel import Field, Relationship, SQLModel

from app.assets.slot_codes import DAY_PARTS, WEEKDAY_NAMES, on_air_codes
from app.core.time import Frequency
from app.core.timestamps import Timestamped
from app.core.types import date_array, empty_list, enum_type, int_array, text_array
from app.organisations.models import Organisation
from app.venues.models import Venue


class AssetKind(StrEnum):
    meeting = "meeting"
    volunteering = "volunteering"
    bumping_space = "bumping_space"
    club = "club"
    course = "course"
    employment = "employment"
    peer_support = "peer_support"
    service = "service"


class Attendance(StrEnum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class Audience(StrEnum):
    everyone = "everyone"
    women = "women"
    men = "men"
    young_people = "young_people"
    families_friends = "families_friends"
    lgbtq = "lgbtq"


class AssetStatus(StrEnum):
    draft = "draft"
    pending_review = "pending_review"
    published = "published"
    archived = "archived"


class CapitalDomain(StrEnum):
    social = "social"
    physical = "physical"
    human = "human"
    cultural = "cultural"


class FiveWays(StrEnum):
    connect = "connect"
    be_active = "be_active"
    take_notice = "take_notice"
    keep_learning = "keep_learning"
    give = "give"


class AssetInterest(SQLModel, table=True):
    __tablename__ = "asset_interest"
    asset_id: int = Field(foreign_key="asset.id", primary_key=True, ondelete="CASCADE")
    interest_id: int = Field(
        foreign_key="interest.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class Interest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=120)
    domain: CapitalDomain = Field(sa_type=enum_type(CapitalDomain))
    five_ways: FiveWays = Field(sa_type=enum_type(FiveWays))


class ScheduleBase(SQLModel):
    frequency: Frequency = Field(sa_type=enum_type(Frequency))
    interval: int = Field(default=1, ge=1, le=52, sa_column_kwargs={"server_default": "1"})
    # 0 = Monday … 6 = Sunday (Python's weekday()).
    weekdays: list[int] = Field(
        default_factory=empty_list, sa_type=int_array(), sa_column_kwargs={"server_default": "{}"}
    )
    nth_week: int | None = Field(default=None, ge=-1, le=5)
    month_day: int | None = Field(default=None, ge=1, le=31)
    dates: list[date] = Field(
        default_factory=empty_list, sa_type=date_array(), sa_column_kwargs={"server_default": "{}"}
    )
    # Wall-clock times in the service's zone (Europe/London), never a UTC offset.
    start_time: time = Field(sa_type=sa.Time())
    end_time: time | None = Field(default=None, sa_type=sa.Time())
    valid_from: date | None = None
    valid_until: date | None = None
    cancelled_dates: list[date] = Field(
        default_factory=empty_list, sa_type=date_array(), sa_column_kwargs={"server_default": "{}"}
    )
    notes: str | None = Field(default=None, max_length=500)


class Schedule(ScheduleBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", index=True, ondelete="CASCADE")
    asset: "Asset" = Relationship(back_populates="schedules")


class AssetBase(SQLModel):
    kind: AssetKind = Field(sa_type=enum_type(AssetKind), index=True)
    name: str = Field(min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=8000)
    attendance: Attendance = Field(
        default=Attendance.in_person,
        sa_type=enum_type(Attendance),
        sa_column_kwargs={"server_default": Attendance.in_person.value},
    )
    online_url: str | None = Field(default=None, max_length=500)
    online_phone: str | None = Field(default=None, max_length=40)
    online_notes: str | None = Field(default=None, max_length=1000)
    fellowship: str | None = Field(default=None, max_length=40, index=True)
    audience: Audience = Field(
        default=Audience.everyone,
        sa_type=enum_type(Audience),
        sa_column_kwargs={"server_default": Audience.everyone.value},
    )
    cost: str | None = Field(default=None, max_length=200)
    # Public contact for the listing (e.g. a group's helpline); never a member's own details.
    public_phone: str | None = Field(default=None, max_length=40)
    public_email: str | None = Field(default=None, max_length=254)
    website: str | None = Field(default=None, max_length=500)


class Asset(AssetBase, Timestamped, table=True):
    __table_args__ = (
        sa.UniqueConstraint("source", "external_id", name="uq_asset_source_external_id"),
        # GIN indexes searches read take changes in at once, with no pending list for every
        # search to read (migration 0022).
        sa.Index(
            "ix_asset_search_vector",
            "search_vector",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
        sa.Index("ix_asset_types", "types", postgresql_using="gin"),
        sa.Index(
            "ix_asset_published_location",
            "location",
            postgresql_using="gist",
            postgresql_where=sa.text("status = 'published'"),
        ),
        sa.Index(
            "ix_asset_published_grid",
            "grid",
            postgresql_using="gist",
            postgresql_where=sa.text("status = 'published'"),
        ),
        # One day's entries by place: a near search for one day (when=today, day=fri) walks
        # that day's, not every entry's (migration 0023; app.assets.slots.on_air_during), or
        # a part of that day's: when=today at 21:35 walks the night's (migration 0024).
        *(
            sa.Index(
                f"ix_asset_published_grid_{name}{suffix}",
                "grid",
                postgresql_using="gist",
                postgresql_where=sa.text(
                    f"status = 'published' AND slots && {on_air_codes(day, part)}"
                ),
            )
            for day, name in enumerate(WEEKDAY_NAMES)
            for suffix, part in DAY_PARTS.items()
        ),
        # Near + one kind (a meeting finder's search) walks only that kind's entries, nearest
        # first (migration 0028: a GiST over kind and place mixed the kinds in its tree).
        *(
            sa.Index(
                f"ix_asset_published_{kind.value}_grid",
                "grid",
                postgresql_using="gist",
                postgresql_where=sa.text(f"status = 'published' AND kind = '{kind.value}'"),
            )
            for kind in AssetKind
        ),
        # Name order (the default) walked from an index: a common word in `q` matches a fifth
        # of a million entries, and sorting them all for a page of 20 took 270 ms. The name
        # and the text ride along so that the walk tests each entry's text without reading
        # the table (migration 0017).
        sa.Index(
            "ix_asset_published_name",
            sa.text("lower(name)"),
            "id",
            postgresql_where=sa.text("status = 'published'"),
            postgresql_include=["name", "search_vector"],
        ),
        # Day and time filters test the slots first (app.assets.slots).
        sa.Index(
            "ix_asset_published_slots",
            "slots",
            postgresql_using="gin",
            postgresql_where=sa.text("status = 'published'"),
            postgresql_with={"fastupdate": "off"},
        ),
        # Place + kind + start slot as one key, with the text and the access features: a
        # search naming a place, a time and more finds what passes all of them in one index
        # scan (migration 0019; app.assets.area).
        sa.Index(
            "ix_asset_published_area",
            "area_keys",
            "search_vector",
            "access",
            postgresql_using="gin",
            postgresql_where=sa.text("status = 'published'"),
            postgresql_with={"fastupdate": "off"},
        ),
        # The same keys each with one access feature the entry has: a search needing one asks
        # for those, whose lists hold only such entries (migration 0029; app.assets.area).
        sa.Index(
            "ix_asset_published_area_access",
            sa.text("area_access_keys(area_keys, access)"),
            "search_vector",
            postgresql_using="gin",
            postgresql_where=sa.text("status = 'published'"),
            postgresql_with={"fastupdate": "off"},
        ),
        sa.Index(
            "ix_asset_published_town_kind",
            "town_id",
            "kind",
            postgresql_where=sa.text("status = 'published'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True, index=True)
    types: list[str] = Field(
        default_factory=empty_list, sa_type=text_array(), sa_column_kwargs={"server_default": "{}"}
    )
    status: AssetStatus = Field(
        default=AssetStatus.draft,
        sa_type=enum_type(AssetStatus),
        index=True,
        sa_column_kwargs={"server_default": AssetStatus.draft.value},
    )
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    venue_id: int | None = Field(default=None, foreign_key="venue.id", index=True)
    # Copies of the venue's point and town, kept by database triggers, so the search reads one
    # table: a KNN scan on a GiST index of published entries instead of a join and a sort.
    location: Any = Field(
        default=None, sa_type=Geography("POINT", srid=4326, spatial_index=False), nullable=True
    )
    # The same point on the British National Grid (metres, EPSG:27700): planar distances and a
    # KNN index the planner estimates well; geography's estimates sent it to bitmap scans that
    # sorted 50,000 rows for 20 (docs/performance.md). Within 0.1% of true distance in England.
    grid: Any = Field(
        default=None,
        sa_column=sa.Column(
            Geometry("POINT", srid=27700, spatial_index=False),
            sa.Computed("ST_Transform(location::geometry, 27700)", persisted=True),
            nullable=True,
        ),
    )
    town_id: int | None = Field(default=None, foreign_key="place.id")
    # The venue's access features, copied by the same triggers (migration 0018): an access
    # filter tests the row the search reads rather than looking up each candidate's venue.
    access: list[str] = Field(
        default_factory=empty_list, sa_type=text_array(), sa_column_kwargs={"server_default": "{}"}
    )
    # Its interests' ids in order, written by the trigger on asset_interest (migration 0031):
    # a page of results reads them with the entry (app.assets.light). Never set here.
    interest_ids: list[int] = Field(
        default_factory=empty_list, sa_type=int_array(), sa_column_kwargs={"server_default": "{}"}
    )
    # (weekday, time band) codes of its schedules, set on save: see app.assets.slots.
    slots: list[int] = Field(
        default_factory=empty_list, sa_type=int_array(), sa_column_kwargs={"server_default": "{}"}
    )
    # Minutes of the week its schedules can start at, set on save: app.assets.upcoming.
    week_starts: list[int] = Field(
        default_factory=empty_list, sa_type=int_array(), sa_column_kwargs={"server_default": "{}"}
    )
    # Its start slots are exactly its schedules' (none ends or is one-off): app.assets.slots.
    slots_exact: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    # It meets every week, whatever the date (app.assets.slots.meets_every_week): when=week
    # need not look at its schedules.
    every_week: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    # (grid cell, kind, start slot) keys for cells of 4, 16 and 64 km: see migration 0019.
    area_keys: list[int] | None = Field(
        default=None,
        sa_column=sa.Column(
            int_array(),
            sa.Computed("asset_area_keys(location, kind, slots)", persisted=True),
            nullable=True,
        ),
    )
    # Coordinator-only notes and contact (e.g. the secretary's phone): never in public output.
    private_contact: str | None = Field(default=None, max_length=1000)
    last_verified_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_verified_by_id: int | None = Field(default=None, foreign_key="user.id")
    source: str = Field(
        default="manual", max_length=80, sa_column_kwargs={"server_default": "manual"}
    )
    external_id: str | None = Field(default=None, max_length=200)
    source_checksum: str | None = Field(default=None, max_length=64)
    # The entry as its source last sent it (snapshot form): a field that differs from this
    # now was edited by a person, and an import never overwrites it.
    source_snapshot: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Set by a database trigger from a sequence on every insert and update: the order of
    # the change feed (/feeds/changes), immune to clock skew between app servers.
    change_seq: int | None = Field(default=None, sa_type=sa.BigInteger(), index=True)
    # When two entries are merged, the loser is archived and points here (its page redirects).
    merged_into_id: int | None = Field(default=None, foreign_key="asset.id", index=True)
    search_vector: Any = Field(
        default=None,
        sa_column=sa.Column(
            TSVECTOR,
            sa.Computed(
                "to_tsvector('english', coalesce(name, '') || ' ' || coalesce(fellowship, '')"
                " || ' ' || coalesce(description, ''))",
                persisted=True,
            ),
        ),
    )

    schedules: list[Schedule] = Relationship(
        back_populates="asset",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "Schedule.id"},
    )
    interests: list[Interest] = Relationship(link_model=AssetInterest)
    venue: Venue | None = Relationship()
    organisation: Organisation | None = Relationship()


class WeekSpan(SQLModel, table=True):
    """One of an entry's weekly occurrences as a 4-D point: its place on the British National
    Grid (x, y), the minute of the week it starts at (z, Monday 00:00 = 0) and the minute it
    ends at (m, past 10,080 when it runs into Monday). Kept by database triggers from the
    schedules and the entry's point (migration 0027), a superset of the truth (a monthly
    schedule spans every weekday); sort=next near a place reads what is on air or starts soon
    from one box over all four (app.assets.soonest)."""

    __tablename__ = "week_span"
    __table_args__ = (
        sa.Index(
            "ix_week_span_at",
            "at",
            postgresql_using="gist",
            postgresql_ops={"at": "gist_geometry_ops_nd"},
        ),
    )

    asset_id: int = Field(foreign_key="asset.id", primary_key=True, ondelete="CASCADE")
    starts: int = Field(primary_key=True)
    ends: int = Field(primary_key=True)
    at: Any = Field(
        sa_column=sa.Column(
            Geometry("POINTZM", srid=27700, dimension=4, spatial_index=False), nullable=False
        )
    )
