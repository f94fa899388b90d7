//! Which pools a service draws its addresses from (design §5), without I/O.
//!
//! A configuration applies to a service when its product set is empty or
//! holds the service's product, and its server set is empty or holds the
//! service's server, and at least one of the two sets is non-empty. The
//! pools (or subnets) its product and server relations name are then tried in
//! the admin's order; addon and configurable-option relations add extra
//! addresses from their own pool.

use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationType {
    Product,
    Server,
    Addon,
    ConfigOption,
}

impl RelationType {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationType::Product => "product",
            RelationType::Server => "server",
            RelationType::Addon => "addon",
            RelationType::ConfigOption => "configoption",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "product" => RelationType::Product,
            "server" => RelationType::Server,
            "addon" => RelationType::Addon,
            "configoption" => RelationType::ConfigOption,
            _ => return None,
        })
    }
}

/// Where addresses come from: a pool, or a whole subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    Pool(u32),
    Subnet(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub id: u32,
    pub configuration_id: u32,
    pub relation_type: RelationType,
    pub target_id: u32,
    pub source: Source,
    /// Lower first; ties keep the order the relations were made in.
    pub priority: i32,
}

/// What WHMCS knows about the service being provisioned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFacts {
    pub product_id: u32,
    /// 0 when the service has no server.
    pub server_id: u32,
    /// Active product addons of the service: (addon id, quantity).
    pub addons: Vec<(u32, u32)>,
    /// Quantity configurable options chosen: (option id, quantity).
    pub config_options: Vec<(u32, u32)>,
}

/// A source to try, with the configuration that named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub source: Source,
    pub configuration_id: u32,
}

/// Extra addresses an addon or a quantity option asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraRequest {
    pub candidate: Candidate,
    pub count: u32,
}

fn ordered(relations: &[Relation]) -> Vec<&Relation> {
    let mut sorted: Vec<&Relation> = relations.iter().collect();
    sorted.sort_by_key(|r| (r.priority, r.configuration_id, r.id));
    sorted
}

/// The configurations that apply to the service, in the admin's order.
pub fn applicable_configurations(relations: &[Relation], service: &ServiceFacts) -> Vec<u32> {
    let configurations: BTreeSet<u32> = relations.iter().map(|r| r.configuration_id).collect();
    let applies = |configuration_id: u32| {
        let set = |kind: RelationType| -> Vec<u32> {
            relations
                .iter()
                .filter(|r| r.configuration_id == configuration_id && r.relation_type == kind)
                .map(|r| r.target_id)
                .collect()
        };
        let (products, servers) = (set(RelationType::Product), set(RelationType::Server));
        (!products.is_empty() || !servers.is_empty())
            && (products.is_empty() || products.contains(&service.product_id))
            && (servers.is_empty() || servers.contains(&service.server_id))
    };
    let mut order: Vec<u32> = Vec::new();
    for relation in ordered(relations) {
        if configurations.contains(&relation.configuration_id)
            && !order.contains(&relation.configuration_id)
            && applies(relation.configuration_id)
        {
            order.push(relation.configuration_id);
        }
    }
    order
}

/// The pools and subnets to try for the service's main addresses, first
/// choice first, each once.
pub fn candidates(relations: &[Relation], service: &ServiceFacts) -> Vec<Candidate> {
    let applicable = applicable_configurations(relations, service);
    let mut out: Vec<Candidate> = Vec::new();
    for relation in ordered(relations) {
        let main = matches!(relation.relation_type, RelationType::Product | RelationType::Server);
        if main && applicable.contains(&relation.configuration_id) && !out.iter().any(|c| c.source == relation.source) {
            out.push(Candidate { source: relation.source, configuration_id: relation.configuration_id });
        }
    }
    out
}

/// Extra addresses asked for by the service's addons and quantity options
/// that a relation names, whichever configuration holds the relation.
pub fn extra_requests(relations: &[Relation], service: &ServiceFacts) -> Vec<ExtraRequest> {
    let mut out = Vec::new();
    for relation in ordered(relations) {
        let chosen = match relation.relation_type {
            RelationType::Addon => &service.addons,
            RelationType::ConfigOption => &service.config_options,
            _ => continue,
        };
        let count: u32 = chosen.iter().filter(|(id, _)| *id == relation.target_id).map(|(_, qty)| *qty).sum();
        if count > 0 {
            out.push(ExtraRequest {
                candidate: Candidate { source: relation.source, configuration_id: relation.configuration_id },
                count,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relation(id: u32, configuration_id: u32, kind: RelationType, target_id: u32, pool: u32) -> Relation {
        Relation { id, configuration_id, relation_type: kind, target_id, source: Source::Pool(pool), priority: 0 }
    }

    fn service(product_id: u32, server_id: u32) -> ServiceFacts {
        ServiceFacts { product_id, server_id, ..Default::default() }
    }

    #[test]
    fn product_and_server_sets_must_both_match_when_present() {
        use RelationType::*;
        let relations = vec![
            relation(1, 10, Product, 5, 100),
            relation(2, 10, Server, 7, 100),
            relation(3, 20, Product, 5, 200),
            relation(4, 30, Server, 8, 300),
        ];
        assert_eq!(applicable_configurations(&relations, &service(5, 7)), vec![10, 20]);
        assert_eq!(applicable_configurations(&relations, &service(5, 8)), vec![20, 30]);
        assert_eq!(applicable_configurations(&relations, &service(6, 8)), vec![30]);
        assert!(applicable_configurations(&relations, &service(6, 9)).is_empty());
    }

    #[test]
    fn a_configuration_without_product_or_server_relations_never_applies() {
        let relations = vec![relation(1, 10, RelationType::Addon, 3, 100)];
        assert!(applicable_configurations(&relations, &service(1, 1)).is_empty());
        assert!(candidates(&relations, &service(1, 1)).is_empty());
    }

    #[test]
    fn candidates_follow_priority_then_creation_and_appear_once() {
        use RelationType::*;
        let mut relations = vec![
            relation(1, 10, Product, 5, 100),
            relation(2, 10, Server, 7, 101),
            relation(3, 20, Product, 5, 100),
            relation(4, 20, Product, 5, 200),
        ];
        let pools = |rs: &[Relation]| candidates(rs, &service(5, 7)).iter().map(|c| c.source).collect::<Vec<_>>();
        assert_eq!(pools(&relations), vec![Source::Pool(100), Source::Pool(101), Source::Pool(200)]);
        relations[3].priority = -1;
        assert_eq!(pools(&relations), vec![Source::Pool(200), Source::Pool(100), Source::Pool(101)]);
    }

    #[test]
    fn addons_and_quantity_options_ask_for_extra_addresses() {
        use RelationType::*;
        let relations = vec![relation(1, 10, Product, 5, 100), relation(2, 10, Addon, 3, 150), relation(3, 11, ConfigOption, 9, 160)];
        let mut facts = service(5, 0);
        facts.addons = vec![(3, 1), (4, 2)];
        facts.config_options = vec![(9, 3)];
        let extras = extra_requests(&relations, &facts);
        assert_eq!(extras.iter().map(|e| (e.candidate.source, e.count)).collect::<Vec<_>>(), vec![(Source::Pool(150), 1), (Source::Pool(160), 3)]);
        facts.config_options = vec![(9, 0)];
        assert_eq!(extra_requests(&relations, &facts).len(), 1);
    }

    #[test]
    fn relation_types_round_trip_through_their_database_names() {
        for kind in [RelationType::Product, RelationType::Server, RelationType::Addon, RelationType::ConfigOption] {
            assert_eq!(RelationType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RelationType::parse("domain"), None);
    }
}
