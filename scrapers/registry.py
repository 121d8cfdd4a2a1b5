"""Importer types by name (`waymark import <type>`)."""

from scrapers.base import Source
from scrapers.csv_sheet import CsvSource
from scrapers.meeting_guide import MeetingGuideSource

SOURCES: dict[str, Source] = {s.type: s for s in (MeetingGuideSource(), CsvSource())}
