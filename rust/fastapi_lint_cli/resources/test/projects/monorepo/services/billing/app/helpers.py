def slow() -> None:
    return None
