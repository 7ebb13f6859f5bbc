"""Every table of the app (they live in barcamp.core.models for now)."""

from barcamp.core.models import *  # noqa: F403
