"""How a laptop talks to the server: one ``requests.Session``, timeouts on every call, gzip both ways, and
retries with exponential backoff and jitter for what is worth retrying (no connection, timeouts, 5xx, 429).

The engine sees a :class:`Transport`: tests wrap it to drop, duplicate or delay requests and responses.
"""

import gzip
import hashlib
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import orjson
import requests

from dlso_desktop import __version__

#: (connect, read) timeouts in seconds
TIMEOUT = (5.0, 60.0)
#: seconds without a byte while downloading a file
DOWNLOAD_READ_TIMEOUT = 120.0


class TransportError(Exception):
    """Could not get an answer (network down, timeout, server error): the same request may be sent again."""


class Refused(Exception):
    """The server answered with a refusal (4xx): sending the same again would not help."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{status} {code}: {message_en}")
        self.status = status
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


class Transport(Protocol):
    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]: ...

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...


#: (bytes written, bytes expected or 0) while a file downloads
DownloadProgress = Callable[[int, int], None]


class Sink(Protocol):
    """Where a download goes when it is not a file path: anything with ``write`` (an open file, the page
    encryptor of an encrypted laptop)."""

    def write(self, data: bytes, /) -> object: ...


class Downloads(Protocol):
    """A transport that can also fetch a large file (a commune snapshot) straight to disk."""

    def download(
        self, path: str, params: dict[str, Any], dest: Path | Sink, progress: DownloadProgress | None = None
    ) -> dict[str, str]: ...


class HttpTransport:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 20.0,
        timeout: tuple[float, float] = TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"dlso-desktop/{__version__}"
        self.session.headers["Accept-Encoding"] = "gzip"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._call("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        data = orjson.dumps(body)
        headers = {"Content-Type": "application/json"}
        if len(data) > 1024:
            data = gzip.compress(data, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
        return self._call("POST", path, data=data, headers=headers)

    def download(
        self, path: str, params: dict[str, Any], dest: Path | Sink, progress: DownloadProgress | None = None
    ) -> dict[str, str]:
        """GET ``path`` into the file ``dest`` or the writer ``dest`` (gzip transfer decoded on the fly); returns
        the answer's headers (lower-case names). The body's SHA-256 must match ``X-DLSO-Sha256`` when the server
        sends one. No retries: a first sync that cannot download its snapshot pulls record by record instead."""
        if isinstance(dest, Path):
            with open(dest, "wb") as out:
                return self.download(path, params, out, progress)
        try:
            with self.session.get(
                self.base_url + path, params=params, timeout=(self.timeout[0], DOWNLOAD_READ_TIMEOUT), stream=True
            ) as response:
                if 400 <= response.status_code < 500:
                    raise _refusal(response)
                if response.status_code >= 400:
                    raise TransportError(f"HTTP {response.status_code}")
                headers = {k.lower(): v for k, v in response.headers.items()}
                expected = int(headers.get("x-dlso-size", "0") or 0)
                digest = hashlib.sha256()
                written = 0
                for chunk in response.iter_content(chunk_size=1 << 20):
                    dest.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
                    if progress is not None:
                        progress(written, expected)
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from None
        want = headers.get("x-dlso-sha256")
        if want and digest.hexdigest() != want:
            raise TransportError(f"the download is damaged ({written} bytes, checksum differs)")
        if expected and written != expected:
            raise TransportError(f"the download is incomplete ({written} of {expected} bytes)")
        return headers

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                problem: str = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    try:
                        result = orjson.loads(response.content)  # pages hold thousands of records
                    except ValueError:
                        problem = "the server's answer is not JSON"
                    else:
                        if isinstance(result, dict):
                            return result
                        problem = "the server's answer is not a JSON object"
                elif response.status_code >= 500 or response.status_code == 429:
                    problem = f"HTTP {response.status_code}"
                else:
                    raise _refusal(response)
            attempt += 1
            if attempt > self.retries:
                raise TransportError(problem)
            delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            self._sleep(delay * random.uniform(0.5, 1.5))


def _refusal(response: requests.Response) -> Refused:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return Refused(
        response.status_code,
        str(body.get("error", "refused")),
        str(body.get("message_vi", f"Máy chủ từ chối yêu cầu (mã {response.status_code}).")),
        str(body.get("message_en", f"The server refused the request (HTTP {response.status_code}).")),
    )
