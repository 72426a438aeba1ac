from pydantic import BaseModel


class Item(BaseModel):
    id: int
    name: str
    price: float
    in_stock: bool = True


class ItemCreate(BaseModel):
    name: str
    price: float
