"""Hotline intake: inquiries from relatives by phone, email, web form or in person."""
