"""JSON bytes of plain data, written as pydantic writes the same values: UTF-8, dates and
times in ISO 8601 with UTC as "Z", enums by value. For answers built without models
(app.assets.present.asset_data), where making and dumping models was a tenth of the work."""

from typing import Any

import orjson


def json_bytes(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_UTC_Z)
