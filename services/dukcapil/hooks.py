"""Department hooks of the dukcapil service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
