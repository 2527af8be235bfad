"""HQ's HTTP API (FastAPI). Endpoints are plain `def`s: FastAPI runs them on its thread pool, each with its
own pooled connection. (No `from __future__ import annotations` here: FastAPI must see the real annotations,
whose dependencies are closures over the engine.)

Status codes: 401 unknown/revoked token, 403 bad enrolment code, 409 enrolment conflict or a pull cursor
ahead of the feed, 413 a body over the size limit (before anything is parsed), 422 malformed body (each input
repeated as a short excerpt only), 503 database unreachable or busy (transient: the client backs off and
retries). A bad entry is never an HTTP error; it is `rejected` in the reply. A push's token is checked before
its body is read.
"""


import asyncio
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.concurrency import run_in_threadpool

from sync import protocol as p
from sync.hq import audit_heads, db, holds, intake, service, settle_catchup
from sync.hq import jobs as hq_jobs
from sync.hq import push as hq_push
from sync.hq.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimit
from sync.hq.feed_epoch import open_feed_epoch
from sync.hq.sale_lookup import lookup_sale
from sync.hq.service import HQRefused

log = logging.getLogger("sync.hq")
_bearer = HTTPBearer(auto_error=False, description="the device token from POST /v1/enrol")
_ERRORS = {401: {"model": p.ErrorBody, "description": "unknown or revoked device token"},
           503: {"model": p.ErrorBody, "description": "transient: retry later"}}
# FastAPI documents this for a declared body; an endpoint reading its own body (_json_body) says it itself
_INVALID_BODY: dict[int | str, dict[str, Any]] = {422: {"description": "Validation Error", "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}}
_BAD_JSON = {400: {"model": p.ErrorBody, "description": "the body is not JSON"}}


def create_app(engine: Engine, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
               jobs_every_s: float | None = None) -> FastAPI:
    """`jobs_every_s`: run the chain's due nightly jobs (sync.hq.jobs) this often; None = never (tests)."""

    @asynccontextmanager
    async def serving(_app: FastAPI) -> AsyncIterator[None]:
        try:
            epoch = open_feed_epoch(engine)
            log.info("serving feed epoch %s from seq %d", epoch.epoch, epoch.base)
        except (OperationalError, DBAPIError):
            # HQ still starts (and answers 503 until the database is back); a restore is then not announced
            log.exception("could not open a feed epoch")
        nightly = asyncio.create_task(_nightly_jobs(engine, jobs_every_s)) if jobs_every_s else None
        settling = asyncio.create_task(_settlement_catch_up(engine, SETTLE_EVERY_S)) if jobs_every_s else None
        yield
        for task in (nightly, settling):
            if task is not None:
                task.cancel()

    app = FastAPI(title="pos-member HQ", version=str(p.PROTOCOL_VERSION), lifespan=serving,
                  description="Store <-> HQ sync: enrolment, exactly-once ledger push, change-feed pull.")
    app.state.engine = engine
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.exception_handler(HQRefused)
    def refused(_request: Request, exc: HQRefused) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler answers 500 when an error's input is NaN, Infinity or undecodable bytes
        return JSONResponse({"detail": [_printable(error) for error in exc.errors()]}, status_code=422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    def database_down(_request: Request, exc: Exception) -> JSONResponse:
        # Connection lost, server restarting, lock timeout: transient by nature, so 503 and the client retries.
        # A DBAPIError that is not operational would be our bug; it is logged with its traceback either way
        # (passed explicitly: the handler runs outside the `except` that caught it, log.exception saw None).
        log.error("database error", exc_info=exc)
        return JSONResponse({"detail": "HQ database unavailable; retry later"}, status_code=503)

    def token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str | None:
        # checked by the service inside the request's own transaction (one connection per request)
        return credentials.credentials if credentials else None

    @app.post("/v1/enrol", response_model=p.EnrolResponse, responses={
        403: {"model": p.ErrorBody, "description": "unknown, used or expired code"},
        409: {"model": p.ErrorBody, "description": "store, till number or chain key conflict"},
        503: _ERRORS[503]} | _BAD_JSON)
    def enrol(body: p.EnrolRequest) -> p.EnrolResponse:
        return service.enrol(engine, body, secrets.token_urlsafe(32))

    @app.post("/v1/push", response_model=p.PushResponse, responses=_ERRORS | _INVALID_BODY,
              openapi_extra=_json_body(p.PushRequest))
    async def push(request: Request, who: Annotated[str | None, Depends(token)]) -> JSONResponse:
        # The token is checked before the body is read (a stranger's 2 MB costs HQ nothing), and again inside
        # the push's transaction (a revocation in between refuses it). A batch is parsed and validated in one
        # pass by pydantic, on the worker thread: FastAPI's own json.loads + validation ran on the event loop
        # and cost twice as much, while every store waited. The documented model is PushResponse; the reply
        # is built to it and sent without re-validation.
        if not who:
            raise HQRefused(401, "missing device token")
        await run_in_threadpool(_check_token, who)
        raw = await request.body()
        return JSONResponse(await run_in_threadpool(_push, who, raw))

    def _check_token(who: str) -> None:
        with db.read(engine) as conn:
            service.authenticate(conn, who)

    def _push(who: str, raw: bytes) -> dict[str, Any]:
        parsed = intake.parse_push(raw)
        return hq_push.push(engine, who, parsed.request, parsed.malformed, parsed.refused_records)

    @app.get("/v1/pull", response_model=p.PullResponse, responses=_ERRORS | {
        409: {"model": p.ErrorBody, "description": "`since` is ahead of HQ's change feed (HQ restored a backup)"}})
    def pull(who: Annotated[str | None, Depends(token)],
             since: Annotated[int, Query(ge=0, le=p.MAX_SEQ)] = 0,
             limit: Annotated[int, Query(ge=1, le=p.MAX_PULL_LIMIT)] = p.DEFAULT_PULL_LIMIT) -> p.PullResponse:
        return service.pull(engine, who, since, limit)

    @app.get("/v1/sales/{key}", response_model=p.SaleLookup, responses=_ERRORS | {
        404: {"model": p.ErrorBody, "description": "HQ holds no sale with this id or receipt number"}})
    def sale(key: Annotated[str, Path(max_length=64)], who: Annotated[str | None, Depends(token)]) -> p.SaleLookup:
        return lookup_sale(engine, who, key)

    @app.get("/v1/status", response_model=p.StatusResponse, responses=_ERRORS)
    def status(who: Annotated[str | None, Depends(token)]) -> p.StatusResponse:
        return service.status(engine, who)

    @app.post("/v1/fingerprints", response_model=p.FingerprintsResponse, responses=_ERRORS | _BAD_JSON)
    def fingerprints(body: p.FingerprintsRequest, who: Annotated[str | None, Depends(token)]
                     ) -> p.FingerprintsResponse:
        return audit_heads.fingerprints(engine, who, body)

    @app.post("/v1/holds", response_model=p.HoldResponse, responses=_ERRORS | _BAD_JSON)
    def hold(body: p.HoldRequest, who: Annotated[str | None, Depends(token)]) -> JSONResponse:
        # a refusal is a 200 with `granted` false and a typed reason: an HTTP error means "no answer". The
        # reply is HQ's own HoldResponse, sent as it is (re-validating it against response_model cost a sale
        # waiting for its hold more than deciding it did)
        return JSONResponse(holds.request_hold(engine, who, body).model_dump())

    @app.delete("/v1/holds/{sale_id}", responses=_ERRORS)
    def release_hold(sale_id: str, who: Annotated[str | None, Depends(token)]) -> dict[str, Any]:
        return holds.release(engine, who, sale_id)

    @app.get("/healthz", responses={503: _ERRORS[503]})
    def healthz() -> dict[str, str]:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok"}

    _document_bodies(app, [p.PushRequest])
    return app


async def _nightly_jobs(engine: Engine, every_s: float) -> None:
    """Run the due dates' jobs now and then every `every_s`. Each worker of each HQ host does this; the
    job_runs row taken under the feed lock makes each job run once per date (sync.hq.jobs)."""
    while True:
        try:
            ran = await asyncio.to_thread(hq_jobs.run_due, engine, date.today())
            if ran:
                log.info("nightly jobs ran for %s", ", ".join(ran))
        except Exception:  # a database outage must not end the loop: the next round catches up
            log.exception("nightly jobs failed; retrying at the next round")
        await asyncio.sleep(every_s)


SETTLE_EVERY_S = 60.0


async def _settlement_catch_up(engine: Engine, every_s: float) -> None:
    """Attribute newly received entries to the stores whose lots they consumed (sync.hq.settle_catchup), so
    a statement finds the roll-ups current. Each worker runs it; the settle_state row lock makes one at a
    time, and the others find nothing left to do."""
    while True:
        try:
            done = await asyncio.to_thread(settle_catchup.catch_up, engine)
            if done["entries"]:
                log.info("settlement: attributed %d entries (through seq %d)", done["entries"], done["through_seq"])
        except Exception:  # a database outage must not end the loop
            log.exception("settlement catch-up failed; retrying at the next round")
        await asyncio.sleep(every_s)


def _printable(error: Any) -> Any:
    """A validation error JSON can carry, its input cut to a short excerpt (a 50 MB body is never echoed):
    an input JSON cannot encode (NaN, Infinity, the raw bytes of a body that is not JSON) becomes its repr."""
    error = dict(error)
    value = error.get("input")
    try:
        json.dumps(value, allow_nan=False)
        if not isinstance(value, str | int | float | bool | None):  # a whole object or list: its excerpt
            value = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        value = repr(value)
    error["input"] = intake.excerpt(value, intake.MAX_ECHOED_INPUT)
    return jsonable_encoder(error)  # ctx may hold an exception object


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody of an endpoint that reads its body itself (see push, sync.hq.intake)."""
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _document_bodies(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Add the models behind _json_body to the generated document's components."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            _, definitions = models_json_schema([(model, "validation") for model in models],
                                                ref_template="#/components/schemas/{model}")
            document.setdefault("components", {}).setdefault("schemas", {}).update(definitions["$defs"])
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


SERVE_ENV = "POS_HQ_SERVE"  # how `pos-hq serve --workers N` hands its settings to each worker process


def app_from_env() -> FastAPI:
    """The app factory each uvicorn worker process calls (`sync.hq.app:app_from_env`, factory=True): a worker is
    a fresh process, so the database URL, limits and logging come from SERVE_ENV (JSON set by `pos-hq serve`)."""
    from pos_member.log_privacy import install as install_masking

    settings = json.loads(os.environ[SERVE_ENV])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        install_masking(handler)
    return create_app(db.make_engine(settings["url"]), max_body_bytes=settings["max_body"],
                      jobs_every_s=settings["jobs_every_s"])
