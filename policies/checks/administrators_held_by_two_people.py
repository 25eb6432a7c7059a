"""The Administrators permission set is held by at least two people in every account.

Group members come from config (identity_center.groups); the plan links each assignment to its
permission set, whose `lz:job-role` tag says whether it is Administrators.
"""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check

MIN_PEOPLE = 2


@check(
    "LZ_IAM_003",
    "Administrators are assigned to at least two people in every account",
)
def administrators_held_by_two_people(ctx: CheckContext) -> Iterator[Outcome]:
    members = {g.id: {m.lower() for m in g.members} for g in ctx.estate.organization.identity_center.groups}
    for stack in ctx.stacks.values():
        administrators = {
            p.address
            for p in stack.planned("aws_ssoadmin_permission_set")
            if (p.values.get("tags") or {}).get("lz:job-role") == "Administrators"
        }
        grants = [
            assignment
            for assignment in stack.planned("aws_ssoadmin_account_assignment")
            if set(stack.references(assignment.address, "permission_set_arn")) & administrators
        ]
        people: dict[str, set[str]] = {}
        for assignment in grants:
            account = str(assignment.values.get("target_id"))
            group = str(assignment.values.get("principal_id"))
            people.setdefault(account, set()).update(members.get(group, set()))
        for assignment in grants:
            account = str(assignment.values.get("target_id"))
            count = len(people[account])
            yield Outcome(
                stack.name,
                assignment.address,
                count >= MIN_PEOPLE,
                f"account {account}: Administrators held by {count} person(s) (expected >= {MIN_PEOPLE})",
            )
