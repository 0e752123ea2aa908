"""The base of every response shape of the API.

Request shapes stay ``ninja.Schema``.  Response shapes are plain pydantic
models: each ``*Out`` is built explicitly (``from_post``, ``from_user``...),
so Ninja's per-field ``DjangoGetter`` — which reads ORM attributes, calls
managers and resolvers — would add nothing but its cost.  Measured on the
feed at 1M posts (``/tmp`` profile of ``GET /api/v1/feed``): that wrapper
made a quarter of the request's time, about 3,000 attribute look-ups for a
page of 20 posts.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """A response shape: validated once by pydantic-core, from dicts or ``Out`` instances."""

    model_config = ConfigDict(revalidate_instances="never", extra="forbid")
