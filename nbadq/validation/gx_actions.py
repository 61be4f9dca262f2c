"""A checkpoint action that alerts Slack only when a webhook is configured.

GX's SlackNotificationAction resolves `${NBADQ_SLACK_WEBHOOK}` when it sends, and a checkpoint cannot drop an
action at run time (GX refuses to run a checkpoint that differs from its saved JSON). This subclass keeps GX's
rendering and sending, and stays silent, without any network call, while the variable is unset. Importing this
module registers the action type `nbadq_slack` with GX; nbadq imports it before loading a checkpoint.
"""

from __future__ import annotations

import os
from typing import Literal

from great_expectations.checkpoint.actions import SlackNotificationAction


class SlackWhenConfigured(SlackNotificationAction):
    type: Literal["nbadq_slack"] = "nbadq_slack"  # type: ignore[assignment]
    webhook_env: str = "NBADQ_SLACK_WEBHOOK"

    def run(self, checkpoint_result, action_context=None) -> dict:  # noqa: ANN001 (GX's signature)
        if not os.environ.get(self.webhook_env):
            return {"slack_notification_result": f"not configured (set {self.webhook_env})"}
        return super().run(checkpoint_result, action_context)
