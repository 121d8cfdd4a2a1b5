"""Importer types by name (`waymark import <type>`)."""

from scrapers.base import Source
from scrapers.meeting_guide import MeetingGuideSource

SOURCES: dict[str, Source] = {source.type: source for source in (MeetingGuideSource(),)}
