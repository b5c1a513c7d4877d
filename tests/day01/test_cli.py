"""Day 1 from the command line: the server answers on the port it is given, and ``doctor``
prints one PASS/WARN/FAIL line per check, failing only when something the course needs is missing.
"""

import os
import re
import select
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.network import free_port
from tests.workbook import REPO


def fetch_when_up(url: str, server: subprocess.Popen, within: float = 20.0):
    """GET ``url`` as soon as the server answers: (content type, text)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with status {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.headers["Content-Type"], response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail(f"nothing answered at {url} within {within} s")


def doctor(workbook, day, *args: str, env=None) -> subprocess.CompletedProcess:
    command = workbook.command(day, "doctor", *args)
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


def lines_starting(status: str, output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(status)]


def test_python_m_day_serves_the_home_page_on_the_port_it_is_given(workbook, day):
    port = free_port()
    command = workbook.command(day, "--host", "127.0.0.1", "--port", str(port))
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as server:
        try:
            content_type, page = fetch_when_up(f"http://127.0.0.1:{port}/", server)
        finally:
            server.terminate()
            output, _ = server.communicate(timeout=20)
    assert content_type.lower().replace(" ", "") == "text/html;charset=utf-8"
    assert "<h1>Awesome</h1>" in page
    # run_app turns SIGTERM into a clean shutdown, so the process exits with status 0.
    assert server.returncode == 0, output


def output_until(server: subprocess.Popen, text: bytes, within: float = 30.0) -> bytes:
    """What the server printed until a line containing ``text``, its exit, or ``within`` s.

    ``server.stdout`` must be unbuffered (``bufsize=0``), so ``select`` sees every byte.
    """
    output, deadline = b"", time.monotonic() + within
    while select.select([server.stdout], [], [], max(deadline - time.monotonic(), 0))[0]:
        line = server.stdout.readline()
        output += line
        if not line or text in line:
            break
    return output


def output_at_start(workbook, day, *args: str) -> bytes:
    """What ``python -m <day> ARGS`` prints until aiohttp's "Running on" line, then stopped."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # aiohttp's "Running on" line, at once
    command = workbook.command(day, *args)
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0, env=env
    ) as server:
        try:
            output = output_until(server, b"Running on")
        finally:
            server.terminate()
            output += server.communicate(timeout=20)[0]
    return output


def test_python_m_day_listens_on_port_9000_when_no_port_is_given(workbook, day):
    output = output_at_start(workbook, day)
    # Either "Running on http://127.0.0.1:9000" or, when another program holds port 9000
    # on this machine, the refusal to bind it: both name the port the server chose.
    assert re.search(rb"\b9000\b", output), output.decode(errors="replace")


def test_doctor_passes_python_and_every_required_package_on_this_machine(workbook, day):
    result = doctor(workbook, day)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = lines_starting("PASS", result.stdout)
    assert any("Python" in line for line in passed)
    requirements = (REPO / "requirements.txt").read_text(encoding="utf-8")
    for name in re.findall(r"^([A-Za-z0-9][\w.-]*)", requirements, re.M):
        assert any(name.lower() in line.lower() for line in passed), f"no PASS line for {name}"
    assert lines_starting("FAIL", result.stdout) == []


def test_doctor_checks_the_development_tools_in_a_section_of_their_own(workbook, day):
    result = doctor(workbook, day)
    assert result.returncode == 0, result.stdout + result.stderr
    _, heading, tools = result.stdout.partition("Development tools")
    assert heading, result.stdout
    passed = lines_starting("PASS", tools)
    for tool in ("pytest", "nbclient", "jupyterlab", "jupyterlab-rise", "playwright", "Chromium"):
        assert any(tool in line for line in passed), f"no PASS line for {tool}"
    # A program's line shows the version it reports: "...: /usr/bin/chromium (Chromium 1...)".
    assert any(re.search(r"Chromium.*\(Chromium \d", line) for line in passed), passed
    verdict = result.stdout.splitlines()[-1]
    assert "all set" in verdict
    # "optional" only when a WARN line says what is optional.
    assert ("optional" in verdict) == bool(lines_starting("WARN", result.stdout)), verdict


def test_doctor_exits_1_naming_a_development_tool_that_cannot_be_imported(workbook, day, tmp_path):
    # A module of the same name, first on the path, that fails as a broken install would.
    (tmp_path / "nbclient.py").write_text("raise ImportError('a broken nbclient')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = doctor(workbook, day, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    failed = lines_starting("FAIL", result.stdout)
    assert len(failed) == 1 and "nbclient" in failed[0] and "a broken nbclient" in failed[0]
    assert "all set" not in result.stdout


def test_doctor_only_warns_when_chromium_is_not_installed(workbook, day, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # a PATH on which no program is found
    result = doctor(workbook, day, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert any("Chromium" in line for line in lines_starting("WARN", result.stdout))
    assert "optional" in result.stdout.splitlines()[-1]


def test_doctor_passes_a_program_that_does_not_say_its_version(workbook, day, tmp_path):
    chromium = tmp_path / "chromium"  # found on PATH, prints nothing for --version
    chromium.write_text("#!/bin/sh\nexit 0\n")
    chromium.chmod(0o755)
    result = doctor(workbook, day, env={**os.environ, "PATH": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    chromium_lines = [line for line in lines_starting("PASS", result.stdout) if "Chromium" in line]
    assert len(chromium_lines) == 1 and "version unknown" in chromium_lines[0]


def test_doctor_exits_1_naming_a_required_package_that_is_not_installed(workbook, day, tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("aiohttp>=3.11\nno-such-package-for-the-doctor>=1.0\n")
    result = doctor(workbook, day, "--requirements", str(requirements))
    assert result.returncode == 1, result.stdout + result.stderr
    failed = lines_starting("FAIL", result.stdout)
    assert len(failed) == 1 and "no-such-package-for-the-doctor" in failed[0]
    assert any("aiohttp" in line for line in lines_starting("PASS", result.stdout))


def test_doctor_only_warns_when_no_mysql_server_answers(workbook, day):
    # A socket bound but not listening: connecting to its port is refused at once.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        result = doctor(workbook, day, "--db", f"mysql://root:@127.0.0.1:{port}/")
    assert result.returncode == 0, result.stdout + result.stderr
    warned = lines_starting("WARN", result.stdout)
    assert any(f"127.0.0.1:{port}" in line for line in warned)


@pytest.mark.mysql
def test_doctor_reports_the_version_of_the_mysql_server_that_answers(workbook, day, mysql_server):
    ((version,),) = mysql_server.execute("SELECT VERSION()")
    result = doctor(workbook, day, "--db", mysql_server.url(""))
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(version in line for line in lines_starting("PASS", result.stdout))


def test_doctor_fails_on_a_database_url_the_course_cannot_use(workbook, day):
    result = doctor(workbook, day, "--db", "postgres://localhost/blog")
    assert result.returncode == 1
    assert any("postgres" in line for line in lines_starting("FAIL", result.stdout))


def test_importing_the_command_module_runs_no_command(workbook, day, capsys):
    # A notebook or a test may import main() from it: importing must start no server.
    module = workbook.load(day, "__main__")
    assert callable(module.main)
    assert capsys.readouterr() == ("", "")
