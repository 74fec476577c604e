"""Department hooks of the pengaduan service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
