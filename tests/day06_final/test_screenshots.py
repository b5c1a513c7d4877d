"""The README's screenshots can be made again: ``python -m day06_final.docs.screenshots`` seeds a
demo blog and writes the four pictures, here into a temporary folder, never over the committed
ones."""

import struct
import subprocess
import sys

import pytest

PICTURES = ["home.png", "write-blog.png", "manage-blogs.png", "article.png"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height, from the IHDR chunk that follows the signature."""
    assert data.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", data[16:24])


@pytest.mark.browser
def test_the_screenshot_script_writes_the_four_pictures_where_it_is_told(
    workbook, day, chromium_executable, tmp_path
):
    if not workbook.is_reference:
        pytest.skip("the screenshots are the reference workbook's documentation")
    out = tmp_path / "pictures"
    script = [sys.executable, "-m", f"{day}.docs.screenshots"]
    options = ["--out", str(out), "--chromium", chromium_executable]
    result = subprocess.run(
        script + options, cwd=workbook.root, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(PICTURES)
    for name in PICTURES:
        assert f"wrote {out / name}" in result.stdout
        width, height = png_size((out / name).read_bytes())
        # As wide as the script's window; a full page is at least as tall as the window.
        assert width == 1100 and height >= 900, (name, width, height)
