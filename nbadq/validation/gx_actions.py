"""nbadq's two checkpoint actions, subclasses of GX's own (importing this module registers their types).

A Slack alert only when a webhook is configured, and a Data Docs update built once per checkpoint run.

GX's SlackNotificationAction resolves `${NBADQ_SLACK_WEBHOOK}` when it sends, and a checkpoint cannot drop an
action at run time (GX refuses to run a checkpoint that differs from its saved JSON). SlackWhenConfigured keeps
GX's rendering and sending, and stays silent, without any network call, while the variable is unset.
"""

from __future__ import annotations

import os
from typing import Literal

from great_expectations.checkpoint.actions import SlackNotificationAction, UpdateDataDocsAction
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier


class SlackWhenConfigured(SlackNotificationAction):
    type: Literal["nbadq_slack"] = "nbadq_slack"  # type: ignore[assignment]
    webhook_env: str = "NBADQ_SLACK_WEBHOOK"

    def run(self, checkpoint_result, action_context=None) -> dict:  # noqa: ANN001 (GX's signature)
        if not os.environ.get(self.webhook_env):
            return {"slack_notification_result": f"not configured (set {self.webhook_env})"}
        return super().run(checkpoint_result, action_context)


class UpdateDataDocsOnce(UpdateDataDocsAction):
    """GX's UpdateDataDocsAction, building the site once per checkpoint run instead of once per validation.

    The stock action rebuilds the index page after each validation definition: six index builds for `nightly`,
    about 1 s each on this machine, more than the SQL of the whole run. One build with every result gives the same
    pages.
    """

    type: Literal["nbadq_update_data_docs"] = "nbadq_update_data_docs"  # type: ignore[assignment]

    def run(self, checkpoint_result, action_context=None) -> dict:  # noqa: ANN001 (GX's signature)
        identifiers: list = []
        for result_id, result in checkpoint_result.run_results.items():
            identifiers += [result_id, ExpectationSuiteIdentifier(name=result.suite_name)]
        self._build_data_docs(site_names=self.site_names, resource_identifiers=identifiers)
        return {
            result_id: {site["site_name"]: site["site_url"]
                        for site in self._get_docs_sites_urls(resource_identifier=result_id,
                                                              site_names=self.site_names)}
            for result_id in checkpoint_result.run_results
        }
