"""Department hooks of the umum service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
