"""PostgreSQL row-level security for branches: a database role sees the clients (and
their assessments) of the branches it belongs to, narrowed by the per-connection setting
`app.branch`; SQLite (one branch desktop) has no roles, so there the service layer's
scoping (services/scope.py) is the guard.

Who sees which branch, in the database:
- the store's owner (the role that runs these migrations) and superusers: every row
  (PostgreSQL never applies row security to them unless forced; the desktops' service
  layer scopes what each staff member sees);
- a member of the group role `suitcheck_all_branches`: every branch;
- a member of `suitcheck_branch_<id>` (the branch's id in the `branch` table): that branch;
- anybody else: no client at all.
`SET app.branch = '<id>'` narrows a session to one branch ('*' or unset: no narrowing).
The setting only ever narrows: a session cannot widen what its roles allow, so a SQL
client connected with a branch's role cannot read another branch's clients. The group
roles are made by the database administrator (README: "A shared PostgreSQL store").

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

VISIBLE = """
CREATE OR REPLACE FUNCTION suitcheck_branch_visible(b integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT b IS NOT NULL
       AND coalesce(nullif(current_setting('app.branch', true), ''), '*') IN ('*', b::text)
       AND (
           -- uncorrelated: evaluated once per query, not per row
           EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'suitcheck_all_branches'
                   AND pg_has_role(current_user, r.oid, 'MEMBER'))
           OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'suitcheck_branch_' || b
                      AND pg_has_role(current_user, r.oid, 'MEMBER'))
       )
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(VISIBLE)
    op.execute("ALTER TABLE investor ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY investor_by_branch ON investor "
        "USING (suitcheck_branch_visible(branch_id)) WITH CHECK (suitcheck_branch_visible(branch_id))"
    )
    op.execute("ALTER TABLE assessment ENABLE ROW LEVEL SECURITY")
    # An assessment is visible with its client (the subquery is itself under investor's policy).
    op.execute(
        "CREATE POLICY assessment_by_branch ON assessment "
        "USING (EXISTS (SELECT 1 FROM investor i WHERE i.id = assessment.investor_id)) "
        "WITH CHECK (EXISTS (SELECT 1 FROM investor i WHERE i.id = assessment.investor_id))"
    )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
