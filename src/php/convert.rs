//! PHP values <-> `serde_json::Value`, so use cases take and return plain,
//! ordered data and never see a `Zval`.

use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

use crate::{Error, Result};

/// Converts a PHP value; numeric-string keys come back as strings, as PHP
/// arrays from `$_POST` use them.
pub fn to_value(zval: &Zval) -> Value {
    let zval = zval.dereference();
    if let Some(array) = zval.array() {
        return array_to_value(array);
    }
    if let Some(b) = zval.bool() {
        return Value::Bool(b);
    }
    if let Some(n) = zval.long() {
        return Value::from(n);
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    if zval.is_string() {
        return Value::String(zval.string().unwrap_or_else(|| {
            String::from_utf8_lossy(zval.zend_str().map(|s| s.as_bytes()).unwrap_or_default()).into_owned()
        }));
    }
    Value::Null
}

pub fn array_to_value(array: &ZendHashTable) -> Value {
    if array.has_sequential_keys() {
        Value::Array(array.values().map(to_value).collect())
    } else {
        let mut map = Map::with_capacity(array.len());
        for (key, value) in array {
            map.insert(key.to_string(), to_value(value));
        }
        Value::Object(map)
    }
}

pub fn to_zval(value: &Value) -> Result<Zval> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => zval.set_string(s, false).map_err(php_error)?,
        Value::Array(items) => {
            let mut array = ZendHashTable::with_capacity(items.len().try_into().unwrap_or(u32::MAX));
            for item in items {
                array.push(to_zval(item)?).map_err(php_error)?;
            }
            zval.set_hashtable(array);
        }
        Value::Object(map) => {
            let mut array = ZendHashTable::with_capacity(map.len().try_into().unwrap_or(u32::MAX));
            for (key, item) in map {
                let inserted = match php_integer_key(key) {
                    Some(index) => array.insert(index, to_zval(item)?),
                    None => array.insert(key.as_str(), to_zval(item)?),
                };
                inserted.map_err(php_error)?;
            }
            zval.set_hashtable(array);
        }
    }
    Ok(zval)
}

/// PHP stores a key such as "42" as the integer 42; keys must match that rule
/// or `$array[42]` would not find them.
fn php_integer_key(key: &str) -> Option<i64> {
    let digits = key.strip_prefix('-').unwrap_or(key);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && key != "-0";
    canonical.then(|| key.parse().ok()).flatten()
}

fn php_error(e: ext_php_rs::error::Error) -> Error {
    Error::Internal(format!("cannot build a PHP value: {e}"))
}
