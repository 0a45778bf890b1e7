"""Django views and settings-like code written the safe way (corpus: no LG2xx finding)."""

from __future__ import annotations

import logging
import os

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Article

logger = logging.getLogger(__name__)

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")


def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, id=article_id)
    return render(request, "article.html", {"article": article})


def article_title(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, id=article_id)
    return HttpResponse(format_html("<h1>{}</h1>", article.title))


@login_required
@require_POST
def create_article(request: HttpRequest) -> HttpResponse:
    article = Article(title=request.POST["title"], author=request.user)
    article.save()
    logger.info("article %s created by %s", article.pk, request.user.pk)
    return redirect("article-detail", article_id=article.pk)


@permission_required("blog.delete_article")
def delete_article(request: HttpRequest, article_id: int) -> HttpResponse:
    get_object_or_404(Article, id=article_id).delete()
    return redirect("article-list")


def login_redirect(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=True):
        target = "/"
    return redirect(target)


def search(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "")
    titles = list(Article.objects.filter(title__icontains=query).values_list("title", flat=True))
    return JsonResponse({"results": titles})


def change_password(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    new_password = request.POST["new_password"]
    request.user.set_password(new_password)
    request.user.save()
    logger.info("password changed for user %s", request.user.pk)
    return HttpResponse(status=204)
