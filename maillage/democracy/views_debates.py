"""Pages of the exchanges of practices: themes, threads, replies (htmx), reports, moderation.
Thin: check the permission, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import perms, selectors, services
from .forms import ReplyForm, TextForm, ThreadForm, posted_pk
from .models import DebatePost, DebateTheme, DebateThread, PostReport

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20


def _require_reader(request: HttpRequest) -> HttpResponse | None:
    if perms.can_read_debates(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "democracy/debates/closed.html", status=403)


def _require_moderator(request: HttpRequest) -> None:
    if not perms.can_moderate_debates(request.user):
        raise PermissionDenied


def debates_index(request: HttpRequest) -> HttpResponse:
    """The themes of practice, with their numbers of threads."""
    refused = _require_reader(request)
    if refused is not None:
        return refused
    context = {
        "themes": list(selectors.debate_themes()),
        "can_moderate": perms.can_moderate_debates(request.user),
        "open_reports": selectors.open_reports().count()
        if perms.can_moderate_debates(request.user)
        else 0,
    }
    return render(request, "democracy/debates/index.html", context)


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A theme's threads, most recently active first, 20 per page; a form to open one."""
    refused = _require_reader(request)
    if refused is not None:
        return refused
    theme = get_object_or_404(DebateTheme, slug=slug)
    form = ThreadForm()
    if request.method == "POST":
        form = ThreadForm(request.POST)
        if form.is_valid():
            try:
                thread = services.thread_create(
                    theme=theme,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except services.DemocracyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Votre fil est ouvert."))
                return redirect("democracy:thread", pk=thread.pk)
    page = Paginator(selectors.theme_threads(theme), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"theme": theme, "page": page, "form": form}
    return render(
        request, "democracy/debates/theme.html", context, status=400 if form.errors else 200
    )


def _thread(pk: int) -> DebateThread:
    return get_object_or_404(
        DebateThread.objects.select_related("theme", "author", "locked_by"), pk=pk
    )


def _thread_context(request: HttpRequest, thread: DebateThread, page_number: Any) -> dict[str, Any]:
    paginator = Paginator(selectors.thread_posts(thread, request.user), POSTS_PER_PAGE)
    page = paginator.get_page(paginator.num_pages if page_number == "last" else page_number)
    return {
        "theme": thread.theme,
        "thread": thread,
        "page": page,
        "can_reply": perms.can_post_in(request.user, thread),
        "can_moderate": perms.can_moderate_debates(request.user),
        "form": ReplyForm(),
    }


def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A thread's messages, 20 per page; members reply at the end (htmx, or a plain form)."""
    refused = _require_reader(request)
    if refused is not None:
        return refused
    thread = _thread(pk)
    return render(
        request,
        "democracy/debates/thread.html",
        _thread_context(request, thread, request.GET.get("page")),
    )


@require_POST
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Reply. With htmx, the new message is appended under the others and the form emptied;
    an error re-renders the form with what was typed. Without, back to the last page."""
    refused = _require_reader(request)
    if refused is not None:
        return refused
    thread = _thread(pk)
    form = ReplyForm(request.POST)
    htmx = bool(getattr(request, "htmx", False))
    if form.is_valid():
        try:
            post = services.post_create(
                thread=thread, author=request.user, body=form.cleaned_data["body"]
            )
        except services.DemocracyError as error:
            form.add_error("body", error.message)
        else:
            if htmx:
                post = selectors.thread_posts(thread, request.user).get(pk=post.pk)
                context = {
                    "post": post,
                    "thread": thread,
                    "can_moderate": perms.can_moderate_debates(request.user),
                    "form": ReplyForm(),
                    "can_reply": True,
                    "oob": True,
                }
                return render(request, "democracy/debates/_reply_result.html", context)
            messages.success(request, _("Votre réponse est publiée."))
            count = thread.posts.count()
            last = (count - 1) // POSTS_PER_PAGE + 1
            return redirect(
                reverse("democracy:thread", args=[thread.pk]) + f"?page={last}#post-{post.pk}"
            )
    if htmx:
        response = render(
            request,
            "democracy/debates/_reply_form.html",
            {"thread": thread, "form": form, "can_reply": perms.can_post_in(request.user, thread)},
            status=200,
        )
        response["HX-Retarget"] = "#reply"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = _thread_context(request, thread, "last")
    context["form"] = form
    return render(request, "democracy/debates/thread.html", context, status=400)


@require_POST
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A member reports a message to the moderators, with a reason."""
    refused = _require_reader(request)
    if refused is not None:
        return refused
    post = get_object_or_404(DebatePost.objects.select_related("thread"), pk=pk)
    try:
        services.post_report(post=post, reporter=request.user, reason=request.POST.get("text", ""))
    except services.DemocracyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Merci : le message est signalé à la modération."))
    return redirect(_post_url(post))


def _post_url(post: DebatePost) -> str:
    before = post.thread.posts.filter(created_at__lt=post.created_at).count()
    page = before // POSTS_PER_PAGE + 1
    return reverse("democracy:thread", args=[post.thread_id]) + f"?page={page}#post-{post.pk}"


@require_POST
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator hides a message with a reason, or shows it again."""
    _require_moderator(request)
    post = get_object_or_404(DebatePost.objects.select_related("thread"), pk=pk)
    try:
        if request.POST.get("action") == "restore":
            services.post_restore(post=post, moderator=request.user)
            messages.success(request, _("Le message est de nouveau visible."))
        else:
            services.post_hide(
                post=post, moderator=request.user, reason=request.POST.get("text", "")
            )
            messages.success(request, _("Le message est masqué ; son texte reste conservé."))
    except services.DemocracyError as error:
        messages.error(request, error.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = _post_url(post)
    return redirect(target)


@require_POST
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator locks a thread with a reason, or opens it again."""
    _require_moderator(request)
    thread = _thread(pk)
    try:
        if request.POST.get("action") == "unlock":
            services.thread_unlock(thread=thread, moderator=request.user)
            messages.success(request, _("Le fil est de nouveau ouvert aux réponses."))
        else:
            services.thread_lock(
                thread=thread, moderator=request.user, reason=request.POST.get("text", "")
            )
            messages.success(
                request, _("Le fil est verrouillé : il reste lisible, sans nouvelle réponse.")
            )
    except services.DemocracyError as error:
        messages.error(request, error.message)
    return redirect("democracy:thread", pk=thread.pk)


def reports_queue(request: HttpRequest) -> HttpResponse:
    """Reports the moderators have not handled yet; dismiss one (POST)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _require_moderator(request)
    if request.method == "POST":
        report = get_object_or_404(PostReport, pk=posted_pk(request.POST, "report"))
        services.report_dismiss(report=report, moderator=request.user)
        messages.success(request, _("Le signalement est classé ; le message reste visible."))
        return redirect("democracy:debate-reports")
    return render(
        request,
        "democracy/debates/reports.html",
        {"reports": list(selectors.open_reports()), "hide_form": TextForm()},
    )
