"""Prometheus metrics per app: requests and latencies by route template, core counts at scrape."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from assistant.core import Assistant
from assistant.http.middleware import App, Message, Receive, Scope, Send

log = logging.getLogger("assistant.http")

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # no route (404, or refused at the edge before routing)
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class CoreCollector(Collector):
    """Answers by outcome, cases by status and the oldest waiting case, read at scrape time."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def collect(self) -> Iterator[Metric]:
        """Read the counts from the facade (a failure leaves them out, never the scrape)."""
        try:
            counts = self.assistant.reports.operations()
        except Exception as exc:
            log.warning("metrics: core counts unavailable: %s", type(exc).__name__)
            return
        answers = CounterMetricFamily(
            "lotse_answers", "Stored answers by outcome (every channel)", labels=["outcome"]
        )
        for outcome, count in counts["answers"].items():
            answers.add_metric([outcome], count)
        cases = GaugeMetricFamily("lotse_cases", "Cases by status", labels=["status"])
        for status, count in counts["cases"].items():
            cases.add_metric([status], count)
        yield answers
        yield cases
        yield GaugeMetricFamily(
            "lotse_case_queue_oldest_seconds",
            "Age of the oldest case still waiting for an answer (open or in progress); 0: none",
            value=counts["oldest_waiting_case_seconds"],
        )


class Metrics:
    """A registry per app (several apps in one process never clash)."""

    def __init__(self, assistant: Assistant) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lotse_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "lotse_http_request_duration_seconds",
            "Time until the response was sent, by method, route template and status",
            ["method", "route", "status"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(CoreCollector(assistant))

    def render(self) -> bytes:
        """The Prometheus text format."""
        return generate_latest(self.registry)


def route_template(scope: Scope) -> str:
    """The matched route's path template (bounded label values), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    return f"{scope.get('root_path', '')}{path}" or UNMATCHED


class MetricsMiddleware:
    """Pure ASGI middleware counting every HTTP request once its response is sent."""

    def __init__(self, app: App, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            labels = (method, route_template(scope), str(status))
            self.metrics.requests.labels(*labels).inc()
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)


def install_metrics(app: FastAPI, assistant: Assistant) -> None:
    """Count requests (outermost middleware: refusals at the edge count too); /metrics serves."""
    app.state.metrics = Metrics(assistant)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)  # type: ignore[arg-type]
