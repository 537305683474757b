"""The shared cache on real parts: Debian's redis-server and two app processes (gunicorn, as the Procfile
runs it) with ``REDIS_URL``.  What one process builds, the other serves from Redis; when Redis goes away,
both keep answering, building locally."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bench import servers
from tests.conftest import FIXTURE_DATA

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def redis_url():
    if not Path(REDIS).exists():
        pytest.fail("Debian's redis-server is required: apt-get install redis-server (scripts/test does)")
    port = servers.free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", client, process
    process.kill()
    process.wait(5)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def post(base: str, body: dict) -> dict:
    request = urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def embed_keys(client) -> list[bytes]:
    return sorted(client.keys("kz:embed:*"))


def test_what_one_process_builds_the_other_serves_and_redis_going_away_degrades(redis_url):
    url, client, redis_process = redis_url
    env = {"REDIS_URL": url, "KZ_DATA_DIR": str(FIXTURE_DATA)}
    with servers.gunicorn(workers=1, threads=2, env=env) as (first, _s1, _p1), \
            servers.gunicorn(workers=1, threads=2, env=env) as (second, _s2, _p2):
        servers.wait_for(first + "/healthz")
        servers.wait_for(second + "/healthz")
        assert embed_keys(client) == []
        status, built = get(first + "/embed/trends?theme=dark&lang=ru")
        assert status == 200
        keys = embed_keys(client)
        assert len(keys) == 1, keys
        # Mark the stored page: if the second process answers with the mark, it read Redis, not its own build.
        stored = client.get(keys[0])
        assert stored.startswith(b"!")  # cachelib's pickle marker
        page = pickle.loads(stored[1:])
        assert page == built
        client.set(keys[0], b"!" + pickle.dumps(page.replace("</body>", "<!--served from redis--></body>")))
        status, served = get(second + "/embed/trends?theme=dark&lang=ru")
        assert status == 200 and "<!--served from redis-->" in served
        # Same view, spelt another way: the same entry (canonical parameters), no second key.
        get(second + "/embed/trends?lang=ru&theme=dark&controls=1")
        assert embed_keys(client) == keys

        # Chart callbacks are shared too: the reply the first process built is the one the second sends.
        from dashboard.app import create_app
        from tests import dash_calls

        call = next(b for b in dash_calls.calls(create_app(FIXTURE_DATA).server.test_client(), "/trends")
                    if b["output"].startswith("..trends-graph.figure"))
        replies = [post(base, call) for base in (first, second)]
        assert len(client.keys("kz:reply:*")) == 1
        assert replies[0] == replies[1] and replies[0]["response"]["trends-graph"]["figure"]["data"]

        redis_process.kill()
        redis_process.wait(5)
        for base in (first, second):
            for path in ("/embed/trends?theme=dark&lang=ru", "/embed/destinations-map?lang=kk", "/embed/eaeu-net",
                         "/data/migrant-stock.csv", "/trends"):
                status, text = get(base + path)
                assert status == 200, (base, path)
                assert text
