//! Unit tests of the client, one file per rule family.
