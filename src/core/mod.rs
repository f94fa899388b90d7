//! The pure core: address math, ranges, reservations, allocation planning and
//! validation. No I/O here.
