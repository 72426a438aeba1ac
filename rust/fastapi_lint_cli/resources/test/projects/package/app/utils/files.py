import time


def read_avatar(user_id: int) -> bytes:
    with open(f"avatars/{user_id}.png", "rb") as file:
        return file.read()


def poll(job_id: str) -> None:
    while True:
        time.sleep(5)
