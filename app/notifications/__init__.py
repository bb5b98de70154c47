"""Outgoing email to families, always through the job queue: a mail server that is down delays a message, never loses
it, and never fails the request that caused it.

`service` enqueues (in the caller's transaction), `jobs` renders and sends (in the worker's), `mailer` speaks SMTP.
"""
