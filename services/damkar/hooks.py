"""Department hooks of the damkar service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
