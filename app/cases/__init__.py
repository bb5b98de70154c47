"""Cases: the ministry's work on one sought person, fed by one or more inquiries from relatives."""
