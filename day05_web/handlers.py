"""The site's handlers: plain functions labelled with their routes. Notice what is not here:
no request parsing, no response objects. Each names what it needs and returns plain data.
"""

from .apis import APIValueError
from .coroweb import get
from .models import Blog


@get("/")
async def index():
    blogs = await Blog.findAll(orderBy="created_at desc")
    # The empty page tells you how to fill it, whatever this day folder is called.
    seed = f"python -m {__package__} seed"
    return {"__template__": "blogs.html", "blogs": blogs, "seed_command": seed}


@get("/blog/{id}")
async def blog_page(id):
    blog = await Blog.find(id)
    if blog is None:
        return 404, "No such article."
    return {"__template__": "blog.html", "blog": blog}


@get("/api/blogs")
async def api_blogs(*, limit: int = 20):
    if not 1 <= limit <= 100:
        raise APIValueError("limit", "limit: expected a number from 1 to 100")
    return {"blogs": await Blog.findAll(orderBy="created_at desc", limit=limit)}
