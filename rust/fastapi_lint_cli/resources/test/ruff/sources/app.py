from fastapi import FastAPI, Depends, Query

app = FastAPI()


class Item:
    pass


@app.get("/items/{item_id}", response_model=Item)
async def read_item(q: str = Query(None)) -> Item:
    return Item()


@app.post("/things/{thing_id}")
async def create(thing_id: int, dep: str = Depends(lambda: "x")):
    return 1
