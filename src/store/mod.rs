//! The MariaDB edge: connection settings, schema, and the queries of each table.

pub mod connection;
pub mod logs;
pub mod schema;
