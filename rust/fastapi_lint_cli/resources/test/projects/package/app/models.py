from pydantic import BaseModel, ConfigDict


class CustomModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class User(CustomModel):
    id: int


class Item(CustomModel):
    name: str


class Order(CustomModel):
    total: int


class Invoice(CustomModel):
    number: str


class Address(CustomModel):
    street: str


class Legacy(BaseModel):
    id: int
