//! The mail edge: delivering a composed [`Message`](crate::core::message::Message).
//!
//! A [`Transport`] sends one message; [`Smtp`] is direct SMTP delivery (lettre,
//! rustls, the system's CA store), and the PHP boundary has a WHMCS-mail
//! transport too. [`settings`] holds the pure parts: the SMTP form's
//! validation ([`SmtpSettings::validate`]) and the extra-recipients list
//! ([`parse_recipients`]). Delivery failures are [`MailError`], whose text is
//! meant for the operator as it is.

pub mod error;
pub mod settings;
pub mod smtp;

pub use error::MailError;
pub use settings::{parse_recipients, Security, SmtpForm, SmtpSettings, RECIPIENTS_FIELD};
pub use smtp::{Smtp, DEFAULT_TIMEOUT};

use crate::core::message::Message;

/// Something that delivers a composed message.
///
/// Used from the per-process current-thread runtime, so the futures need not
/// be `Send`.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Delivers `message`; on error nothing was delivered (an SMTP server that
    /// refuses one recipient gets the message for none of them).
    async fn send(&mut self, message: &Message) -> Result<(), MailError>;

    /// Where the messages go, for logs and the settings page's test result:
    /// "SMTP server mail.example.com:587 (STARTTLS, user alerts)".
    fn describe(&self) -> String;
}
