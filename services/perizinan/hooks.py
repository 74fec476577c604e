"""Department hooks of the perizinan service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
