"""The 审核 tab: the queue of pending records; approve or reject many at once, back-fills flagged."""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.rules.hours import hours_text
from station_kit.services.records import approve_records, reject_records
from station_kit.services.rosters import pending_queue
from station_kit.ui.activities.fields import APP, Context, text
from station_kit.ui.kit.actions import Message, button, on_click
from station_kit.ui.kit.format import format_time
from station_kit.ui.kit.forms import CheckboxGroup, labelled

QUEUE_LIMIT = 200


class ApprovalsTab:
    def __init__(self, context: Context):
        self.context = context
        self.message = Message(f"sk-{APP}-approvals-message")
        self.summary = widgets.HTML()
        self.summary.add_class(f"sk-{APP}-queue-summary")
        self.select_all = widgets.Checkbox(description=t("activities.select_all"), indent=False)
        self.select_all.add_class(f"sk-{APP}-select-all")
        self.select_all.observe(self._select_all, "value")
        self.queue = CheckboxGroup([])
        self.holder = widgets.VBox()
        self.holder.add_class(f"sk-{APP}-queue")
        self.reason = labelled(APP, "reason", t("activities.decision_note"), text("activities.decision_placeholder"))
        approve = button(t("activities.approve"), f"sk-{APP}-approve", primary=True)
        reject = button(t("activities.reject"), f"sk-{APP}-reject")
        refresh = button(t("volunteers.refresh"), f"sk-{APP}-queue-refresh")
        on_click(approve, self._approve, self.message, [self.holder, self.reason.widget])
        on_click(reject, self._reject, self.message, [self.holder, self.reason.widget])
        on_click(refresh, self.refresh, self.message)
        # The decision sits above the queue: with 200 lines below, a worker should not scroll to find it.
        self.widget = widgets.VBox([widgets.HBox([refresh, self.summary]), self.reason.row,
                                    widgets.HBox([approve, reject]), self.message.widget, self.select_all,
                                    self.holder])

    def refresh(self) -> None:
        with self.context.reading() as scope:
            lines, total = pending_queue(scope=scope, station_id=self.context.station_id, limit=QUEUE_LIMIT)
        options = []
        for line in lines:
            label = t("activities.queue_line", name=line.name, activity=line.activity,
                      when=format_time(line.activity_starts_at), hours=hours_text(line.minutes))
            if line.no_show:
                label += t("activities.queue_no_show")
            if line.checked_in_only:
                label += t("activities.queue_checked_in")
            if line.is_backfill:
                label += t("activities.queue_backfill", reason=line.backfill_reason)
            options.append((label, line.record_id))
        self.queue = CheckboxGroup(options, columns=1)
        self.queue.layout.grid_template_columns = "1fr"
        self.queue.add_class(f"sk-{APP}-queue-items")
        self.holder.children = [self.queue]
        self.select_all.value = False
        key = "activities.queue_cut" if total > len(lines) else "activities.queue_count"
        self.summary.value = t(key, shown=len(lines), total=total)

    def _select_all(self, change) -> None:
        self.queue.value = self.queue.choices if change["new"] else ()

    def _decide(self, decide, **kwargs) -> int:
        self.reason.show([])
        with self.context.writing() as scope:
            return decide(scope=scope, record_ids=list(self.queue.value), **kwargs)

    def _approve(self) -> None:
        count = self._decide(approve_records, reason=self.reason.widget.value)
        self.refresh()
        self.message.success(t("activities.approved", count=count))

    def _reject(self) -> None:
        count = self._decide(reject_records, reason=self.reason.widget.value)
        self.refresh()
        self.message.success(t("activities.rejected", count=count))
