"""Email intake: the hotline's mailboxes flow into cases, with nothing lost and nothing retyped.

The worker reads each configured IMAP mailbox (`imap`) or, in development, a drop directory (`directory`); `intake`
stores every message raw for evidence with what `parse` could read from it, in a transaction that also routes it
(`routing`: a requester writing about their own case lands in its contact log) and queues the acknowledgement
(`acknowledge`). Only after that commit is the message marked in the mailbox, so a crash at any moment neither loses
nor duplicates it. Everything not routed waits in the email inbox for operators (`inbox`, `triage`).
"""
