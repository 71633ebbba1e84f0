"""The kernels `station-kit serve` runs, and what they may tell a browser.

`StationWebsocketConnection` keeps tracebacks, error details and stderr out of what the
kernel websocket sends, and writes them to the server log instead.
"""

from __future__ import annotations

import re

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

# Shown wherever a kernel reports an error to the page; the details go to the server log.
ERROR_TEXT = "页面运行出错，详细信息已记入服务器日志，请联系管理员。"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def client_safe(msg_type: str, content: dict) -> dict | None:
    """The content a browser may see of a kernel message: unchanged, with the error's
    details replaced by `ERROR_TEXT`, or None when the message must not be sent at all.

    Tracebacks name server files and library versions, and a kernel's stderr carries its
    log (ipykernel logs a failed comm open there, traceback included) and warnings with
    file paths. None of it is meant for staff; all of it is for the server log.
    """
    if msg_type == "stream":
        return None if content.get("name") == "stderr" else content
    if msg_type == "error" or (msg_type == "execute_reply" and content.get("status") == "error"):
        return {**content, "ename": "Error", "evalue": ERROR_TEXT, "traceback": [ERROR_TEXT]}
    return content


def error_details(msg_type: str, content: dict) -> str:
    """What `client_safe` withholds, readable in the server log."""
    if msg_type == "stream":
        text = content.get("text", "")
    else:
        lines = content.get("traceback") or [f"{content.get('ename')}: {content.get('evalue')}"]
        text = "\n".join(lines)
    return ANSI_ESCAPE.sub("", text).rstrip()


class StationWebsocketConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's kernel websocket, with each kernel message passed through `client_safe`.

    Only error, execute_reply and stream messages are unpacked to look inside; the rest,
    widget state included, pass as they came.
    """

    watched = frozenset({"error", "execute_reply", "stream"})

    def handle_outgoing_message(self, stream, outgoing_msg: list) -> None:
        idents, parts = self.session.feed_identities(outgoing_msg)
        msg_type = self.session.unpack(parts[1]).get("msg_type")
        if msg_type not in self.watched:
            return super().handle_outgoing_message(stream, outgoing_msg)
        content = self.session.unpack(parts[4])
        safe = client_safe(msg_type, content)
        if safe is content:
            return super().handle_outgoing_message(stream, outgoing_msg)
        self.log.warning(
            "Kernel %s %s, kept from the browser:\n%s",
            self.kernel_id,
            content.get("name") if msg_type == "stream" else msg_type,
            error_details(msg_type, content),
        )
        if safe is None:
            return None
        # Checks the kernel's signature before signing the changed message anew.
        msg = self.session.deserialize(parts)
        msg["content"] = safe
        return super().handle_outgoing_message(stream, self.session.serialize(msg, ident=idents))
