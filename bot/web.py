"""The one HTTP server of a running bot: health check, Telegram webhook, Slack events."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web


async def healthz(_: web.Request) -> web.Response:
    """Answers 200 while the process serves requests (for load balancers and orchestrators)."""
    return web.json_response({"status": "ok"})


def to_web_app(routes: Iterable[web.RouteDef]) -> web.Application:
    """An aiohttp application serving ``routes`` and ``GET /healthz``."""
    app = web.Application()
    app.add_routes([web.get("/healthz", healthz), *routes])
    return app


async def start_server(app: web.Application, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    """Serve ``app`` on ``host:port`` until the returned runner is cleaned up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
