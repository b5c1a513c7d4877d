"""The blog's tables as models: User, Blog, Comment (and day 6's defences'), and next_id().

Notice how little each class says: the fields, and which are unique or indexed. The
metaclass of orm.py turns that into the tables, their indexes and every statement of SQL.
A blog and a comment copy their author's name and image, so a page lists them with no join.
"""

import re
import time
import uuid

from .orm import BooleanField, FloatField, IntegerField, Model, StringField, TextField


def next_id() -> str:
    """A new primary key: 50 characters, unique, in the order the ids were made.

    The first 18 digits are the microseconds since 1970, so sorting ids sorts by age; the
    32 hex digits of a random UUID after them make two ids of the same microsecond differ.
    """
    return f"{time.time_ns() // 1000:018d}{uuid.uuid4().hex}"


# What next_id() makes, and so what an id in a URL must be (posts.find): anything else is no id.
ID = re.compile(r"[0-9]{18}[0-9a-f]{32}")


def id_field():
    return StringField(primary_key=True, default=next_id, ddl="varchar(50)")


def created_at_field():
    # A float of seconds since 1970; indexed, as every list shows the newest first.
    return FloatField(default=time.time, index=True)


class User(Model):
    __table__ = "users"

    id = id_field()
    email = StringField(ddl="varchar(255)", unique=True)
    # Room for a salted hash that names its algorithm and parameters (day 6).
    passwd = StringField(ddl="varchar(255)")
    admin = BooleanField(default=False)
    name = StringField(ddl="varchar(50)")
    image = StringField(ddl="varchar(500)")
    created_at = created_at_field()


class Blog(Model):
    __table__ = "blogs"

    id = id_field()
    user_id = StringField(ddl="varchar(50)")
    user_name = StringField(ddl="varchar(50)")
    user_image = StringField(ddl="varchar(500)")
    name = StringField(ddl="varchar(100)")
    summary = StringField(ddl="varchar(200)")
    content = TextField()
    created_at = created_at_field()


class Comment(Model):
    __table__ = "comments"

    id = id_field()
    blog_id = StringField(ddl="varchar(50)", index=True)  # a blog's page lists its comments
    user_id = StringField(ddl="varchar(50)", index=True)  # the rate limit counts a user's
    user_name = StringField(ddl="varchar(50)")
    user_image = StringField(ddl="varchar(500)")
    content = TextField()
    created_at = created_at_field()


class SignInAttempt(Model):
    """One sign-in attempt not yet known to have worked: throttle.py counts them."""

    __table__ = "sign_in_attempts"

    id = id_field()
    email = StringField(ddl="varchar(255)", index=True)  # the account tried
    address = StringField(ddl="varchar(100)", index=True)  # the client it came from
    created_at = created_at_field()


class AccountState(Model):
    """What the server decides about an account, beside the course's users table: how many
    times all its sessions were ended (sessions.py), and whether an administrator disabled it.
    A user without a row has generation 0 and is enabled."""

    __table__ = "account_states"

    user_id = StringField(primary_key=True, ddl="varchar(50)")
    session_generation = IntegerField(default=0)
    disabled = BooleanField(default=False)


class CommentKey(Model):
    """The key a comment's form or script sent with it (posts.add_comment): a retry is found."""

    __table__ = "comment_keys"

    request_key = StringField(primary_key=True, ddl="varchar(120)")  # author's id:their key
    comment_id = StringField(ddl="varchar(50)", index=True)
    created_at = created_at_field()


class BlogHtml(Model):
    """An article's content as HTML, rendered once as it was saved (markup.render_in_time)."""

    __table__ = "blog_html"

    blog_id = StringField(primary_key=True, ddl="varchar(50)")
    html = TextField()
