"""The page where a signed-in person makes and revokes their own API tokens. A new token is shown once,
on the page the form leads back to, and never again (only its digest is kept)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from forbetter.api import selectors, services
from forbetter.api.forms import TokenCreateForm, TokenRevokeForm
from forbetter.partnerships.view_helpers import apply_errors

NEW_TOKEN_SESSION_KEY = "api_new_token"


def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(None)
    if request.method == "POST" and "revoke" in request.POST:
        revoke = TokenRevokeForm(request.POST)
        if revoke.is_valid():
            try:
                token = services.token_revoke(user=request.user, token_id=revoke.cleaned_data["revoke"])
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, f"Token '{token.name}' revoked: it no longer works")
            return redirect("api:tokens")
        messages.error(request, "Choose a token to revoke")
    elif request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "secret": secret}
                return redirect("api:tokens")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(request.user),
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        },
    )
