from fastapi import FastAPI, Query
app = FastAPI()
x = 1

@app.get("/a")
async def a(x: int, q: str = Query(
        None,
    )):
	return 1
