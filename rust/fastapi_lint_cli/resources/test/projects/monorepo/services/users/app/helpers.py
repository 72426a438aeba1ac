import time


def slow() -> None:
    time.sleep(1)
