"""The one HTTP transport of the outside-system clients: a GET with a bearer token, a deadline for
the whole request, and retries with back-off.

``HttpClient(url=…, service=…).get(url)`` makes one logical request:

* ``Authorization: Bearer <token>`` when a token is configured. Redirects are followed (at most
  five), and a redirect to another host loses the token (urllib3 drops ``Authorization`` then).
  A proxy named by the environment (``http_proxy``, ``https_proxy``, ``no_proxy``) is used.
* **A deadline for the whole request**: connecting, waiting for the answer and reading every byte
  of it must fit in ``timeout`` seconds. A timeout per socket read is not enough — a server that
  trickles a byte a second would never trip it — so the body is read piece by piece
  (``HTTPResponse.read1``), each read allowed only the time left, and the deadline is checked
  after every piece. (Connecting and then waiting for the status line and the headers share the
  deadline too — urllib3's ``Timeout(total=…)``; the headers themselves are read with the time left
  as a per-read timeout, and the deadline is checked as soon as they have arrived.)
* **Retries**: a network error, a timeout, a missed deadline, or an answer 408, 425, 429 or 5xx is
  tried again up to ``retries`` more times, after ``backoff × 2ⁿ`` seconds (n = 0, 1, 2 …), or
  after what the server's ``Retry-After`` asks (seconds or an HTTP date); every wait is at most
  ``MAX_DELAY``. Any other answer that is not 2xx (401, 403, 404 …) fails at once: asking again
  would not help.
* An answer larger than ``max_bytes`` is refused (not retried).

Every failure raises the client's ``error`` class (a :class:`ServiceUnavailable`, so a
``DomainError``) with one of the messages below, each starting with the service's name.

Libraries: urllib3 (connection pool, TLS, redirects, ``read1`` and the parsing of ``Retry-After``)
and tenacity (the retry loop: stop, wait, injectable ``sleep`` for the tests).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import tenacity
import urllib3
from django.utils.translation import gettext as _
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, ResponseError

from core.errors import DomainError

logger = logging.getLogger(__name__)

# Answers worth asking again: the service is overloaded or briefly down.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_DELAY = 60.0  # seconds: the longest wait between two attempts, Retry-After included
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "E-Qazyna"


class ServiceUnavailable(DomainError):
    """An outside system did not give a usable answer (after the retries); the message says why."""

    status_code = 502
    default_code = "service_unavailable"


class _Transient(Exception):
    """A failure worth another attempt; ``retry_after`` is what the server asked for, in seconds."""

    def __init__(self, problem: str, retry_after: float | None = None):
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


def _describe(error: Exception) -> str:
    if isinstance(error, MaxRetryError) and error.reason is not None:
        error = error.reason
    return str(error) or error.__class__.__name__


def _retry_after(value: str | None) -> float | None:
    """The server's ``Retry-After`` in seconds (it may be a number or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(urllib3.Retry().parse_retry_after(value), 0.0)
    except Urllib3Error:  # InvalidHeader: neither seconds nor a date
        return None


def http_url(url: str, *, service: str, error: type[ServiceUnavailable] = ServiceUnavailable) -> str:
    """``url`` if it is an http(s) address with a host, else ``error`` (no file:, ftp: …)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise error(_("%(service)s: “%(url)s” is not an http(s) address.") % {"service": service, "url": url}, code="bad_url")
    return url


def with_query(url: str, params: dict | None) -> str:
    if not params:
        return url
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


def _pool_for(scheme: str, host: str) -> urllib3.PoolManager:
    """A connection pool, through the proxy the environment names (``https_proxy``, ``no_proxy`` …), as urllib did."""
    proxy = getproxies().get(scheme)
    if proxy and not proxy_bypass(host):
        return urllib3.ProxyManager(proxy)
    return urllib3.PoolManager()


class HttpClient:
    """GET requests to one outside system (see the module's description)."""

    def __init__(
        self, *, url: str, service: str, error: type[ServiceUnavailable] = ServiceUnavailable, token: str = "",
        timeout: float = 30.0, retries: int = 3, backoff: float = 0.5, max_bytes: int = 256 * 1024 * 1024,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.service, self.error = service, error
        self.url = http_url(url, service=service, error=error)
        parts = urlsplit(self.url)
        self.origin = (parts.scheme, parts.netloc)
        self.token = token
        self.timeout = float(timeout)
        self.retries = max(int(retries), 0)
        self.backoff = max(float(backoff), 0.0)
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.attempts = 0  # requests made, retries included (for the logs and the tests)
        self._pool = _pool_for(parts.scheme, parts.hostname or "")
        self._exponential = tenacity.wait_exponential(multiplier=self.backoff, exp_base=2, max=MAX_DELAY)

    # --- one attempt ---------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _deadline_missed(self) -> _Transient:
        return _Transient(_("no complete answer within %(seconds)s s") % {"seconds": f"{self.timeout:g}"})

    def _attempt(self, url: str) -> bytes:
        self.attempts += 1
        deadline = time.monotonic() + self.timeout
        try:
            response = self._pool.request(
                "GET", url, headers=self._headers(), preload_content=False,
                timeout=urllib3.Timeout(total=self.timeout),  # connecting, then the head in the time left
                retries=urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS),
            )
        except MaxRetryError as error:
            if isinstance(error.reason, ResponseError):  # too many redirects: asking again would not help
                raise self.error(_("%(service)s: %(url)s redirects too many times.") % {"service": self.service, "url": url},
                                 details={"url": url}) from None
            raise _Transient(_describe(error)) from None
        except (Urllib3Error, OSError) as error:
            raise _Transient(_describe(error)) from None
        complete = False
        try:
            status = response.status
            if status in RETRYABLE_STATUSES:
                raise _Transient(f"HTTP {status}", retry_after=_retry_after(response.headers.get("Retry-After")))
            if not 200 <= status < 300:
                if status in (401, 403):
                    message = _("%(service)s: access refused (HTTP %(status)s); check the token.")
                else:
                    message = _("%(service)s: the request %(url)s was refused (HTTP %(status)s).")
                raise self.error(message % {"service": self.service, "status": status, "url": url},
                                 details={"url": url, "status": status})
            body = self._read(response, deadline)
            complete = True
            return body
        finally:
            if not complete:  # a connection with unread bytes must not serve another request
                response.close()
            response.release_conn()

    def _read(self, response, deadline: float) -> bytes:
        """The body, piece by piece, each socket read allowed only the time left before ``deadline``."""
        sock = getattr(response.connection, "sock", None)
        body = bytearray()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._deadline_missed()
            if sock is not None:
                sock.settimeout(left)
            try:
                piece = response.read1(CHUNK)
            except (Urllib3Error, OSError) as error:
                if time.monotonic() >= deadline:
                    raise self._deadline_missed() from None
                raise _Transient(_describe(error)) from None
            if not piece:
                return bytes(body)
            body += piece
            if len(body) > self.max_bytes:
                raise self.error(_("%(service)s: the answer is larger than %(mb)s MB.")
                                 % {"service": self.service, "mb": self.max_bytes // 2**20}, details={"url": response.url})

    # --- with retries ----------------------------------------------------------------------

    def _wait(self, state: tenacity.RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, _Transient) and failure.retry_after is not None:
            return min(failure.retry_after, MAX_DELAY)
        return self._exponential(state)

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        logger.warning("%s %s: %s; retry %s of %s in %.1f s", self.service, state.args[0] if state.args else "",
                       getattr(failure, "problem", failure), state.attempt_number, self.retries,
                       state.next_action.sleep if state.next_action else 0)

    def get(self, url: str, *, params: dict | None = None) -> bytes:
        """The body of a 2xx answer to ``GET url?params``, after the retries; else ``self.error``."""
        url = with_query(url, params)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retries + 1), wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Transient), sleep=self.sleep, before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return retrying(self._attempt, url)
        except _Transient as failure:
            raise self.error(
                _("%(service)s: no answer from %(url)s after %(attempts)s attempt(s): %(problem)s.")
                % {"service": self.service, "url": url, "attempts": self.retries + 1, "problem": failure.problem},
                details={"url": url},
            ) from None

    def get_json(self, url: str, *, params: dict | None = None):
        """``get`` and decode the body as JSON (UTF-8); an answer that is not JSON is ``self.error``."""
        return self.decode_json(self.get(url, params=params))

    def decode_json(self, body: bytes):
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise self.error(_("%(service)s: the answer is not JSON.") % {"service": self.service}) from None
