"""A stand-in for the trust's sign-in proxy in browser tests: it forwards every connection to
the dashboard and writes the signed-in person's e-mail into the first request of each, as a
real proxy writes its trusted header.

A browser cannot be told to send the header itself: Chromium (150 and later) leaves a page's
extra headers off the WebSocket handshake, and the handshake is the request Streamlit reads
headers from. A WebSocket has its connection to itself, so its handshake is always a first
request; the page's other requests fetch files, which need no identity.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

HEADER = "X-Forwarded-Email"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def _handler(upstream_port: int, email: str):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.close()
            return
        request_line_end = head.index(b"\r\n") + 2
        head = head[:request_line_end] + f"{HEADER}: {email}\r\n".encode() + head[request_line_end:]
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        upstream_writer.write(head)
        # When the proxy closes, its open connections go with it: nothing to report.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    return handle


@contextlib.contextmanager
def signed_in_as(upstream_url: str, email: str) -> Iterator[str]:
    """The dashboard at `upstream_url` as `email` sees it: yields the proxy's URL."""
    upstream_port = int(upstream_url.rsplit(":", 1)[1])
    loop = asyncio.new_event_loop()
    started = threading.Event()
    server_box: list[asyncio.Server] = []

    async def start() -> None:
        server = await asyncio.start_server(_handler(upstream_port, email), "127.0.0.1", 0)
        server_box.append(server)
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop)
    started.wait(10)
    port = server_box[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(_shut_down(server_box[0]), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


async def _shut_down(server: asyncio.Server) -> None:
    """Closes the listener and ends every open connection inside the loop, so that no pipe is
    left to wake up after the loop has gone."""
    server.close()
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
