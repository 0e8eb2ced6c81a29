"""python-telegram-bot's HTTP requests made with aiohttp, the client the rest of the bot uses.

PTB's default client (httpx over httpcore and anyio) spends about twice the CPU of aiohttp's per
request; on a busy network that is the difference between keeping up and falling behind. The
behaviour PTB expects of a request class is kept: form-encoded parameters, multipart when files
are sent, ``TimedOut`` on timeouts and ``NetworkError`` on any other transport failure.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0


def _chosen(value: object, default: float | None) -> float | None:
    """A timeout given for one call, or the default when PTB passes its ``DEFAULT_NONE`` marker."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return value  # type: ignore[return-value]


def _form(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The request body: url-encoded parameters, or multipart with the files when there are any."""
    if request_data is None:
        return None
    files = request_data.multipart_data
    if not files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in files.items():
        filename, content, *rest = part
        form.add_field(name, content, filename=filename, content_type=rest[0] if rest else None)
    return form


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` over one ``aiohttp.ClientSession`` with a bounded connection pool."""

    def __init__(
        self,
        connection_pool_size: int = 64,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none (PTB adds it to long-polling waits)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (in the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
        write_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
        connect_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
        pool_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
    ) -> tuple[int, bytes]:
        """Send one Bot API request; the status and the raw body, for PTB to interpret."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        body = _form(request_data)
        uploading = isinstance(body, aiohttp.FormData)
        connect = _chosen(connect_timeout, self._connect_timeout)
        pool = _chosen(pool_timeout, self._pool_timeout)
        read = _chosen(read_timeout, self._read_timeout)
        write = _chosen(write_timeout, MEDIA_WRITE_TIMEOUT if uploading else DEFAULT_TIMEOUT)
        limits = (connect, pool, read, write)
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: the whole request is bounded by the sum of the four.
            total=None if None in limits else sum(limits),  # type: ignore[arg-type]
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
