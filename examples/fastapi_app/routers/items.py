import time
from typing import Annotated

import requests
from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dependencies import DbSession, get_db, require_api_key
from ..models import ItemRow
from ..schemas import Item, ItemCreate

router = APIRouter(prefix="/items", tags=["items"])

PRICING_URL = "https://pricing.example.com/v1/quote"


@router.get("/", response_model=list[Item])  # FAST001: the return annotation says the same
async def list_items(
    db: Session = Depends(get_db),  # FAST002: a default instead of `Annotated`
    limit: int = Query(default=50, le=500),  # FAST002: a default instead of `Annotated`
) -> list[Item]:
    rows = db.scalars(select(ItemRow).limit(limit))  # FAPI104: a sync session in an async route
    return [Item.model_validate(row, from_attributes=True) for row in rows]


@router.get("/{item_id}/price")
async def item_price(item_id: int) -> dict[str, float]:
    response = requests.get(PRICING_URL, params={"item": item_id}, timeout=5)  # FAPI102: blocks the loop
    return {"price": response.json()["price"]}


@router.post("/{item_id}/restock")
async def restock(item_id: int, quantity: int) -> dict[str, int]:
    time.sleep(2)  # FAPI101: waiting for the warehouse, and for every other request too
    return {"item_id": item_id, "quantity": quantity}


@router.get("/{category}/{item_id}")  # FAST003: `category` is not a parameter
def item_in_category(item_id: int, db: DbSession) -> Item:
    return Item.model_validate(db.get(ItemRow, item_id), from_attributes=True)


@router.post("/", dependencies=[Depends(require_api_key)])
def create_item(item: ItemCreate, db: DbSession) -> Item:
    # Fine: a `def` route runs in the threadpool, so the sync session cannot stall the loop.
    row = ItemRow(**item.model_dump())
    db.add(row)
    db.commit()
    return Item.model_validate(row, from_attributes=True)


@router.get("/search")
def search(q: Annotated[str, Query(min_length=2)], db: DbSession) -> list[Item]:
    # Fine: parameters declared with `Annotated`, and a sync session in a `def` route.
    rows = db.scalars(select(ItemRow).where(ItemRow.name == q))
    return [Item.model_validate(row, from_attributes=True) for row in rows]
