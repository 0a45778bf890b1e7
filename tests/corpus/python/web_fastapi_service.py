"""A FastAPI service written the safe way (corpus: no LG2xx finding)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.security import APIKeyHeader

app = FastAPI()
logger = logging.getLogger("service")
api_key_header = APIKeyHeader(name="X-API-Key")
REPORTS = Path("/srv/reports").resolve()
STATUS_URL = "https://status.example.com/api/v1/summary"
VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$")


def current_user(key: Annotated[str, Security(api_key_header)]) -> str:
    if not key:
        raise HTTPException(status_code=401)
    return "user"


@app.get("/", response_class=HTMLResponse)
def home() -> str:
    return "<h1>Service</h1>"


@app.get("/docs-home")
def docs_home() -> RedirectResponse:
    return RedirectResponse("/docs")


@app.get("/reports/{name}")
def report(name: str, user: Annotated[str, Depends(current_user)]) -> FileResponse:
    path = (REPORTS / name).resolve()
    if not path.is_relative_to(REPORTS):
        raise HTTPException(status_code=404)
    return FileResponse(path)


@app.post("/items")
def create_item(item: dict, user: Annotated[str, Depends(current_user)]) -> dict:
    logger.info("item created by %s", user)
    return item


@app.delete("/items/{item_id}", dependencies=[Depends(current_user)])
def delete_item(item_id: int) -> dict:
    return {"deleted": item_id}


@app.get("/status")
async def status() -> dict:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(STATUS_URL)
    return response.json()


@app.get("/version/{text}")
def parse_version(text: str) -> dict:
    match = VERSION.match(text)
    if match is None:
        raise HTTPException(status_code=422)
    return {"major": int(match.group(1))}
