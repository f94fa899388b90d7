//! Who is acting: always passed in explicitly by the shim, so logs and
//! ownership checks never depend on hidden state.

use crate::app::input::Input;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Admin,
    Client,
    Cron,
    Hook,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Admin => "admin",
            ActorKind::Client => "client",
            ActorKind::Cron => "cron",
            ActorKind::Hook => "hook",
            ActorKind::System => "system",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// tbladmins.id or tblclients.id; 0 for cron, hooks and the system.
    pub id: u32,
    /// The request's remote address, when there is a request.
    pub ip: String,
}

impl Actor {
    /// `['admin_id' => N]`, `['client_id' => N]` or `['system' => 'cron'|'hook']`,
    /// each with an optional `'ip'`.
    pub fn from_input(input: &Input) -> Result<Self> {
        let ip = input.text("ip");
        if let Some(id) = input.id("admin_id")? {
            return Ok(Actor { kind: ActorKind::Admin, id, ip });
        }
        if let Some(id) = input.id("client_id")? {
            return Ok(Actor { kind: ActorKind::Client, id, ip });
        }
        let kind = match input.text("system").as_str() {
            "cron" => ActorKind::Cron,
            "hook" => ActorKind::Hook,
            "" | "system" => ActorKind::System,
            other => return Err(Error::invalid(format!("unknown acting identity \"{other}\""))),
        };
        Ok(Actor { kind, id: 0, ip })
    }

    pub fn system() -> Self {
        Actor { kind: ActorKind::System, id: 0, ip: String::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identities() {
        let admin = Actor::from_input(&Input::new(json!({"admin_id": "3", "ip": "10.0.0.1"})).unwrap()).unwrap();
        assert_eq!((admin.kind, admin.id, admin.ip.as_str()), (ActorKind::Admin, 3, "10.0.0.1"));
        let client = Actor::from_input(&Input::new(json!({"client_id": 9})).unwrap()).unwrap();
        assert_eq!((client.kind, client.id), (ActorKind::Client, 9));
        let cron = Actor::from_input(&Input::new(json!({"system": "cron"})).unwrap()).unwrap();
        assert_eq!(cron.kind, ActorKind::Cron);
        assert!(Actor::from_input(&Input::new(json!({"system": "root"})).unwrap()).is_err());
    }
}
