"""The bot's one HTTP server: ``GET /healthz`` and the routes adapters mount."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.web import healthz, start_server, to_web_app
from tests.postgres import free_port


async def echo(request: web.Request) -> web.Response:
    """A webhook that answers with what it was sent."""
    return web.json_response({"got": await request.json()})


async def test_healthz_and_the_mounted_routes_answer() -> None:
    port = free_port()
    runner = await start_server(to_web_app([web.post("/telegram/webhook", echo)]), port, host="127.0.0.1")
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as client:
            async with client.get("/healthz") as response:
                assert response.status == 200
                assert response.content_type == "application/json"
                assert await response.json() == {"status": "ok"}
            async with client.post("/telegram/webhook", json={"update_id": 1}) as response:
                assert response.status == 200 and await response.json() == {"got": {"update_id": 1}}
            async with client.get("/ailleurs") as response:
                assert response.status == 404
            async with client.post("/healthz") as response:
                assert response.status == 405
    finally:
        await runner.cleanup()


async def test_the_port_is_released_on_cleanup() -> None:
    port = free_port()
    runner = await start_server(to_web_app([]), port, host="127.0.0.1")
    await runner.cleanup()
    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.get(f"http://127.0.0.1:{port}/healthz")


async def test_healthz_alone_answers_ok() -> None:
    response = await healthz(None)  # type: ignore[arg-type]  # it never reads the request
    assert response.status == 200 and response.text == '{"status": "ok"}'
