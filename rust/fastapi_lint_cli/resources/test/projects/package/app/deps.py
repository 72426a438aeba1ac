import time

import psycopg2


async def get_db():
    connection = psycopg2.connect("dbname=app")
    return connection


def get_settings():
    return {"debug": False}
