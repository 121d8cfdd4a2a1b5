"""Sign in and out; admins manage accounts."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.accounts.auth import COOKIE, Admin, CheckedForm
from app.accounts.models import Role, User, UserCreate
from app.accounts.service import authenticate, create_user, list_users, set_password
from app.accounts.sessions import end_all_sessions, end_session, start_session
from app.core.config import get_settings
from app.core.db import get_session
from app.core.errors import DomainError
from app.core.ratelimit import RateLimiter
from app.core.security import check_form_token, form_token
from app.core.templating import templates

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
# Five wrong passwords for one account from one address, then a quarter of an hour's wait.
LOGIN_LIMITER = RateLimiter(limit=5, window_s=15 * 60)


def _safe_next(target: str | None) -> str:
    """Only our own pages: never an absolute or protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/mapper"
    return target


def _login_page(request: Request, *, email: str = "", next_: str = "/mapper",
                error: str | None = None, status: int = 200) -> Response:  # fmt: skip
    return templates().TemplateResponse(
        request,
        "accounts/login.html",
        {"email": email, "next": next_, "error": error, "token": form_token()},
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/mapper",
    token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    target = _safe_next(next)
    problem = check_form_token(token, min_age_s=0)
    if problem:
        return _login_page(request, email=email, next_=target, error=problem, status=400)
    client = request.client.host if request.client else "unknown"
    key = f"{client}:{email.strip().lower()}"
    wait = LOGIN_LIMITER.retry_after(key)
    if wait:
        minutes = max(1, wait // 60)
        message = f"Too many attempts. For your safety, try again in {minutes} minutes."
        return _login_page(request, email=email, next_=target, error=message, status=429)
    user = authenticate(session, email=email, password=password)
    if user is None:
        message = "That email and password do not match an active account."
        return _login_page(request, email=email, next_=target, error=message, status=401)
    cookie, _ = start_session(session, user=user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, cookie, httponly=True, samesite="lax", secure=get_settings().secure_cookies,
        max_age=14 * 24 * 3600, path="/",
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, form: CheckedForm) -> Response:
    end_session(session, token=request.cookies.get(COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/mapper/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, admin: Admin) -> Response:
    return templates().TemplateResponse(
        request,
        "accounts/users.html",
        {
            "users": list_users(session),
            "me": admin,
            "roles": list(Role),
            "errors": {},
            "values": {},
        },
    )


@router.post("/mapper/users", response_class=HTMLResponse)
def add_user(request: Request, session: SessionDep, admin: Admin, form: CheckedForm) -> Response:
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    try:
        create_user(session, data=UserCreate.model_validate(values))
    except ValidationError as exc:
        errors = {str(e["loc"][0]): str(e["msg"]) for e in exc.errors()}
        return templates().TemplateResponse(
            request, "accounts/users.html",
            {"users": list_users(session), "me": admin, "roles": list(Role), "errors": errors,
             "values": values},
            status_code=422,
        )  # fmt: skip
    except DomainError as exc:
        return templates().TemplateResponse(
            request, "accounts/users.html",
            {"users": list_users(session), "me": admin, "roles": list(Role),
             "errors": {"email": exc.message}, "values": values},
            status_code=422,
        )  # fmt: skip
    return RedirectResponse("/mapper/users", status_code=303)


@router.post("/mapper/users/{user_id}/password")
def reset_password(user_id: int, session: SessionDep, admin: Admin, form: CheckedForm) -> Response:
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("no such account")
    set_password(session, user=user, password=str(form.get("password", "")))
    return RedirectResponse("/mapper/users", status_code=303)


@router.post("/mapper/users/{user_id}/active")
def set_active(user_id: int, session: SessionDep, admin: Admin, form: CheckedForm) -> Response:
    user = session.get(User, user_id)
    if user is None or user.id == admin.user_id:
        raise DomainError("you cannot deactivate that account")
    user.active = form.get("active") == "yes"
    session.add(user)
    if not user.active:
        end_all_sessions(session, user_id=user_id)
    return RedirectResponse("/mapper/users", status_code=303)
