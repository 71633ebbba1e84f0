# 查重合并
"""The duplicates tab: groups of volunteers who share an ID number, or a name and a phone. Staff choose the
record to keep and merge the others into it; merge_group moves every record over and keeps
the merged-away rows on file as inactive."""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.services.duplicates import DuplicateGroup, find_duplicates, merge_group
from station_kit.ui.kit.actions import Message, button, on_click
from station_kit.ui.kit.format import format_time
from station_kit.ui.kit.layout import text_block
from station_kit.ui.kit.tables import html_table
from station_kit.ui.volunteers.fields import APP, Context

COLUMNS = ("number", "name", "gender", "age", "id_number", "phone", "team", "squad", "registered_at")


def _table(group: DuplicateGroup) -> str:
    rows = [[v.number, v.name, t(f"enum.gender.{v.gender.value}"), v.age, v.id_number, v.phone, v.team,
             v.squad, format_time(v.registered_at)] for v in group.volunteers]
    return html_table([t(f"volunteers.columns.{column}") for column in COLUMNS], rows)


class DuplicatesTab:
    def __init__(self, context: Context):
        self.context = context
        self.message = Message(f"sk-{APP}-duplicates-message")
        self.groups = widgets.VBox()
        self.groups.add_class(f"sk-{APP}-duplicates")
        refresh = button(t("volunteers.refresh"), f"sk-{APP}-refresh")
        on_click(refresh, self.refresh, self.message)
        self.widget = widgets.VBox([widgets.HBox([refresh]), self.message.widget, self.groups])

    def refresh(self, *, keep_message: bool = False) -> None:
        with self.context.reading() as scope:
            groups = find_duplicates(scope=scope, station_id=self.context.station_id)
        self.groups.children = tuple(self._group(group) for group in groups)
        if keep_message:
            return
        if groups:
            self.message.info(t("volunteers.duplicates_found", count=len(groups)))
        else:
            self.message.info(t("volunteers.duplicates_none"))

    def _group(self, group: DuplicateGroup) -> widgets.VBox:
        options = [(t("volunteers.keep_option", number=v.number, name=v.name,
                      registered=format_time(v.registered_at)), v.id) for v in group.volunteers]
        keep = widgets.RadioButtons(options=options, value=options[0][1],
                                    layout=widgets.Layout(width="auto"))
        keep.add_class(f"sk-{APP}-keep")
        merge = button(t("volunteers.merge"), f"sk-{APP}-merge", primary=True)
        on_click(merge, lambda: self._merge(group, keep.value), self.message, inputs=[keep])
        box = widgets.VBox([
            text_block(t(f"volunteers.duplicate_by_{group.reason}"), "sk-section"),
            widgets.HTML(_table(group)),
            widgets.HBox([text_block(t("volunteers.keep"), "sk-label"), keep]),
            widgets.HBox([merge], layout=widgets.Layout(margin="6px 0 0 0")),
        ], layout=widgets.Layout(margin="10px 0", padding="8px 16px", border="1px solid #d0d5dd"))
        box.add_class(f"sk-{APP}-duplicate-group")
        return box

    def _merge(self, group: DuplicateGroup, keep_id: int) -> None:
        kept = next(v for v in group.volunteers if v.id == keep_id)
        dropped = [v for v in group.volunteers if v.id != keep_id]
        with self.context.writing() as scope:
            merge_group(scope=scope, keep_id=keep_id, drop_ids=[v.id for v in dropped])
        self.refresh(keep_message=True)
        self.message.success(t("volunteers.merged", kept=kept.number,
                               merged=t("list.separator").join(v.number for v in dropped)))
