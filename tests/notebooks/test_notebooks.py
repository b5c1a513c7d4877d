"""Every notebook in notebooks/ runs top to bottom in a real Jupyter kernel, and is committed clean.

The notebooks are the instructors' reference material: they run from the repository root
against the reference day folders (not a --workbook-root copy), each cell within 60 seconds.
A notebook added to notebooks/ is picked up here without any change.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.workbook import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 60  # seconds; the notebooks take a few seconds in all
ANSI_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # the kernel colours its tracebacks for a terminal


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_the_notebook_runs_top_to_bottom_in_a_fresh_kernel(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO)}},  # the kernel's working directory
    )
    try:
        client.execute()
        failure = None
    except CellExecutionError as error:
        failure = ANSI_COLOURS.sub("", str(error))  # the cell's source, the kernel's traceback
    # Failing outside the except block keeps pytest from printing the error a second time.
    if failure is not None:
        pytest.fail(f"{path.name} stopped at a failing cell:\n{failure}", pytrace=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_the_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    with_outputs = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert with_outputs == [], f"clear the outputs of cells {with_outputs} before committing"
