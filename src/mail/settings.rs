//! Pure parts of the mail settings: the SMTP form's validation and the
//! extra-recipients list. No I/O.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use lettre::message::Mailbox;
use lettre::Address;

use crate::error::FieldError;

/// Form field of the extra alert recipients list.
pub const RECIPIENTS_FIELD: &str = "alert_recipients";

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// Plain text throughout (a relay on localhost or a trusted network).
    None,
    /// Plain connection upgraded with STARTTLS before anything else is said;
    /// refused if the server does not offer it (never falls back to plain).
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

impl Security {
    /// `"none"`, `"starttls"` or `"tls"`, in any case, surrounding blanks ignored.
    pub fn parse(value: &str) -> Option<Security> {
        match value.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Security::None),
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            _ => None,
        }
    }

    /// The stored form, the inverse of [`Security::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "none",
            Security::StartTls => "starttls",
            Security::Tls => "tls",
        }
    }

    /// How it is shown to people: "no encryption", "STARTTLS", "TLS".
    pub fn label(self) -> &'static str {
        match self {
            Security::None => "no encryption",
            Security::StartTls => "STARTTLS",
            Security::Tls => "TLS",
        }
    }

    /// The usual port: 25, 587 (submission) or 465 (submissions).
    pub fn default_port(self) -> u16 {
        match self {
            Security::None => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The SMTP form as submitted (or as stored): every value as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct SmtpForm<'a> {
    pub host: &'a str,
    /// Empty means the usual port for `security`.
    pub port: &'a str,
    pub security: &'a str,
    /// Empty means no login.
    pub username: &'a str,
    pub password: &'a str,
    /// `alerts@example.com` or `IP Manager <alerts@example.com>`.
    pub from: &'a str,
}

/// Validated SMTP settings. Build them with [`SmtpSettings::validate`].
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name or IP address (an IPv6 address without brackets).
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty: no login.
    pub username: String,
    pub password: String,
    /// Parses as a mailbox: `alerts@example.com` or `Name <alerts@example.com>`.
    pub from: String,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &if self.password.is_empty() { "" } else { "***" })
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSettings {
    /// Checks every field of the form and returns the settings, or one error
    /// per field at fault (fields `smtp_host`, `smtp_port`, `smtp_security`,
    /// `smtp_username`, `smtp_password`, `smtp_from`) so the form shows them all.
    pub fn validate(form: &SmtpForm<'_>) -> Result<SmtpSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });

        let host = match validate_host(form.host) {
            Ok(host) => host,
            Err(message) => {
                fail("smtp_host", message);
                String::new()
            }
        };
        let security = Security::parse(form.security);
        if security.is_none() {
            fail(
                "smtp_security",
                if form.security.trim().is_empty() {
                    "Choose how the connection is secured: none, STARTTLS or TLS.".to_string()
                } else {
                    format!("\"{}\" is not a connection security; choose none, STARTTLS or TLS.", form.security.trim())
                },
            );
        }
        let port = match form.port.trim() {
            "" => security.unwrap_or(Security::StartTls).default_port(),
            text => match text.parse::<u32>() {
                Ok(port @ 1..=65535) => port as u16,
                _ => {
                    fail(
                        "smtp_port",
                        format!("\"{text}\" is not a port; enter a number from 1 to 65535 (usually 587, 465 or 25)."),
                    );
                    0
                }
            },
        };
        let username = form.username.trim();
        if username.chars().any(char::is_control) {
            fail("smtp_username", "The user name cannot contain line breaks or control characters.".into());
        }
        let password = form.password;
        if password.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
            fail("smtp_password", "The password cannot contain line breaks.".into());
        } else if !username.is_empty() && password.is_empty() {
            fail(
                "smtp_password",
                format!("Enter the password for user {username}, or clear the user name to send without logging in."),
            );
        }
        if username.is_empty() && !password.is_empty() {
            fail("smtp_username", "Enter the user name that goes with the password, or clear the password.".into());
        }
        let from = form.from.trim();
        if from.is_empty() {
            fail("smtp_from", "Enter the sender address (From), like alerts@example.com.".into());
        } else if let Err(e) = Mailbox::from_str(from) {
            fail("smtp_from", format!(
                "\"{from}\" is not a valid sender address ({e}); use alerts@example.com or IP Manager <alerts@example.com>."
            ));
        }

        match (errors.is_empty(), security) {
            (true, Some(security)) => Ok(SmtpSettings {
                host,
                port,
                security,
                username: username.to_string(),
                password: password.to_string(),
                from: from.to_string(),
            }),
            _ => Err(errors),
        }
    }

    /// `host:port`, with brackets around an IPv6 address.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn validate_host(value: &str) -> Result<String, String> {
    let host = value.trim();
    if host.is_empty() {
        return Err("Enter the SMTP server's host name or IP address.".into());
    }
    if host.contains("://") || host.contains('/') {
        return Err(format!(
            "\"{host}\" is not a host name; enter only the name, like mail.example.com, without smtp:// or a path."
        ));
    }
    let unbracketed = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if unbracketed.parse::<IpAddr>().is_ok() {
        return Ok(unbracketed.to_string());
    }
    if let Some((name, port)) = host.rsplit_once(':') {
        if !name.is_empty() && !name.contains(':') && port.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("Enter the port in the port field, and only the host name ({name}) here."));
        }
    }
    if !host.is_ascii() {
        return Err(format!(
            "\"{host}\" is not a host name this client can use; enter its ASCII (xn--) form or the IP address."
        ));
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(format!("\"{host}\" is not a valid host name or IP address."));
    }
    Ok(name.to_string())
}

/// Parses the extra alert recipients: email addresses separated by commas,
/// semicolons, line breaks or blanks. Duplicates (ignoring case) are dropped,
/// the first spelling and the order kept; an empty list is fine. Every invalid
/// entry is named in one error on [`RECIPIENTS_FIELD`].
pub fn parse_recipients(input: &str) -> Result<Vec<String>, FieldError> {
    let mut addresses: Vec<String> = Vec::new();
    let mut invalid: Vec<&str> = Vec::new();
    for entry in input.split(|c: char| matches!(c, ',' | ';') || c.is_whitespace()).filter(|e| !e.is_empty()) {
        match Address::from_str(entry) {
            Ok(_) => {
                if !addresses.iter().any(|a| a.eq_ignore_ascii_case(entry)) {
                    addresses.push(entry.to_string());
                }
            }
            Err(_) => {
                if !invalid.contains(&entry) {
                    invalid.push(entry);
                }
            }
        }
    }
    match invalid.as_slice() {
        [] => Ok(addresses),
        [one] => Err(FieldError {
            field: RECIPIENTS_FIELD.into(),
            message: format!("\"{one}\" is not a valid email address."),
        }),
        many => Err(FieldError {
            field: RECIPIENTS_FIELD.into(),
            message: format!(
                "These are not valid email addresses: {}.",
                many.iter().map(|e| format!("\"{e}\"")).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SmtpForm<'static> {
        SmtpForm {
            host: "mail.example.com",
            port: "587",
            security: "starttls",
            username: "alerts",
            password: "s3cret",
            from: "IP Manager <alerts@example.com>",
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn security_parses_and_prints() {
        for s in [Security::None, Security::StartTls, Security::Tls] {
            assert_eq!(Security::parse(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
        }
        assert_eq!(Security::parse(" STARTTLS "), Some(Security::StartTls));
        assert_eq!(Security::parse("TLS"), Some(Security::Tls));
        assert_eq!(Security::parse("ssl"), None);
        assert_eq!(Security::parse(""), None);
        assert_eq!(Security::Tls.default_port(), 465);
    }

    #[test]
    fn a_good_form_gives_settings() {
        let s = SmtpSettings::validate(&form()).unwrap();
        assert_eq!(s.host, "mail.example.com");
        assert_eq!(s.port, 587);
        assert_eq!(s.security, Security::StartTls);
        assert_eq!(s.username, "alerts");
        assert_eq!(s.password, "s3cret");
        assert_eq!(s.from, "IP Manager <alerts@example.com>");
        assert_eq!(s.server(), "mail.example.com:587");
        assert!(!format!("{s:?}").contains("s3cret"));
    }

    #[test]
    fn blanks_are_trimmed_but_the_password_is_kept_as_typed() {
        let s = SmtpSettings::validate(&SmtpForm {
            host: " 127.0.0.1 ",
            port: " 2525",
            security: "None",
            username: " u ",
            password: " p ",
            from: " a@b.example ",
        })
        .unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.username.as_str(), s.password.as_str(), s.from.as_str()),
            ("127.0.0.1", 2525, "u", " p ", "a@b.example")
        );
    }

    #[test]
    fn an_empty_port_is_the_usual_one_for_the_security() {
        for (security, port) in [("none", 25), ("starttls", 587), ("tls", 465)] {
            let s = SmtpSettings::validate(&SmtpForm { port: "", security, ..form() }).unwrap();
            assert_eq!(s.port, port);
        }
    }

    #[test]
    fn login_is_optional() {
        let s = SmtpSettings::validate(&SmtpForm { username: "", password: "", ..form() }).unwrap();
        assert!(s.username.is_empty());
    }

    #[test]
    fn hosts() {
        for (host, want) in [
            ("smtp.example.com", "smtp.example.com"),
            ("smtp.example.com.", "smtp.example.com"),
            ("localhost", "localhost"),
            ("192.0.2.25", "192.0.2.25"),
            ("2001:db8::25", "2001:db8::25"),
            ("[2001:db8::25]", "2001:db8::25"),
        ] {
            let s = SmtpSettings::validate(&SmtpForm { host, ..form() }).unwrap();
            assert_eq!(s.host, want);
        }
        assert_eq!(
            SmtpSettings::validate(&SmtpForm { host: "::1", port: "25", ..form() }).unwrap().server(),
            "[::1]:25"
        );
        for bad in [
            "",
            "  ",
            "smtp://mail.example.com",
            "mail.example.com:587",
            "bad host",
            "-x.example.com",
            "a..b",
            "mail_1.example.com",
            "exämple.com",
            &"a".repeat(64),
        ] {
            let errors = SmtpSettings::validate(&SmtpForm { host: bad, ..form() }).unwrap_err();
            assert_eq!(fields(&errors), ["smtp_host"], "{bad}");
        }
        let errors = SmtpSettings::validate(&SmtpForm { host: "mail.example.com:587", ..form() }).unwrap_err();
        assert!(errors[0].message.contains("port field"), "{}", errors[0].message);
    }

    #[test]
    fn ports() {
        for good in ["1", "25", "65535"] {
            assert!(SmtpSettings::validate(&SmtpForm { port: good, ..form() }).is_ok(), "{good}");
        }
        for bad in ["0", "65536", "-1", "abc", "5 87", "99999999999"] {
            let errors = SmtpSettings::validate(&SmtpForm { port: bad, ..form() }).unwrap_err();
            assert_eq!(fields(&errors), ["smtp_port"], "{bad}");
        }
    }

    #[test]
    fn security_is_required_and_named() {
        let errors = SmtpSettings::validate(&SmtpForm { security: "", ..form() }).unwrap_err();
        assert_eq!(fields(&errors), ["smtp_security"]);
        let errors = SmtpSettings::validate(&SmtpForm { security: "ssl", ..form() }).unwrap_err();
        assert!(errors[0].message.contains("\"ssl\""));
    }

    #[test]
    fn username_and_password_go_together() {
        let errors = SmtpSettings::validate(&SmtpForm { password: "", ..form() }).unwrap_err();
        assert_eq!(fields(&errors), ["smtp_password"]);
        assert!(errors[0].message.contains("alerts"));
        let errors = SmtpSettings::validate(&SmtpForm { username: " ", ..form() }).unwrap_err();
        assert_eq!(fields(&errors), ["smtp_username"]);
        let errors = SmtpSettings::validate(&SmtpForm { username: "a\nb", ..form() }).unwrap_err();
        assert_eq!(fields(&errors), ["smtp_username"]);
        let errors = SmtpSettings::validate(&SmtpForm { password: "a\r\nb", ..form() }).unwrap_err();
        assert_eq!(fields(&errors), ["smtp_password"]);
    }

    #[test]
    fn from_must_be_a_mailbox() {
        for good in ["a@example.com", "IP Manager <a@example.com>", "\"Ops, Team\" <ops@example.com>"] {
            assert!(SmtpSettings::validate(&SmtpForm { from: good, ..form() }).is_ok(), "{good}");
        }
        for bad in ["", "alerts", "a@", "@example.com", "a b@example.com", "Name <nope>"] {
            let errors = SmtpSettings::validate(&SmtpForm { from: bad, ..form() }).unwrap_err();
            assert_eq!(fields(&errors), ["smtp_from"], "{bad}");
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = SmtpSettings::validate(&SmtpForm {
            host: "",
            port: "0",
            security: "x",
            username: "",
            password: "p",
            from: "nope",
        })
        .unwrap_err();
        assert_eq!(fields(&errors), ["smtp_host", "smtp_security", "smtp_port", "smtp_username", "smtp_from"]);
    }

    #[test]
    fn recipients_are_split_deduplicated_and_kept_in_order() {
        assert_eq!(parse_recipients("").unwrap(), Vec::<String>::new());
        assert_eq!(parse_recipients(" \n ,; ").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_recipients(
                "b@example.com, a@example.com;c@example.com\r\nB@Example.com\n\na@example.com d@example.com"
            )
            .unwrap(),
            ["b@example.com", "a@example.com", "c@example.com", "d@example.com"]
        );
    }

    #[test]
    fn invalid_recipients_are_all_named() {
        let e = parse_recipients("ok@example.com, nope").unwrap_err();
        assert_eq!(e.field, "alert_recipients");
        assert_eq!(e.message, "\"nope\" is not a valid email address.");
        let e = parse_recipients("x@, ok@example.com; @y.example\nx@").unwrap_err();
        assert_eq!(e.field, RECIPIENTS_FIELD);
        assert_eq!(e.message, "These are not valid email addresses: \"x@\", \"@y.example\".");
    }
}
