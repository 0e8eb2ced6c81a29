"""PTB's requests over aiohttp: bodies, files, and transport failures as PTB's own errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_http import AiohttpRequest


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, object]], asyncio.Event]]:
    """A Bot-API-like server on 127.0.0.1: records what it receives; ``/stall`` never answers."""
    received: list[dict[str, object]] = []
    released = asyncio.Event()

    async def record(request: web.Request) -> web.Response:
        form = await request.post()
        fields: dict[str, object] = {}
        for name, value in form.items():
            fields[name] = (value.filename, value.file.read()) if isinstance(value, web.FileField) else value
        received.append({"content_type": request.content_type, "agent": request.headers["User-Agent"],
                         **fields})
        return web.json_response({"ok": True, "result": True})

    async def stall(request: web.Request) -> web.Response:
        await released.wait()
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.add_routes([web.post("/botTOKEN/stall", stall), web.post("/botTOKEN/{method}", record)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/botTOKEN", received, released
    released.set()
    await runner.cleanup()


def _data(**values: object) -> RequestData:
    return RequestData([RequestParameter.from_input(name, value) for name, value in values.items()])


async def test_parameters_go_form_encoded_and_the_answer_comes_back(server) -> None:
    base, received, _ = server
    async with AiohttpRequest() as request:
        answer = await request.post(f"{base}/sendMessage",
                                    _data(chat_id=42, text="Qui appeler ?", reply_markup={"k": [1]}))
    assert answer is True
    [call] = received
    assert call["content_type"] == "application/x-www-form-urlencoded"
    assert call["chat_id"] == "42" and call["text"] == "Qui appeler ?"
    assert json.loads(call["reply_markup"]) == {"k": [1]}  # type: ignore[arg-type]
    assert str(call["agent"]).startswith("python-telegram-bot")


async def test_files_go_multipart_with_their_name(server) -> None:

    base, received, _ = server
    document = InputFile(b"BEGIN:VCALENDAR", filename="evenement.ics")
    async with AiohttpRequest() as request:
        await request.post(f"{base}/sendDocument", _data(chat_id=42, document=document))
    [call] = received
    assert call["content_type"] == "multipart/form-data"
    assert call["chat_id"] == "42"
    assert call["document"] == ("evenement.ics", b"BEGIN:VCALENDAR")


async def test_an_answer_that_does_not_come_is_a_timeout(server) -> None:
    base, _, _ = server
    async with AiohttpRequest(read_timeout=0.05) as request:
        with pytest.raises(TimedOut):
            await request.post(f"{base}/stall")


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/botTOKEN/getMe")
    assert "aiohttp." in str(raised.value)


async def test_a_request_before_initialize_or_after_shutdown_is_refused(server) -> None:
    base, _, _ = server
    request = AiohttpRequest()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{base}/getMe")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{base}/getMe")
