//! Reading request values that come from PHP (`$_POST`, `$_GET`, WHMCS hook
//! vars): everything may arrive as a string, a number, a bool or be missing.

use serde_json::{Map, Value};

use crate::{Error, Result};

/// A PHP associative array, read leniently the way PHP itself would.
#[derive(Debug, Clone, Default)]
pub struct Input(Map<String, Value>);

impl Input {
    pub fn new(value: Value) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Input(map)),
            Value::Array(list) if list.is_empty() => Ok(Input::default()),
            Value::Null => Ok(Input::default()),
            other => Err(Error::invalid(format!("expected an associative array, got {other}"))),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Trimmed text; missing or null gives "".
    pub fn text(&self, key: &str) -> String {
        match self.0.get(key) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(true)) => "1".into(),
            _ => String::new(),
        }
    }

    /// Text exactly as typed (multi-line fields keep their line breaks).
    pub fn raw_text(&self, key: &str) -> String {
        match self.0.get(key) {
            Some(Value::String(s)) => s.clone(),
            _ => self.text(key),
        }
    }

    /// A checkbox or yes/no value: ticked is any of on, yes, true, 1.
    pub fn flag(&self, key: &str) -> bool {
        match self.0.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
            Some(Value::String(s)) => matches!(s.trim().to_ascii_lowercase().as_str(), "on" | "yes" | "true" | "1"),
            _ => false,
        }
    }

    /// A record id: missing, empty or 0 gives `None`; anything else must be a
    /// positive integer.
    pub fn id(&self, key: &str) -> Result<Option<u32>> {
        let text = self.text(key);
        if text.is_empty() || text == "0" {
            return Ok(None);
        }
        text.parse::<u32>()
            .map(Some)
            .map_err(|_| Error::field(key, format!("\"{text}\" is not a valid id")))
    }

    /// A required record id.
    pub fn required_id(&self, key: &str, what: &str) -> Result<u32> {
        self.id(key)?.ok_or_else(|| Error::field(key, format!("Choose a {what}.")))
    }

    /// A whole number with bounds; missing gives `default`.
    pub fn number(&self, key: &str, default: i64, min: i64, max: i64) -> Result<i64> {
        let text = self.text(key);
        if text.is_empty() {
            return Ok(default);
        }
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(Error::field(key, format!("Enter a whole number from {min} to {max}."))),
        }
    }

    /// A list of ids from a multi-select or a checkbox list.
    pub fn ids(&self, key: &str) -> Result<Vec<u32>> {
        let values: Vec<&Value> = match self.0.get(key) {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(Value::Object(map)) => map.values().collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(single) => vec![single],
        };
        let mut ids = Vec::with_capacity(values.len());
        for value in values {
            let text = match value {
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            };
            match text.parse::<u32>() {
                Ok(id) if id > 0 => ids.push(id),
                _ => return Err(Error::field(key, format!("\"{text}\" is not a valid id"))),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    pub fn nested(&self, key: &str) -> Result<Input> {
        Input::new(self.0.get(key).cloned().unwrap_or(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_php_shaped_values() {
        let input = Input::new(json!({"name": "  Prod ", "n": 5, "on": "on", "off": "", "id": "7", "zero": "0",
            "ids": ["3", 1, "3"], "bad": "x1"}))
        .unwrap();
        assert_eq!(input.text("name"), "Prod");
        assert_eq!(input.text("n"), "5");
        assert!(input.flag("on") && !input.flag("off") && !input.flag("missing"));
        assert_eq!(input.id("id").unwrap(), Some(7));
        assert_eq!(input.id("zero").unwrap(), None);
        assert_eq!(input.ids("ids").unwrap(), vec![1, 3]);
        assert!(input.id("bad").is_err());
        assert_eq!(input.number("n", 0, 0, 10).unwrap(), 5);
        assert!(input.number("n", 0, 0, 4).is_err());
        assert!(Input::new(json!("text")).is_err());
        assert!(Input::new(json!([])).is_ok());
    }
}
