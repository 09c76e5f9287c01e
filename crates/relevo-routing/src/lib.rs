//! Routing decisions (work in progress).
