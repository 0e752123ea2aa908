"""Conversation pages and their htmx fragments: thin, every rule is in services/access."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cercle.access import require
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.posts import PostAction, PostPolicy
from cercle.accounts.models import User
from cercle.communities import selectors as community_selectors
from cercle.communities.models import Community
from cercle.core.http import is_htmx, viewer_of
from cercle.follows import selectors as follow_selectors
from cercle.follows import services as follow_services
from cercle.posts import composer, html, selectors, services
from cercle.posts.files import attachment_response
from cercle.posts.forms import CommentForm, ComposerForm, EditForm
from cercle.posts.lookups import post_of
from cercle.posts.models import Comment, Post

STREAM_TEMPLATE = "posts/_stream_items.html"


def stream_url(**source: str) -> str:
    """Where the "load more" of a stream fetches its next page (cursor appended)."""
    return reverse("posts:stream") + "?" + urlencode(source)


def _uploads(files: list[Any]) -> list[services.Upload]:
    return [services.Upload(f.name or "", f.read(), f.content_type or "") for f in files]


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _thread(viewer: User, post: Post, form: CommentForm | None = None) -> dict[str, Any]:
    return {
        "post": post,
        "comments": selectors.comments_for(viewer=viewer, post=post),
        "comment_form": form or CommentForm(),
        "can_comment": PostPolicy.permissions(viewer, post).comment,
    }


def _card_answer(request: HttpRequest, post: Post) -> HttpResponse:
    """The post's card, as a list shows it (an htmx answer)."""
    return HttpResponse(
        html.cards_html(request, [selectors.post_card(viewer=viewer_of(request), post=post)])
    )


def _comment_param(request: HttpRequest, raw: str | None, post: Post) -> Comment | None:
    """The comment a form or link refers to, on ``post``; 404 if it is not one the viewer sees."""
    if not raw:
        return None
    comment = (
        selectors.comment_get(viewer=viewer_of(request), comment_id=int(raw))
        if raw.isdigit()
        else None
    )
    if comment is None or comment.post_id != post.pk:
        raise Http404
    return comment


def composer_context(
    request: HttpRequest, *, community: Community | None, form: ComposerForm | None = None
) -> dict[str, Any]:
    return {"composer": form or ComposerForm(), "composer_community": community}


def _created(request: HttpRequest, post: Post, community: Community | None) -> HttpResponse:
    """The composer's answer: the new card, and a fresh composer for ``community``."""
    card = selectors.post_card(viewer=viewer_of(request), post=post)
    context = {"card": card, **composer_context(request, community=community)}
    return render(request, "posts/_created.html", context)


@require_POST
def post_create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    earlier = selectors.replayed_post_id(
        viewer=viewer, client_token=request.POST.get("client_token", "")
    )
    if earlier is not None:  # a replay: answered as the post's own page would be now
        post = post_of(request, earlier)
        if not is_htmx(request):
            return redirect(post.get_absolute_url())
        return _created(request, post, post.community)
    community = None
    slug = request.POST.get("community", "")
    if slug:
        community = community_selectors.community_get(viewer=viewer, slug=slug)
        if community is None:
            raise Http404
    form = ComposerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            # The community is the page's own (resolved above, 404 when not the viewer's).
            named = composer.targets(viewer=viewer, praised_handles=form.cleaned_data["praised"])
            published = services.post_publish(
                author=viewer,
                community=community,
                body=form.cleaned_data["body"],
                uploads=_uploads(form.cleaned_data["attachments"]),
                praised=named.praised,
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if not is_htmx(request):
                return redirect(
                    community.get_absolute_url() if community else published.item.get_absolute_url()
                )
            # Read through the policy: the same token sent twice at once lands here too.
            return _created(request, post_of(request, published.item.pk), community)
    context = composer_context(request, community=community, form=form)
    if is_htmx(request):
        response = render(request, "posts/_composer.html", context, status=422)
        response["HX-Retarget"] = "#composer"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "posts/composer_page.html", context, status=422)


def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    card = selectors.post_card(viewer=viewer, post=post)
    return render(request, "posts/detail.html", {**_thread(viewer, post), "card": card})


@require_GET
def comments_fragment(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    return render(request, "posts/_thread.html", _thread(viewer, post))


def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    require(viewer, PostAction.EDIT, post)
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.post_edit(actor=viewer, post=post, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if is_htmx(request):
                    return _card_answer(request, post_of(request, post.pk))
                return redirect(post.get_absolute_url())
        return render(request, "posts/_edit.html", {"post": post, "form": form}, status=422)
    return render(
        request, "posts/_edit.html", {"post": post, "form": EditForm(initial={"body": post.body})}
    )


@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    back = post.community.get_absolute_url() if post.community else reverse("home")
    services.post_delete(actor=viewer, post=post)
    if is_htmx(request):
        return HttpResponse("")
    return redirect(back)


@require_POST
def post_pin(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_of(request, post_id)
    services.post_pin(actor=viewer_of(request), post=post, pinned=request.POST.get("on") == "1")
    assert post.community is not None
    return redirect(post.community.get_absolute_url())


def _postable(viewer: User) -> list[Community]:
    """The viewer's communities they may post in (where to share or move a post)."""
    return [
        c
        for c in community_selectors.directory(viewer=viewer, mine=True)
        if CommunityPolicy.can(viewer, CommunityAction.POST, c)
    ]


def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    """A moderator hides a post, telling its author why (optional)."""
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    require(viewer, PostAction.HIDE, post)
    error, reason = "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            services.post_hide(actor=viewer, post=post, reason=reason)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("The post is hidden: only its author and the moderators can see it.")
            )
            return redirect(post.get_absolute_url())
    return render(
        request,
        "posts/hide.html",
        {
            "post": post,
            "card": selectors.post_card(viewer=viewer, post=post),
            "error": error,
            "reason": reason,
        },
        status=422 if error else 200,
    )


@require_POST
def post_restore(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_of(request, post_id)
    services.post_restore(actor=viewer_of(request), post=post)
    messages.success(request, _("The post is visible again."))
    return redirect(post.get_absolute_url())


def post_move(request: HttpRequest, post_id: int) -> HttpResponse:
    """Move a post to another community (its author, or a moderator of its community)."""
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    require(viewer, PostAction.MOVE, post)
    destinations = [c for c in _postable(viewer) if c.pk != post.community_id]
    error, chosen = "", ""
    if request.method == "POST":
        chosen = request.POST.get("destination", "")
        community = next((c for c in destinations if c.slug == chosen), None)
        try:
            if community is None:
                raise ValidationError(_("Choose one of your communities."))
            services.post_move(actor=viewer, post=post, community=community)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Post moved to %(name)s.") % {"name": community.name})
            return redirect(post.get_absolute_url())
    return render(
        request,
        "posts/move.html",
        {
            "post": post,
            "card": selectors.post_card(viewer=viewer, post=post),
            "destinations": destinations,
            "chosen": chosen,
            "error": error,
        },
        status=422 if error else 200,
    )


def post_share(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    destinations = _postable(viewer)
    error = ""
    if request.method == "POST":
        target = request.POST.get("destination", "")
        community = next((c for c in destinations if c.slug == target), None)
        if target and community is None:
            raise Http404
        try:
            share = services.post_create(
                author=viewer,
                community=community,
                body=request.POST.get("body", "")[:10_000],
                shared_post=post,
                client_token=request.POST.get("client_token", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:  # new or replayed, its page decides what this viewer sees of it
            return redirect(share.get_absolute_url())
    return render(
        request,
        "posts/share.html",
        {
            "post": post,
            "card": selectors.post_card(viewer=viewer, post=post),
            "destinations": destinations,
            "error": error,
            "client_token": uuid.uuid4().hex,
        },
        status=422 if error else 200,
    )


@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    earlier = selectors.replayed_comment(
        viewer=viewer, client_token=request.POST.get("client_token", "")
    )
    if earlier is not None:  # a replay: answered as its post's thread would be now
        post_id = earlier[0]
    post = post_of(request, post_id)
    if earlier is not None:
        if not is_htmx(request):
            return redirect(post.get_absolute_url())
        return render(request, "posts/_thread.html", _thread(viewer, post))
    form = CommentForm(request.POST, request.FILES)
    parent = _comment_param(request, request.POST.get("parent"), post)
    if form.is_valid():
        try:
            services.comment_publish(
                author=viewer,
                post=post,
                body=form.cleaned_data["body"],
                parent=parent,
                uploads=_uploads(form.cleaned_data["attachments"]),
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if not is_htmx(request):
                return redirect(post.get_absolute_url())
            return render(request, "posts/_thread.html", _thread(viewer, post_of(request, post.pk)))
    if is_htmx(request):
        context = {"post": post, "form": form, "parent": parent}
        response = render(request, "posts/_comment_form.html", context, status=422)
        response["HX-Retarget"] = f"#comment-form-{post.pk}-{parent.pk if parent else 0}"
        response["HX-Reswap"] = "outerHTML"
        return response
    card = selectors.post_card(viewer=viewer, post=post)
    context = {**_thread(viewer, post, form), "card": card}
    return render(request, "posts/detail.html", context, status=422)


@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    comment = selectors.comment_get(viewer=viewer, comment_id=comment_id)
    if comment is None:
        raise Http404
    post_url = comment.post.get_absolute_url()
    services.comment_delete(actor=viewer, comment=comment)
    return HttpResponse("") if is_htmx(request) else redirect(post_url)


@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    comment = _comment_param(request, request.POST.get("comment"), post)
    try:
        # The pressed button of the bar: "add" or "remove", and the emoji.
        on = "add" in request.POST
        services.reaction_set(
            user=viewer,
            post=post,
            comment=comment,
            emoji=request.POST.get("add" if on else "remove", ""),
            on=on,
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    if not is_htmx(request):
        return redirect(post.get_absolute_url())
    if comment is None:
        reactions = selectors.post_card(viewer=viewer, post=post).fields["reactions"]
    else:
        comments = selectors.comments_for(viewer=viewer, post=post)
        flat = [c for top in comments for c in [top, *top.reply_list]]
        reactions = next(c for c in flat if c.pk == comment.pk).reaction_summary
    bar = html.reactions_html(
        request, post_id=post.pk, comment_id=comment.pk if comment else None, reactions=reactions
    )
    return HttpResponse(bar)


@require_GET
def reactors(request: HttpRequest, post_id: int, emoji: str) -> HttpResponse:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    comment = _comment_param(request, request.GET.get("comment"), post)
    people = selectors.reactors(viewer=viewer, post=post, emoji=emoji, comment=comment)
    return render(request, "posts/_reactors.html", {"people": people})


def _serve(request: HttpRequest, attachment_id: int, *, thumbnail: bool) -> HttpResponseBase:
    attachment = selectors.attachment_get(viewer=viewer_of(request), attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    return attachment_response(attachment, thumbnail=thumbnail)


@require_GET
def attachment_download(request: HttpRequest, attachment_id: int, name: str) -> HttpResponseBase:
    return _serve(request, attachment_id, thumbnail=False)


@require_GET
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    return _serve(request, attachment_id, thumbnail=True)


def hashtag(request: HttpRequest, key: str) -> HttpResponse:
    viewer = viewer_of(request)
    tag = selectors.hashtag_get(viewer=viewer, key=key)
    if tag is None:
        raise Http404
    page = selectors.stream(viewer=viewer, hashtag=tag, cursor=request.GET.get("cursor"))
    standing = follow_selectors.topic_standing(viewer=viewer, hashtag=tag)
    return render(
        request,
        "posts/hashtag.html",
        {
            "hashtag": tag,
            "page": page,
            "following": standing.followed,
            "attention": standing.attention,
            "stream_url": stream_url(tag=tag.key),
        },
    )


@require_POST
def hashtag_follow(request: HttpRequest, key: str) -> HttpResponse:
    viewer = viewer_of(request)
    tag = selectors.hashtag_get(viewer=viewer, key=key)
    if tag is None:
        raise Http404
    if request.POST.get("on") == "1":
        follow_services.hashtag_follow(user=viewer, hashtag=tag)
    else:
        follow_services.hashtag_unfollow(user=viewer, hashtag=tag)
    if is_htmx(request):
        return render(
            request,
            "posts/_hashtag_follow.html",
            {"hashtag": tag, "following": request.POST.get("on") == "1"},
        )
    return redirect(tag.get_absolute_url())


@require_GET
def stream_page(request: HttpRequest) -> HttpResponse:
    """The next page of any stream (infinite scroll), by source and cursor."""
    viewer = viewer_of(request)
    source: dict[str, Any] = {}
    if slug := request.GET.get("community"):
        community = community_selectors.community_get(viewer=viewer, slug=slug)
        if community is None or not CommunityPolicy.can(viewer, CommunityAction.READ, community):
            raise Http404
        source["community"] = community
    elif author := request.GET.get("author"):
        from cercle.accounts.selectors import person_get

        person = person_get(viewer=viewer, user_id=int(author)) if author.isdigit() else None
        if person is None:
            raise Http404
        source["author"] = person
    elif key := request.GET.get("tag"):
        tag = selectors.hashtag_get(viewer=viewer, key=key)
        if tag is None:
            raise Http404
        source["hashtag"] = tag
    else:
        raise Http404
    page = selectors.stream(viewer=viewer, cursor=request.GET.get("cursor"), **source)
    origin = {k: request.GET[k] for k in ("community", "author", "tag") if k in request.GET}
    return render(request, STREAM_TEMPLATE, {"page": page, "stream_url": stream_url(**origin)})
