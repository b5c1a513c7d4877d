"""posts.py on its own: creating, updating and deleting articles, commenting, paging comments,
on an in-memory database with no server.
"""

import pytest

from tests.day06_final.conftest import day_module

pytestmark = pytest.mark.usefixtures("memory_database")

ARTICLE = {"name": "Title", "summary": "Summary", "content": "Some *markdown*."}


posts = day_module("posts")


@pytest.fixture
async def author(make_user):
    """An administrator who writes the articles."""
    return await make_user("Ada", admin=True)


@pytest.fixture
async def blog(posts, author):
    """An article by ``author``, created through ``posts.create_blog``."""
    return await posts.create_blog(author, ARTICLE)


@pytest.fixture
def statements(workbook, day):
    """The SQL statements the ORM runs during the test, as written."""
    orm, seen = workbook.load(day, "orm"), []

    def listen(sql, args):
        seen.append(sql)

    orm.statement_listeners.append(listen)
    yield seen
    orm.statement_listeners.remove(listen)


# --- articles ------------------------------------------------------------------------------


async def test_creating_an_article_saves_it_with_its_author_and_its_html(
    posts, models, author, blog
):
    assert {key: blog[key] for key in ARTICLE} == ARTICLE
    by = (author.id, author.name, author.image)
    assert (blog.user_id, blog.user_name, blog.user_image) == by
    assert await models.Blog.find(blog.id) == blog
    assert await posts.html_of(blog) == "<p>Some <em>markdown</em>.</p>\n"


async def test_an_article_with_a_bad_field_is_refused_and_nothing_is_saved(
    posts, apis, models, author
):
    with pytest.raises(apis.APIValueError) as caught:
        await posts.create_blog(author, {**ARTICLE, "name": "x" * 101})
    assert caught.value.data == "name"
    assert await models.Blog.findNumber("count(*)") == 0
    assert await models.BlogHtml.findNumber("count(*)") == 0


async def test_updating_an_article_changes_its_text_and_html_but_not_its_author_or_date(
    posts, models, author, blog
):
    created_at = blog.created_at
    changed = {"name": "New title", "summary": "New summary", "content": "**New**"}
    await posts.update_blog(blog, changed)
    stored = await models.Blog.find(blog.id)
    assert {key: stored[key] for key in changed} == changed
    assert (stored.user_id, stored.created_at) == (author.id, created_at)
    assert await posts.html_of(stored) == "<p><strong>New</strong></p>\n"


async def test_a_refused_update_leaves_the_article_as_it_was(posts, apis, models, blog):
    saved = await models.Blog.find(blog.id)
    with pytest.raises(apis.APIValueError) as caught:
        await posts.update_blog(blog, {**ARTICLE, "content": "   "})
    assert caught.value.data == "content"
    assert await models.Blog.find(blog.id) == saved


async def test_an_article_saved_without_html_is_rendered_for_its_first_reader_and_kept(
    posts, models, author, save_blog
):
    # As the seed command writes them: straight through the models, no HTML beside them.
    blog = await save_blog(author, content="# Hello")
    assert await models.BlogHtml.find(blog.id) is None
    assert await posts.html_of(blog) == "<h1>Hello</h1>\n"
    assert (await models.BlogHtml.find(blog.id)).html == "<h1>Hello</h1>\n"


async def test_an_article_s_html_never_runs_a_script(posts, author):
    blog = await posts.create_blog(author, {**ARTICLE, "content": "<script>x()</script>"})
    assert "<script>" not in await posts.html_of(blog)


async def test_deleting_an_article_deletes_its_comments_their_keys_and_its_html(
    posts, models, author, blog
):
    other = await posts.create_blog(author, ARTICLE)
    await posts.add_comment(author, blog, {"content": "Gone"}, key="key-of-gone")
    kept = await posts.add_comment(author, other, {"content": "Kept"})
    await posts.delete_blog(blog)
    assert await models.Blog.find(blog.id) is None
    assert await models.BlogHtml.find(blog.id) is None
    assert await models.Comment.findAll() == [kept]
    assert await models.CommentKey.findNumber("count(*)") == 0


async def test_find_answers_the_row_or_a_404_naming_what_was_not_found(posts, apis, models, blog):
    assert await posts.find(models.Blog, blog.id, "blog") == blog
    missing = models.next_id()
    with pytest.raises(apis.APIResourceNotFoundError) as caught:
        await posts.find(models.Blog, missing, "blog")
    error = caught.value
    assert (error.status, error.data, error.message) == (
        404,
        "blog",
        f"no blog with id {missing!r}",
    )


@pytest.mark.parametrize(
    "id",
    ["1' OR '1'='1", "", "x" * 50, "名" * 50, pytest.param("A" * 10_000, id="10,000 letters")],
)
async def test_text_that_is_no_id_is_a_404_without_a_query(posts, apis, models, statements, id):
    with pytest.raises(apis.APIResourceNotFoundError):
        await posts.find(models.Blog, id, "blog")
    assert statements == []


# --- comments ------------------------------------------------------------------------------


async def test_a_comment_is_saved_with_its_author_on_its_article(posts, models, make_user, blog):
    reader = await make_user("Rui")
    comment = await posts.add_comment(reader, blog, {"content": "  Nice!  "})
    assert (comment.blog_id, comment.user_id, comment.user_name) == (blog.id, reader.id, "Rui")
    assert comment.content == "Nice!"
    assert await models.Comment.find(comment.id) == comment


async def test_an_empty_comment_is_refused_naming_its_content(posts, apis, models, author, blog):
    with pytest.raises(apis.APIValueError) as caught:
        await posts.add_comment(author, blog, {"content": " \n "})
    assert (caught.value.data, caught.value.message) == ("content", "content: must not be empty")
    assert await models.Comment.findNumber("count(*)") == 0


async def test_comments_are_paged_oldest_first_and_the_last_page_shows_the_newest(
    posts, apis, author, blog, save_comment
):
    for n in range(5):
        await save_comment(blog, author, f"comment {n}", created_at=1_000_000 + n)
    page, comments = await posts.comments_on(blog, 2, 2)
    assert [comment.content for comment in comments] == ["comment 2", "comment 3"]
    assert (page.item_count, page.page_count, page.has_previous, page.has_next) == (
        5,
        3,
        True,
        True,
    )
    assert await posts.last_comment_page(blog, 2) == 3
    with pytest.raises(apis.APIResourceNotFoundError):
        await posts.comments_on(blog, 4, 2)


async def test_an_article_without_comments_has_one_empty_page(posts, blog):
    page, comments = await posts.comments_on(blog, 1, 10)
    assert (page.page_count, comments) == (1, [])
    assert await posts.last_comment_page(blog, 10) == 1


async def test_deleting_a_comment_deletes_it_and_its_key(posts, models, author, blog):
    comment = await posts.add_comment(author, blog, {"content": "Oops"}, key="key-of-oops")
    await posts.delete_comment(comment)
    assert await models.Comment.findNumber("count(*)") == 0
    assert await posts.keyed_comment(f"{author.id}:key-of-oops") is None


@pytest.mark.production
async def test_a_comment_sent_again_with_its_key_is_stored_once(posts, models, author, blog):
    first = await posts.add_comment(author, blog, {"content": "Once"}, key="retry-key-1")
    again = await posts.add_comment(author, blog, {"content": "Once"}, key="retry-key-1")
    assert again == first
    assert await models.Comment.findNumber("count(*)") == 1


@pytest.mark.production
async def test_one_reader_s_key_never_answers_another_reader(posts, models, make_user, blog):
    ann, rui = await make_user("Ann"), await make_user("Rui")
    first = await posts.add_comment(ann, blog, {"content": "Ann's"}, key="same-key-1")
    second = await posts.add_comment(rui, blog, {"content": "Rui's"}, key="same-key-1")
    assert (first.user_id, second.user_id) == (ann.id, rui.id)
    assert await models.Comment.findNumber("count(*)") == 2


@pytest.mark.production
@pytest.mark.parametrize("key", ["short", "has spaces in it", "k" * 65, "semi;colon"])
async def test_a_malformed_key_is_refused_naming_it(posts, apis, models, author, blog, key):
    with pytest.raises(apis.APIValueError) as caught:
        await posts.add_comment(author, blog, {"content": "Hi"}, key=key)
    assert caught.value.data == "idempotency_key"
    assert await models.Comment.findNumber("count(*)") == 0


@pytest.mark.production
async def test_a_comment_past_the_limit_a_minute_is_refused_with_retry_after_and_not_kept(
    posts, models, author, blog
):
    for n in range(2):
        await posts.add_comment(author, blog, {"content": f"comment {n}"}, per_minute=2)
    with pytest.raises(posts.TooManyComments) as caught:
        await posts.add_comment(author, blog, {"content": "one too many"}, per_minute=2)
    assert caught.value.status == 429
    assert 1 <= int(caught.value.headers["Retry-After"]) <= 60
    assert caught.value.message.startswith("You may post 2 comments a minute")
    assert await models.Comment.findNumber("count(*)") == 2
