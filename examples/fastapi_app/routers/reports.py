import asyncio
import subprocess
from pathlib import Path

import httpx
from fastapi import APIRouter

router = APIRouter(prefix="/reports", tags=["reports"])

REPORTS_DIR = Path("/var/lib/inventory/reports")


@router.get("/{name}")
async def read_report(name: str) -> dict[str, str]:
    with open(REPORTS_DIR / f"{name}.csv") as report:  # preview FAPI103: file I/O blocks the loop
        return {"name": name, "content": report.read()}


@router.post("/{name}/export")
async def export_report(name: str) -> dict[str, int]:
    archive = ["gzip", "-k", str(REPORTS_DIR / f"{name}.csv")]
    result = subprocess.run(archive, check=False)  # FAPI105: runs to completion on the event loop
    return {"returncode": result.returncode}


@router.get("/{name}/upstream")
async def upstream_status(name: str) -> dict[str, int]:
    # The async client and `asyncio.sleep` yield to the event loop while waiting, but:
    async with httpx.AsyncClient() as client:  # FAPI601: a new connection pool per request
        response = await client.get(f"https://reports.example.com/{name}")
    await asyncio.sleep(0)
    return {"status": response.status_code}
