"""nbadq's two checkpoint actions, subclasses of GX's own (importing this module registers their types).

A Slack alert only when a webhook is configured, and a Data Docs update built once per checkpoint run. Importing
this module also registers nbadq.validation.gx_metrics (each unexpected-rows query sent once, not twice).

GX's SlackNotificationAction resolves `${NBADQ_SLACK_WEBHOOK}` when it sends, and a checkpoint cannot drop an
action at run time (GX refuses to run a checkpoint that differs from its saved JSON). SlackWhenConfigured keeps
GX's rendering, stays silent, without any network call, while the variable is unset, and sends with a timeout
(GX's own post has none: a webhook that never answers hung `validate`). A post that fails is one line on stderr and
never changes the run's exit code: the alert is a courtesy, the exit code is the verdict.
"""

from __future__ import annotations

import os
import sys
from typing import Literal

import requests

from great_expectations.checkpoint.actions import SlackNotificationAction, UpdateDataDocsAction
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from nbadq.validation import gx_metrics  # noqa: F401  (registers the one-execution unexpected-rows metrics)


ENV_SLACK_TIMEOUT = "NBADQ_SLACK_TIMEOUT_SECONDS"
DEFAULT_SLACK_TIMEOUT = 10.0


class SlackWhenConfigured(SlackNotificationAction):
    type: Literal["nbadq_slack"] = "nbadq_slack"  # type: ignore[assignment]
    webhook_env: str = "NBADQ_SLACK_WEBHOOK"

    def run(self, checkpoint_result, action_context=None) -> dict:  # noqa: ANN001 (GX's signature)
        if not os.environ.get(self.webhook_env):
            return {"slack_notification_result": f"not configured (set {self.webhook_env})"}
        return super().run(checkpoint_result, action_context)

    def _send_slack_notification(self, payload: dict) -> dict:
        """GX's send (webhook, or token and channel), with a timeout and a one-line report of a failure."""
        provider = self._resolve_context().context.config_provider
        webhook = self._substitute_config_str_if_needed(self.slack_webhook, provider)
        token = self._substitute_config_str_if_needed(self.slack_token, provider)
        channel = self._substitute_config_str_if_needed(self.slack_channel, provider)
        if channel:
            payload["channel"] = channel
        url = webhook or "https://slack.com/api/chat.postMessage"
        headers = None if webhook else {"Authorization": f"Bearer {token}"}
        try:
            response = requests.post(url, headers=headers, json=payload, timeout=slack_timeout())
            response.raise_for_status()
        except (requests.RequestException, ValueError) as exc:
            _warn(f"Slack alert not sent ({_why(exc)}); the run's result and exit code are unchanged")
            return {"slack_notification_result": None}
        return {"slack_notification_result": "Slack notification succeeded."}


def slack_timeout() -> float:
    """Seconds to wait for Slack to connect and to answer (NBADQ_SLACK_TIMEOUT_SECONDS, default 10)."""
    text = os.environ.get(ENV_SLACK_TIMEOUT, "").strip()
    if not text:
        return DEFAULT_SLACK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{ENV_SLACK_TIMEOUT}={text!r} is not a positive number of seconds")
    return seconds


def _why(exc: Exception) -> str:
    """What went wrong, without the URL: a webhook URL is a credential, and requests' messages quote it."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {slack_timeout():g} s"
    if isinstance(exc, requests.ConnectionError):
        return "could not connect to the webhook"
    if isinstance(exc, (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                        requests.exceptions.InvalidURL)):
        return "the webhook is not a valid http(s) URL"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"the webhook answered HTTP {exc.response.status_code}"
    if isinstance(exc, ValueError) and not isinstance(exc, requests.RequestException):
        return str(exc)
    return type(exc).__name__


def _warn(message: str) -> None:
    from nbadq.redact import redact

    sys.stderr.write(redact(f"nbadq: warning: {message}") + "\n")
    sys.stderr.flush()


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
