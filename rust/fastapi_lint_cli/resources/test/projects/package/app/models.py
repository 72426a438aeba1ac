from pydantic import BaseModel, ConfigDict


class CustomModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class User(CustomModel):
    id: int


class Item(CustomModel):
    name: str


class Legacy(BaseModel):
    id: int
