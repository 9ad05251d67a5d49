"""What the security suite's files share."""
import os

STORE = "creneau-rivoli"
# The short form runs in `make test` (and so in CI); `make security` sets SECURITY_FULL=1.
FULL = os.environ.get("SECURITY_FULL") == "1"
