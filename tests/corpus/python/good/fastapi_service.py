"""An async FastAPI service with SQLAlchemy, httpx and torch, using the safe forms of each."""

from __future__ import annotations

import ssl
from typing import Annotated

import httpx
import torch
from fastapi import Depends, FastAPI, HTTPException, Query
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("postgresql+psycopg://app@localhost/app")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()
MODEL_PATH = "model.pt"


def get_session():
    with SessionLocal() as db:
        yield db


@app.get("/items")
def list_items(q: Annotated[str, Query(max_length=50)], db: Session = Depends(get_session)):
    statement = text("SELECT id, name FROM items WHERE name ILIKE :pattern ORDER BY id").bindparams(
        pattern=f"%{q}%"
    )
    return [dict(row._mapping) for row in db.execute(statement)]


@app.get("/items/{item_id}")
def get_item(item_id: int, db: Session = Depends(get_session)):
    row = db.execute(text("SELECT id, name FROM items WHERE id = :id"), {"id": item_id}).first()
    if row is None:
        raise HTTPException(status_code=404)
    return dict(row._mapping)


@app.get("/upstream")
async def upstream():
    context = ssl.create_default_context()
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    async with httpx.AsyncClient(verify=context, timeout=10) as client:
        response = await client.get("https://api.example.com/health")
    return response.json()


def load_model(model: torch.nn.Module) -> torch.nn.Module:
    state = torch.load(MODEL_PATH, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()
