//! Errors of the core. Each says, in words for a hosting operator, what is wrong
//! with a value and, where one exists, the fix; `field` names the form field it
//! belongs to so a page can show the message next to that field.

use std::fmt;

use ipnet::IpNet;

use super::address::IpVersion;

/// Names of the form fields the core validates, shared with the pages so a
/// message lands next to the right input.
pub mod field {
    pub const CIDR: &str = "cidr";
    pub const GATEWAY: &str = "gateway";
    pub const EXCLUDED_IPS: &str = "excluded_ips";
    pub const RANGE_START: &str = "range_start";
    pub const RANGE_END: &str = "range_end";
    pub const PREFIX_LEN: &str = "prefix_len";
}

/// An error of the core: what went wrong (`kind`) and, when it concerns one
/// form field, which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreError {
    field: Option<&'static str>,
    kind: ErrorKind,
}

impl CoreError {
    /// An error that is not (yet) tied to a form field.
    pub fn new(kind: ErrorKind) -> Self {
        CoreError { field: None, kind }
    }

    /// The same error, reported against `field`; parsers that do not know the
    /// form they serve leave it to their caller to say which field it was.
    pub fn in_field(self, field: &'static str) -> Self {
        CoreError {
            field: Some(field),
            ..self
        }
    }

    /// The form field the error belongs to, if any.
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl From<ErrorKind> for CoreError {
    fn from(kind: ErrorKind) -> Self {
        CoreError::new(kind)
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for CoreError {}

/// What went wrong. Text the operator typed is kept as typed (trimmed) and
/// shown in quotes, so they can find it; values the core computed are shown in
/// canonical form without quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// A required value is empty; `what` names it, e.g. "an IP address".
    Required {
        what: &'static str,
    },
    NotAnAddress {
        text: String,
    },
    NotAnAddressOrRange {
        text: String,
    },
    /// An IPv6 address with `%zone`: a zone only means something on one host.
    ZoneId {
        text: String,
    },
    /// `010.0.0.1`: some tools read a leading zero as octal, so it is ambiguous.
    LeadingZeros {
        text: String,
        suggestion: String,
    },
    MixedVersions {
        text: String,
    },
    ReversedRange {
        text: String,
        suggestion: String,
    },
    NotANetwork {
        text: String,
    },
    MissingPrefixLength {
        text: String,
    },
    /// The prefix length is not a number from the allowed span.
    InvalidPrefixLength {
        text: String,
        version: IpVersion,
    },
    /// The address has bits set beyond the prefix; `network` is as typed.
    HostBitsSet {
        network: IpNet,
        suggestion: IpNet,
    },
    /// Shorter than the largest subnet the module manages (see `network`).
    TooLarge {
        network: IpNet,
    },
    /// The value is of the other IP version than the subnet it belongs to.
    WrongVersion {
        text: String,
        version: IpVersion,
        network: IpNet,
    },
    Outside {
        text: String,
        network: IpNet,
    },
    /// A range that starts or ends inside the subnet but not both.
    PartlyOutside {
        text: String,
        network: IpNet,
    },
    ParentVersion {
        child: IpNet,
        parent: IpNet,
    },
    NotInsideParent {
        child: IpNet,
        parent: IpNet,
    },
    SameAsParent {
        network: IpNet,
    },
    Duplicate {
        network: IpNet,
        existing_id: u32,
    },
    Overlaps {
        network: IpNet,
        existing: IpNet,
        existing_id: u32,
    },
    /// An IPv4 gateway on the network or broadcast address, which no host can use.
    GatewayNotHost {
        gateway: String,
        role: &'static str,
        network: IpNet,
    },
    /// A pool range whose last address comes before its first.
    RangeEndsBeforeStart {
        first: String,
        last: String,
    },
    /// A delegated prefix length that cannot fit in, or is longer than, the range.
    DelegationLength {
        requested: u8,
        from: String,
        shortest: u8,
        longest: u8,
    },
    UnknownReservationKind {
        text: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Required { what } => write!(f, "Enter {what}."),
            NotAnAddress { text } => write!(f, "\"{text}\" is not an IP address"),
            NotAnAddressOrRange { text } => write!(f, "\"{text}\" is not an IP address or range"),
            ZoneId { text } => write!(
                f,
                "\"{text}\" has a zone index (the part from %); enter the address without it"
            ),
            LeadingZeros { text, suggestion } => write!(
                f,
                "\"{text}\" has leading zeros, which some systems read as octal; write {suggestion}"
            ),
            MixedVersions { text } => write!(f, "\"{text}\" mixes IPv4 and IPv6"),
            ReversedRange { text, suggestion } => {
                write!(f, "\"{text}\" ends before it starts; did you mean {suggestion}?")
            }
            NotANetwork { text } => write!(
                f,
                "\"{text}\" is not a subnet in CIDR form, e.g. 79.133.56.0/24 or 2001:db8::/48"
            ),
            MissingPrefixLength { text } => write!(
                f,
                "\"{text}\" has no prefix length; write the subnet as address/length, e.g. 79.133.56.0/24"
            ),
            InvalidPrefixLength { text, version } => write!(
                f,
                "\"{text}\" has an invalid prefix length; an {version} subnet takes /{} to /{}",
                super::network::largest_subnet_prefix(*version),
                version.bits()
            ),
            HostBitsSet { network, suggestion } => {
                write!(f, "{network} is not a network address; did you mean {suggestion}?")
            }
            TooLarge { network } => {
                let version = IpVersion::of_network(network);
                write!(
                    f,
                    "{network} is too large; an {version} subnet can be at most a /{}",
                    super::network::largest_subnet_prefix(version)
                )
            }
            WrongVersion { text, version, network } => write!(
                f,
                "\"{text}\" is {version} but {network} is {}",
                IpVersion::of_network(network)
            ),
            Outside { text, network } => write!(f, "\"{text}\" is outside {network}"),
            PartlyOutside { text, network } => write!(f, "\"{text}\" reaches outside {network}"),
            ParentVersion { child, parent } => write!(
                f,
                "{child} is {} but the parent subnet {parent} is {}",
                IpVersion::of_network(child),
                IpVersion::of_network(parent)
            ),
            NotInsideParent { child, parent } => {
                write!(f, "{child} is not inside the parent subnet {parent}")
            }
            SameAsParent { network } => write!(
                f,
                "{network} is the parent subnet itself; a child subnet must be smaller"
            ),
            Duplicate { network, .. } => write!(f, "{network} already exists"),
            Overlaps { network, existing, .. } => {
                write!(f, "{network} overlaps the existing subnet {existing}")
            }
            GatewayNotHost { gateway, role, network } => write!(
                f,
                "{gateway} is the {role} of {network}; choose a host address for the gateway"
            ),
            RangeEndsBeforeStart { first, last } => {
                write!(f, "The range ends at {last}, before its first address {first}")
            }
            DelegationLength {
                requested,
                from,
                shortest,
                longest,
            } => write!(
                f,
                "A /{requested} cannot be delegated from {from}; choose a prefix length from /{shortest} to /{longest}"
            ),
            UnknownReservationKind { text } => write!(
                f,
                "\"{text}\" is not a reservation kind (network, broadcast, gateway or custom)"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    #[test]
    fn field_is_attached_and_kept() {
        let error = CoreError::new(ErrorKind::NotAnAddress { text: "x".into() });
        assert_eq!(error.field(), None);
        let error = error.in_field(field::GATEWAY);
        assert_eq!(error.field(), Some("gateway"));
        assert_eq!(error.to_string(), "\"x\" is not an IP address");
        assert!(matches!(error.kind(), ErrorKind::NotAnAddress { .. }));
    }

    #[test]
    fn messages_name_limits_and_values() {
        let cases: Vec<(ErrorKind, &str)> = vec![
            (ErrorKind::Required { what: "an IP address" }, "Enter an IP address."),
            (
                ErrorKind::HostBitsSet {
                    network: net("79.133.56.7/24"),
                    suggestion: net("79.133.56.0/24"),
                },
                "79.133.56.7/24 is not a network address; did you mean 79.133.56.0/24?",
            ),
            (
                ErrorKind::TooLarge {
                    network: net("10.0.0.0/7"),
                },
                "10.0.0.0/7 is too large; an IPv4 subnet can be at most a /8",
            ),
            (
                ErrorKind::TooLarge {
                    network: net("2000::/15"),
                },
                "2000::/15 is too large; an IPv6 subnet can be at most a /16",
            ),
            (
                ErrorKind::InvalidPrefixLength {
                    text: "10.0.0.0/33".into(),
                    version: IpVersion::V4,
                },
                "\"10.0.0.0/33\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
            ),
            (
                ErrorKind::WrongVersion {
                    text: "2001:db8::1".into(),
                    version: IpVersion::V6,
                    network: net("79.133.56.0/24"),
                },
                "\"2001:db8::1\" is IPv6 but 79.133.56.0/24 is IPv4",
            ),
            (
                ErrorKind::Outside {
                    text: "79.133.57.9".into(),
                    network: net("79.133.56.0/24"),
                },
                "\"79.133.57.9\" is outside 79.133.56.0/24",
            ),
            (
                ErrorKind::Overlaps {
                    network: net("10.0.0.0/23"),
                    existing: net("10.0.1.0/24"),
                    existing_id: 7,
                },
                "10.0.0.0/23 overlaps the existing subnet 10.0.1.0/24",
            ),
            (
                ErrorKind::DelegationLength {
                    requested: 40,
                    from: "2001:db8::/48".into(),
                    shortest: 48,
                    longest: 128,
                },
                "A /40 cannot be delegated from 2001:db8::/48; choose a prefix length from /48 to /128",
            ),
        ];
        for (kind, message) in cases {
            assert_eq!(CoreError::from(kind).to_string(), message);
        }
    }
}
