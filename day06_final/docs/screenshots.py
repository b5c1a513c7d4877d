"""The four screenshots of the finished blog, made anew: ``python -m day06_final.docs.screenshots``.

It builds a demo blog in a temporary SQLite database with the day's own code (seed.py's
articles and comments in English and Chinese, with emoji; create-admin's way of making an
administrator), serves it on a free port and photographs it in Debian's headless Chromium,
driven by Playwright (requirements-dev.txt). Run it again after changing a template or the
stylesheet; ``--out DIR`` writes the pictures somewhere else.
"""

import argparse
import asyncio
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from aiohttp import web
from playwright.async_api import Page, async_playwright, expect

from .. import accounts, posts, seed
from ..app import create_app
from ..config import Config
from ..models import Blog, User

HERE = Path(__file__).resolve().parent
VIEWPORT = {"width": 1100, "height": 900}
# Headless, and nothing in the background that would reach for the internet.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# seed.py's first author, given a password so that the browser can sign in as her.
ADMIN_EMAIL = "ada@demo.example.com"
ARTICLE = "用 Python 从零写一个博客 🐍"  # the article shown with its comments
MORE_COMMENTS = [
    ("韩梅梅", "第六天终于把评论功能做完了，太开心了！🎉"),
    ("Grace 🐞", "The nine steps finally make sense to me. Thank you! 🙏"),
]
DRAFT = {
    "Title": "Day 6: the full blog 🎉",
    "Summary": "What the six days built, from a hello-world to a blog you can put online.",
}
DRAFT_CONTENT = (
    "## 六天，一个完整的博客\n\n"
    "From **aiohttp** to a metaclass ORM, a small web framework and, today, the blog:\n\n"
    "- passwords hashed with `scrypt`\n"
    "- signed session cookies 🍪\n"
    "- a live preview, like this one ✨\n\n"
    "> 代码要让学生读得懂。\n"
)


async def demo_blog(password: str) -> None:
    """Four articles with comments, a few more comments, and Ada as an administrator."""
    await seed.seed(4)
    article = (await Blog.findAll("name = ?", [ARTICLE], limit=1))[0]
    for name, text in MORE_COMMENTS:
        author = (await User.findAll("name = ?", [name], limit=1))[0]
        await posts.add_comment(author, article, {"content": text})
    # As `create-admin` does for an existing email: Ada is promoted and gets a password.
    await accounts.create_admin({"email": ADMIN_EMAIL, "name": "Ada", "password": password})


async def photograph(page: Page, out: Path, password: str) -> list[Path]:
    """Sign in as Ada and take the four pictures; the files written."""
    await page.goto("/signin")
    await page.get_by_label("Email").fill(ADMIN_EMAIL)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("header.site .who")).to_have_text("Ada")
    shots = []

    async def shoot(name: str) -> None:
        path = out / name
        await page.screenshot(path=path, full_page=True)
        shots.append(path)

    await shoot("home.png")

    await page.goto("/manage/blogs/create")
    for label, text in DRAFT.items():
        await page.get_by_label(label).fill(text)
    content = page.get_by_label("Content (Markdown)")
    await content.fill(DRAFT_CONTENT)
    await content.blur()  # no focus ring in the picture
    preview = page.get_by_role("region", name="Preview")
    await expect(preview.get_by_role("heading", name="六天，一个完整的博客")).to_be_visible()
    await shoot("write-blog.png")

    await page.goto("/manage/blogs")
    await shoot("manage-blogs.png")

    await page.get_by_role("link", name=ARTICLE, exact=True).click()
    await expect(page.get_by_role("heading", name="Comments (3)")).to_be_visible()
    await shoot("article.png")
    return shots


async def main(out: Path, chromium: str) -> list[Path]:
    with tempfile.TemporaryDirectory() as folder:
        config = Config(
            db_url=f"sqlite:///{Path(folder) / 'demo.db'}",
            secret=secrets.token_urlsafe(32),
            instance_path=Path(folder),
        )
        runner = web.AppRunner(await create_app(config=config), access_log=None)
        await runner.setup()  # opens the database and creates the tables
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            host, port = runner.addresses[0][:2]
            password = secrets.token_urlsafe(16)
            await demo_blog(password)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium, args=CHROMIUM_FLAGS
                )
                try:
                    context = await browser.new_context(
                        base_url=f"http://{host}:{port}", viewport=VIEWPORT
                    )
                    return await photograph(await context.new_page(), out, password)
                finally:
                    await browser.close()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog=f"python -m {__spec__.name}", description="Photograph the demo blog."
    )
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files (here)")
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium") or shutil.which("chromium-browser"),
        help="the Chromium to drive (Debian's chromium)",
    )
    args = parser.parse_args()
    if args.chromium is None:
        sys.exit("screenshots: no Chromium found: apt-get install chromium, or give --chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(main(args.out, args.chromium)):
        print(f"wrote {path}")
