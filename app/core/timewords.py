"""Schedules and occurrences in plain words ("Every Thursday, 18:00–19:30", "Tonight 19:00")."""

from datetime import datetime, time, timedelta

from app.core.time import Occurrence, ScheduleLike

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}


def hhmm(t: time) -> str:
    # Not strftime: formatting two numbers costs a third of it, and every search result has
    # a few of these (start, end, the next occurrence's words).
    return f"{t.hour:02d}:{t.minute:02d}"


def _times(s: ScheduleLike) -> str:
    return f"{hhmm(s.start_time)}–{hhmm(s.end_time)}" if s.end_time else hhmm(s.start_time)


def _day_list(days: list[int]) -> str:
    names = [DAY_NAMES[d] for d in sorted(days)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ordinal_day(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_schedule(s: ScheduleLike) -> str:
    if s.frequency == "weekly":
        every = "Every" if s.interval == 1 else f"Every {s.interval} weeks on"
        text = f"{every} {_day_list(s.weekdays)}"
    elif s.frequency == "monthly_nth":
        text = f"The {ORDINALS.get(s.nth_week or 1, '')} {_day_list(s.weekdays)} of the month"
    elif s.frequency == "monthly_day":
        text = f"The {_ordinal_day(s.month_day or 1)} of each month"
    else:
        text = "On " + ", ".join(d.strftime("%a %-d %b %Y") for d in sorted(s.dates))
    return f"{text}, {_times(s)}"


SOON = timedelta(hours=1)


def is_just_started(occ: Occurrence, now: datetime) -> bool:
    """The happening-now badge: started within the last hour and not ended."""
    return occ.start <= now < occ.end and now - occ.start <= SOON


def occurrence_label(occ: Occurrence, now: datetime) -> str:
    """'Now, until 20:00', 'Starts in 20 min', 'Tonight 19:00', 'Today 10:30', 'Tomorrow 19:00',
    'Thu 4 Dec 10:30'."""
    start = occ.start.astimezone(now.tzinfo)
    if start <= now < occ.end:
        return f"Now, until {hhmm(occ.end.astimezone(now.tzinfo).time())}"
    if start - now <= SOON:
        minutes = max(1, round((start - now).total_seconds() / 60))
        return f"Starts in {minutes} min ({hhmm(start.time())})"
    if start.date() == now.date():
        word = "Tonight" if start.hour >= 17 else "Today"
        return f"{word} {hhmm(start.time())}"
    if start.date() == now.date() + timedelta(days=1):
        return f"Tomorrow {hhmm(start.time())}"
    return start.strftime("%a %-d %b ") + hhmm(start.time())
