//! Direct SMTP delivery with lettre over tokio, TLS by rustls.
//!
//! One connection per message: resolve, connect (TLS from the first byte for
//! [`Security::Tls`]), STARTTLS when asked (never falling back to plain),
//! login when a user name is set, then MAIL / RCPT / DATA issued one by one so
//! a refusal names the address or step the server refused. Every step runs
//! under the transport's timeout. Certificates are verified against the
//! system's CA store (`SSL_CERT_FILE` / `SSL_CERT_DIR` replace it when set),
//! plus any roots given with [`Smtp::trust_root_certificates_pem`].

use std::error::Error as _;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::Error as SmtpError;

use super::{MailError, Security, SmtpSettings, Transport};
use crate::core::message::Message;

/// Budget of each step of the SMTP dialog (connect, TLS, login, each command).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Transferring the message body gets this many times the step budget.
const BODY_TIMEOUT_FACTOR: u32 = 4;

/// Politely ending a session that already failed never waits longer than this.
const QUIT_TIMEOUT: Duration = Duration::from_secs(2);

/// Direct SMTP delivery with the operator's settings.
#[derive(Clone)]
pub struct Smtp {
    settings: SmtpSettings,
    timeout: Duration,
    extra_roots: Vec<Certificate>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("settings", &self.settings)
            .field("timeout", &self.timeout)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

impl Smtp {
    pub fn new(settings: SmtpSettings) -> Smtp {
        Smtp { settings, timeout: DEFAULT_TIMEOUT, extra_roots: Vec::new() }
    }

    /// Sets the budget of each step (default [`DEFAULT_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Smtp {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Also trusts the CA certificates in `pem` (one or more PEM blocks), on
    /// top of the system's store: for a relay with a private CA.
    pub fn trust_root_certificates_pem(mut self, pem: &[u8]) -> Result<Smtp, MailError> {
        let invalid = |reason: String| MailError::Tls {
            server: self.settings.server(),
            reason: format!("the CA certificate given to trust is unusable: {reason}"),
        };
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err(invalid("no PEM certificate in it".into()));
        }
        let certificate = Certificate::from_pem(pem).map_err(|e| invalid(e.to_string()))?;
        self.extra_roots.push(certificate);
        Ok(self)
    }

    pub fn settings(&self) -> &SmtpSettings {
        &self.settings
    }

    fn server(&self) -> String {
        self.settings.server()
    }

    /// Runs one step under the timeout.
    async fn step<T>(
        &self,
        stage: &'static str,
        budget: Duration,
        future: impl Future<Output = Result<T, MailError>>,
    ) -> Result<T, MailError> {
        match tokio::time::timeout(budget, future).await {
            Ok(result) => result,
            Err(_) => Err(MailError::Timeout { server: self.server(), stage, after: budget }),
        }
    }

    fn tls_parameters(&self) -> Result<TlsParameters, MailError> {
        let mut builder = TlsParameters::builder(self.settings.host.clone());
        for root in &self.extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        builder.build_rustls().map_err(|e| MailError::Tls { server: self.server(), reason: e.to_string() })
    }

    /// The message as lettre builds it: envelope and RFC 5322 bytes.
    fn compose(&self, message: &Message) -> Result<(Envelope, Vec<u8>), MailError> {
        let mut recipients: Vec<Mailbox> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for to in message.to.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            let mailbox = Mailbox::from_str(to).map_err(|e| MailError::InvalidAddress {
                role: "recipient",
                address: to.to_string(),
                reason: e.to_string(),
            })?;
            let key = mailbox.email.to_string().to_lowercase();
            if !seen.contains(&key) {
                seen.push(key);
                recipients.push(mailbox);
            }
        }
        if recipients.is_empty() {
            return Err(MailError::NoRecipients);
        }
        let from = Mailbox::from_str(&self.settings.from).map_err(|e| MailError::InvalidAddress {
            role: "sender",
            address: self.settings.from.clone(),
            reason: e.to_string(),
        })?;

        let mut builder = lettre::Message::builder().from(from).subject(message.subject.clone());
        for to in recipients {
            builder = builder.to(to);
        }
        enum Body {
            Single(SinglePart),
            Multi(MultiPart),
        }
        let body = match (message.text.is_empty(), message.html.is_empty()) {
            (false, false) => {
                Body::Multi(MultiPart::alternative_plain_html(message.text.clone(), message.html.clone()))
            }
            (true, false) => Body::Single(SinglePart::html(message.html.clone())),
            _ => Body::Single(SinglePart::plain(message.text.clone())),
        };
        let body = if message.attachments.is_empty() {
            body
        } else {
            let mut mixed = match body {
                Body::Single(part) => MultiPart::mixed().singlepart(part),
                Body::Multi(part) => MultiPart::mixed().multipart(part),
            };
            for attachment in &message.attachments {
                let content_type = ContentType::parse(&attachment.content_type)
                    .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("a valid MIME type"));
                mixed = mixed.singlepart(
                    MimeAttachment::new(attachment.filename.clone()).body(attachment.content.clone(), content_type),
                );
            }
            Body::Multi(mixed)
        };
        let email = match body {
            Body::Single(part) => builder.singlepart(part),
            Body::Multi(part) => builder.multipart(part),
        }
        .map_err(|e| MailError::InvalidMessage(e.to_string()))?;
        Ok((email.envelope().clone(), email.formatted()))
    }

    async fn resolve(&self) -> Result<Vec<SocketAddr>, MailError> {
        let host = self.settings.host.as_str();
        let found = tokio::net::lookup_host((host, self.settings.port))
            .await
            .map_err(|e| MailError::Resolve { host: host.to_string(), reason: e.to_string() })?
            .collect::<Vec<_>>();
        if found.is_empty() {
            return Err(MailError::Resolve { host: host.to_string(), reason: "the name has no address".into() });
        }
        Ok(found)
    }

    /// An error of the connect step: TCP, then (implicit TLS) the handshake,
    /// then the greeting and EHLO.
    fn connect_error(&self, error: SmtpError) -> MailError {
        let server = self.server();
        if error.status().is_some() {
            return MailError::Rejected { server, what: "the connection".into(), reply: reply(&error) };
        }
        match find_io_error(&error) {
            Some(io) if is_connect_failure(io.kind()) => MailError::Connect { server, reason: connect_reason(io) },
            Some(io) if self.settings.security == Security::Tls => {
                MailError::Tls { server, reason: tls_reason(io, &self.settings.host) }
            }
            Some(io) => MailError::Protocol { server, reason: io_reason(io) },
            None if self.settings.security == Security::Tls && error.to_string().contains("DNS name") => {
                MailError::Tls { server, reason: format!("{} is not a name TLS can verify", self.settings.host) }
            }
            None => MailError::Protocol { server, reason: session_reason(&error) },
        }
    }

    /// An error of a later step (after the connection stood).
    fn session_error(&self, error: SmtpError, what: impl FnOnce() -> String) -> MailError {
        let server = self.server();
        if error.status().is_some() {
            return MailError::Rejected { server, what: what(), reply: reply(&error) };
        }
        match find_io_error(&error) {
            Some(io) => MailError::Protocol { server, reason: io_reason(io) },
            None => MailError::Protocol { server, reason: session_reason(&error) },
        }
    }

    async fn deliver(&self, envelope: &Envelope, email: &[u8]) -> Result<(), MailError> {
        let security = self.settings.security;
        let tls = match security {
            Security::None => None,
            Security::StartTls | Security::Tls => Some(self.tls_parameters()?),
        };
        let addresses = self.step("while looking up its address", self.timeout, self.resolve()).await?;
        let hello = ClientId::default();
        let implicit = if security == Security::Tls { tls.clone() } else { None };
        let connect = async {
            AsyncSmtpConnection::connect_tokio1(&addresses[..], Some(self.timeout), &hello, implicit, None)
                .await
                .map_err(|e| self.connect_error(e))
        };
        let stage = if security == Security::Tls { "while connecting (TLS)" } else { "while connecting" };
        let mut conn = self.step(stage, self.timeout, connect).await?;

        let result = self.session(&mut conn, tls, &hello, envelope, email).await;
        match &result {
            // The server answered; end the session politely.
            Ok(())
            | Err(MailError::Rejected { .. } | MailError::AuthRefused { .. } | MailError::AuthUnavailable { .. }) => {
                let _ = tokio::time::timeout(QUIT_TIMEOUT, conn.quit()).await;
            }
            _ => {}
        }
        result
    }

    async fn session(
        &self,
        conn: &mut AsyncSmtpConnection,
        tls: Option<TlsParameters>,
        hello: &ClientId,
        envelope: &Envelope,
        email: &[u8],
    ) -> Result<(), MailError> {
        let server = self.server();
        if self.settings.security == Security::StartTls {
            if !conn.server_info().supports_feature(Extension::StartTls) {
                return Err(MailError::StartTlsUnavailable { server });
            }
            let tls = tls.expect("TLS parameters exist for STARTTLS");
            let upgrade = async {
                conn.starttls(tls, hello).await.map_err(|e| {
                    if e.status().is_some() {
                        MailError::Rejected { server: self.server(), what: "STARTTLS".into(), reply: reply(&e) }
                    } else {
                        let reason = match find_io_error(&e) {
                            Some(io) => tls_reason(io, &self.settings.host),
                            None => session_reason(&e),
                        };
                        MailError::Tls { server: self.server(), reason }
                    }
                })
            };
            self.step("during STARTTLS", self.timeout, upgrade).await?;
        }

        let user = &self.settings.username;
        if !user.is_empty() {
            let credentials = Credentials::new(user.clone(), self.settings.password.clone());
            let login = async {
                match conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.status().is_some() => {
                        Err(MailError::AuthRefused { server: self.server(), user: user.clone(), reply: reply(&e) })
                    }
                    Err(e) if e.is_client() => Err(MailError::AuthUnavailable {
                        server: self.server(),
                        user: user.clone(),
                        encrypted: conn.is_encrypted(),
                        offered: offered(conn),
                    }),
                    Err(e) => Err(self.session_error(e, String::new)),
                }
            };
            self.step("during the login", self.timeout, login).await?;
        }

        let mut options = Vec::new();
        let non_ascii_address = envelope.from().is_some_and(|a| !a.to_string().is_ascii())
            || envelope.to().iter().any(|a| !a.to_string().is_ascii());
        if non_ascii_address {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(MailError::Rejected {
                    server,
                    what: "the message".into(),
                    reply: "it does not support SMTPUTF8, which the non-ASCII addresses need".into(),
                });
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !email.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }

        let sender = envelope.from().cloned();
        let sender_text = sender.as_ref().map(|a| a.to_string()).unwrap_or_default();
        let mail = async {
            conn.command(Mail::new(sender, options))
                .await
                .map(drop)
                .map_err(|e| self.session_error(e, || format!("the sender address {sender_text}")))
        };
        self.step("after MAIL FROM", self.timeout, mail).await?;
        for recipient in envelope.to() {
            let rcpt = async {
                conn.command(Rcpt::new(recipient.clone(), vec![]))
                    .await
                    .map(drop)
                    .map_err(|e| self.session_error(e, || format!("the recipient {recipient}")))
            };
            self.step("after RCPT TO", self.timeout, rcpt).await?;
        }
        let data = async {
            conn.command(Data).await.map(drop).map_err(|e| self.session_error(e, || "the message (DATA)".into()))
        };
        self.step("after DATA", self.timeout, data).await?;
        let body =
            async { conn.message(email).await.map(drop).map_err(|e| self.session_error(e, || "the message".into())) };
        self.step("while receiving the message", self.timeout * BODY_TIMEOUT_FACTOR, body).await
    }
}

impl Transport for Smtp {
    async fn send(&mut self, message: &Message) -> Result<(), MailError> {
        let (envelope, email) = self.compose(message)?;
        self.deliver(&envelope, &email).await
    }

    fn describe(&self) -> String {
        let s = &self.settings;
        let mut text = format!("SMTP server {} ({}", s.server(), s.security.label());
        if !s.username.is_empty() {
            text.push_str(", user ");
            text.push_str(&s.username);
        }
        text.push(')');
        text
    }
}

/// "535 5.7.8 Authentication credentials invalid" from a negative reply.
fn reply(error: &SmtpError) -> String {
    let code = error.status().map(|c| c.to_string()).unwrap_or_default();
    let text = error.source().map(|s| s.to_string()).unwrap_or_default();
    format!("{code} {text}").trim().to_string()
}

fn find_io_error(error: &SmtpError) -> Option<&io::Error> {
    let mut source = error.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io);
        }
        source = e.source();
    }
    None
}

/// The kinds of error a TCP connect gives (as opposed to a broken session).
fn is_connect_failure(kind: io::ErrorKind) -> bool {
    use io::ErrorKind::*;
    matches!(
        kind,
        ConnectionRefused | TimedOut | HostUnreachable | NetworkUnreachable | AddrNotAvailable | PermissionDenied
    )
}

fn connect_reason(error: &io::Error) -> String {
    use io::ErrorKind::*;
    match error.kind() {
        ConnectionRefused => "connection refused (is the server running, and is this its port?)".into(),
        TimedOut => "no answer, the connection timed out (a firewall may drop it)".into(),
        HostUnreachable => "host unreachable".into(),
        NetworkUnreachable => "network unreachable".into(),
        PermissionDenied => "the connection is not permitted here (a local firewall or SELinux policy?)".into(),
        _ => io_reason(error),
    }
}

fn io_reason(error: &io::Error) -> String {
    use io::ErrorKind::*;
    match error.kind() {
        UnexpectedEof => "the server closed the connection".into(),
        ConnectionReset | ConnectionAborted | BrokenPipe => "the server dropped the connection".into(),
        _ => error.to_string(),
    }
}

fn tls_reason(error: &io::Error, host: &str) -> String {
    use rustls::{CertificateError, Error as TlsError};
    let Some(tls) = error.get_ref().and_then(|e| e.downcast_ref::<TlsError>()) else {
        return match error.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => {
                "the server closed the connection during the handshake".into()
            }
            _ => error.to_string(),
        };
    };
    match tls {
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "the server's certificate is not signed by a certificate authority this system trusts \
             (install the CA in the system store, or point SSL_CERT_FILE at it)"
                .into()
        }
        TlsError::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => {
            format!("the server's certificate is not valid for {host} ({tls})")
        }
        TlsError::InvalidCertificate(CertificateError::Expired | CertificateError::ExpiredContext { .. }) => {
            format!("the server's certificate has expired ({tls})")
        }
        TlsError::InvalidMessage(_) => {
            format!("the server does not speak TLS on this port ({tls}); for a plain SMTP port choose STARTTLS or none")
        }
        _ => tls.to_string(),
    }
}

/// lettre's own text for an error without a reply code or an I/O cause.
fn session_reason(error: &SmtpError) -> String {
    match error.source() {
        Some(source) if source.to_string() == "incomplete response" => "the server closed the connection".into(),
        Some(source) => source.to_string(),
        None => error.to_string(),
    }
}

/// What the server advertised in its EHLO reply, as far as this client knows.
fn offered(conn: &AsyncSmtpConnection) -> String {
    let info = conn.server_info();
    let mut list = Vec::new();
    for (mechanism, name) in
        [(Mechanism::Plain, "AUTH PLAIN"), (Mechanism::Login, "AUTH LOGIN"), (Mechanism::Xoauth2, "AUTH XOAUTH2")]
    {
        if info.supports_auth_mechanism(mechanism) {
            list.push(name);
        }
    }
    for (extension, name) in [
        (Extension::StartTls, "STARTTLS"),
        (Extension::EightBitMime, "8BITMIME"),
        (Extension::SmtpUtfEight, "SMTPUTF8"),
    ] {
        if info.supports_feature(extension) {
            list.push(name);
        }
    }
    if list.is_empty() {
        "no extensions".into()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::message::Attachment;

    fn smtp() -> Smtp {
        Smtp::new(SmtpSettings {
            host: "mail.example.com".into(),
            port: 587,
            security: Security::StartTls,
            username: "alerts".into(),
            password: "pw".into(),
            from: "IP Manager <alerts@example.com>".into(),
        })
    }

    fn message() -> Message {
        Message {
            to: vec!["a@example.com".into(), "Ops <B@example.com>".into(), "b@example.com".into()],
            subject: "Pool usage at 91%".into(),
            text: "Pool A is at 91%.".into(),
            html: "<p>Pool A is at 91%.</p>".into(),
            attachments: vec![Attachment {
                filename: "usage.csv".into(),
                content_type: "text/csv".into(),
                content: b"a,b\n1,2\n".to_vec(),
            }],
        }
    }

    #[test]
    fn describe_names_server_security_and_user() {
        assert_eq!(smtp().describe(), "SMTP server mail.example.com:587 (STARTTLS, user alerts)");
        let mut s = smtp();
        s.settings.username.clear();
        s.settings.security = Security::None;
        s.settings.host = "::1".into();
        assert_eq!(s.describe(), "SMTP server [::1]:587 (no encryption)");
    }

    #[test]
    fn compose_builds_alternative_and_attachments_and_dedupes_the_envelope() {
        let (envelope, bytes) = smtp().compose(&message()).unwrap();
        let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
        assert_eq!(to, ["a@example.com", "B@example.com"]);
        assert_eq!(envelope.from().unwrap().to_string(), "alerts@example.com");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("Subject: Pool usage at 91%"), "{text}");
        assert!(text.contains("multipart/mixed"));
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("filename=\"usage.csv\""));
        assert!(text.contains("Content-Type: text/csv"));
    }

    #[test]
    fn compose_without_html_or_attachments_is_plain_text() {
        let m = Message {
            to: vec!["a@example.com".into()],
            subject: "s".into(),
            text: "hello".into(),
            ..Default::default()
        };
        let (_, bytes) = smtp().compose(&m).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("Content-Type: text/plain"), "{text}");
        assert!(!text.contains("multipart"));
    }

    #[test]
    fn compose_refuses_no_or_bad_recipients() {
        let m = Message { to: vec![], ..message() };
        assert_eq!(smtp().compose(&m).unwrap_err(), MailError::NoRecipients);
        let m = Message { to: vec![" ".into()], ..message() };
        assert_eq!(smtp().compose(&m).unwrap_err(), MailError::NoRecipients);
        let m = Message { to: vec!["nope".into()], ..message() };
        let e = smtp().compose(&m).unwrap_err();
        assert!(matches!(e, MailError::InvalidAddress { role: "recipient", .. }), "{e:?}");
        assert!(e.to_string().contains("\"nope\""), "{e}");
    }

    #[test]
    fn a_bad_attachment_type_falls_back_to_octet_stream() {
        let mut m = message();
        m.attachments[0].content_type = "not a type".into();
        let (_, bytes) = smtp().compose(&m).unwrap();
        assert!(String::from_utf8(bytes).unwrap().contains("application/octet-stream"));
    }

    #[test]
    fn trusting_requires_a_pem_certificate() {
        let e = smtp().trust_root_certificates_pem(b"nothing here").unwrap_err();
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
    }

    #[test]
    fn error_messages_read_well() {
        let e = MailError::AuthRefused {
            server: "127.0.0.1:2526".into(),
            user: "x".into(),
            reply: "535 5.7.8 Authentication credentials invalid".into(),
        };
        assert_eq!(
            e.to_string(),
            "SMTP server 127.0.0.1:2526 refused the login for user x: 535 5.7.8 Authentication credentials invalid"
        );
        assert!(!e.is_transient());
        let e = MailError::Rejected {
            server: "h:25".into(),
            what: "the sender address a@b.c".into(),
            reply: "530 5.7.0 Authentication required".into(),
        };
        assert!(e.to_string().contains("set the SMTP user name and password"));
        let e = MailError::Rejected {
            server: "h:25".into(),
            what: "the recipient a@b.c".into(),
            reply: "451 try later".into(),
        };
        assert!(e.is_transient());
        let e = MailError::Timeout {
            server: "h:25".into(),
            stage: "during the login",
            after: Duration::from_millis(15_000),
        };
        assert_eq!(e.to_string(), "SMTP server h:25 did not answer within 15 s during the login");
    }
}
