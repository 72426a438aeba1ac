import requests

from app.utils.files import read_avatar


def load(user_id: int) -> dict:
    return requests.get(f"https://users.example.com/{user_id}").json()


def avatar(user_id: int) -> bytes:
    return read_avatar(user_id)


def ping(host: str) -> dict:
    return {"host": host}


def even(n: int) -> bool:
    return n == 0 or odd(n - 1)


def odd(n: int) -> bool:
    return n != 0 and even(n - 1)


async def fetch_async(user_id: int) -> dict:
    return {"id": user_id}


class Repository:
    def get(self, user_id: int) -> dict:
        return self._fetch(user_id)

    def _fetch(self, user_id: int) -> dict:
        return requests.get(f"https://users.example.com/{user_id}").json()
