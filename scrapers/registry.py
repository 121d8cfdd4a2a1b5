"""Importer types by name (`waymark import <type>`, and the type of a configured source)."""

from scrapers.base import Source
from scrapers.bmlt import BmltSource
from scrapers.csv_sheet import CsvSource
from scrapers.hsds import HsdsSource
from scrapers.ical import IcalSource
from scrapers.meeting_guide import MeetingGuideSource

SOURCES: dict[str, Source] = {
    s.type: s for s in (MeetingGuideSource(), BmltSource(), IcalSource(), CsvSource(), HsdsSource())
}
