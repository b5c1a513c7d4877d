"""Every notebook in notebooks/ runs as an instructor runs it, presents as slides, and is committed
clean.

Jupyter starts a notebook's kernel in the notebook's own folder (`jupyter lab notebooks/`,
`jupyter nbconvert --execute notebooks/...`), so that is where these checks start it too: a
notebook that only works from the repository root fails here as it would in front of a class.
They run the reference day folders (not a --workbook-root copy), each cell within 60 seconds.
A notebook added to notebooks/ is picked up here without any change.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from playwright.async_api import async_playwright, expect

from tests.network import free_port
from tests.workbook import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 60  # seconds; the notebooks take a few seconds in all
ANSI_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # the kernel colours its tracebacks for a terminal
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}  # RISE's cell kinds


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_the_notebook_runs_top_to_bottom_in_a_fresh_kernel_started_in_its_folder(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},  # the kernel's working directory
    )
    try:
        client.execute()
        failure = None
    except CellExecutionError as error:
        failure = ANSI_COLOURS.sub("", str(error))  # the cell's source, the kernel's traceback
    # Failing outside the except block keeps pytest from printing the error a second time.
    if failure is not None:
        pytest.fail(f"{path.name} stopped at a failing cell:\n{failure}", pytrace=False)


def test_the_readmes_nbconvert_command_runs_a_notebook_from_the_repository_root(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"^jupyter nbconvert .*notebooks/\*\.ipynb$", readme, re.MULTILINE)
    assert documented, "the README's instructor section shows the nbconvert command"
    # The documented command, on one notebook (the other five run above), into this test's folder.
    command = documented.group(0).replace('"$(mktemp -d)"', shlex.quote(str(tmp_path)))
    command = command.replace("notebooks/*.ipynb", "notebooks/01_hello_aiohttp.ipynb")
    argv = [sys.executable, "-m", *shlex.split(command)]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=100)
    assert done.returncode == 0, done.stderr[-3000:]
    executed = nbformat.read(tmp_path / "01_hello_aiohttp.ipynb", as_version=4)
    errors = [
        output
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    assert all(cell.execution_count for cell in executed.cells if cell.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_every_cell_of_the_notebook_says_where_it_goes_in_the_slideshow(path):
    notebook = nbformat.read(path, as_version=4)
    kinds = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    wrong = {index: kind for index, kind in enumerate(kinds) if kind not in SLIDE_TYPES}
    assert wrong == {}, f"cells without a valid slideshow.slide_type: {wrong}"
    assert kinds[0] == "slide", "the first cell starts the first slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_the_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    with_outputs = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert with_outputs == [], f"clear the outputs of cells {with_outputs} before committing"


# --- the slideshow in a browser ------------------------------------------------------------

# Debian's Chromium as it is, never a browser Playwright downloads.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def wait_for(condition, seconds: float, what: str, server: subprocess.Popen):
    """Call ``condition`` until it returns a true value; fail after ``seconds`` or if the server
    exits."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        if server.poll() is not None:
            pytest.fail(f"jupyter exited while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {seconds} s")
        time.sleep(0.2)


def jupyter_api(url: str, token: str, method: str = "GET", timeout: float = 5):
    request = urllib.request.Request(
        url, method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else {}


@pytest.fixture
def jupyter(tmp_path):
    """JupyterLab with jupyterlab-rise on a free port, a token, and config and runtime folders of
    its own, serving a copy of notebooks/; stopped (with its kernels) at the end."""
    served = tmp_path / "notebooks"
    served.mkdir()
    for path in NOTEBOOKS:
        (served / path.name).write_bytes(path.read_bytes())
    port, token = free_port(), secrets.token_hex(16)
    environment = {
        **os.environ,
        **{
            f"JUPYTER_{name}_DIR": str(tmp_path / name.lower())
            for name in ("CONFIG", "RUNTIME", "DATA")
        },
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    argv = [
        *(sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root"),
        *("--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0"),
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={served}",
    ]
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "jupyter.log", "wb") as log:
        server = subprocess.Popen(argv, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: jupyter_api(f"{base}/api/status", token), 60, "Jupyter", server)
            yield base, token, server
            # Shut the kernel the slideshow started down through the API, which waits for one
            # still starting: the page may close before the kernel is up, and then, now and then,
            # its websocket fails (jupyter_server 2.21) and the kernel never reports idle.
            for kernel in jupyter_api(f"{base}/api/kernels", token):
                url = f"{base}/api/kernels/{kernel['id']}"
                jupyter_api(url, token, method="DELETE", timeout=30)
            jupyter_api(f"{base}/api/shutdown", token, method="POST")
            server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(timeout=10)


@pytest.mark.browser
async def test_a_notebook_opens_as_a_rise_slideshow_on_its_title_slide(
    jupyter, chromium_executable, tmp_path
):
    base, token, _ = jupyter
    notebook = NOTEBOOKS[0]
    title = nbformat.read(notebook, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")

    async def only_jupyter(route):
        # RISE's theme asks Google for fonts: refused, so that the check needs no internet.
        if route.request.url.startswith(base + "/"):
            await route.continue_()
        else:
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_FLAGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1024, "height": 768})
            await page.route("**/*", only_jupyter)
            await page.goto(f"{base}/rise/{notebook.name}?token={token}", timeout=30_000)
            heading = page.locator(".reveal .slides section.present h1")
            await expect(heading).to_contain_text(title, timeout=60_000)
            await page.screenshot(path=tmp_path / "slideshow.png")
        finally:
            await browser.close()
    assert (tmp_path / "slideshow.png").stat().st_size > 0
