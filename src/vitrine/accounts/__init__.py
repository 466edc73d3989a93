"""Staff accounts, roles, sessions and API tokens; the audit trail is `catalog.audit`.

The CLI (`vitrine user ...`) and the web app (login, admin pages) call these use-cases; what each
role may do is the table in `roles.py`.
"""

from vitrine.accounts.roles import ANONYMOUS, GRANTS, SCOPES, Permission, Role, parse_role
from vitrine.accounts.sessions import (
    Session,
    end_session,
    find_session,
    login_failed,
    sign_in,
    start_session,
)
from vitrine.accounts.users import (
    Account,
    Principal,
    account,
    add_user,
    authenticate,
    create_token,
    list_accounts,
    principal_of,
    principal_of_token,
    revoke_token,
    set_disabled,
    set_password,
    set_role,
    tokens,
)

__all__ = [
    "ANONYMOUS",
    "GRANTS",
    "SCOPES",
    "Account",
    "Permission",
    "Principal",
    "Role",
    "Session",
    "account",
    "add_user",
    "authenticate",
    "create_token",
    "end_session",
    "find_session",
    "list_accounts",
    "login_failed",
    "parse_role",
    "principal_of",
    "principal_of_token",
    "revoke_token",
    "set_disabled",
    "set_password",
    "set_role",
    "sign_in",
    "start_session",
    "tokens",
]
