from fastapi import FastAPI, Query
app = FastAPI()


@app.get("/a")
async def a(
    q: str = Query(
        None,
        alias="x",
    ),
):
    return 1
