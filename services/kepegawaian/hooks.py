"""Department hooks of the kepegawaian service (see shared.cases.hooks)."""

from shared.cases.hooks import Hooks

hooks = Hooks()
