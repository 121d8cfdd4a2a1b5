"""Plain-language labels for codes shown to people (one place, used by every template)."""

from app.assets.models import AssetKind, Attendance, Audience, CapitalDomain, FiveWays
from app.core.time import TimeBand, Weekday
from app.venues.models import ACCESS_LABELS, AccessFeature

KIND_LABELS: dict[AssetKind, tuple[str, str]] = {
    AssetKind.meeting: ("Mutual-aid meeting", "Mutual-aid meetings"),
    AssetKind.bumping_space: ("Bumping space", "Bumping spaces (cafés and drop-ins)"),
    AssetKind.volunteering: ("Volunteering", "Volunteering"),
    AssetKind.club: ("Club or group", "Clubs and groups"),
    AssetKind.course: ("Course", "Courses"),
    AssetKind.employment: ("Work and employment", "Work and employment"),
    AssetKind.peer_support: ("Peer support", "Peer support"),
    AssetKind.service: ("Support service", "Support services"),
}
ATTENDANCE_LABELS = {
    Attendance.in_person: "In person",
    Attendance.online: "Online",
    Attendance.hybrid: "In person and online",
}
AUDIENCE_LABELS = {
    Audience.everyone: "Everyone",
    Audience.women: "Women only",
    Audience.men: "Men only",
    Audience.young_people: "Young people",
    Audience.families_friends: "Families and friends",
    Audience.lgbtq: "LGBTQ+",
}
TIME_LABELS = {
    TimeBand.morning: "Morning (5am–noon)",
    TimeBand.afternoon: "Afternoon (noon–5pm)",
    TimeBand.evening: "Evening (5pm–9pm)",
    TimeBand.night: "Night (9pm–5am)",
}
WHEN_LABELS = {"now": "Happening now", "today": "Today", "week": "This week"}
DAY_LABELS = {
    Weekday.mon: "Monday", Weekday.tue: "Tuesday", Weekday.wed: "Wednesday",
    Weekday.thu: "Thursday", Weekday.fri: "Friday", Weekday.sat: "Saturday",
    Weekday.sun: "Sunday",
}  # fmt: skip
FIVE_WAYS_LABELS = {
    FiveWays.connect: "Connect",
    FiveWays.be_active: "Be active",
    FiveWays.take_notice: "Take notice",
    FiveWays.keep_learning: "Keep learning",
    FiveWays.give: "Give",
}
DOMAIN_LABELS = {
    CapitalDomain.social: "Social",
    CapitalDomain.physical: "Physical",
    CapitalDomain.human: "Human",
    CapitalDomain.cultural: "Cultural",
}
# Short symbols for listings and print; always shown beside their text.
ACCESS_SYMBOLS: dict[AccessFeature, str] = {
    AccessFeature.step_free: "♿",
    AccessFeature.accessible_toilet: "WC",
    AccessFeature.hearing_loop: "T",
    AccessFeature.parking: "P",
    AccessFeature.quiet_room: "Q",
    AccessFeature.public_transport: "Bus",
}
FELLOWSHIP_NAMES = {
    "AA": "Alcoholics Anonymous",
    "NA": "Narcotics Anonymous",
    "CA": "Cocaine Anonymous",
    "SMART": "SMART Recovery",
    "Al-Anon": "Al-Anon Family Groups",
    "FA": "Families Anonymous",
}


def all_labels() -> dict[str, object]:
    return {
        "KIND_LABELS": KIND_LABELS,
        "ATTENDANCE_LABELS": ATTENDANCE_LABELS,
        "AUDIENCE_LABELS": AUDIENCE_LABELS,
        "TIME_LABELS": TIME_LABELS,
        "WHEN_LABELS": WHEN_LABELS,
        "DAY_LABELS": DAY_LABELS,
        "FIVE_WAYS_LABELS": FIVE_WAYS_LABELS,
        "DOMAIN_LABELS": DOMAIN_LABELS,
        "ACCESS_LABELS": ACCESS_LABELS,
        "ACCESS_SYMBOLS": ACCESS_SYMBOLS,
        "FELLOWSHIP_NAMES": FELLOWSHIP_NAMES,
    }
