"""Deployment targets as transforms of synthesized stacks.

Constructs describe real AWS only. A target (the offline plan the review runs, the local
emulator the end-to-end tests deploy into) rewrites the synthesized `cdk.tf.json` in one place,
after synthesis, so production code never branches on where it is going.
"""
