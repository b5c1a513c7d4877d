"""The blog in a real browser: Debian's Chromium, headless, driven by Playwright as a person would.

A visitor registers through the form; an administrator writes an article with the live
preview, publishes it and a reader comments on it; the administrator deletes a comment and an
article after confirming; with JavaScript off, a reader still signs in and comments. Every test
also checks that no page asked another host for anything, and that the browser reported no
breach of the blog's Content-Security-Policy (the pages work under it, preview included).
"""

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Page, async_playwright, expect

from tests.day06_final.conftest import PASSWORD

# One browser serves the whole module, so the tests run in the module's event loop, as it does.
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

# Debian's Chromium as it is, never a browser Playwright downloads; nothing in the background
# talks to the internet (this machine has none, and a test must not depend on it).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN = {"email": "ada@example.com", "name": "Ada", "password": PASSWORD}
READER = {"email": "rui@example.com", "name": "Rui 🐞", "password": PASSWORD}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(chromium_executable):
    """Headless Chromium, started once for the module."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_FLAGS
        )
        yield browser
        await browser.close()


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the pages are the same on both databases, and the API tests cover MariaDB."""
    return f"sqlite:///{tmp_path / 'blog.db'}"


class Site:
    """The blog on a free port, the people visiting it, and every URL their pages asked for."""

    def __init__(self, url: str, browser, workbook, day):
        self.url, self.browser = url, browser
        self.accounts, self.posts = workbook.load(day, "accounts"), workbook.load(day, "posts")
        self.requested: list[str] = []
        self.answered: list[tuple[int, str]] = []
        self.console: list[str] = []
        self.contexts = []

    async def visitor(self, *, javascript: bool = True) -> Page:
        """A new person: a browser context of their own (own cookies), with one page open."""
        context = await self.browser.new_context(base_url=self.url, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: self.requested.append(request.url))
        context.on("response", lambda answer: self.answered.append((answer.status, answer.url)))
        context.on("console", lambda message: self.console.append(message.text))
        self.contexts.append(context)
        return await context.new_page()

    def elsewhere(self) -> list[str]:
        """The URLs pages asked for that are not on the blog's own server."""
        return [url for url in self.requested if not url.startswith(self.url + "/")]

    def refused(self) -> list[str]:
        """What the browser refused to do because of the Content-Security-Policy."""
        return [text for text in self.console if "Content Security Policy" in text]

    async def admin(self):
        """The administrator ADMIN, made as ``python -m day06_final create-admin`` makes one."""
        user, _ = await self.accounts.create_admin(ADMIN)
        return user

    async def reader(self):
        """The reader READER, registered as the register form registers one."""
        return await self.accounts.register(READER)

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def site(workbook, day, config, browser):
    """The blog of ``create_app(config=config)`` on a free port, in the module's loop."""
    app = await workbook.load(day, "app").create_app(config=config)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        site = Site(f"http://{host}:{port}", browser, workbook, day)
        try:
            yield site
        finally:
            await site.close()
    finally:
        await runner.cleanup()


async def sign_in(page: Page, person: dict) -> None:
    """Sign in through the form, and wait until the header shows the person's name."""
    await page.goto("/signin")
    await page.get_by_label("Email").fill(person["email"])
    await page.get_by_label("Password").fill(person["password"])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("header.site .who")).to_have_text(person["name"])


def answer_next_dialog(page: Page, accept: bool) -> list[str]:
    """Accept (or dismiss) the next dialog on ``page``; a list that will hold its message."""
    messages = []

    async def answer(dialog):
        messages.append(dialog.message)
        await (dialog.accept() if accept else dialog.dismiss())

    page.once("dialog", answer)
    return messages


async def test_a_visitor_registers_through_the_form_and_is_signed_in(site):
    page = await site.visitor()
    await page.goto("/")
    await page.get_by_role("link", name="Register").click()
    await page.get_by_label("Name").fill("韩梅梅")
    await page.get_by_label("Email").fill("mei@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD)
    await page.get_by_role("button", name="Register").click()
    await expect(page).to_have_url(site.url + "/")
    await expect(page.locator("header.site .who")).to_have_text("韩梅梅")
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The page's own stylesheet and script were recorded: the check below has something to check.
    own_files = {f"{site.url}/static/css/blog.css", f"{site.url}/static/js/blog.js"}
    assert own_files <= set(site.requested)
    assert site.elsewhere() == []
    assert site.refused() == []
    # Signing out is a form's POST (the button in the header), with JavaScript or without.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    await expect(page.locator("header.site .who")).to_have_count(0)


async def test_an_admin_writes_an_article_with_the_live_preview_publishes_it_and_a_reader_comments(
    site,
):
    await site.admin()
    await site.reader()
    admin = await site.visitor()
    await sign_in(admin, ADMIN)
    await admin.get_by_role("link", name="Manage").click()
    await admin.get_by_role("link", name="Write an article").click()
    await admin.get_by_label("Title").fill("你好, browser 👋")
    await admin.get_by_label("Summary").fill("Written in Chromium, with the preview.")
    await admin.get_by_label("Content (Markdown)").press_sequentially(
        "## 实时预览\n\nThe **preview** follows the typing."
    )
    # The preview pane shows the markdown rendered by the server, while the admin types.
    preview = admin.get_by_role("region", name="Preview")
    await expect(preview.get_by_role("heading", name="实时预览")).to_be_visible()
    await expect(preview.locator("strong")).to_have_text("preview")
    await admin.get_by_role("button", name="Publish").click()
    # Publishing opens the article.
    await expect(admin.get_by_role("heading", level=1)).to_have_text("你好, browser 👋")

    reader = await site.visitor()
    await sign_in(reader, READER)
    await expect(reader.get_by_text("Written in Chromium, with the preview.")).to_be_visible()
    await reader.get_by_role("link", name="你好, browser 👋", exact=True).click()
    await expect(reader.get_by_role("heading", name="实时预览")).to_be_visible()
    await reader.get_by_label("Add a comment").fill("写得好 👍")
    await reader.get_by_role("button", name="Post comment").click()
    comments = reader.locator("#comments")
    await expect(comments.get_by_role("heading", name="Comments (1)")).to_be_visible()
    await expect(comments.locator(".comment")).to_contain_text(["Rui 🐞"])
    await expect(comments.locator(".comment-text")).to_have_text(["写得好 👍"])
    assert site.elsewhere() == []
    assert site.refused() == []


async def test_an_admin_deletes_a_comment_and_an_article_only_after_confirming(site):
    author = await site.admin()
    blog = await site.posts.create_blog(
        author, {"name": "To be deleted", "summary": "Soon gone.", "content": "Bye."}
    )
    await site.posts.add_comment(await site.reader(), blog, {"content": "A comment to remove"})
    admin = await site.visitor()
    await sign_in(admin, ADMIN)

    await admin.goto("/manage/comments")
    asked = answer_next_dialog(admin, accept=True)
    row = admin.get_by_role("row").filter(has_text="A comment to remove")
    await row.get_by_role("button", name="Delete").click()
    await expect(row).to_have_count(0)
    assert asked == ["Delete this comment by Rui 🐞?"]
    await admin.goto(f"/blog/{blog.id}")
    await expect(admin.get_by_role("heading", name="Comments (0)")).to_be_visible()

    admin = await site.visitor()
    await sign_in(admin, ADMIN)
    await admin.goto("/manage/blogs")
    row = admin.get_by_role("row").filter(has_text="To be deleted")
    # Saying no to the question leaves the article where it is, on the server too.
    asked = answer_next_dialog(admin, accept=False)
    await row.get_by_role("button", name="Delete").click()
    await admin.reload()
    await expect(row).to_have_count(1)
    assert asked == ["Delete the article “To be deleted” and its comments?"]
    answer_next_dialog(admin, accept=True)
    await row.get_by_role("button", name="Delete").click()
    await expect(row).to_have_count(0)
    await admin.goto("/")
    await expect(admin.get_by_text("No articles yet.")).to_be_visible()
    gone = await admin.goto(f"/blog/{blog.id}")
    assert gone.status == 404
    await expect(admin.get_by_role("heading", name="Not Found")).to_be_visible()
    assert site.elsewhere() == []
    assert site.refused() == []


async def test_with_javascript_off_a_reader_signs_in_and_comments_through_the_plain_forms(site):
    author = await site.admin()
    blog = await site.posts.create_blog(
        author, {"name": "Plain HTML", "summary": "No script needed.", "content": "Just *forms*."}
    )
    await site.reader()
    page = await site.visitor(javascript=False)
    await page.goto(f"/blog/{blog.id}")
    await expect(page.get_by_text("to comment.")).to_be_visible()
    await sign_in(page, READER)
    await page.get_by_role("link", name="Plain HTML", exact=True).click()
    await page.get_by_label("Add a comment").fill("No JavaScript here 🚫")
    await page.get_by_role("button", name="Post comment").click()
    await expect(page).to_have_url(f"{site.url}/blog/{blog.id}#comments")
    await expect(page.get_by_role("heading", name="Comments (1)")).to_be_visible()
    await expect(page.locator(".comment-text")).to_have_text(["No JavaScript here 🚫"])
    assert site.elsewhere() == []
    assert site.refused() == []


async def test_a_code_block_in_an_article_is_as_large_as_the_text_around_it(site):
    author = await site.admin()
    content = "Run it:\n\n```python\nprint('hello')\n```\n\nThen `print` once more."
    blog = await site.posts.create_blog(
        author, {"name": "Code", "summary": "S", "content": content}
    )
    page = await site.visitor()
    await page.goto(f"/blog/{blog.id}")
    size = "element => getComputedStyle(element).fontSize"
    text = await page.locator(".content p").first.evaluate(size)
    block = await page.locator(".content pre code").evaluate(size)
    assert block == text, f"a code block's text is {block}, the article's {text}"


async def test_on_article_management_edit_and_delete_sit_on_one_line(site):
    author = await site.admin()
    await site.posts.create_blog(author, {"name": "Aligned", "summary": "S", "content": "C"})
    admin = await site.visitor()
    await sign_in(admin, ADMIN)
    await admin.goto("/manage/blogs")
    row = admin.get_by_role("row").filter(has_text="Aligned")
    edit = await row.get_by_role("link", name="Edit").bounding_box()
    delete = await row.get_by_role("button", name="Delete").bounding_box()
    # The same top and the same height: two buttons side by side, neither one lower.
    assert abs(edit["y"] - delete["y"]) <= 1, (edit, delete)
    assert abs(edit["height"] - delete["height"]) <= 1, (edit, delete)


async def test_every_page_names_an_icon_that_the_blog_serves(site):
    page = await site.visitor()
    await page.goto("/")
    href = await page.locator("link[rel=icon]").get_attribute("href")
    icon = await page.request.get(href)
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/")
    assert site.elsewhere() == []


async def test_loading_the_home_page_asks_for_nothing_the_blog_does_not_have(site):
    author = await site.admin()
    await site.posts.create_blog(author, {"name": "Here", "summary": "S", "content": "C"})
    page = await site.visitor()
    # Until the network is quiet: the icon and the pictures come after the page itself.
    await page.goto("/", wait_until="networkidle")
    assert (200, site.url + "/") in site.answered
    assert [url for status, url in site.answered if status == 404] == []


async def test_the_browser_enforces_the_policy_so_a_script_slipped_into_a_page_would_not_run(site):
    page = await site.visitor()
    await page.goto("/")
    refusal = page.expect_console_message(lambda message: "Content Security Policy" in message.text)
    async with refusal as report:
        ran = await page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.slippedIn = true";
                document.body.append(script);
                return window.slippedIn === true;
            }"""
        )
    assert ran is False
    assert "inline script" in (await report.value).text  # the browser says why
