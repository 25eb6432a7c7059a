"""Plan review: synthesized stacks -> offline plans -> checkov + our checks -> report. No cdktf."""
