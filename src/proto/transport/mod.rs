//! Transport state per (auth key, session): arrives with the transport layer.
