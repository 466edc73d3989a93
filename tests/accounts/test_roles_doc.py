"""The roles table in docs/security.md says what `accounts/roles.py` grants, row for row."""

from __future__ import annotations

from pathlib import Path

from vitrine.accounts import ANONYMOUS, GRANTS, Permission, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
#: the table's columns, in order, after the first
COLUMNS = [Permission.VISIT, Permission.READ, Permission.KEEP_SETS, Permission.MODERATE,
           Permission.CATALOGUE, Permission.ADMINISTER]


def documented() -> dict[str, frozenset[Permission]]:
    """Each row of the roles table: its first cell, and the permissions marked "yes"."""
    section = DOC.read_text().split("## Roles", 1)[1]
    table = next(block for block in section.split("\n\n") if block.startswith("| role |"))
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    return {cells[0].strip(): frozenset(p for p, cell in zip(COLUMNS, cells[1:7], strict=True)
                                        if cell.strip() == "yes") for cells in rows}


def test_the_security_pages_roles_table_matches_the_grants() -> None:
    table = documented()
    expected = {f"`{role.value}`": GRANTS[role] for role in Role}
    expected["anonymous, `VITRINE_WEB__ANONYMOUS=read` (default)"] = ANONYMOUS["read"]
    expected["anonymous, `=visitor`"] = ANONYMOUS["visitor"]
    expected["anonymous, `=none`"] = ANONYMOUS["none"]
    assert table == expected
    assert list(Permission) == COLUMNS  # a new permission needs a column
