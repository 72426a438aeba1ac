from typing import Annotated, Iterator

from fastapi import Depends, Header, HTTPException
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite:///./inventory.db")
SessionLocal = sessionmaker(bind=engine)


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def require_api_key(x_api_key: Annotated[str, Header()]) -> str:
    if not x_api_key:
        raise HTTPException(status_code=401, detail="missing API key")
    return x_api_key


DbSession = Annotated[Session, Depends(get_db)]
