"""Schemathesis against HQ's own OpenAPI document: cases generated from the schema (valid and invalid) are
sent to the real HQ server on PostgreSQL over 127.0.0.1; it never answers 5xx and every answer matches the
schema it publishes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine

from sync.hq.app import create_app
from tests.sync.fixtures import Stores

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The document only: building the app needs no database connection.
schema = schemathesis.openapi.from_dict(create_app(create_engine("sqlite://")).openapi())


@pytest.fixture
def enrolled(hq, tmp_path):
    """A device token, and a member HQ knows, so generated pushes can also be accepted."""
    from pos_member.services import members, sync_service

    stores = Stores(tmp_path)
    store = stores.enrolled(hq, "001")
    members.register_member(store, "Fuzz", "13800000000")
    sync_service.sync_once(store, attempts=1)
    url, token = sync_service.sync_store(store).connection_info()
    yield url, token
    stores.close()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_hq_api_never_5xx_and_matches_its_schema(case, enrolled):
    url, token = enrolled
    case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
