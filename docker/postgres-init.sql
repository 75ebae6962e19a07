-- Temporal keeps its own databases next to Mailroom's.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
