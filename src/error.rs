//! The one error type of the extension. Every variant maps to one class of the
//! `IpManagerException` family at the PHP boundary (`php::exception`).

use std::fmt;

/// A message about one form field, so a page can show it next to that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The caller's input is wrong; nothing was changed. `fields` names the form
    /// fields at fault (may be empty when the input is not a form).
    InvalidInput { message: String, fields: Vec<FieldError> },
    /// A record the caller named does not exist (any more).
    NotFound(String),
    /// The change contradicts the current state (overlap, in use, duplicate).
    Conflict(String),
    /// No free address is left where the caller asked for one.
    Exhausted(String),
    /// The database is unreachable, timed out, or refused a statement.
    Database(String),
    /// A bug: a broken invariant or a panic caught at the boundary.
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput { message: message.into(), fields: Vec::new() }
    }

    /// An input error about one named form field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::InvalidInput {
            fields: vec![FieldError { field: field.into(), message: message.clone() }],
            message,
        }
    }

    /// Several field errors at once, so a form shows all its problems together.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [one] => one.message.clone(),
            many => format!("{} fields need attention: {}", many.len(),
                many.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")),
        };
        Error::InvalidInput { message, fields }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::InvalidInput { message, .. } => message,
            Error::NotFound(m)
            | Error::Conflict(m)
            | Error::Exhausted(m)
            | Error::Database(m)
            | Error::Internal(m) => m,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

impl From<mysql_async::Error> for Error {
    fn from(e: mysql_async::Error) -> Self {
        use mysql_async::{DriverError, Error as E};
        match &e {
            E::Io(io) => Error::Database(format!(
                "Cannot reach the WHMCS database: {io}. Check that MariaDB/MySQL is running and that \
                 the host, port or socket in configuration.php are right."
            )),
            E::Server(s) if s.code == 1045 => Error::Database(format!(
                "The WHMCS database refused the login: {}. Check $db_username and $db_password in configuration.php.",
                s.message
            )),
            E::Server(s) if s.code == 1049 => Error::Database(format!(
                "The WHMCS database does not exist: {}. Check $db_name in configuration.php.",
                s.message
            )),
            E::Driver(DriverError::PoolDisconnected) => {
                Error::Database("The database connection was closed while the extension shut down.".into())
            }
            _ => Error::Database(format!("Database error: {e}")),
        }
    }
}

impl From<crate::core::CoreError> for Error {
    fn from(e: crate::core::CoreError) -> Self {
        match e.field() {
            Some(field) => Error::field(field, e.to_string()),
            None => Error::invalid(e.to_string()),
        }
    }
}
