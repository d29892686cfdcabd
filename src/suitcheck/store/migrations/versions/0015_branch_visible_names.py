"""Branch row security (0010) names everything it uses by schema: a branch's SQL role
could read every branch's clients by shadowing what its function looked up by name.

`suitcheck_branch_visible` is a SQL function: PostgreSQL parses its body when a query
uses it (inlined into the query), with the caller's search_path. A role that may create
a temporary table (every role may, by default) made one named `pg_roles` holding the
row 'suitcheck_all_branches' with the id of a role it is a member of, and read every
branch's clients; one that may create in a schema on its search_path (PostgreSQL before
15 lets every role create in `public`) did the same with an operator `=` of its own, or
with `NULLIF`, which looks up `=` too. Every catalog, function, operator and type the
body uses is now named in `pg_catalog`, so what the caller's session has made or put
first is never used; the body stays plain SQL, still inlined (its role lookups run once
per query, not per row). The policies, which name the function by its id, are unchanged.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

VISIBLE = """
CREATE OR REPLACE FUNCTION suitcheck_branch_visible(b integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT b IS NOT NULL
       AND coalesce(pg_catalog.current_setting('app.branch', true), '')
           OPERATOR(pg_catalog.=) ANY (ARRAY['', '*', b::pg_catalog.text])
       AND (
           -- uncorrelated: evaluated once per query, not per row
           EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                   WHERE r.rolname OPERATOR(pg_catalog.=) 'suitcheck_all_branches'::pg_catalog.name
                   AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                      WHERE r.rolname OPERATOR(pg_catalog.=)
                            pg_catalog.concat('suitcheck_branch_', b)::pg_catalog.name
                      AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
       )
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(VISIBLE)


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
