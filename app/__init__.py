"""POW Liaison: case management for families of soldiers who may be captured or dead."""
