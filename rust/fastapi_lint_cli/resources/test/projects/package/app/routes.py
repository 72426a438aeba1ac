from fastapi import BackgroundTasks, Depends

from app import deps
from app.routers import router
from app.services import load_user, users
from app.services.users import Repository, avatar as get_avatar, fetch_async
from app.utils.files import poll
from app.unknown import mystery


@router.get("/users/{user_id}")
async def get_user(user_id: int, db=Depends(deps.get_db)):
    users.load(user_id)
    load_user(user_id)
    get_avatar(user_id)
    users.ping("x")
    users.even(3)
    await fetch_async(user_id)
    mystery(user_id)
    return Repository().get(user_id)


@router.post("/jobs/{job_id}")
async def start(job_id: str, tasks: BackgroundTasks):
    tasks.add_task(poll, job_id)
    return {"ok": True}


def sync_route(user_id: int):
    return users.load(user_id)


class Service:
    async def handle(self, user_id: int):
        return self.lookup(user_id)

    def lookup(self, user_id: int):
        return users.load(user_id)
