"""Family access: a requester's portal access code, how it is issued, revoked and checked, and its email.

Below the inquiry domain (which hands codes out when an inquiry lands on a case) and the portal (which checks them at
sign-in): it knows cases and inquiries, never the pages that use it.
"""
