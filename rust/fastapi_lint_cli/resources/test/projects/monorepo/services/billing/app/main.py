from fastapi import FastAPI

from app.helpers import slow

app = FastAPI()


@app.get("/")
async def index():
    slow()
    return {}
