//! The `IpManagerException` family, and the one place where a Rust error
//! becomes a PHP exception.
//!
//! The classes are registered by hand with `ClassBuilder` rather than with
//! `#[php_class]`: only then do they behave like a class written in PHP (PHP
//! can construct and subclass them, and file, line and trace are filled in).

use std::sync::atomic::{AtomicPtr, Ordering};

use ext_php_rs::builders::{ClassBuilder, ClassProperty};
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::PropertyFlags;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ZendObject, Zval};
use ext_php_rs::zend::{ce, ClassEntry};
use serde_json::{Map, Value};

use crate::Error;

struct ExceptionClass {
    name: &'static str,
    code: i32,
    entry: AtomicPtr<ClassEntry>,
}

impl ExceptionClass {
    const fn new(name: &'static str, code: i32) -> Self {
        ExceptionClass { name, code, entry: AtomicPtr::new(std::ptr::null_mut()) }
    }

    fn class_entry(&self) -> &'static ClassEntry {
        let entry = self.entry.load(Ordering::Acquire);
        // SAFETY: stored once at module start-up from the engine's class table,
        // which lives as long as the process.
        unsafe { entry.as_ref() }.unwrap_or_else(ce::exception)
    }
}

static BASE: ExceptionClass = ExceptionClass::new("IpManagerException", 1);
static INVALID_INPUT: ExceptionClass = ExceptionClass::new("IpManagerInvalidInputException", 2);
static NOT_FOUND: ExceptionClass = ExceptionClass::new("IpManagerNotFoundException", 3);
static CONFLICT: ExceptionClass = ExceptionClass::new("IpManagerConflictException", 4);
static EXHAUSTED: ExceptionClass = ExceptionClass::new("IpManagerExhaustedException", 5);
static DATABASE: ExceptionClass = ExceptionClass::new("IpManagerDatabaseException", 6);

fn base_entry() -> &'static ClassEntry {
    BASE.class_entry()
}

/// Registers the classes; called once from module start-up.
pub fn register() -> ext_php_rs::error::Result<()> {
    ClassBuilder::new(BASE.name)
        .extends((ce::exception, "\\Exception"))
        .registration(|entry, _| BASE.entry.store(entry, Ordering::Release))
        .register()?;
    for class in [&INVALID_INPUT, &NOT_FOUND, &CONFLICT, &EXHAUSTED, &DATABASE] {
        let mut builder = ClassBuilder::new(class.name).extends((base_entry, "\\IpManagerException"));
        if std::ptr::eq(class, &INVALID_INPUT) {
            // Field name => message, so a form can show each error next to its field.
            builder = builder.property(ClassProperty {
                name: "errors".into(),
                flags: PropertyFlags::Public,
                default: None,
                docs: &[],
                ty: None,
                nullable: true,
                readonly: false,
                default_stub: None,
            });
        }
        let registration: fn(&'static mut ClassEntry, _) = match class.name {
            "IpManagerInvalidInputException" => |e, _| INVALID_INPUT.entry.store(e, Ordering::Release),
            "IpManagerNotFoundException" => |e, _| NOT_FOUND.entry.store(e, Ordering::Release),
            "IpManagerConflictException" => |e, _| CONFLICT.entry.store(e, Ordering::Release),
            "IpManagerExhaustedException" => |e, _| EXHAUSTED.entry.store(e, Ordering::Release),
            _ => |e, _| DATABASE.entry.store(e, Ordering::Release),
        };
        builder.registration(registration).register()?;
    }
    Ok(())
}

/// Maps an error to its exception class.
pub fn to_php(error: Error) -> PhpException {
    let class = match &error {
        Error::InvalidInput { .. } => &INVALID_INPUT,
        Error::NotFound(_) => &NOT_FOUND,
        Error::Conflict(_) => &CONFLICT,
        Error::Exhausted(_) => &EXHAUSTED,
        Error::Database(_) => &DATABASE,
        Error::Internal(_) => &BASE,
    };
    let message = match &error {
        Error::Internal(detail) => format!(
            "Internal error in the ipmanager extension ({detail}). The operation was not completed; \
             please report this with the steps that led to it."
        ),
        other => other.message().to_string(),
    };
    let exception = PhpException::new(message.clone(), class.code, class.class_entry());
    match error {
        Error::InvalidInput { fields, .. } if !fields.is_empty() => {
            let errors: Map<String, Value> =
                fields.into_iter().map(|f| (f.field, Value::String(f.message))).collect();
            match invalid_input_object(&message, class, &Value::Object(errors)) {
                Some(object) => exception.with_object(object),
                None => exception,
            }
        }
        _ => exception,
    }
}

/// An `IpManagerInvalidInputException` carrying `$errors`; `None` if the engine
/// refuses, in which case the plain exception still carries the message.
fn invalid_input_object(message: &str, class: &ExceptionClass, errors: &Value) -> Option<Zval> {
    let mut object = ZendObject::new(class.class_entry());
    object.try_call_method("__construct", vec![&message.to_string(), &(class.code as i64)]).ok()?;
    object.set_property("errors", super::convert::to_zval(errors).ok()?).ok()?;
    object.into_zval(false).ok()
}
