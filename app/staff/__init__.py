"""Staff accounts: who works in the service and with which roles."""
