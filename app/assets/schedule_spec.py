"""A compact text form of schedules, for demo data and spreadsheets.

    weekly thu 18:00-19:30                every Thursday
    weekly mon,wed,fri 10:00-14:00        several days
    every2 tue 19:00-20:30 2026-01-06     every 2 weeks, counted from that date
    nth -1 fri 10:30-12:00                last Friday of the month (1..5, or -1 for last)
    monthday 15 14:00-16:00               the 15th of each month
    once 2026-12-05,2026-12-12 10:00-13:00
Several schedules are separated by "|"."""

from datetime import date, time
from typing import Any

from app.assets.schemas import ScheduleCreate
from app.core.time import DAY_CODES, Frequency


def _days(text: str) -> list[int]:
    try:
        return [DAY_CODES.index(d.strip().lower()[:3]) for d in text.split(",")]
    except ValueError as exc:
        raise ValueError(f"unknown day in {text!r}; use mon, tue, wed, thu, fri, sat, sun") from exc


def _times(text: str) -> dict[str, Any]:
    start, _, end = text.partition("-")
    return {
        "start_time": time.fromisoformat(start),
        "end_time": time.fromisoformat(end) if end else None,
    }


def _fields(head: str, words: list[str]) -> dict[str, Any]:
    if head == "weekly":
        return {"frequency": Frequency.weekly, "weekdays": _days(words[1]), **_times(words[2])}
    if head.startswith("every"):
        return {
            "frequency": Frequency.weekly,
            "interval": int(head[5:]),
            "weekdays": _days(words[1]),
            "valid_from": date.fromisoformat(words[3]),
            **_times(words[2]),
        }
    if head == "nth":
        return {
            "frequency": Frequency.monthly_nth,
            "nth_week": int(words[1]),
            "weekdays": _days(words[2]),
            **_times(words[3]),
        }
    if head == "monthday":
        return {"frequency": Frequency.monthly_day, "month_day": int(words[1]), **_times(words[2])}
    if head == "once":
        dates = [date.fromisoformat(d) for d in words[1].split(",")]
        return {"frequency": Frequency.once, "dates": dates, **_times(words[2])}
    raise ValueError(f"schedule {head!r} must start with weekly, everyN, nth, monthday or once")


def parse_schedule(spec: str) -> ScheduleCreate:
    words = spec.split()
    try:
        return ScheduleCreate.model_validate(_fields(words[0] if words else "", words))
    except IndexError as exc:
        raise ValueError(f"schedule {spec!r} is missing a part") from exc


def parse_schedules(text: str) -> list[ScheduleCreate]:
    return [parse_schedule(s) for s in text.split("|") if s.strip()]
