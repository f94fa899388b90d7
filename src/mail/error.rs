//! Why a message was not delivered, in words an operator can act on.

use std::fmt;
use std::time::Duration;

/// A delivery failure. Nothing was delivered when a transport returns one.
/// `Display` is the operator's message, naming the server and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailError {
    /// The message names no recipient; nothing was sent.
    NoRecipients,
    /// An address of the message or the settings does not parse.
    /// `role` is "sender" or "recipient".
    InvalidAddress { role: &'static str, address: String, reason: String },
    /// The message could not be put together (a bug in its composition).
    InvalidMessage(String),
    /// The server's host name does not resolve.
    Resolve { host: String, reason: String },
    /// No TCP connection: refused, unreachable, timed out.
    Connect { server: String, reason: String },
    /// The server stopped answering; `stage` is what was going on ("while
    /// connecting", "during the login", ...).
    Timeout { server: String, stage: &'static str, after: Duration },
    /// The TLS handshake failed (untrusted or mismatched certificate, not a
    /// TLS port, ...).
    Tls { server: String, reason: String },
    /// Security is STARTTLS but the server does not offer it.
    StartTlsUnavailable { server: String },
    /// A user name is set but the server offers no login this client can use
    /// on this connection. `offered` is the server's EHLO capabilities.
    AuthUnavailable { server: String, user: String, encrypted: bool, offered: String },
    /// The server refused the user name or password; `reply` is its answer
    /// ("535 5.7.8 Authentication credentials invalid").
    AuthRefused { server: String, user: String, reply: String },
    /// The server refused a step of the dialog; `what` names it ("the sender
    /// address a@example.com", "the recipient b@example.com", "the message").
    Rejected { server: String, what: String, reply: String },
    /// The session broke off (connection closed, garbled reply).
    Protocol { server: String, reason: String },
    /// A transport other than SMTP failed; the text is shown as it is.
    Other(String),
}

impl MailError {
    /// True when trying again later may succeed: the server was unreachable or
    /// busy, or answered with a 4xx (temporary) reply.
    pub fn is_transient(&self) -> bool {
        match self {
            MailError::Resolve { .. }
            | MailError::Connect { .. }
            | MailError::Timeout { .. }
            | MailError::Protocol { .. } => true,
            MailError::AuthRefused { reply, .. } | MailError::Rejected { reply, .. } => reply.starts_with('4'),
            _ => false,
        }
    }
}

impl fmt::Display for MailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MailError::NoRecipients => f.write_str("The email has no recipients, so nothing was sent."),
            MailError::InvalidAddress { role, address, reason } => {
                write!(f, "The {role} address \"{address}\" is not a valid email address ({reason}); nothing was sent.")
            }
            MailError::InvalidMessage(reason) => write!(f, "The email could not be composed: {reason}"),
            MailError::Resolve { host, reason } => write!(f, "Could not find SMTP server {host}: {reason}"),
            MailError::Connect { server, reason } => write!(f, "Could not connect to SMTP server {server}: {reason}"),
            MailError::Timeout { server, stage, after } => {
                if after.subsec_millis() == 0 {
                    write!(f, "SMTP server {server} did not answer within {} s {stage}", after.as_secs())
                } else {
                    write!(f, "SMTP server {server} did not answer within {:.1} s {stage}", after.as_secs_f64())
                }
            }
            MailError::Tls { server, reason } => write!(f, "TLS handshake with SMTP server {server} failed: {reason}"),
            MailError::StartTlsUnavailable { server } => write!(
                f,
                "SMTP server {server} does not offer STARTTLS; check the port (587 usually offers STARTTLS, \
                 465 expects security TLS)"
            ),
            MailError::AuthUnavailable { server, user, encrypted, offered } => {
                write!(
                    f,
                    "SMTP server {server} offers no login (AUTH PLAIN or LOGIN) for user {user} on this connection"
                )?;
                if !encrypted {
                    f.write_str("; many servers offer it only over STARTTLS or TLS")?;
                }
                if !offered.is_empty() {
                    write!(f, " (it offers: {offered})")?;
                }
                Ok(())
            }
            MailError::AuthRefused { server, user, reply } => {
                write!(f, "SMTP server {server} refused the login for user {user}: {reply}")
            }
            MailError::Rejected { server, what, reply } => {
                write!(f, "SMTP server {server} rejected {what}: {reply}")?;
                if reply.starts_with("530") {
                    f.write_str(" (the server wants a login: set the SMTP user name and password)")?;
                }
                Ok(())
            }
            MailError::Protocol { server, reason } => write!(f, "The SMTP session with {server} failed: {reason}"),
            MailError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for MailError {}
