"""Department hooks of the pajak service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
