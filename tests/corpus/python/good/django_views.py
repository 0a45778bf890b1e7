"""Django views and a model manager that keep data out of SQL text."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.db.models import Q
from django.http import HttpRequest, JsonResponse


class Article(models.Model):
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=100)
    body = models.TextField()

    class Meta:
        app_label = "blog"


class ArticleQueries:
    def by_author(self, author: str):
        return Article.objects.raw("SELECT * FROM blog_article WHERE author = %s", [author])

    def search(self, term: str):
        return Article.objects.filter(Q(title__icontains=term) | Q(body__icontains=term))

    def with_where(self, author: str):
        return Article.objects.extra(where=["author = %s"], params=[author])

    def counts(self, author: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM blog_article WHERE author = %s", [author])
            (count,) = cursor.fetchone()
        return count


@login_required
def articles(request: HttpRequest) -> JsonResponse:
    author = request.GET.get("author", "")
    rows = ArticleQueries().by_author(author)
    return JsonResponse({"titles": [row.title for row in rows]})


@login_required
def create_invite(request: HttpRequest) -> JsonResponse:
    invite_code = secrets.token_urlsafe(16)
    return JsonResponse({"invite": invite_code})


def set_password(user, raw_password: str) -> None:
    user.password = make_password(raw_password)


def content_fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
