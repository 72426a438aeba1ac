from fastapi import FastAPI, Query
app = FastAPI()
x1 = 1
x2 = 1
@app.get("/a")
async def a(q: str = Query(None)):
    return 1
y = 1
z = 1
