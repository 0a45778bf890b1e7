"""An asyncio HTTP client with retries, written the way an assistant would, verifying TLS."""

from __future__ import annotations

import asyncio
import logging
import random
import ssl

import aiohttp
import certifi

log = logging.getLogger(__name__)


def make_ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


async def fetch_json(session: aiohttp.ClientSession, url: str, *, retries: int = 3) -> dict:
    for attempt in range(retries):
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                response.raise_for_status()
                return await response.json()
        except aiohttp.ClientError as error:
            delay = (2**attempt) + random.random()
            log.warning("attempt %d for %s failed (%s); retrying in %.1fs", attempt + 1, url, error, delay)
            await asyncio.sleep(delay)
    raise RuntimeError(f"giving up on {url}")


async def main(urls: list[str]) -> list[dict]:
    connector = aiohttp.TCPConnector(ssl=make_ssl_context(), limit=20)
    async with aiohttp.ClientSession(connector=connector) as session:
        return await asyncio.gather(*(fetch_json(session, url) for url in urls))


if __name__ == "__main__":
    asyncio.run(main(["https://api.example.com/a", "https://api.example.com/b"]))
