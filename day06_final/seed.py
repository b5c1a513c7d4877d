"""Demo content for ``python -m day06_final seed --posts N``: authors, articles and comments.

Everything is made through the models, as the blog itself would. The content is picked in
turn from the short lists below (markdown, Chinese, emoji), so a run is repeatable. Seeding is
additive: the demo people are made once and reused, and each run adds N more articles.
"""

import time

from tqdm import tqdm

from . import orm
from .accounts import DEFAULT_IMAGE, find_by_email
from .models import Blog, Comment, User
from .posts import by

PROGRESS_FROM = 50  # posts: fewer than this go too fast to need a progress bar
# (name, email, admin). Their password hash is empty: no password signs in as a demo person.
PEOPLE = [
    ("Ada", "ada@demo.example.com", True),
    ("李雷", "lilei@demo.example.com", True),
    ("韩梅梅", "hanmeimei@demo.example.com", False),
    ("Grace 🐞", "grace@demo.example.com", False),
]
ARTICLES = [
    (
        "Hello, aiohttp 👋",
        "Why one Python process can serve many readers at once.",
        "## One loop, many requests\n\n"
        "While one request waits for the database, the event loop serves another. "
        "Nothing here needs a thread per reader.\n\n"
        "```python\nasync def index(request):\n    blogs = await Blog.findAll()\n```\n\n"
        "- `await` marks where the handler may pause\n- the loop decides who runs next\n",
    ),
    (
        "用 Python 从零写一个博客 🐍",
        "六天：ORM、Web 框架、模板、用户、评论和安全。",
        "## 第一天到第六天\n\n"
        "我们先写一个**元类 ORM**，再写一个小小的 Web 框架，最后把它们拼成完整的博客。\n\n"
        "1. 请求进来\n2. 中间件处理\n3. 处理函数返回数据\n\n"
        "> 代码要让学生读得懂。 ✨\n",
    ),
    (
        "The nine steps of a request 🚦",
        "From the browser to the database and back, step by step.",
        "Every response of this blog carries an `X-Trace` header.\n\n"
        "| step | who |\n|---|---|\n| 1 | client |\n| 2 | router |\n| 6 | orm |\n"
        "| 9 | server |\n\nRead the server's log to see the SQL of step 6.\n",
    ),
    (
        "Markdown, safely ✍️",
        "Articles are markdown; raw HTML in them is shown, never run.",
        "Write *emphasis*, **bold**, ~~mistakes~~ and [links](https://example.com).\n\n"
        "Raw HTML such as <script>alert('hi')</script> appears as text, and a "
        "[javascript: link](javascript:alert(1)) is not a link at all.\n",
    ),
]
COMMENTS = [
    "Great post, thanks! 👍",
    "写得很清楚，谢谢分享。",
    "Could you say more about step 6? 🤔",
    "收藏了 ⭐ I will try it this weekend.",
]


async def demo_people() -> list[User]:
    """The demo people, made if missing."""
    people = []
    for name, email, admin in PEOPLE:
        person = await find_by_email(email)
        if person is None:
            person = User(name=name, email=email, passwd="", admin=admin, image=DEFAULT_IMAGE)
            await person.save()
        people.append(person)
    return people


async def seed(posts: int) -> int:
    """Add ``posts`` demo articles, each with up to three comments; return how many comments."""
    people = await demo_people()
    authors = [person for person in people if person.admin]
    readers = [person for person in people if not person.admin]
    comments = 0
    now = time.time()
    for n in tqdm(range(posts), desc="seeding", unit="post", disable=posts < PROGRESS_FROM):
        name, summary, content = ARTICLES[n % len(ARTICLES)]
        if n >= len(ARTICLES):
            name = f"{name} #{n // len(ARTICLES) + 1}"
        author = authors[n % len(authors)]
        # The first article is the oldest, 90 minutes apart, so the home page reads in order.
        blog = Blog(
            **by(author),
            name=name,
            summary=summary,
            content=content,
            created_at=now - (posts - n) * 5400,
        )
        async with orm.transaction():  # an article and its comments, together
            await blog.save()
            for k in range(n % 4):
                reader = readers[(n + k) % len(readers)]
                comment = Comment(
                    **by(reader),
                    blog_id=blog.id,
                    content=COMMENTS[(n + k) % len(COMMENTS)],
                    created_at=blog.created_at + (k + 1) * 600,
                )
                await comment.save()
                comments += 1
    return comments
