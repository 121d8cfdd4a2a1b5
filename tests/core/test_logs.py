import json
import logging

import pytest
from fastapi.testclient import TestClient

from app.core.logs import JsonFormatter


def test_one_json_line_per_request_with_an_id_and_no_query(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="waymark.access"):
        response = client.get("/search", params={"near": "B69 3DE", "q": "my name"},
                              headers={"X-Request-ID": "partner-req-12345"})  # fmt: skip
    assert response.headers["x-request-id"] == "partner-req-12345"
    records = [r for r in caplog.records if r.name == "waymark.access"]
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "partner-req-12345" and line["path"] == "/search"
    assert line["status"] == 200 and line["ms"] >= 0
    assert "B69" not in json.dumps(line) and "my name" not in json.dumps(line)


def test_a_made_up_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["x-request-id"] != "<script>"
    assert len(response.headers["x-request-id"]) == 16
