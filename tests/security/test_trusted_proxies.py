"""Finding M2: ``X-Forwarded-For`` was always believed by ``cercle serve``.

Run against the real server (cercle serve) on loopback: without
``CERCLE_TRUSTED_PROXIES`` a rotating forged header does not escape the sign-in
throttle; with the sender listed as a trusted proxy, the forwarded client
address is the one counted.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.core.test_serve import _serving
from tests.sites import own_site


@contextmanager
def _served(tmp_path: Path, template: Path, **extra: str) -> Iterator[str]:
    env = own_site(tmp_path, template) | extra
    with _serving(env, "--no-worker", "--no-collectstatic") as (_, base):
        yield base


def _attempts(base: str, forwarded: list[str]) -> list[int]:
    """Wrong passwords for one account, each with its own X-Forwarded-For."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    codes = []
    for address in forwarded:
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": "franck.bernard@example.com",
                "password": "wrong",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{base}/login/",
            data=data,
            headers={"X-Forwarded-For": address, "Referer": f"{base}/login/"},
        )
        try:
            codes.append(opener.open(request).status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)
    return codes


ROTATING = [f"203.0.113.{i}" for i in range(1, 11)]


def test_forwarded_for_is_ignored_unless_the_sender_is_a_trusted_proxy(
    tmp_path: Path, site_template: Path
) -> None:
    with _served(tmp_path / "untrusted", site_template) as base:
        codes = _attempts(base, ROTATING)
    assert codes[:6] == [200] * 6 and set(codes[6:]) == {429}, codes


def test_a_trusted_proxy_forwards_the_client_address(tmp_path: Path, site_template: Path) -> None:
    with _served(tmp_path / "trusted", site_template, CERCLE_TRUSTED_PROXIES="127.0.0.1") as base:
        rotating = _attempts(base, ROTATING)
        same = _attempts(base, ["198.51.100.9"] * 8)
    assert rotating == [200] * 10  # ten clients, one failure each
    assert same[:6] == [200] * 6 and 429 in same[6:]
