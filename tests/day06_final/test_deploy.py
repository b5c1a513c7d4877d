"""deploy/, run as its README says: gunicorn with two aiohttp workers on one MariaDB, and nginx
in front of it serving /static/ itself, proxying the rest over HTTPS and refusing large bodies.

gunicorn runs from deploy/gunicorn.conf.py with the settings of deploy/blog.env.example (the
database and the secret replaced); nginx runs from deploy/nginx.conf with this machine's ports,
a certificate made for the test, and this day's static folder.
"""

import asyncio
import contextlib
import io
import os
import re
import signal
import ssl
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.day06_final.conftest import BROWSER_ACCEPT, PASSWORD, TEST_SECRET
from tests.network import fetch_while_running, free_port

pytestmark = [pytest.mark.mysql, pytest.mark.production]

ADMIN = {"email": "ada@example.com", "password": PASSWORD}
READER = {"name": "Rui", "email": "rui@example.com", "password": PASSWORD}
# The test asks gunicorn's access log for the worker's pid: "<1234> GET /path HTTP/1.1 200".
ACCESS_LOG_FORMAT = "%P %r %s"
BOOTED = re.compile(r"Booting worker with pid: (\d+)")


@pytest.fixture
def database(mysql_server):
    """An empty MariaDB database for this test: its URL."""
    name = mysql_server.create_database()
    yield mysql_server.url(name)
    mysql_server.drop_database(name)


def sample_settings(folder: Path) -> dict[str, str]:
    """The variables deploy/blog.env.example sets, as systemd's EnvironmentFile= reads them."""
    text = (folder / "deploy" / "blog.env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Z_]+)=(.*)$", text, re.M))


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    access_log: Path

    def pids_in_log(self, pattern: str = "") -> set[str]:
        """The pids of the workers that served the requests whose line contains ``pattern``.

        A worker writes the line just after the response: only once gunicorn has stopped is
        the log sure to be complete.
        """
        lines = self.access_log.read_text(encoding="utf-8").splitlines()
        return {line.split(">")[0].lstrip("<") for line in lines if pattern in line}

    def stop(self) -> str:
        """SIGTERM, as systemd stops it; wait for it to exit; what it wrote to stderr."""
        self.process.send_signal(signal.SIGTERM)
        _, stderr = self.process.communicate(timeout=40)
        return stderr.decode()


@pytest.fixture
def gunicorn(workbook, day, database, tmp_path):
    """``gunicorn -c deploy/gunicorn.conf.py``, two workers on a free port, on ``database``."""
    folder = workbook.folder(day)
    port = free_port()
    settings = {
        **sample_settings(folder),
        "DATABASE_URL": database,
        "BLOG_SECRET": TEST_SECRET,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    config = folder / "deploy" / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config)]
    command += ["--access-logformat", ACCESS_LOG_FORMAT]
    access_log = tmp_path / "gunicorn-access.log"
    with (
        access_log.open("wb") as stdout,  # the configuration sends the access log to stdout
        subprocess.Popen(
            command, env={**os.environ, **settings}, stdout=stdout, stderr=subprocess.PIPE
        ) as process,
    ):
        try:
            fetch_while_running(process, f"http://127.0.0.1:{port}/api/blogs")
            yield Gunicorn(f"http://127.0.0.1:{port}", process, access_log)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def still_running(pids) -> list[str]:
    """Those of ``pids`` that are still processes on this machine."""
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def create_admin(run, database) -> None:
    """``python -m day06_final create-admin`` on the same database, password on stdin."""
    args = ["create-admin", "--db", database, "--email", ADMIN["email"], "--name", "Ada"]
    result = run(*args, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


@contextlib.asynccontextmanager
async def person(base_url: str, **connector):
    """A client with a cookie jar of its own that opens a new connection for every request,
    so that each request may land on either worker."""
    async with aiohttp.ClientSession(
        base_url,
        cookie_jar=aiohttp.CookieJar(unsafe=True),  # keep cookies for 127.0.0.1 too
        connector=aiohttp.TCPConnector(force_close=True, **connector),
        headers={"Accept": BROWSER_ACCEPT},
    ) as session:
        yield session
    if connector.get("ssl") is not None:
        # A TLS connection ends in an exchange with nginx that aiohttp does not wait for
        # (aio-libs/aiohttp#1925): give it a moment, or its socket outlives the test's loop.
        await asyncio.sleep(0.25)


async def test_two_gunicorn_workers_share_sessions_and_articles_and_stop_on_sigterm(
    gunicorn, run, database
):
    create_admin(run, database)
    async with person(gunicorn.url) as reader, person(gunicorn.url) as admin:
        async with reader.post("/api/users", json=READER) as response:
            assert response.status == 200
        async with admin.post("/api/authenticate", json=ADMIN) as response:
            assert response.status == 200
        article = {"name": "Served by two workers", "summary": "Either one.", "content": "Hi."}
        async with admin.post("/api/blogs", json=article) as response:
            assert response.status == 200
            blog = await response.json()

        async def read(n: int) -> str:
            async with reader.get(f"/blog/{blog['id']}?n={n}") as response:
                assert response.status == 200
                return await response.text()

        # Rounds of ten until the access log shows both workers (a line may come a moment
        # after its response; the next round reads it); a round or two at most.
        for first in range(0, 100, 10):
            for page in await asyncio.gather(*(read(n) for n in range(first, first + 10))):
                # Whichever worker answered knows the reader's session and the article.
                assert "Rui" in page.split("</header>")[0]
                assert "Served by two workers" in page
            served_by = gunicorn.pids_in_log(f"/blog/{blog['id']}?n=")
            if len(served_by) == 2:
                break
    assert len(served_by) == 2, f"every request went to one worker: {served_by}"

    stderr = gunicorn.stop()
    assert gunicorn.process.returncode == 0, stderr
    workers = set(BOOTED.findall(stderr))
    assert workers == served_by
    # The master waited for its workers: none is left running.
    assert still_running(workers) == []


# --- nginx in front ----------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", str(key), "-out", str(cert),
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=30)
    except FileNotFoundError:
        pytest.fail(
            "the nginx test needs openssl to make its certificate (apt-get install openssl)"
        )
    return cert, key


def nginx_site(folder: Path, upstream: str, http_port: int, https_port: int, cert, key) -> str:
    """deploy/nginx.conf with this machine's addresses, the test's certificate and ``folder``."""
    site = (folder / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    changes = {
        "server 127.0.0.1:9000": f"server {upstream}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/blog.example.com/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/blog.example.com/privkey.pem": str(key),
        "/srv/blog/day06_final/static/": f"{folder / 'static'}/",
        # Not port 443, so the Host passed on must say the port: as deploy/README.md advises.
        "proxy_set_header Host $host;": "proxy_set_header Host $host:$server_port;",
    }
    for old, new in changes.items():
        assert site.count(old) == 1, f"deploy/nginx.conf has no single {old!r}: update this test"
        site = site.replace(old, new)
    return site


@dataclass
class Nginx:
    https: str
    http: str
    ssl: ssl.SSLContext


@pytest.fixture
def nginx(nginx_executable, workbook, day, gunicorn, certificate, tmp_path):
    """nginx with deploy/nginx.conf in front of ``gunicorn``, in a prefix of its own."""
    http_port, https_port = free_port(), free_port()
    upstream = gunicorn.url.removeprefix("http://")
    site = nginx_site(workbook.folder(day), upstream, http_port, https_port, *certificate)
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    # The rest of an nginx.conf, as Debian's /etc/nginx/nginx.conf gives it to a site.
    (prefix / "nginx.conf").write_text(
        f"""
        {"user root;" if os.geteuid() == 0 else ""}
        worker_processes 1;
        pid {prefix}/nginx.pid;
        error_log stderr;
        events {{ worker_connections 64; }}
        http {{
            types {{ text/html html; text/css css; text/javascript js; image/svg+xml svg; }}
            default_type application/octet-stream;
            access_log {prefix}/access.log;
            client_body_temp_path {prefix}/client_body;
            proxy_temp_path {prefix}/proxy;
            fastcgi_temp_path {prefix}/fastcgi;
            uwsgi_temp_path {prefix}/uwsgi;
            scgi_temp_path {prefix}/scgi;
            {site}
        }}
        """,
        encoding="utf-8",
    )
    command = [nginx_executable, "-e", "stderr", "-p", str(prefix), "-c", "nginx.conf"]
    command += ["-g", "daemon off;"]
    trust = ssl.create_default_context(cafile=certificate[0])
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        try:
            https = f"https://127.0.0.1:{https_port}"
            fetch_while_running(process, f"{https}/static/css/blog.css", context=trust)
            yield Nginx(https, f"http://127.0.0.1:{http_port}", trust)
        finally:
            process.terminate()
            process.wait(timeout=10)


async def test_behind_nginx_static_files_come_from_nginx_and_pages_from_the_blog_over_https(
    nginx, gunicorn, workbook, day
):
    async with person(nginx.https, ssl=nginx.ssl) as visitor:
        async with visitor.get("/static/css/blog.css") as response:
            assert response.status == 200
            assert response.content_type == "text/css"
            assert response.headers["Cache-Control"] == "max-age=86400"  # nginx's `expires 1d`
            stylesheet = await response.read()
        async with visitor.get("/") as response:
            assert response.status == 200
            assert "Awesome Python Blog" in await response.text()
            assert response.headers["X-Trace"].endswith("9 server")  # the blog's own trace
    assert stylesheet == (workbook.folder(day) / "static" / "css" / "blog.css").read_bytes()
    async with person(nginx.http) as visitor:
        async with visitor.get("/blog/x?page=2", allow_redirects=False) as response:
            assert response.status == 301
            assert response.headers["Location"] == "https://127.0.0.1/blog/x?page=2"
    gunicorn.stop()
    # gunicorn saw the page, never the stylesheet.
    assert gunicorn.pids_in_log("GET / HTTP") and not gunicorn.pids_in_log("/static/")


@pytest.mark.production
@pytest.mark.parametrize("path", ["/", "/static/css/blog.css"])
async def test_behind_nginx_every_answer_keeps_the_browser_on_https_and_names_no_version(
    nginx, gunicorn, path
):
    async with person(nginx.https, ssl=nginx.ssl) as visitor:
        async with visitor.get(path) as response:
            assert response.status == 200
            # HSTS for at least a year: the browser will not try plain HTTP first next time.
            hsts = response.headers["Strict-Transport-Security"]
            assert int(hsts.split("max-age=")[1].split(";")[0]) >= 365 * 86400
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers.getall("Server") == ["nginx"]


async def test_behind_nginx_the_session_cookie_is_secure_because_the_blog_believes_the_proxy(
    nginx, gunicorn
):
    async with person(nginx.https, ssl=nginx.ssl) as reader:
        # A post from the blog's own page, as a current browser says it...
        same_origin = {"Sec-Fetch-Site": "same-origin"}
        async with reader.post("/api/users", json=READER, headers=same_origin) as response:
            assert response.status == 200
            cookie = response.cookies["awesession"]
            assert (cookie["secure"], cookie["httponly"]) == (True, True)
        # ...and as an older one does, with only its Origin: https, as nginx told the blog.
        signin = {"email": READER["email"], "password": PASSWORD}
        origin = {"Origin": nginx.https}
        async with reader.post("/api/authenticate", json=signin, headers=origin) as response:
            assert response.status == 200
            assert response.cookies["awesession"]["secure"] is True
        async with reader.get("/") as response:
            assert "Rui" in (await response.text()).split("</header>")[0]
    # The same blog reached without nginx is plain HTTP: no Secure cookie there.
    async with person(gunicorn.url) as direct:
        signin = {"email": READER["email"], "password": PASSWORD}
        async with direct.post("/api/authenticate", json=signin) as response:
            assert response.status == 200
            assert response.cookies["awesession"]["secure"] == ""


async def test_behind_nginx_a_body_over_one_megabyte_is_refused_with_413_before_the_blog(
    nginx, gunicorn
):
    async with person(nginx.https, ssl=nginx.ssl) as script:
        # One byte over nginx's client_max_body_size 1m (a file-like body: aiohttp streams it).
        body = io.BytesIO(b"x" * (1024 * 1024 + 1))
        headers = {"Content-Type": "application/json"}
        async with script.post("/api/blogs", data=body, headers=headers) as response:
            assert response.status == 413
            assert response.headers["Server"].startswith("nginx")
    gunicorn.stop()
    assert gunicorn.pids_in_log("POST /api/blogs") == set()
