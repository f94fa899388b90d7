//! The Configurations page (guide §8): which products and servers get their
//! addresses from which pool or subnet, in which order.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::input::Input;
use crate::app::subnets::Saved;
use crate::core::matching::{RelationType, Source};
use crate::error::FieldError;
use crate::store::configurations::{self, Configuration};
use crate::store::logs::{self, LogEntry};
use crate::store::{pools, subnets, whmcs};
use crate::{Error, Result};

#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfigurationForm {
    pub id: Option<u32>,
    pub name: String,
    pub omit_dedicated_ip: bool,
    pub use_custom_field: bool,
    pub custom_field_name: String,
}

/// "Assign pool to products and servers".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Selection {
    pub pool_id: Option<u32>,
    pub subnet_id: Option<u32>,
    pub products: Vec<u32>,
    pub servers: Vec<u32>,
}

impl ConfigurationForm {
    pub fn from_input(input: &Input) -> Result<Self> {
        Ok(ConfigurationForm {
            id: input.id("id")?,
            name: input.text("name"),
            omit_dedicated_ip: input.flag("omit_dedicated_ip"),
            use_custom_field: input.flag("use_custom_field"),
            custom_field_name: input.text("custom_field_name"),
        })
    }
}

impl Selection {
    pub fn from_input(input: &Input) -> Result<Self> {
        Ok(Selection {
            pool_id: input.id("pool_id")?,
            subnet_id: input.id("subnet_id")?,
            products: input.ids("products")?,
            servers: input.ids("servers")?,
        })
    }

    /// The pool or subnet chosen, checked: one of them when anything is selected.
    pub fn source(&self) -> std::result::Result<Option<Source>, FieldError> {
        let anything = !self.products.is_empty() || !self.servers.is_empty();
        match (self.pool_id, self.subnet_id) {
            (Some(_), Some(_)) => Err(FieldError { field: "pool_id".into(), message: "Choose a pool or a subnet, not both.".into() }),
            (Some(pool), None) => Ok(Some(Source::Pool(pool))),
            (None, Some(subnet)) => Ok(Some(Source::Subnet(subnet))),
            (None, None) if anything => Err(FieldError {
                field: "pool_id".into(),
                message: "Choose the pool or subnet the selected products and servers get their addresses from.".into(),
            }),
            (None, None) => Ok(None),
        }
    }
}

/// Checks the basic settings.
pub fn validate(form: &ConfigurationForm) -> std::result::Result<Configuration, Vec<FieldError>> {
    let mut errors = Vec::new();
    if form.name.is_empty() {
        errors.push(FieldError { field: "name".into(), message: "Enter a name for the configuration.".into() });
    } else if form.name.chars().count() > 255 {
        errors.push(FieldError { field: "name".into(), message: "The name can be at most 255 characters long.".into() });
    }
    if form.use_custom_field && form.custom_field_name.is_empty() {
        errors.push(FieldError {
            field: "custom_field_name".into(),
            message: "Enter the name of the product custom field that receives the addresses.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Configuration {
        id: form.id.unwrap_or(0),
        name: form.name.clone(),
        omit_dedicated_ip: form.omit_dedicated_ip,
        use_custom_field: form.use_custom_field,
        custom_field_name: form.custom_field_name.clone(),
    })
}

#[derive(Debug, Serialize)]
pub struct ConfigurationRow {
    pub id: u32,
    pub name: String,
    pub products: usize,
    pub servers: usize,
    pub other_relations: usize,
}

pub async fn list(mut conn: Conn) -> Result<Vec<ConfigurationRow>> {
    let all = configurations::all(&mut conn).await?;
    let relations = configurations::relations(&mut conn, None).await?;
    Ok(all
        .into_iter()
        .map(|c| {
            let count = |kinds: &[RelationType]| {
                relations.iter().filter(|r| r.configuration_id == c.id && kinds.contains(&r.relation_type)).count()
            };
            ConfigurationRow {
                id: c.id,
                products: count(&[RelationType::Product]),
                servers: count(&[RelationType::Server]),
                other_relations: count(&[RelationType::Addon, RelationType::ConfigOption]),
                name: c.name,
            }
        })
        .collect())
}

#[derive(Debug, Serialize)]
pub struct RelationRow {
    pub id: u32,
    pub relation_type: &'static str,
    pub target: String,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct ConfigurationPage {
    pub editing: bool,
    pub form: ConfigurationForm,
    pub selection: Selection,
    pub relations: Vec<RelationRow>,
    pub products: Vec<(u32, String)>,
    pub servers: Vec<(u32, String)>,
    pub addons: Vec<(u32, String)>,
    pub config_options: Vec<(u32, String)>,
    pub pools: Vec<(u32, String)>,
    pub subnets: Vec<(u32, String)>,
}

/// The create page, or the edit page with its relations in the order pools are tried.
pub async fn page(mut conn: Conn, id: Option<u32>) -> Result<ConfigurationPage> {
    let products = whmcs::products(&mut conn).await?;
    let servers = whmcs::servers(&mut conn).await?;
    let addons = whmcs::product_addons(&mut conn).await?;
    let config_options = whmcs::quantity_option_choices(&mut conn).await?;
    let all_subnets = subnets::all(&mut conn).await?;
    let all_pools = pools::all(&mut conn).await?;
    let pool_label = |id: u32| {
        all_pools.iter().find(|p| p.id == id).map_or_else(|| format!("pool #{id} (deleted)"), |p| {
            let subnet = all_subnets.iter().find(|s| s.id == p.subnet_id).map(|s| s.network.to_string()).unwrap_or_default();
            format!("{} ({subnet})", p.name)
        })
    };
    let subnet_label = |id: u32| {
        all_subnets.iter().find(|s| s.id == id).map_or_else(|| format!("subnet #{id} (deleted)"), |s| format!("{} ({})", s.name, s.network))
    };
    let (form, selection, relations) = match id {
        None => (ConfigurationForm::default(), Selection::default(), Vec::new()),
        Some(id) => {
            let c = configurations::find(&mut conn, id).await?;
            let relations = configurations::relations(&mut conn, Some(id)).await?;
            let main = relations.iter().find(|r| matches!(r.relation_type, RelationType::Product | RelationType::Server));
            let selection = Selection {
                pool_id: main.and_then(|r| match r.source { Source::Pool(p) => Some(p), Source::Subnet(_) => None }),
                subnet_id: main.and_then(|r| match r.source { Source::Subnet(s) => Some(s), Source::Pool(_) => None }),
                products: relations.iter().filter(|r| r.relation_type == RelationType::Product).map(|r| r.target_id).collect(),
                servers: relations.iter().filter(|r| r.relation_type == RelationType::Server).map(|r| r.target_id).collect(),
            };
            let name_in = |list: &[(u32, String)], target: u32| {
                list.iter().find(|(i, _)| *i == target).map_or_else(|| format!("#{target} (deleted)"), |(_, n)| n.clone())
            };
            let rows = relations
                .iter()
                .map(|r| RelationRow {
                    id: r.id,
                    relation_type: r.relation_type.as_str(),
                    target: match r.relation_type {
                        RelationType::Product => name_in(&products, r.target_id),
                        RelationType::Server => name_in(&servers, r.target_id),
                        RelationType::Addon => name_in(&addons, r.target_id),
                        RelationType::ConfigOption => name_in(&config_options, r.target_id),
                    },
                    source: match r.source {
                        Source::Pool(p) => pool_label(p),
                        Source::Subnet(s) => subnet_label(s),
                    },
                })
                .collect();
            let form = ConfigurationForm {
                id: Some(c.id),
                name: c.name,
                omit_dedicated_ip: c.omit_dedicated_ip,
                use_custom_field: c.use_custom_field,
                custom_field_name: c.custom_field_name,
            };
            (form, selection, rows)
        }
    };
    Ok(ConfigurationPage {
        editing: id.is_some(),
        form,
        selection,
        relations,
        pools: all_pools.iter().map(|p| (p.id, pool_label(p.id))).collect(),
        subnets: all_subnets.iter().map(|s| (s.id, subnet_label(s.id))).collect(),
        products,
        servers,
        addons,
        config_options,
    })
}

async fn check_source<Q: Queryable>(db: &mut Q, source: Source) -> Result<()> {
    match source {
        Source::Pool(id) => pools::find(db, id).await.map(|_| ()).map_err(|_| Error::field("pool_id", format!("Pool #{id} does not exist."))),
        Source::Subnet(id) => subnets::find(db, id).await.map(|_| ()).map_err(|_| Error::field("subnet_id", format!("Subnet #{id} does not exist."))),
    }
}

/// Creates a configuration (with the selection's relations) or saves the
/// basic settings of an existing one.
pub async fn save(mut conn: Conn, form: &ConfigurationForm, selection: &Selection, actor: &Actor) -> Result<Saved> {
    let (configuration, source) = match (validate(form), selection.source()) {
        (Ok(configuration), Ok(source)) => (configuration, source),
        (basic, source) => {
            let mut errors = basic.err().unwrap_or_default();
            errors.extend(source.err());
            return Err(Error::fields(errors));
        }
    };
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let (id, message) = match form.id {
        Some(id) => {
            configurations::find(&mut tx, id).await?;
            configurations::update(&mut tx, &configuration).await?;
            (id, format!("Configuration \"{}\" saved.", configuration.name))
        }
        None => {
            let id = configurations::insert(&mut tx, &configuration).await?;
            if let Some(source) = source {
                check_source(&mut tx, source).await?;
                replace_relations(&mut tx, id, source, selection).await?;
            }
            (id, format!("Configuration \"{}\" created.", configuration.name))
        }
    };
    logs::record(&mut tx, actor, LogEntry { action: "configuration_saved", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}

async fn replace_relations<Q: Queryable>(tx: &mut Q, id: u32, source: Source, selection: &Selection) -> Result<()> {
    configurations::clear_relations(tx, id, &[RelationType::Product, RelationType::Server]).await?;
    for product in &selection.products {
        configurations::add_relation(tx, id, RelationType::Product, *product, source).await?;
    }
    for server in &selection.servers {
        configurations::add_relation(tx, id, RelationType::Server, *server, source).await?;
    }
    Ok(())
}

/// "Save products and servers selection": replaces this configuration's
/// product and server relations.
pub async fn save_selection(mut conn: Conn, id: u32, selection: &Selection, actor: &Actor) -> Result<Saved> {
    let source = selection.source().map_err(|e| Error::fields(vec![e]))?;
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let configuration = configurations::find(&mut tx, id).await?;
    match source {
        Some(source) => {
            check_source(&mut tx, source).await?;
            replace_relations(&mut tx, id, source, selection).await?;
        }
        None => configurations::clear_relations(&mut tx, id, &[RelationType::Product, RelationType::Server]).await?,
    }
    let message = format!(
        "Configuration \"{}\": {} products and {} servers selected.",
        configuration.name,
        selection.products.len(),
        selection.servers.len()
    );
    logs::record(&mut tx, actor, LogEntry { action: "configuration_relations", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}

/// Adds one relation of any type; `target` is `type:id` (e.g. `addon:4`).
pub async fn add_relation(mut conn: Conn, id: u32, input: &Input, actor: &Actor) -> Result<Saved> {
    let target_text = input.text("target");
    let (kind, target) = target_text
        .split_once(':')
        .and_then(|(kind, target)| Some((RelationType::parse(kind)?, target.parse::<u32>().ok().filter(|t| *t > 0)?)))
        .ok_or_else(|| Error::field("target", "Choose the product, server, addon or configurable option to relate."))?;
    let selection = Selection { pool_id: input.id("pool_id")?, subnet_id: input.id("subnet_id")?, products: vec![target], servers: Vec::new() };
    let source = selection.source().map_err(|e| Error::fields(vec![e]))?.expect("a target is selected");
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let configuration = configurations::find(&mut tx, id).await?;
    check_source(&mut tx, source).await?;
    configurations::add_relation(&mut tx, id, kind, target, source).await?;
    let message = format!("Configuration \"{}\": {} #{target} added.", configuration.name, kind.as_str());
    logs::record(&mut tx, actor, LogEntry { action: "configuration_relations", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}

pub async fn delete_relation(mut conn: Conn, id: u32, relation_id: u32, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    if configurations::delete_relation(&mut tx, id, relation_id).await? == 0 {
        return Err(Error::NotFound(format!("Relation #{relation_id} does not exist in configuration #{id}.")));
    }
    let message = format!("Relation #{relation_id} deleted.");
    logs::record(&mut tx, actor, LogEntry { action: "configuration_relations", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}

/// Moves a relation one place earlier or later in the order pools are tried.
pub async fn move_relation(mut conn: Conn, id: u32, relation_id: u32, earlier: bool, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let all = configurations::relations(&mut tx, None).await?;
    let position = all.iter().position(|r| r.id == relation_id && r.configuration_id == id)
        .ok_or_else(|| Error::NotFound(format!("Relation #{relation_id} does not exist in configuration #{id}.")))?;
    let neighbour = if earlier { position.checked_sub(1) } else { Some(position + 1).filter(|p| *p < all.len()) };
    if let Some(other) = neighbour {
        // Renumber everything so equal priorities cannot make a swap a no-op.
        let mut order: Vec<u32> = all.iter().map(|r| r.id).collect();
        order.swap(position, other);
        for (index, relation) in order.iter().enumerate() {
            configurations::set_priority(&mut tx, *relation, index as i32 + 1).await?;
        }
    }
    let message = format!("Relation #{relation_id} moved {}.", if earlier { "up" } else { "down" });
    logs::record(&mut tx, actor, LogEntry { action: "configuration_relations", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}

pub async fn delete(mut conn: Conn, id: u32, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let configuration = configurations::find(&mut tx, id).await?;
    configurations::delete(&mut tx, id).await?;
    let message = format!("Configuration \"{}\" deleted with its relations.", configuration.name);
    logs::record(&mut tx, actor, LogEntry { action: "configuration_deleted", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}
