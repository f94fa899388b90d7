//! An email as the module composes it, independent of how it is delivered
//! (WHMCS's own mail or direct SMTP).

/// A composed email. `to` may be empty when the transport picks the
/// recipients itself (WHMCS's admin notifications do).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub to: Vec<String>,
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body with the same content.
    pub html: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// MIME type, like `text/csv`.
    pub content_type: String,
    pub content: Vec<u8>,
}
