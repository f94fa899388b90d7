//! The subnet tree: parents before children, children inside their parent,
//! siblings apart.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Checker, Fate, Fates, Planned};
use crate::core::address::Address;
use crate::core::exchange::model::ExportSubnet;
use crate::core::exchange::problem::{Origin, ProblemKind};
use crate::core::exchange::record::column::*;
use crate::core::exchange::record::RecordType;
use crate::core::network::validate_child;
use crate::core::range::AddressRange;

impl Checker {
    /// Orders subnets parents first, checks each against its parent and its
    /// siblings, and leaves out overlapping siblings.
    pub(in crate::core::exchange) fn subnets(
        &mut self,
        subnets: Vec<(Origin, ExportSubnet)>,
    ) -> (Planned<ExportSubnet>, Fates) {
        let (candidates, mut fates) = self.unique(RecordType::Subnet, subnets, |subnet| subnet.id);
        let (order, in_loop) = self.parents_first(&candidates, &fates);
        for &index in &in_loop {
            fates.set(candidates[index].1.id, Fate::Dropped);
        }
        let mut planned: Planned<ExportSubnet> = Vec::with_capacity(candidates.len());
        let mut siblings: HashMap<u32, BTreeMap<Address, (Address, usize)>> = HashMap::new();
        let mut candidates: Vec<Option<(Origin, ExportSubnet)>> = candidates.into_iter().map(Some).collect();
        for index in order {
            let Some((origin, subnet)) = candidates.get_mut(index).and_then(Option::take) else { continue };
            if in_loop.contains(&index) {
                continue;
            }
            let fate = self.place_subnet(origin, &subnet, &planned, &fates, &mut siblings);
            fates.set(subnet.id, fate);
            if fate == Fate::Planned(planned.len()) {
                planned.push((origin, subnet));
            }
        }
        (planned, fates)
    }

    /// Where a subnet goes: into the plan (at the next index), or not.
    fn place_subnet(
        &mut self,
        origin: Origin,
        subnet: &ExportSubnet,
        planned: &Planned<ExportSubnet>,
        fates: &Fates,
        siblings: &mut HashMap<u32, BTreeMap<Address, (Address, usize)>>,
    ) -> Fate {
        if subnet.parent_id != 0 {
            match self.follow(fates, subnet.parent_id, "subnet", origin, PARENT_ID) {
                Some(Fate::Planned(parent)) => {
                    if let Err(error) = validate_child(&subnet.cidr, &planned[parent].1.cidr) {
                        self.error(origin, CIDR, error.to_string());
                        return Fate::Dropped;
                    }
                }
                Some(fate) => return fate,
                None => return Fate::Dropped,
            }
        }
        let range = AddressRange::from_network(&subnet.cidr);
        let level = siblings.entry(subnet.parent_id).or_default();
        let overlapping = level
            .range(..=range.last())
            .next_back()
            .filter(|(_, (last, _))| *last >= range.first())
            .map(|(_, (_, index))| *index);
        if let Some(other) = overlapping {
            let (other_origin, other) = &planned[other];
            let relation = if other.cidr == subnet.cidr { "repeats" } else { "overlaps" };
            self.problems.push(origin.problem(
                ProblemKind::Skippable,
                Some(CIDR),
                format!(
                    "{} {relation} {} ({}) at the same level; skipping it also skips its child subnets, \
                     pools, addresses and relations",
                    subnet.cidr,
                    other.cidr,
                    other_origin.describe()
                ),
            ));
            return Fate::Skipped;
        }
        level.insert(range.first(), (range.last(), planned.len()));
        Fate::Planned(planned.len())
    }

    /// Candidate indexes with every parent before its children (otherwise in
    /// file order), and the indexes caught in a `parent_id` loop, reported.
    /// Iterative: a hostile file may chain a million subnets.
    fn parents_first(&mut self, candidates: &Planned<ExportSubnet>, fates: &Fates) -> (Vec<usize>, HashSet<usize>) {
        #[derive(Clone, Copy, PartialEq)]
        enum Visit {
            New,
            Open,
            Done,
        }
        let parent = |index: usize| match fates.get(candidates[index].1.parent_id) {
            Some(Fate::Planned(parent)) if candidates[index].1.parent_id != 0 => Some(parent),
            _ => None,
        };
        let mut visits = vec![Visit::New; candidates.len()];
        let mut order = Vec::with_capacity(candidates.len());
        let mut in_loop = HashSet::new();
        for start in 0..candidates.len() {
            let mut chain = Vec::new();
            let mut current = Some(start);
            while let Some(index) = current {
                match visits[index] {
                    Visit::Done => break,
                    Visit::Open => {
                        let looped =
                            chain.iter().position(|&open| open == index).map_or(&chain[..0], |at| &chain[at..]);
                        let ids: Vec<String> = looped.iter().map(|&i: &usize| candidates[i].1.id.to_string()).collect();
                        let (origin, subnet) = &candidates[index];
                        let message = if looped.len() == 1 {
                            format!("Subnet {} is its own parent.", subnet.id)
                        } else {
                            format!(
                                "Subnets {} are each other's parents through parent_id ({} → {}).",
                                ids.join(", "),
                                ids.join(" → "),
                                subnet.id
                            )
                        };
                        self.error(*origin, PARENT_ID, message);
                        in_loop.extend(looped.iter().copied());
                        break;
                    }
                    Visit::New => {
                        visits[index] = Visit::Open;
                        chain.push(index);
                        current = parent(index);
                    }
                }
            }
            for &index in chain.iter().rev() {
                visits[index] = Visit::Done;
                order.push(index);
            }
        }
        (order, in_loop)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::exchange::check::tests::{cidrs, plan};

    #[test]
    fn puts_parents_before_children() {
        let (plan, problems) = plan(
            "subnet,3,2,,,,,10.0.1.0/26,,,,,,,,\n\
             subnet,2,1,,,,,10.0.1.0/24,,,,,,,,\n\
             subnet,1,0,,,,,10.0.0.0/16,,,,,,,,\n\
             subnet,4,,,,,,2001:db8::/32,,,,,,,,\n",
        );
        assert_eq!(problems, Vec::<String>::new());
        let order: Vec<u32> = cidrs(&plan).iter().map(|(id, _, _)| *id).collect();
        assert_eq!(order, [1, 2, 3, 4]);
    }

    #[test]
    fn children_must_fit_their_parent_and_loops_are_refused() {
        let (plan, problems) = plan(
            "subnet,1,0,,,,,10.0.0.0/16,,,,,,,,\n\
             subnet,2,1,,,,,10.1.0.0/24,,,,,,,,\n\
             subnet,3,4,,,,,10.2.0.0/24,,,,,,,,\n\
             subnet,4,3,,,,,10.2.0.0/25,,,,,,,,\n\
             subnet,5,5,,,,,10.3.0.0/24,,,,,,,,\n",
        );
        assert_eq!(
            problems,
            [
                "Line 4, parent_id: Subnets 3, 4 are each other's parents through parent_id (3 → 4 → 3).",
                "Line 6, parent_id: Subnet 5 is its own parent.",
                "Line 3, cidr: 10.1.0.0/24 is not inside the parent subnet 10.0.0.0/16",
            ]
        );
        assert_eq!(cidrs(&plan), [(1, 0, "10.0.0.0/16".to_string())]);
    }

    #[test]
    fn overlapping_siblings_are_skipped_with_what_they_hold() {
        let (plan, problems) = plan(
            "subnet,1,0,,,,,10.0.0.0/23,,,,,,,,\n\
             subnet,2,0,,,,,10.0.1.0/24,,,,,,,,\n\
             subnet,3,2,,,,,10.0.1.0/25,,,,,,,,\n\
             pool,4,,3,,,,,,,,,,,,\n\
             address,,,3,4,,,,10.0.1.5,free,,,,,,\n\
             address,,,1,,,,,10.0.1.5,free,,,,,,\n\
             address,,,1,,,,,10.0.1.5,reserved,,,,,,\n\
             configuration,9,,,,,Plan,,,,,,,,,\n\
             relation,,,,4,9,,,,,,,server,2,,\n\
             relation,,,1,,9,,,,,,,product,3,,\n",
        );
        assert_eq!(
            problems,
            [
                "Line 3, cidr: 10.0.1.0/24 overlaps 10.0.0.0/23 (line 2) at the same level; skipping it also skips \
                 its child subnets, pools, addresses and relations",
                "Line 8, ip: 10.0.1.5 is already listed in subnet 1 (line 7); skipping keeps the first",
            ]
        );
        assert_eq!(cidrs(&plan), [(1, 0, "10.0.0.0/23".to_string())]);
        assert!(plan.pools.is_empty());
        assert_eq!(plan.addresses.len(), 1);
        assert_eq!(plan.configurations[0].relations.len(), 1);
        assert_eq!(plan.configurations[0].relations[0].subnet_id, 1);
    }
}
