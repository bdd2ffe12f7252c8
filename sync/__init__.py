"""Sync: protocol, client engine and provincial server (issue #4). No Qt in this package."""
