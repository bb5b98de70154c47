"""Is this mail written by a machine? Then it is never answered, so no mail loop can form (RFC 3834, RFC 2369).

Auto-replies (`Auto-Submitted` other than `no`, the `X-Autoreply` family, Microsoft's `X-Auto-Response-Suppress`),
bulk and list mail (`Precedence: bulk|list|junk`, `List-Id` and the other list headers), and bounces (a null
`Return-Path`, `multipart/report`, `MAILER-DAEMON`/`postmaster` senders).
"""

from __future__ import annotations

from email.message import Message

_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "List-Help", "Mailing-List")
_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponse", "X-Auto-Reply-From")
_SYSTEM_LOCAL_PARTS = frozenset(
    {"mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply", "donotreply", "bounce", "bounces"}
)


def automatic_reason(message: Message, sender_address: str | None) -> str | None:
    """Why `message` is automatic mail, or None when a person wrote it.

    Reads the header source (`raw_items`): these are plain tokens, and `policy.default` would build a full header
    object for each lookup."""
    raw: dict[str, str] = {}
    for name, value in message.raw_items():
        raw.setdefault(name.lower(), " ".join(str(value).split()).lower())

    def _get(_message: Message, name: str) -> str:
        return raw.get(name.lower(), "")

    auto_submitted = _get(message, "Auto-Submitted")
    if auto_submitted and auto_submitted.split(";", 1)[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted[:30]}"
    precedence = _get(message, "Precedence")
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in _LIST_HEADERS:
        if name.lower() in raw:
            return f"mailing list ({name})"
    for name in _AUTOREPLY_HEADERS:
        if name.lower() in raw:
            return f"auto-reply ({name})"
    suppress = _get(message, "X-Auto-Response-Suppress")
    if any(word in suppress for word in ("all", "oof", "autoreply")):
        return "auto-reply (X-Auto-Response-Suppress)"
    if "return-path" in raw and raw["return-path"] in ("<>", ""):
        return "bounce (null Return-Path)"
    if message.get_content_type() == "multipart/report":
        return "bounce (delivery report)"
    if sender_address and sender_address.split("@", 1)[0] in _SYSTEM_LOCAL_PARTS:
        return "system sender"
    return None
